import { describe, expect, it } from '@jest/globals'
import { evaluateGate, type GatePolicy } from '../../src/gate.js'
import { roundScore } from '../../src/score.js'
import type { Control, Report } from '../../src/providers/types.js'

function control(id: string, status: Control['status'], severityRank: number): Control {
  return { id, title: id, status, severity: `S${severityRank}`, severityRank }
}

function report(score: number, controls: Control[]): Report {
  return {
    provider: 'cloudneeti',
    accountId: 'a',
    benchmark: { id: 'CSBP' },
    scanId: null,
    score,
    controls,
    notes: []
  }
}

const open: GatePolicy = { minScore: 0, failOnSeverity: null, maxFailures: null }

describe('evaluateGate', () => {
  it('passes when no rule is violated', () => {
    const d = evaluateGate(report(50, [control('a', 'failed', 4)]), open)
    expect(d.result).toBe('pass')
    expect(d.reasons).toEqual([])
    expect(d.failedControls.map(c => c.id)).toEqual(['a'])
  })

  it('fails on a score below min-score and passes at exactly min-score', () => {
    expect(evaluateGate(report(79.99, []), { ...open, minScore: 80 }).result).toBe('fail')
    expect(evaluateGate(report(80, []), { ...open, minScore: 80 }).result).toBe('pass')
  })

  it('compares the score as it is reported, rounded to two decimals', () => {
    expect(roundScore(24.888889)).toBe(24.89)
    expect(evaluateGate(report(24.888889, []), { ...open, minScore: 24.89 }).result).toBe('pass')
  })

  it('fails on a failed control at or above the severity threshold only', () => {
    const policy = { ...open, failOnSeverity: { name: 'High', rank: 3 } }
    expect(
      evaluateGate(report(90, [control('low', 'failed', 2), control('hi', 'passed', 4)]), policy).result
    ).toBe('pass')
    const d = evaluateGate(report(90, [control('high', 'failed', 3), control('crit', 'failed', 4)]), policy)
    expect(d.result).toBe('fail')
    expect(d.blocking.map(c => c.control.id)).toEqual(['high', 'crit'])
    expect(d.reasons[0]).toBe('2 failed controls at severity High or higher')
  })

  it('fails when failed controls exceed max-failures, whatever their severity', () => {
    const controls = [control('a', 'failed', 0), control('b', 'failed', 0), control('c', 'not-applicable', 4)]
    expect(evaluateGate(report(90, controls), { ...open, maxFailures: 2 }).result).toBe('pass')
    expect(evaluateGate(report(90, controls), { ...open, maxFailures: 1 }).reasons).toEqual([
      '2 failed controls exceed max-failures 1'
    ])
    expect(evaluateGate(report(90, []), { ...open, maxFailures: 0 }).result).toBe('pass')
  })

  it('lists every violated rule', () => {
    const policy: GatePolicy = { minScore: 95, failOnSeverity: { name: 'Low', rank: 1 }, maxFailures: 0 }
    expect(evaluateGate(report(10, [control('a', 'failed', 4)]), policy).reasons).toHaveLength(3)
  })

  it('carries every rule it evaluated, with its threshold and the value it met', () => {
    const policy: GatePolicy = { minScore: 80, failOnSeverity: { name: 'High', rank: 3 }, maxFailures: 5 }
    const d = evaluateGate(report(79.999, [control('a', 'failed', 4), control('b', 'failed', 1)]), policy)
    expect(
      d.rules.map(({ rule, threshold, actual, passed }) => ({ rule, threshold, actual, passed }))
    ).toEqual([
      { rule: 'min-score', threshold: 80, actual: 80, passed: true },
      { rule: 'fail-on-severity', threshold: 'High', actual: 1, passed: false },
      { rule: 'max-failures', threshold: 5, actual: 2, passed: true }
    ])
    expect(d.reasons).toEqual(['1 failed control at severity High or higher'])
  })

  it('lists only the rules that are switched on', () => {
    expect(evaluateGate(report(50, []), open).rules).toEqual([])
  })
})
