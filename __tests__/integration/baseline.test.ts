/**
 * Each user path here runs `dist/index.js` as the runner does (`runAction`); its variants run the
 * same step from the sources in this process (`runActionInProcess`, held to the bundle's traces
 * by inprocess-parity.test.ts), which costs a fraction of the CPU.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { World } from '../../emulator/server.ts'
import { runAction, type ActionRun } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import { SAMPLE, cloudneetiInputs, conformityInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
const cn = SAMPLE.cloudneeti
const cc = SAMPLE.conformity

type Policy = {
  policyId: string
  severity: 'High' | 'Low' | 'Critical'
  passed: number
  total: number
  assets?: string[]
}

const policySpec = (p: Policy) => ({
  policyId: p.policyId,
  title: `Policy ${p.policyId}`,
  severity: p.severity,
  category: 'Storage',
  service: 'S3',
  passed: p.passed,
  total: p.total,
  ...(p.assets ? { failedAssets: p.assets.map(id => ({ resourceId: id, region: 'us-east-1' })) } : {})
})

/** Cloudneeti prod-aws with these CSBP policies before and after a scan (no before: never scanned). */
function cloudneetiWorld(before: Policy[] | undefined, after: Policy[]): World {
  return fastWorld(w => {
    const account = w.cloudneeti!.licenses![0].accounts!.find(a => a.accountId === cn.accounts.prodAws)!
    account.benchmarks = {
      CSBP: {
        name: 'CSBP',
        ...(before ? { before: before.map(policySpec) } : {}),
        after: after.map(policySpec)
      }
    }
  })
}

type Check = {
  rule: string
  status: 'SUCCESS' | 'FAILURE'
  risk: 'LOW' | 'HIGH' | 'EXTREME'
  resource: string
}

function conformityWorld(before: Check[], after: Check[]): World {
  const spec = (c: Check) => ({ ...c, region: 'us-east-1', service: 'S3' })
  return fastWorld(w => {
    const account = w.conformity!.accounts!.find(a => a.id === cc.accounts.prod)!
    account.checks = before.map(spec)
    account.checksAfterScan = after.map(spec)
  })
}

const verdict = (run: ActionRun) => ({
  result: run.outputs.result,
  'new-failures': run.outputs['new-failures'],
  fixed: run.outputs.fixed,
  'score-change': run.outputs['score-change']
})

const workdir = () => mkdtempSync(path.join(tmpdir(), 'baseline-'))

