import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import {
  startEmulator,
  parseWorld,
  WorldValidationError,
  type EmulatorHandle,
  type World,
  type PolicySpec
} from '../../emulator/server.ts'
import { CN, Cloudneeti, accountPath, fastWorld, pollUntil, type JsonResponse } from './helpers.ts'

const PROD = CN.accounts.prodAws
const STAGING = CN.accounts.stagingAzure
const ASSET_KEYS = [
  'resourceName',
  'accessLevel',
  'resourceType',
  'resourceId',
  'policyId',
  'shortTitle',
  'categoryName',
  'impact',
  'resourceRegion',
  'tags'
]

interface Asset {
  resourceName: string
  resourceId: string
  resourceType: string
  policyId: string
  impact: string
  resourceRegion: string
  tags: Record<string, string>
}
interface ReportPolicy {
  policyId: string
  compliance: string
  passedResourceCount: number
  totalResourceCount: number
}

type Policies = NonNullable<World['cloudneeti']>['onboardPolicies']

/** the policy list of one account benchmark in a (fast) world, to change before starting */
function benchmarkOf(world: World, accountId: string, benchmark = 'CSBP') {
  const account = world.cloudneeti!.licenses![0]!.accounts!.find(a => a.accountId === accountId)!
  return { account, bench: account.benchmarks![benchmark]! }
}

async function withEmulator(world: World, fn: (cn: Cloudneeti, emu: EmulatorHandle) => Promise<void>) {
  const emu = await startEmulator({ world })
  try {
    await fn(new Cloudneeti(emu.url), emu)
  } finally {
    await emu.close()
  }
}

async function rescanAndWait(cn: Cloudneeti, account: string, token: string): Promise<string> {
  const jobId = (await cn.get(`${accountPath('compliance', account)}/rescan`, token)).json.result.jobId
  await pollUntil(
    async () =>
      (await cn.get(`${accountPath('compliance', account)}/job/${jobId}/status`, token)).json.result
        .jobStatus,
    s => s === 'Success'
  )
  return jobId as string
}

/** every page of E14, for a page size */
async function allAssets(
  cn: Cloudneeti,
  account: string,
  token: string,
  query = 'benchmarkId=CSBP',
  pageSize = 1000
): Promise<Asset[]> {
  const assets: Asset[] = []
  for (let page = 1; ; page++) {
    const res = await cn.get(
      `${accountPath('audit', account)}/failedassets?${query}&pageNumber=${page}&pageSize=${pageSize}`,
      token
    )
    expect(res.status).toBe(200)
    assets.push(...res.json.result.failedPolicyAssetsLists)
    if (page * pageSize >= res.json.result.failedAssetCount) return assets
  }
}

function failedPolicies(report: JsonResponse): ReportPolicy[] {
  return (report.json.result.resourceCategories as { policies: ReportPolicy[] }[])
    .flatMap(c => c.policies)
    .filter(p => p.compliance === 'Red' || p.compliance === 'Amber')
}

/** E14 must list exactly the failing resources of the report the client would read */
function expectMatchesReport(assets: Asset[], report: JsonResponse): void {
  const failed = failedPolicies(report)
  expect(failed.length).toBeGreaterThan(0)
  const byPolicy = new Map<string, number>()
  for (const a of assets) byPolicy.set(a.policyId, (byPolicy.get(a.policyId) ?? 0) + 1)
  expect(Object.fromEntries(byPolicy)).toEqual(
    Object.fromEntries(failed.map(p => [p.policyId, p.totalResourceCount - p.passedResourceCount]))
  )
}

