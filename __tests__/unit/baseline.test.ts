import { describe, expect, it } from '@jest/globals'
import { baselineFromResults, compare, emptyBaseline } from '../../src/baseline.js'
import type { GatePolicy } from '../../src/gate.js'
import { judge } from '../../src/judge.js'
import { CONFORMITY_SEVERITIES } from '../../src/providers/conformity/normalize.js'
import type { Control, Finding, Report } from '../../src/providers/types.js'
import type { Waiver } from '../../src/waivers.js'

const RANK: Record<string, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, VERY_HIGH: 3, EXTREME: 4 }

const finding = (resource: string, severity = 'LOW', region = 'us-east-1'): Finding => ({
  resource,
  region,
  severity
})

function failed(id: string, findings: Finding[] | undefined, severity?: string): Control {
  const worst =
    severity ?? findings?.reduce((a, f) => (RANK[f.severity!] > RANK[a] ? f.severity! : a), 'LOW') ?? 'LOW'
  return { id, title: `Title ${id}`, status: 'failed', severity: worst, severityRank: RANK[worst], findings }
}

function report(score: number, controls: Control[]): Report {
  return {
    provider: 'conformity',
    accountId: 'acc',
    benchmark: { id: 'all checks' },
    scanId: null,
    score,
    controls,
    notes: []
  }
}

const policy = (over: Partial<GatePolicy> = {}): GatePolicy => ({
  minScore: 0,
  failOnSeverity: { name: 'HIGH', rank: 2 },
  maxFailures: null,
  gateOn: 'new',
  maxScoreDrop: null,
  ...over
})

const verdict = (
  now: Report,
  before: Report | undefined,
  over: Partial<GatePolicy> = {},
  waivers?: Waiver[]
) =>
  judge(now, policy(over), CONFORMITY_SEVERITIES, {
    baseline: before ? baselineFromResults('previous', before) : undefined,
    waivers
  })