describe('cloudneeti: gating on what the deployment changed', () => {
  const oldFailure: Policy = {
    policyId: 'OLD',
    severity: 'High',
    passed: 0,
    total: 2,
    assets: ['bucket-a', 'bucket-b']
  }
  const green: Policy = { policyId: 'GREEN', severity: 'Low', passed: 1, total: 1 }

  it('an old failure alone passes with gate-on new and fails with gate-on all', async () => {
    emu.setWorld(cloudneetiWorld([oldFailure, green], [oldFailure, green]))
    const onlyNew = await runAction(cloudneetiInputs(emu.url, { 'compare-to': 'previous', 'gate-on': 'new' }))
    expect(verdict(onlyNew)).toEqual({ result: 'pass', 'new-failures': '0', fixed: '0', 'score-change': '0' })
    // the previous results were read before the rescan was asked for
    const paths = emu.log.map(e => e.path)
    expect(paths.findIndex(p => p.endsWith('/benchmark/CSBP/summary'))).toBeLessThan(
      paths.findIndex(p => p.endsWith('/rescan'))
    )
    expect(onlyNew.summary).toContain('Compared with')

    emu.setWorld(cloudneetiWorld([oldFailure, green], [oldFailure, green]))
    const all = await runAction(cloudneetiInputs(emu.url, { 'compare-to': 'previous', 'gate-on': 'all' }))
    expect(all.outputs.result).toBe('fail')
  })

  it('a new failing resource of an old control is a regression', async () => {
    const before: Policy = { ...oldFailure, passed: 1, total: 2, assets: ['bucket-a'] }
    emu.setWorld(cloudneetiWorld([before, green], [oldFailure, green]))
    const run = await runActionInProcess(
      cloudneetiInputs(emu.url, { 'compare-to': 'previous', 'gate-on': 'new' })
    )
    expect(verdict(run)).toMatchObject({ result: 'fail', 'new-failures': '1' })
    expect(run.outputs.reason).toBe('1 new failed control at severity High or higher')
    const regressions = (
      run.report?.accounts as {
        comparison: { regressions: { id: string; findings: { resource: string }[] }[] }
      }[]
    )[0].comparison.regressions
    expect(regressions).toEqual([
      expect.objectContaining({ id: 'OLD', findings: [expect.objectContaining({ resource: 'bucket-b' })] })
    ])
  })

  it('a new High failure fails either way, and a fixed control is counted', async () => {
    const fixedOne: Policy = { policyId: 'FIXED', severity: 'Low', passed: 0, total: 1, assets: ['q'] }
    const newHigh: Policy = { policyId: 'NEW', severity: 'High', passed: 0, total: 1, assets: ['x'] }
    for (const gateOn of ['new', 'all']) {
      emu.setWorld(
        cloudneetiWorld([green, fixedOne], [green, { ...fixedOne, passed: 1, assets: undefined }, newHigh])
      )
      const run = await runActionInProcess(
        cloudneetiInputs(emu.url, { 'compare-to': 'previous', 'gate-on': gateOn })
      )
      expect(verdict(run)).toMatchObject({ result: 'fail', 'new-failures': '1', fixed: '1' })
    }
  })

  it('a baseline file written by an earlier run works like previous', async () => {
    const before: Policy = { ...oldFailure, passed: 1, total: 2, assets: ['bucket-a'] }
    emu.setWorld(cloudneetiWorld([before, green], [oldFailure, green]))
    const dir = workdir()
    const audit = await runAction(
      cloudneetiInputs(emu.url, { mode: 'audit', 'report-path': path.join(dir, 'before.json') })
    )
    expect(audit.outputs.result).toBe('fail')
    const run = await runAction(
      cloudneetiInputs(emu.url, {
        'compare-to': path.join(dir, 'before.json'),
        'gate-on': 'new',
        'max-score-drop': '100'
      })
    )
    expect(verdict(run)).toMatchObject({ result: 'fail', 'new-failures': '1' })
    expect(run.report).toMatchObject({
      accounts: [{ comparison: { baseline: { source: path.join(dir, 'before.json') } } }]
    })
  })

  it('a waiver for the new resource lets the deployment through, and is counted', async () => {
    const before: Policy = { ...oldFailure, passed: 1, total: 2, assets: ['bucket-a'] }
    emu.setWorld(cloudneetiWorld([before, green], [oldFailure, green]))
    const dir = workdir()
    writeFileSync(
      path.join(dir, 'waivers.yml'),
      'waivers:\n  - control: OLD\n    resource: bucket-b\n    reason: Reviewed by security\n    expires: 2999-12-31\n'
    )
    const run = await runAction(
      cloudneetiInputs(emu.url, {
        'compare-to': 'previous',
        'gate-on': 'new',
        waivers: path.join(dir, 'waivers.yml')
      })
    )
    expect(verdict(run)).toMatchObject({ result: 'pass', 'new-failures': '0' })
    // bucket-a is still failing and not waived, so the control is not waived whole
    expect(run.outputs.waived).toBe('0')
  })

  it('an account with no successful scan yet has an empty baseline, and says so', async () => {
    emu.setWorld(cloudneetiWorld(undefined, [oldFailure, green]))
    const run = await runActionInProcess(
      cloudneetiInputs(emu.url, { 'compare-to': 'previous', 'gate-on': 'new' })
    )
    expect(run.stdout).toMatch(
      /::warning::Account \S+ has no completed results yet, so the baseline is empty/
    )
    expect(verdict(run)).toMatchObject({ result: 'fail', 'new-failures': '1', 'score-change': '' })
  })
})

describe('conformity: gating on what the deployment changed', () => {
  const pass = (rule: string, resource: string): Check => ({ rule, status: 'SUCCESS', risk: 'LOW', resource })
  const fail = (rule: string, resource: string, risk: Check['risk'] = 'HIGH'): Check => ({
    rule,
    status: 'FAILURE',
    risk,
    resource
  })

  it('an old failure alone passes with gate-on new; a new resource of an old rule is a regression', async () => {
    const before = [fail('S3-001', 'site'), pass('EC2-001', 'i-1')]
    emu.setWorld(conformityWorld(before, before))
    const same = await runActionInProcess(
      conformityInputs(emu.url, { 'compare-to': 'previous', 'gate-on': 'new' })
    )
    expect(verdict(same)).toEqual({ result: 'pass', 'new-failures': '0', fixed: '0', 'score-change': '0' })

    emu.setWorld(conformityWorld(before, [...before, fail('S3-001', 'logs', 'EXTREME')]))
    const worse = await runActionInProcess(
      conformityInputs(emu.url, { 'compare-to': 'previous', 'gate-on': 'new' })
    )
    expect(verdict(worse)).toEqual({
      result: 'fail',
      'new-failures': '1',
      fixed: '0',
      'score-change': '-16.67'
    })
  })

  it('max-score-drop fails a larger drop even when nothing new is severe', async () => {
    const before = [pass('S3-001', 'a'), pass('S3-002', 'b'), pass('S3-003', 'c'), pass('S3-004', 'd')]
    emu.setWorld(conformityWorld(before, [fail('S3-001', 'a', 'LOW'), ...before.slice(1)]))
    const run = await runActionInProcess(
      conformityInputs(emu.url, { 'compare-to': 'previous', 'gate-on': 'new', 'max-score-drop': '10' })
    )
    expect(verdict(run)).toEqual({ result: 'fail', 'new-failures': '1', fixed: '0', 'score-change': '-25' })
    expect(run.outputs.reason).toBe('the score dropped by 25 points, more than max-score-drop 10')
  })
})