describe('Cloudneeti failed assets (E14)', () => {
  let emu: EmulatorHandle
  let cn: Cloudneeti
  const tokens: Record<string, string> = {}
  const path = (account: string, query = '') => `${accountPath('audit', account)}/failedassets${query}`
  const report = (account: string, query = '') =>
    cn.get(`${accountPath('audit', account)}/benchmark/CSBP/summary${query}`, tokens[account])

  beforeAll(async () => {
    emu = await startEmulator({ world: fastWorld() })
    cn = new Cloudneeti(emu.url)
    for (const id of [PROD, STAGING]) tokens[id] = await cn.token({ accountId: id })
  })
  afterAll(() => emu.close())

  it('answers the documented shape in the usual envelope', async () => {
    const res = await cn.get(path(PROD, '?benchmarkId=CSBP&pageNumber=1&pageSize=1000'), tokens[PROD])
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ statusCode: 200, message: 'Request Successful' })
    const r = res.json.result
    expect(Object.keys(r)).toEqual([
      'failedAssetCount',
      'accountId',
      'accountName',
      'connectorType',
      'benchMarkId',
      'benchMarkName',
      'failedPolicyAssetsLists'
    ])
    expect(r).toMatchObject({
      accountId: PROD,
      accountName: 'prod-aws',
      connectorType: 'AWS',
      benchMarkId: 'CSBP',
      benchMarkName: 'Cloud Security Best Practices'
    })
    // before: IAMRootAccountMFAEnabled 1 + S3BucketEncryptionEnabled 3 + EBSVolumeEncrypted 3
    expect(r.failedAssetCount).toBe(7)
    expect(r.failedPolicyAssetsLists).toHaveLength(7)
    for (const asset of r.failedPolicyAssetsLists) {
      expect(Object.keys(asset)).toEqual(ASSET_KEYS)
      expect(asset.tags).toEqual({})
    }
    expect(r.failedPolicyAssetsLists[0]).toEqual({
      resourceName: 'IAMRootAccountMFAEnabled-1',
      accessLevel: 'Private',
      resourceType: 'IAM',
      resourceId: 'arn:aws:iam:us-east-1:111122223333:IAMRootAccountMFAEnabled-1',
      policyId: 'IAMRootAccountMFAEnabled',
      shortTitle: 'Ensure MFA is enabled for the root account',
      categoryName: 'AWS - Identity and Access Management',
      impact: 'High',
      resourceRegion: 'us-east-1',
      tags: {}
    })
    // synthetic regions rotate by index, so (policy, region, resource) is unique and stable
    const s3 = r.failedPolicyAssetsLists.filter((a: Asset) => a.policyId === 'S3BucketEncryptionEnabled')
    expect(s3.map((a: Asset) => a.resourceRegion)).toEqual(['us-east-1', 'us-west-2', 'eu-west-1'])
  })

  it('follows the report: the pre-existing scan until a rescan succeeds, then that scan', async () => {
    const preexisting = await report(PROD)
    const beforeAssets = await allAssets(cn, PROD, tokens[PROD]!)
    expectMatchesReport(beforeAssets, preexisting)

    const jobId = (await cn.get(`${accountPath('compliance', PROD)}/rescan`, tokens[PROD])).json.result.jobId
    // while the job runs, the latest successful scan is still the old one, for both endpoints
    expect(await allAssets(cn, PROD, tokens[PROD]!)).toEqual(beforeAssets)
    const running = await cn.get(path(PROD, `?benchmarkId=CSBP&jobId=${jobId}`), tokens[PROD])
    expect(running.status).toBe(404)
    expect(running.json).toMatchObject({ result: null, statusCode: 404 })
    await pollUntil(
      async () =>
        (await cn.get(`${accountPath('compliance', PROD)}/job/${jobId}/status`, tokens[PROD])).json.result
          .jobStatus,
      s => s === 'Success'
    )

    const after = await report(PROD)
    expect(after.json.result.jobId).toBe(jobId)
    const afterAssets = await allAssets(cn, PROD, tokens[PROD]!)
    expectMatchesReport(afterAssets, after)
    expect(await allAssets(cn, PROD, tokens[PROD]!, `benchmarkId=CSBP&jobId=${jobId}`)).toEqual(afterAssets)
    // the old job's assets stay readable by job id, like its report
    const oldJob = preexisting.json.result.jobId
    expect(await allAssets(cn, PROD, tokens[PROD]!, `benchmarkId=CSBP&jobId=${oldJob}`)).toEqual(beforeAssets)

    // synthetic ids depend on the index only: 3 failed → 1 failed lists a subset, 3 → 6 a superset
    const ids = (assets: Asset[], policy: string) =>
      assets.filter(a => a.policyId === policy).map(a => `${a.resourceRegion}|${a.resourceId}`)
    expect(ids(beforeAssets, 'S3BucketEncryptionEnabled')).toEqual(
      expect.arrayContaining(ids(afterAssets, 'S3BucketEncryptionEnabled'))
    )
    expect(ids(afterAssets, 'EBSVolumeEncrypted')).toEqual(
      expect.arrayContaining(ids(beforeAssets, 'EBSVolumeEncrypted'))
    )
    expect(ids(afterAssets, 'EBSVolumeEncrypted')).toHaveLength(6)

    // the sample world lists the failing users of IAMAccessKeysRotated, with their tags
    const users = afterAssets.filter(a => a.policyId === 'IAMAccessKeysRotated')
    expect(users).toEqual([
      expect.objectContaining({
        resourceName: 'deploy-bot',
        resourceId: 'arn:aws:iam::111122223333:user/deploy-bot',
        resourceType: 'IAMUser',
        resourceRegion: 'global',
        impact: 'VeryLow',
        tags: {
          'aws:cloudformation:logical-id': 'DeployBotUser',
          'aws:cloudformation:stack-name': 'prod-iam',
          Team: 'platform'
        }
      }),
      expect.objectContaining({ resourceName: 'ci-runner', tags: { Team: 'ci', team: 'ci-legacy' } }),
      expect.objectContaining({ resourceName: 'legacy-admin', tags: {} })
    ])
  })

  it('gives Azure resources subscription-shaped ids and Azure regions', async () => {
    const assets = await allAssets(cn, STAGING, tokens[STAGING]!)
    expectMatchesReport(assets, await report(STAGING))
    expect(assets).toEqual([
      expect.objectContaining({
        policyId: 'StorageBlobSoftDelete',
        resourceId:
          '/subscriptions/5d9f3c1e-7a2b-4c8d-9e0f-1a2b3c4d5e6f/resourceGroups/emulator/providers/StorageAccounts/StorageBlobSoftDelete-1',
        resourceName: 'StorageBlobSoftDelete-1',
        resourceRegion: 'eastus'
      }),
      expect.objectContaining({ policyId: 'StorageBlobSoftDelete', resourceRegion: 'westeurope' })
    ])
  })

  it('pages from 1: default size 100, at most 1000; a page past the end is empty', async () => {
    const small = await cn.get(path(PROD, '?benchmarkId=CSBP&pageNumber=2&pageSize=3'), tokens[PROD])
    expect(small.status).toBe(200)
    const all = await allAssets(cn, PROD, tokens[PROD]!)
    expect(small.json.result.failedPolicyAssetsLists).toEqual(all.slice(3, 6))
    expect(small.json.result.failedAssetCount).toBe(all.length)
    expect(await allAssets(cn, PROD, tokens[PROD]!, 'benchmarkId=CSBP', 2)).toEqual(all)

    const defaults = await cn.get(path(PROD), tokens[PROD]) // benchmarkId CSBP, page 1, size 100
    expect(defaults.json.result).toMatchObject({ benchMarkId: 'CSBP', failedAssetCount: all.length })
    expect(defaults.json.result.failedPolicyAssetsLists).toEqual(all)
    const past = await cn.get(path(PROD, '?benchmarkId=CSBP&pageNumber=99'), tokens[PROD])
    expect(past.json.result).toMatchObject({ failedAssetCount: all.length, failedPolicyAssetsLists: [] })
    expect(
      (await cn.get(path(PROD, '?benchmarkId=CSBP&pageSize=1000'), tokens[PROD])).json.result
        .failedPolicyAssetsLists
    ).toEqual(all)

    for (const [query, message] of [
      ['pageNumber=0', 'pageNumber must be a positive integer.'],
      ['pageNumber=1.5', 'pageNumber must be a positive integer.'],
      ['pageSize=1001', 'pageSize must be an integer from 1 to 1000.'],
      ['pageSize=0', 'pageSize must be an integer from 1 to 1000.'],
      ['pageSize=ten', 'pageSize must be an integer from 1 to 1000.']
    ]) {
      const bad = await cn.get(path(PROD, `?benchmarkId=CSBP&${query}`), tokens[PROD])
      expect([query, bad.status, bad.json]).toEqual([query, 400, { result: null, statusCode: 400, message }])
    }
  })

  it('answers 404 for a benchmark the account lacks, an unknown job and an unknown account', async () => {
    const pci = await cn.get(path(PROD, '?benchmarkId=PCI3_2'), tokens[PROD])
    expect(pci.status).toBe(200)
    expect(pci.json.result).toMatchObject({ benchMarkId: 'PCI3_2', benchMarkName: 'PCI_DSS_3.2' })
    const missing = await cn.get(path(STAGING, '?benchmarkId=PCI3_2'), tokens[STAGING])
    expect(missing.status).toBe(404)
    expect(missing.json.message).toContain('PCI3_2')
    const unknownJob = await cn.get(
      path(PROD, '?benchmarkId=CSBP&jobId=12345678-1234-4234-8234-123456789012'),
      tokens[PROD]
    )
    expect(unknownJob.status).toBe(404)
    const unknownAccount = await cn.get(path('00000000-0000-4000-8000-000000000009'), tokens[PROD])
    expect(unknownAccount.status).toBe(404)
  })

  it('needs an account token of this account with Account.Audit', async () => {
    const license = await cn.token()
    expect((await cn.get(path(PROD), license)).status).toBe(403)
    expect((await cn.get(path(PROD), tokens[STAGING])).status).toBe(403)
    expect((await cn.get(path(PROD))).status).toBe(401)
    const audit = await cn.token({ accountId: PROD, appId: CN.auditAppId, secret: CN.auditAppSecret })
    expect((await cn.get(path(PROD), audit)).status).toBe(200)
  })
})

