/**
 * CONTRACT §8, §13: Cloudneeti answers that do not add up are `result: error`, never a verdict —
 * except a duplicated policy, which counts once, failed if either listing failed, at the higher
 * severity. The attacker (or a buggy service) controls the report, the rescan's answer and the
 * failed-assets listing.
 */
import { describe, expect, it } from '@jest/globals'
import type { PolicySpec } from '../../emulator/server.ts'
import { runAction } from '../../scripts/local-runner.ts'
import {
  CN,
  cloudneetiAccount,
  cloudneetiBody,
  cloudneetiReal,
  errorKind,
  expectError,
  faulted,
  requests,
  warnings
} from '../helpers/hostile.js'
import { cloudneetiInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
const PROD = CN.accounts.prodAws
const STAGING = CN.accounts.stagingAzure

interface ReportControl {
  id: string
  status: string
  severity: string
  findings?: unknown[]
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
    const run = await runAction(cloudneetiInputs(emu.url, { 'fail-on-severity': 'critical' }))
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
    const run = await runAction(cloudneetiInputs(emu.url, { 'fail-on-severity': 'critical' }))
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
    const run = await runAction(cloudneetiInputs(emu.url, { mode: 'audit' }))
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
    const run = await runAction(cloudneetiInputs(emu.url))
    expectError(run, /CSBP.*nothing was in scope/)
  })
})

describe('a rescan answered with a job that had already finished', () => {
  it('quirk staleRescan on prod-aws: the old job (a failing report) predates the rescan → error, not a fail', async () => {
    emu.setWorld(fastWorld(w => (w.cloudneeti!.quirks = { staleRescan: true })))
    const run = await runAction(cloudneetiInputs(emu.url))
    expectError(run, /before the scan was asked for/)
    expect(errorKind(run)).toBe('bad-response')
    expect(run.outputs.score).toBe('')
    // the report was read, and refused
    expect(requests(emu, /\/job\/.*\/summary$/).length).toBeGreaterThanOrEqual(1)
  })

  it('quirk staleRescan on staging-azure: an old PASSING report passed off for a failing scan → error, not a pass', async () => {
    emu.setWorld(fastWorld(w => (w.cloudneeti!.quirks = { staleRescan: true })))
    const run = await runAction(cloudneetiInputs(emu.url, { 'account-id': STAGING }))
    expectError(run, /before the scan was asked for/)
  })

  it('a real job, but the service dated the rescan after the report (Date header from the future) → error', async () => {
    emu.addFault({ path: '/rescan$', headers: { Date: 'Wed, 01 Jan 2031 00:00:00 GMT' } })
    const run = await runAction(cloudneetiInputs(emu.url))
    expectError(run, /before the scan was asked for \(2031-01-01T00:00:00\.000Z/)
  })

  it('a canned rescan naming the pre-existing job id → error', async () => {
    const latest = await cloudneetiReal(emu, 'audit', PROD, '/benchmark/CSBP/summary')
    emu.addFault({ method: 'GET', path: '/rescan$', body: cloudneetiBody({ jobId: latest.result.jobId }) })
    const run = await runAction(cloudneetiInputs(emu.url))
    expectError(run, /before the scan was asked for/)
    expect(run.outputs['scan-id']).toBe(latest.result.jobId)
  })

  it('a job report with its scan date removed → error (its age cannot be checked)', async () => {
    const real = await cloudneetiReal(emu, 'audit', PROD, '/benchmark/CSBP/summary')
    delete real.result.jobId
    delete real.result.lastScannedDate
    delete real.result.lastScannedDateEpochTime
    emu.addFault({ method: 'GET', path: '/job/.*/summary$', body: JSON.stringify(real), times: 0 })
    const run = await runAction(cloudneetiInputs(emu.url))
    expectError(run, /carries no scan date/)
  })
})

describe('failed assets that do not match the report', () => {
  const ASSETS = '/failedassets?benchmarkId=CSBP&pageNumber=1&pageSize=1000'

  async function mangledAssets(mangle: (result: Record<string, unknown>) => void): Promise<void> {
    const real = await cloudneetiReal(emu, 'audit', PROD, ASSETS)
    mangle(real.result)
    emu.addFault({ method: 'GET', path: '/failedassets$', body: JSON.stringify(real), times: 0 })
  }
  type Asset = Record<string, unknown>
  const listOf = (r: Record<string, unknown>) => r.failedPolicyAssetsLists as Asset[]

  it.each([
    [
      'naming another account',
      /of account aaaaaaaa-0000-4000-8000-000000000002, not/,
      (r: Record<string, unknown>) => {
        r.accountId = STAGING
      }
    ],
    [
      'counting one asset more than it lists',
      /counted 8 failed assets .* but listed 7/,
      (r: Record<string, unknown>) => {
        r.failedAssetCount = 8
      }
    ],
    [
      'listing one asset more than it counts',
      /counted 7 failed assets .* but listed 8/,
      (r: Record<string, unknown>) => {
        listOf(r).push({ ...listOf(r)[0], resourceId: 'arn:aws:iam::111122223333:user/extra' })
      }
    ],
    [
      'listing an asset of a policy that passed',
      /policy S3BucketPublicAccessBlocked, which did not fail/,
      (r: Record<string, unknown>) => {
        listOf(r).push({ ...listOf(r)[0], policyId: 'S3BucketPublicAccessBlocked' })
        r.failedAssetCount = listOf(r).length
      }
    ],
    [
      'listing an asset of a policy the report does not have',
      /policy NoSuchPolicy, which did not fail/,
      (r: Record<string, unknown>) => {
        listOf(r).push({ ...listOf(r)[0], policyId: 'NoSuchPolicy' })
        r.failedAssetCount = listOf(r).length
      }
    ]
  ])('%s → error', async (_name, reason, mangle) => {
    await mangledAssets(mangle)
    const run = await runAction(cloudneetiInputs(emu.url, { mode: 'audit' }))
    expectError(run, reason)
    expect(errorKind(run)).toBe('bad-response')
  })

  it.each([
    ['forbidden', 403],
    ['missing', 404]
  ] as const)(
    'failed assets %s (%i): a warning, and the verdict from whole controls',
    async (endpoint, status) => {
      emu.setWorld(fastWorld(w => (cloudneetiAccount(w, STAGING).failedAssetsEndpoint = endpoint)))
      const run = await runAction(cloudneetiInputs(emu.url, { 'account-id': STAGING }))
      expect([run.code, run.outputs.result]).toEqual([1, 'fail'])
      expect(faulted(emu, /./)).toEqual([])
      expect(emu.log.filter(e => e.path.includes('/failedassets')).map(e => e.status)).toEqual([status])
      expect(
        warnings(run.stdout, new RegExp(`did not list the failed assets .*\\(${status}\\)`))
      ).toHaveLength(1)
      const failed = controlsOf(run.report).filter(c => c.status === 'failed')
      expect(failed.length).toBeGreaterThan(0)
      for (const c of failed) expect(c.findings).toBeUndefined()
    }
  )
})
