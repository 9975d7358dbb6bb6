/**
 * CONTRACT §8, §13: the Cloudneeti failed assets (E14) must describe the report they are attached
 * to: the same account, as many as they count, only policies that failed. When the endpoint is
 * forbidden or missing, that is a warning and the verdict comes from whole controls.
 */
import { describe, expect, it } from '@jest/globals'
import { runActionInProcess } from '../helpers/inprocess.js'
import {
  CN,
  cloudneetiAccount,
  cloudneetiReal,
  errorKind,
  expectError,
  faulted,
  warnings
} from '../helpers/hostile.js'
import { cloudneetiInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
const PROD = CN.accounts.prodAws
const STAGING = CN.accounts.stagingAzure

interface ReportControl {
  id: string
  status: string
  findings?: unknown[]
}
const controlsOf = (report: Record<string, unknown> | undefined): ReportControl[] =>
  (report?.accounts as Array<{ controls: ReportControl[] }>)[0].controls

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
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { mode: 'audit' }))
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
      const run = await runActionInProcess(cloudneetiInputs(emu.url, { 'account-id': STAGING }))
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