describe('conformity: waivers that expire', () => {
  it('ignores an expired waiver and warns about it, warns about one expiring soon, waives a whole rule', async () => {
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)
    const dir = workdir()
    writeFileSync(
      path.join(dir, 'w.yml'),
      [
        'waivers:',
        '  - control: S3-001',
        '    reason: Old exception',
        '    expires: 2020-01-31',
        '  - control: IAM-001',
        '    reason: Break-glass user, reviewed',
        `    expires: ${soon}`,
        '    owner: platform',
        '  - control: EC2-999',
        '    reason: Nothing fails here',
        '    expires: 2999-01-01',
        ''
      ].join('\n')
    )
    const checks: Check[] = [
      { rule: 'S3-001', status: 'FAILURE', risk: 'HIGH', resource: 'site' },
      { rule: 'IAM-001', status: 'FAILURE', risk: 'EXTREME', resource: 'root' }
    ]
    emu.setWorld(conformityWorld(checks, checks))
    const run = await runAction(conformityInputs(emu.url, { waivers: path.join(dir, 'w.yml') }))
    expect(run.stdout).toMatch(
      /::warning::Waiver for control S3-001 expired on 2020-01-31 \(line 2 of \S+w\.yml\); it is ignored/
    )
    expect(run.stdout).toContain(
      `::warning::Waiver for control IAM-001, owned by platform, expires on ${soon}`
    )
    // IAM-001 is waived whole; the expired waiver leaves S3-001 (HIGH) counting
    expect(run.outputs).toMatchObject({ result: 'fail', waived: '1', 'failed-controls': '2' })
    expect(run.outputs.reason).toBe('1 failed control at severity HIGH or higher')
    expect(run.summary).toMatch(/Expired \(ignored\):[\s\S]*S3-001/)
    expect(run.summary).toMatch(/Unused \(matched no failed control\):[\s\S]*EC2-999/)
  })
})

describe('baselines and waiver files that cannot be used are refused before any request', () => {
  it.each([
    [
      'another account',
      { 'account-id': cn.accounts.prodAws },
      { 'account-id': cn.accounts.stagingAzure },
      /holds no results for account/
    ],
    ['another benchmark', { benchmark: 'CSBP' }, { benchmark: 'PCI3_2' }, /is for benchmark CSBP, not PCI3_2/]
  ])('a cloudneeti baseline for %s', async (_what, first, second, message) => {
    const dir = workdir()
    const earlier = await runActionInProcess(
      cloudneetiInputs(emu.url, { mode: 'audit', ...first, 'report-path': path.join(dir, 'r.json') })
    )
    expect(earlier.outputs.result).toMatch(/pass|fail/)
    emu.log.length = 0
    const run = await runActionInProcess(
      cloudneetiInputs(emu.url, { ...second, 'compare-to': path.join(dir, 'r.json') })
    )
    expect([run.code, run.outputs.result]).toEqual([1, 'error'])
    expect(run.outputs.reason).toMatch(message)
    expect(run.outputs.reason).toContain(path.join(dir, 'r.json'))
    expect(emu.log).toEqual([])
  })

  it.each([
    ['a missing file', null, /cannot be read \(ENOENT\)/],
    ['a report of the other provider', 'conformity', /is a report of provider conformity, not cloudneeti/],
    ['a file that is not a report', '{"hello": 1}', /was not written by cspm-compliance-gate/]
  ])('%s', async (_what, content, message) => {
    const dir = workdir()
    const file = path.join(dir, 'r.json')
    if (content === 'conformity') {
      const other = await runActionInProcess(
        conformityInputs(emu.url, { mode: 'audit', 'report-path': file })
      )
      expect(other.outputs.result).toMatch(/pass|fail/)
    } else if (content !== null) writeFileSync(file, content)
    emu.log.length = 0
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { 'compare-to': file }))
    expect([run.code, run.outputs.result]).toEqual([1, 'error'])
    expect(run.outputs.reason).toMatch(message)
    expect(emu.log).toEqual([])
  })

  it('a malformed waiver file names its line', async () => {
    const dir = workdir()
    writeFileSync(
      path.join(dir, 'w.yml'),
      'waivers:\n  - control: S3-001\n    reason: ok\n    expiry: 2026-12-31\n'
    )
    const run = await runActionInProcess(conformityInputs(emu.url, { waivers: path.join(dir, 'w.yml') }))
    expect([run.code, run.outputs.result]).toEqual([1, 'error'])
    expect(run.outputs.reason).toMatch(/^Waiver file \S+w\.yml line 4: /)
    expect(emu.log).toEqual([])
  })

  it.each([
    [{ 'gate-on': 'new' }, "Input 'gate-on' is 'new', which needs compare-to"],
    [{ 'max-score-drop': '5' }, "Input 'max-score-drop' needs compare-to"],
    [{ mode: 'audit', 'compare-to': 'previous' }, "Input 'compare-to' is 'previous', which needs mode scan"]
  ])('inputs that need a baseline: %j', async (inputs, message) => {
    const run = await runActionInProcess(conformityInputs(emu.url, inputs))
    expect(run.outputs.reason).toContain(message)
    expect(emu.log).toEqual([])
  })
})