describe('Cloudneeti failed assets: world switches', () => {
  it('failedAssetsEndpoint forbidden/missing: 403 or 404 while the report still works', async () => {
    const world = fastWorld()
    benchmarkOf(world, PROD).account.failedAssetsEndpoint = 'forbidden'
    benchmarkOf(world, STAGING).account.failedAssetsEndpoint = 'missing'
    await withEmulator(world, async cn => {
      const prod = await cn.token({ accountId: PROD })
      const forbidden = await cn.get(`${accountPath('audit', PROD)}/failedassets?benchmarkId=CSBP`, prod)
      expect(forbidden.status).toBe(403)
      expect(forbidden.json).toEqual({
        result: null,
        statusCode: 403,
        message: `Failed assets are not available for account ${PROD} with this license.`
      })
      expect((await cn.get(`${accountPath('audit', PROD)}/benchmark/CSBP/summary`, prod)).status).toBe(200)

      const staging = await cn.token({ accountId: STAGING })
      const missing = await cn.get(`${accountPath('audit', STAGING)}/failedassets?benchmarkId=CSBP`, staging)
      expect(missing.status).toBe(404)
      expect(missing.json).toEqual({ result: null, statusCode: 404, message: 'Resource not found' })
      // auth still comes first: a bad token is 401, not the switch's answer
      expect((await cn.get(`${accountPath('audit', STAGING)}/failedassets`, 'nope')).status).toBe(401)
    })
  })

  it('a permission-less app gets 403 naming Account.Audit', async () => {
    const world = fastWorld()
    world.cloudneeti!.licenses![0]!.apps![0]!.permissions = ['Account.Rescan']
    await withEmulator(world, async cn => {
      const token = await cn.token({ accountId: PROD })
      const res = await cn.get(`${accountPath('audit', PROD)}/failedassets`, token)
      expect(res.status).toBe(403)
      expect(res.json.message).toContain("'Account.Audit'")
    })
  })

  it('before and after may list different assets: a new finding of a control that failed before', async () => {
    const world = fastWorld()
    const { bench } = benchmarkOf(world, PROD)
    const s3 = (set: Policies) => set!.find(p => p.policyId === 'S3BucketEncryptionEnabled')!
    const bucket = (name: string, tags?: Record<string, string>) => ({
      resourceId: `arn:aws:s3:::${name}`,
      region: 'eu-west-1',
      type: 'S3Bucket',
      ...(tags && { tags })
    })
    s3(bench.before).failedAssets = [bucket('prod-tmp'), bucket('prod-exports'), bucket('prod-logs')]
    s3(bench.after).failedAssets = [
      bucket('prod-uploads', { 'aws:cloudformation:logical-id': 'UploadsBucket' })
    ]
    await withEmulator(world, async cn => {
      const token = await cn.token({ accountId: PROD })
      const names = async () =>
        (await allAssets(cn, PROD, token))
          .filter(a => a.policyId === 'S3BucketEncryptionEnabled')
          .map(a => a.resourceName)
      expect(await names()).toEqual(['prod-tmp', 'prod-exports', 'prod-logs'])
      await rescanAndWait(cn, PROD, token)
      expect(await names()).toEqual(['prod-uploads'])
      const uploads = (await allAssets(cn, PROD, token)).find(a => a.resourceName === 'prod-uploads')!
      expect(uploads).toMatchObject({
        resourceId: 'arn:aws:s3:::prod-uploads',
        resourceType: 'S3Bucket',
        resourceRegion: 'eu-west-1',
        tags: { 'aws:cloudformation:logical-id': 'UploadsBucket' }
      })
    })
  })

  it('pascalCase: PascalCase keys; tag keys stay as they are', async () => {
    const world = fastWorld()
    world.cloudneeti!.quirks = { pascalCase: true }
    const { bench } = benchmarkOf(world, PROD)
    bench.before!.find(p => p.policyId === 'EBSVolumeEncrypted')!.failedAssets = [
      { resourceId: 'vol-1', tags: { name: 'a', Name: 'b' } },
      { resourceId: 'vol-2' },
      { resourceId: 'vol-3' }
    ]
    await withEmulator(world, async cn => {
      const login = await cn.call('POST', `/authorize/license/${CN.licenseId}/token?accountId=${PROD}`, {
        body: { APIApplicationId: CN.appId, Secret: CN.appSecret }
      })
      const res = await cn.get(
        `${accountPath('audit', PROD)}/failedassets?benchmarkId=CSBP`,
        login.json.result.Token
      )
      expect(Object.keys(res.json)).toEqual(['result', 'statusCode', 'message'])
      const r = res.json.result
      expect(r).toMatchObject({ FailedAssetCount: 7, BenchMarkId: 'CSBP', AccountId: PROD })
      expect(r).not.toHaveProperty('failedAssetCount')
      const vol = r.FailedPolicyAssetsLists.find((a: { ResourceId: string }) => a.ResourceId === 'vol-1')
      expect(Object.keys(vol)).toEqual(ASSET_KEYS.map(k => k[0]!.toUpperCase() + k.slice(1)))
      // no region given: the connector's regions by index; no name: the id's last segment
      expect(vol).toMatchObject({ ResourceName: 'vol-1', ResourceRegion: 'us-east-1', ResourceType: 'EC2' })
      expect(vol.Tags).toEqual({ name: 'a', Name: 'b' })
    })
  })

  it('validates listed assets: their count is total - passed, no duplicates', () => {
    const policy = (failedAssets: PolicySpec['failedAssets'], passed = 1, total = 3) => ({
      cloudneeti: {
        onboardPolicies: [
          { policyId: 'P', title: 'T', severity: 'High', category: 'C', passed, total, failedAssets }
        ]
      }
    })
    const issues = (world: unknown) => {
      try {
        parseWorld(world)
      } catch (err) {
        expect(err).toBeInstanceOf(WorldValidationError)
        return (err as WorldValidationError).issues
      }
      return []
    }
    expect(issues(policy([{ resourceId: 'a' }]))).toEqual([
      'cloudneeti.onboardPolicies[0].failedAssets: lists 1 asset(s) but total - passed is 2'
    ])
    expect(issues(policy([{ resourceId: 'a' }], 3, 3))).toEqual([
      'cloudneeti.onboardPolicies[0].failedAssets: lists 1 asset(s) but total - passed is 0'
    ])
    expect(issues(policy([{ resourceId: 'a' }, { resourceId: 'a' }]))).toEqual([
      'cloudneeti.onboardPolicies[0].failedAssets[1].resourceId: duplicate asset "a"'
    ])
    expect(
      issues(
        policy([
          { resourceId: 'a', region: 'x' },
          { resourceId: 'a', region: 'y' }
        ])
      )
    ).toEqual([])
    expect(issues(policy([{ resourceId: 'a', size: 1 } as never, { resourceId: 'b' }]))).toEqual([
      expect.stringMatching(/^cloudneeti\.onboardPolicies\[0\]\.failedAssets\[0\]: .*size/)
    ])
    expect(issues(policy([], 0, 0))).toEqual([])
  })
})
