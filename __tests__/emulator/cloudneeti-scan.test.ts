import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { startEmulator, type EmulatorHandle, type World } from '../../emulator/server.ts'
import { CN, Cloudneeti, accountPath, distinctRuns, fastWorld, pollUntil } from './helpers.ts'

const PROD = CN.accounts.prodAws
const STAGING = CN.accounts.stagingAzure
const BROKEN = CN.accounts.brokenAws

interface Policy {
  policyId: string
  compliance: string
  severity: string
  riskProbability: string
  riskLevel: string
  passedResourceCount: number
  totalResourceCount: number
}
interface Category {
  categoryName: string
  total: number
  green: number
  red: number
  amber: number
  gray: number
  compliancePercent: number
  policies: Policy[]
}

const SEVERITY_RANK: Record<string, number> = { VeryLow: 0, Low: 1, Moderate: 2, High: 3, Critical: 4 }
function policiesOf(report: { resourceCategories: Category[] }): Policy[] {
  return report.resourceCategories.flatMap(c => c.policies)
}
function failed(report: { resourceCategories: Category[] }): Policy[] {
  return policiesOf(report).filter(p => p.compliance === 'Red' || p.compliance === 'Amber')
}

describe('Cloudneeti scans and reports', () => {
  let emu: EmulatorHandle
  let cn: Cloudneeti
  const tokens: Record<string, string> = {}

  beforeAll(async () => {
    emu = await startEmulator({ world: fastWorld() })
    cn = new Cloudneeti(emu.url)
    for (const id of [PROD, STAGING, BROKEN]) tokens[id] = await cn.token({ accountId: id })
  })
  afterAll(() => emu.close())

  const rescan = async (account: string) => {
    const res = await cn.get(`${accountPath('compliance', account)}/rescan`, tokens[account])
    expect(res.status).toBe(200)
    return res.json.result.jobId as string
  }
  const status = async (account: string, jobId: string) => {
    const res = await cn.get(`${accountPath('compliance', account)}/job/${jobId}/status`, tokens[account])
    expect(res.status).toBe(200)
    return res.json.result.jobStatus as string
  }
  const report = (account: string, benchmark = 'CSBP', jobId?: string) =>
    jobId
      ? cn.get(
          `${accountPath('audit', account)}/job/${jobId}/benchmark/${benchmark}/summary`,
          tokens[account]
        )
      : cn.get(`${accountPath('audit', account)}/benchmark/${benchmark}/summary`, tokens[account])

  it('serves the pre-existing scan (the "before" policies) before any rescan', async () => {
    const latest = await report(PROD)
    expect(latest.status).toBe(200)
    expect(latest.json.message).toBe('Request Successful')
    const r = latest.json.result
    expect(r).toMatchObject({
      benchmarkId: 'CSBP',
      accountId: PROD,
      licenseId: CN.licenseId,
      accountName: 'prod-aws'
    })
    // before: one High Red
    expect(failed(r).filter(p => p.severity === 'High')).toEqual([
      expect.objectContaining({ policyId: 'IAMRootAccountMFAEnabled', compliance: 'Red' })
    ])
    expect(await status(PROD, r.jobId)).toBe('Success')
    const byJob = await report(PROD, 'CSBP', r.jobId)
    expect(byJob.json.result).toEqual(r)
  })

  it('runs a rescan Pending → Running → Success and returns the running job on a second rescan', async () => {
    const preexisting = (await report(PROD)).json.result.jobId
    const jobId = await rescan(PROD)
    expect(jobId).not.toBe(preexisting)
    expect(await status(PROD, jobId)).toBe('Pending')
    expect(await rescan(PROD)).toBe(jobId)

    const early = await report(PROD, 'CSBP', jobId)
    expect(early.status).toBe(404)
    expect(early.json.result).toBeNull()
    // the latest successful scan is still the old one while the new one runs
    expect((await report(PROD)).json.result.jobId).toBe(preexisting)

    const seen = await pollUntil(
      async () => {
        const s = await status(PROD, jobId)
        if (s === 'Running') {
          // the running job comes back, unless it finished between the two requests
          const again = await rescan(PROD)
          if (again !== jobId) expect(await status(PROD, jobId)).toBe('Success')
        }
        return s
      },
      s => s === 'Success'
    )
    expect(distinctRuns(seen)).toEqual(['Pending', 'Running', 'Success'])

    const latest = await report(PROD)
    expect(latest.json.result.jobId).toBe(jobId)
    const next = await rescan(PROD)
    expect(next).not.toBe(jobId)
  })

  it('derives every report number from the policy counts (prod-aws after a scan)', async () => {
    // the previous test left PROD with a finished rescan: its latest report holds the "after" policies
    const r = (await report(PROD)).json.result
    expect(r.posture).toEqual({
      total: 13,
      green: 8,
      red: 1,
      amber: 2,
      gray: 2,
      compliancePercent: (100 * 8) / 11
    })
    expect(r.posture.compliancePercent).toBeGreaterThanOrEqual(70)
    expect(r.posture.compliancePercent).toBeLessThanOrEqual(80)

    const policy = (id: string) => policiesOf(r).find(p => p.policyId === id)!
    expect(policy('EBSVolumeEncrypted')).toMatchObject({
      passedResourceCount: 0,
      totalResourceCount: 6,
      compliance: 'Red',
      severity: 'Low',
      riskProbability: 'Certain',
      riskLevel: 'Amber'
    })
    expect(policy('IAMAccessKeysRotated')).toMatchObject({ compliance: 'Amber', riskProbability: 'High' })
    expect(policy('S3BucketEncryptionEnabled')).toMatchObject({
      compliance: 'Amber',
      riskProbability: 'Moderate'
    })
    expect(policy('RedshiftClusterEncrypted')).toMatchObject({
      compliance: 'Gray',
      severity: 'Critical',
      riskProbability: ' ',
      riskLevel: ''
    })
    expect(policy('IAMRootAccountMFAEnabled')).toMatchObject({
      compliance: 'Green',
      riskProbability: 'NotLikely'
    })

    for (const c of r.resourceCategories as Category[]) {
      const colours = c.policies.map(p => p.compliance)
      const count = (k: string) => colours.filter(x => x === k).length
      expect([c.total, c.green, c.red, c.amber, c.gray]).toEqual([
        colours.length,
        count('Green'),
        count('Red'),
        count('Amber'),
        count('Gray')
      ])
      const scored = c.green + c.red + c.amber
      expect(c.compliancePercent).toBe(scored === 0 ? 0 : (100 * c.green) / scored)
    }
    // passes fail-on-severity high: no High/Critical failure; at least 8 Green
    expect(failed(r).every(p => SEVERITY_RANK[p.severity]! < SEVERITY_RANK.High!)).toBe(true)
    expect(r.lastScannedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/)
    expect(Date.parse(r.lastScannedDate)).toBe(Math.round(r.lastScannedDateEpochTime * 1000))
    expect(r).toMatchObject({ title: 'Cloud Security Best Practices', longName: null, timeToLive: null })
  })

  it('gives staging-azure a Critical Red and a High Amber after a scan', async () => {
    const jobId = await rescan(STAGING)
    await pollUntil(
      () => status(STAGING, jobId),
      s => s === 'Success'
    )
    const r = (await report(STAGING, 'CSBP', jobId)).json.result
    const bad = failed(r).map(p => `${p.severity}:${p.compliance}`)
    expect(bad).toEqual(expect.arrayContaining(['Critical:Red', 'High:Amber']))
  })

  it('ends a scan of broken-aws Failed, with no report for that job but the old one still latest', async () => {
    const before = (await report(BROKEN)).json.result.jobId
    const jobId = await rescan(BROKEN)
    const seen = await pollUntil(
      () => status(BROKEN, jobId),
      s => s === 'Failed' || s === 'Success'
    )
    expect(seen.at(-1)).toBe('Failed')
    const res = await report(BROKEN, 'CSBP', jobId)
    expect(res.status).toBe(404)
    expect(res.json.message).toContain('Failed')
    expect((await report(BROKEN)).json.result.jobId).toBe(before)
  })

  it('answers 404 for unknown jobs, benchmarks not enabled and unknown accounts', async () => {
    const unknownJob = await cn.get(
      `${accountPath('compliance', PROD)}/job/12345678-1234-4234-8234-123456789012/status`,
      tokens[PROD]
    )
    expect(unknownJob.status).toBe(404)
    const pci = await report(STAGING, 'PCI3_2')
    expect(pci.status).toBe(404)
    expect(pci.json.message).toContain('PCI3_2')
    expect((await report(PROD, 'PCI3_2')).status).toBe(200)
    const unknownAccount = await cn.get(
      `${accountPath('audit', '00000000-0000-4000-8000-000000000009')}/benchmarks`,
      tokens[PROD]
    )
    expect(unknownAccount.status).toBe(404)
  })

  it('lists the supported benchmarks and the health status', async () => {
    const benchmarks = await cn.get(`${accountPath('audit', PROD)}/benchmarks`, tokens[PROD])
    expect(benchmarks.json.result).toEqual([
      expect.objectContaining({ benchmarkId: 'CSBP', name: 'Cloud Security Best Practices', title: null }),
      expect.objectContaining({ benchmarkId: 'PCI3_2', name: 'PCI_DSS_3.2' })
    ])
    const health = await cn.get(`${accountPath('audit', BROKEN)}/healthstatus`, tokens[BROKEN])
    expect(health.status).toBe(200)
    expect(health.json.result.prerequisites[0].isHealthy).toBe('incomplete')
    expect(health.json.result.lastScannedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(health.json.result.accountScanQuotaDetails.consumedQuota).toBeGreaterThanOrEqual(1)
  })

  it('pages the failed assets of the latest scan (1-based pages)', async () => {
    const path = `${accountPath('audit', PROD)}/failedassets?benchmarkId=CSBP&pageSize=4`
    const pages = []
    for (let n = 1; n <= 3; n++)
      pages.push((await cn.get(`${path}&pageNumber=${n}`, tokens[PROD])).json.result)
    // prod-aws after: 3 + 1 + 6 failed resources
    expect(pages.map(p => p.failedAssetCount)).toEqual([10, 10, 10])
    expect(pages.map(p => p.failedPolicyAssetsLists.length)).toEqual([4, 4, 2])
    const ids = pages.flatMap(p => p.failedPolicyAssetsLists.map((a: { resourceId: string }) => a.resourceId))
    expect(new Set(ids).size).toBe(10)
    expect(pages[0].failedPolicyAssetsLists[0]).toMatchObject({
      policyId: expect.any(String),
      impact: expect.any(String)
    })
    const bad = await cn.get(`${path}&pageNumber=0`, tokens[PROD])
    expect(bad.status).toBe(400)
    expect(bad.json.message).toContain('pageNumber')
  })
})

describe('Cloudneeti report when no scan has succeeded', () => {
  it('answers 404 for the latest report of an account without any finished scan', async () => {
    const world: World = fastWorld()
    const account = world.cloudneeti!.licenses![0]!.accounts![1]!
    account.benchmarks = { CSBP: { name: 'Cloud Security Best Practices', after: [] } }
    const emu = await startEmulator({ world })
    try {
      const cn = new Cloudneeti(emu.url)
      const token = await cn.token({ accountId: account.accountId })
      const res = await cn.get(`${accountPath('audit', account.accountId)}/benchmark/CSBP/summary`, token)
      expect(res.status).toBe(404)
      expect(res.json).toEqual({
        result: null,
        statusCode: 404,
        message: `No successful scan exists for account ${account.accountId}.`
      })
    } finally {
      await emu.close()
    }
  })
})
