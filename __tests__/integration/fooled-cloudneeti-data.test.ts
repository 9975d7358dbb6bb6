/**
 * CONTRACT §13: a Cloudneeti report that does not add up. A policy listed twice counts once, failed
 * if either listing failed, at the higher severity (so here the outcome is a verdict, `fail`); a
 * report with no policy the action can read (under another key, null, no category) is an error
 * that names the benchmark and says nothing was in scope.
 */
import { describe, expect, it } from '@jest/globals'
import type { PolicySpec } from '../../emulator/server.ts'
import { runAction } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import {
  CN,
  cloudneetiAccount,
  cloudneetiReal,
  errorKind,
  expectError,
  warnings
} from '../helpers/hostile.js'
import { cloudneetiInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
const PROD = CN.accounts.prodAws

interface ReportControl {
  id: string
  status: string
  severity: string
}
const controlsOf = (report: Record<string, unknown> | undefined): ReportControl[] =>
  (report?.accounts as Array<{ controls: ReportControl[] }>)[0].controls

describe('a policy listed twice counts once, failed at the higher severity', () => {
  const dup = (severity: PolicySpec['severity'], category: string, passed: number): PolicySpec => ({
    policyId: 'DupPolicy',
    title: `Duplicated policy (${severity})`,
    severity,
    category,
    service: 'S3',
    passed,
    total: 2
  })

  it.each([
    ['Low failed, Critical failed', [dup('Low', 'AWS - Storage', 0), dup('Critical', 'AWS - Compute', 0)]],
    [
      'Critical failed, then Low failed',
      [dup('Critical', 'AWS - Compute', 0), dup('Low', 'AWS - Storage', 1)]
    ],
    ['Low failed, Critical passed', [dup('Low', 'AWS - Storage', 0), dup('Critical', 'AWS - Compute', 2)]],
    [
      'Critical passed, then Low failed',
      [dup('Critical', 'AWS - Compute', 2), dup('Low', 'AWS - Storage', 1)]
    ]
  ])('%s: fail-on-severity critical FAILS, the control counted once', async (_name, listings) => {
    let failedBefore = 0
    emu.setWorld(
      fastWorld(w => {
        const after = cloudneetiAccount(w, PROD).benchmarks!.CSBP.after!
        failedBefore = after.filter(p => p.total > 0 && p.passed < p.total).length
        after.push(...listings)
      })
    )
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { 'fail-on-severity': 'critical' }))
    expect([run.code, run.outputs.result, run.outputs.decision]).toEqual([1, 'fail', 'rollback'])
    expect(run.outputs['failed-controls']).toBe(String(failedBefore + 1))
    const listed = controlsOf(run.report).filter(c => c.id === 'DupPolicy')
    expect(listed).toEqual([expect.objectContaining({ status: 'failed', severity: 'Critical' })])
    expect(run.outputs.reason).toMatch(/Critical/)
    expect(warnings(run.stdout, /repeated a policy id/)).toHaveLength(1)
  })

  it('without the duplicate the same account passes fail-on-severity critical (the control above is what fails)', async () => {
    emu.setWorld(
      fastWorld(w => cloudneetiAccount(w, PROD).benchmarks!.CSBP.after!.push(dup('Low', 'AWS - Storage', 0)))
    )
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { 'fail-on-severity': 'critical' }))
    expect(run.outputs.result).toBe('pass')
  })
})

describe('a report with no policy the action can read: nothing was in scope', () => {
  /** The latest report of prod-aws (audit mode reads the same), changed by `mangle`. */
  async function mangledLatest(mangle: (result: Record<string, unknown>) => void): Promise<string> {
    const real = await cloudneetiReal(emu, 'audit', PROD, '/benchmark/CSBP/summary')
    mangle(real.result)
    return JSON.stringify(real)
  }
  const renameCategories = (r: Record<string, unknown>) => {
    r.controlGroups = r.resourceCategories
    delete r.resourceCategories
  }

  it.each([
    [
      'policies under another key (controls)',
      (r: Record<string, unknown>) => {
        for (const c of r.resourceCategories as Array<Record<string, unknown>>) {
          c.controls = c.policies
          delete c.policies
        }
      }
    ],
    [
      'policies null in every category',
      (r: Record<string, unknown>) => {
        for (const c of r.resourceCategories as Array<Record<string, unknown>>) c.policies = null
      }
    ],
    [
      'no category at all while the posture counts 8',
      (r: Record<string, unknown>) => {
        r.resourceCategories = []
      }
    ]
  ])('%s (audit) → error naming the benchmark, nothing in scope', async (_name, mangle) => {
    emu.addFault({
      method: 'GET',
      path: '/benchmark/CSBP/summary$',
      body: await mangledLatest(mangle),
      times: 0
    })
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { mode: 'audit' }))
    expectError(run, /CSBP.*nothing was in scope/)
    expect(errorKind(run)).toBe('bad-response')
    expect(run.outputs.score).toBe('')
  })

  it('the categories under another key (controlGroups) → error, not a score', async () => {
    emu.addFault({
      method: 'GET',
      path: '/benchmark/CSBP/summary$',
      body: await mangledLatest(renameCategories),
      times: 0
    })
    // this case through the bundle, as the runner runs it; the others in process
    const run = await runAction(cloudneetiInputs(emu.url, { mode: 'audit' }))
    expectError(run, /CSBP/)
    expect(errorKind(run)).toBe('bad-response')
  })

  it('scan mode: the job report with its policies under another key → error, not a verdict', async () => {
    // a report of no job in particular, dated after any rescan, so only the missing policies are wrong
    const body = await mangledLatest(r => {
      delete r.jobId
      r.lastScannedDate = '2099-01-01T00:00:00.0000000Z'
      for (const c of r.resourceCategories as Array<Record<string, unknown>>) {
        c.Policies_v2 = c.policies
        delete c.policies
      }
    })
    emu.addFault({ method: 'GET', path: '/job/.*/summary$', body, times: 0 })
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expectError(run, /CSBP.*nothing was in scope/)
  })
})