describe('comparing with a baseline (contract §9)', () => {
  const old = failed('S3-001', [finding('bucket-a', 'HIGH')])

  it('an old failure alone passes with gate-on new and fails with gate-on all', () => {
    const before = report(80, [old])
    const now = report(80, [failed('S3-001', [finding('bucket-a', 'HIGH')])])
    expect(verdict(now, before).gate.result).toBe('pass')
    expect(verdict(now, before).comparison?.regressions).toEqual([])
    expect(verdict(now, before, { gateOn: 'all' }).gate.result).toBe('fail')
  })

  it('a new finding of an old control is a regression, at the severity of the new finding', () => {
    const before = report(80, [failed('S3-001', [finding('bucket-a', 'LOW')])])
    const now = report(78, [failed('S3-001', [finding('bucket-a', 'LOW'), finding('bucket-b', 'EXTREME')])])
    const { gate, comparison } = verdict(now, before)
    expect(comparison?.regressions).toEqual([
      expect.objectContaining({
        severity: 'EXTREME',
        newlyFailed: false,
        findings: [finding('bucket-b', 'EXTREME')]
      })
    ])
    expect(gate.result).toBe('fail')
    expect(comparison?.scoreChange).toBe(-2)
  })

  it('the same resource in another region is a new finding', () => {
    const before = report(80, [failed('S3-001', [finding('bucket-a', 'HIGH', 'us-east-1')])])
    const now = report(80, [failed('S3-001', [finding('bucket-a', 'HIGH', 'eu-west-1')])])
    expect(verdict(now, before).comparison?.regressions).toHaveLength(1)
  })

  it("a newly failed control is a regression at the control's severity; a new High fails either way", () => {
    const before = report(90, [])
    const now = report(85, [failed('EC2-001', [finding('i-1', 'HIGH')])])
    expect(verdict(now, before).comparison?.regressions[0]).toMatchObject({
      newlyFailed: true,
      severity: 'HIGH'
    })
    expect(verdict(now, before).gate.result).toBe('fail')
    expect(verdict(now, before, { gateOn: 'all' }).gate.result).toBe('fail')
  })

  it('without findings on either side, a control is a regression only when it did not fail before', () => {
    const before = report(80, [failed('P1', undefined, 'HIGH')])
    expect(verdict(report(80, [failed('P1', undefined, 'HIGH')]), before).comparison?.regressions).toEqual([])
    expect(
      verdict(report(80, [failed('P2', undefined, 'HIGH')]), before).comparison?.regressions
    ).toHaveLength(1)
  })

  it('findings on one side only compare the control as a whole', () => {
    const before = report(80, [failed('P1', undefined, 'HIGH')])
    const now = report(80, [failed('P1', [finding('r1', 'HIGH')])])
    expect(verdict(now, before).comparison?.regressions).toEqual([])
  })

  it('lists the controls fixed since, and the score change', () => {
    const before = report(70, [old, failed('IAM-001', [finding('u1')])])
    const now = report(75.5, [failed('S3-001', [finding('bucket-a', 'HIGH')])])
    const { comparison } = verdict(now, before)
    expect(comparison?.fixed).toEqual([{ id: 'IAM-001', title: 'Title IAM-001' }])
    expect(comparison?.scoreChange).toBe(5.5)
  })

  it('max-score-drop fails a drop larger than allowed, and passes one within it', () => {
    const before = report(80, [])
    expect(verdict(report(77, []), before, { maxScoreDrop: 2 }).gate.reasons).toEqual([
      'the score dropped by 3 points, more than max-score-drop 2'
    ])
    expect(verdict(report(78, []), before, { maxScoreDrop: 2 }).gate.result).toBe('pass')
  })

  it('min-score stays absolute with gate-on new', () => {
    const before = report(50, [])
    expect(verdict(report(50, []), before, { minScore: 60 }).gate.result).toBe('fail')
  })

  it('an empty baseline makes every failure new and has no score change', () => {
    const comparison = compare(
      [{ control: old, findings: old.findings, severity: 'HIGH', severityRank: 2 }],
      [old],
      80,
      emptyBaseline('previous'),
      CONFORMITY_SEVERITIES
    )
    expect(comparison.regressions).toHaveLength(1)
    expect(comparison.scoreChange).toBeNull()
  })

  it('max-failures counts regressions only with gate-on new', () => {
    const before = report(80, [failed('A', [finding('a')]), failed('B', [finding('b')])])
    const now = report(80, [
      failed('A', [finding('a')]),
      failed('B', [finding('b')]),
      failed('C', [finding('c')])
    ])
    expect(verdict(now, before, { failOnSeverity: null, maxFailures: 1 }).gate.result).toBe('pass')
    expect(verdict(now, before, { failOnSeverity: null, maxFailures: 1, gateOn: 'all' }).gate.result).toBe(
      'fail'
    )
  })
})

describe('waivers with a baseline', () => {
  const waiver = (over: Partial<Waiver>): Waiver => ({
    control: 'S3-001',
    reason: 'accepted',
    expires: '2099-12-31',
    line: 2,
    ...over
  })

  it('a regression whose new findings are all waived is not a regression', () => {
    const before = report(80, [failed('S3-001', [finding('a', 'LOW')])])
    const now = report(80, [failed('S3-001', [finding('a', 'LOW'), finding('b', 'EXTREME')])])
    const j = verdict(now, before, {}, [waiver({ resource: 'b' })])
    expect(j.comparison?.regressions).toEqual([])
    expect(j.gate.result).toBe('pass')
    expect(j.waivers?.waived).toEqual([])
  })

  it('a fully waived control stays failed, counts for nothing and is not fixed', () => {
    const before = report(80, [failed('S3-001', [finding('a', 'HIGH')])])
    const now = report(80, [failed('S3-001', [finding('a', 'HIGH')])])
    const j = verdict(now, before, { gateOn: 'all' }, [waiver({})])
    expect(j.waivers?.waived.map(c => c.id)).toEqual(['S3-001'])
    expect(j.gate.failedControls.map(c => c.id)).toEqual(['S3-001'])
    expect(j.gate.result).toBe('pass')
    expect(j.comparison?.fixed).toEqual([])
  })
})
