import { describe, it, expect } from '@jest/globals'
import { startEmulator, type EmulatorHandle, type World } from '../../emulator/server.ts'
import { CN, Cloudneeti, accountPath, fastWorld, pollUntil, type JsonResponse } from './helpers.ts'

const PROD = CN.accounts.prodAws
const HOUR_MS = 3_600_000

async function withEmulator(world: World, fn: (cn: Cloudneeti, emu: EmulatorHandle) => Promise<void>) {
  const emu = await startEmulator({ world })
  try {
    await fn(new Cloudneeti(emu.url), emu)
  } finally {
    await emu.close()
  }
}

/** the service's clock: the standard Date header, whole seconds */
function serviceTime(res: JsonResponse): number {
  const header = res.headers.get('date')
  expect(header).toMatch(/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/)
  return Date.parse(header!)
}

const rescan = (cn: Cloudneeti, token: string) => cn.get(`${accountPath('compliance', PROD)}/rescan`, token)
const jobStatus = async (cn: Cloudneeti, token: string, jobId: string) =>
  (await cn.get(`${accountPath('compliance', PROD)}/job/${jobId}/status`, token)).json.result.jobStatus
const reportOf = (cn: Cloudneeti, token: string, jobId?: string) =>
  cn.get(
    jobId
      ? `${accountPath('audit', PROD)}/job/${jobId}/benchmark/CSBP/summary`
      : `${accountPath('audit', PROD)}/benchmark/CSBP/summary`,
    token
  )

describe('Cloudneeti scan time: LastScannedDate and the Date header', () => {
  it('dates a report at the moment its job finished, after the rescan by the service clock', () =>
    withEmulator(fastWorld(), async cn => {
      const token = await cn.token({ accountId: PROD })
      const started = await rescan(cn, token)
      const jobId = started.json.result.jobId
      await pollUntil(
        () => jobStatus(cn, token, jobId),
        s => s === 'Success'
      )
      const byJob = await reportOf(cn, token, jobId)
      const latest = await reportOf(cn, token)
      expect(latest.json.result.jobId).toBe(jobId)
      for (const res of [byJob, latest]) {
        const { lastScannedDate, lastScannedDateEpochTime } = res.json.result
        expect(lastScannedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/)
        const finished = Date.parse(lastScannedDate)
        expect(lastScannedDateEpochTime * 1000).toBe(finished)
        // a real scan ends after it was asked for, and before the report about it is answered
        expect(finished).toBeGreaterThan(serviceTime(started))
        expect(finished).toBeLessThan(serviceTime(res) + 1000)
      }
      expect(byJob.json.result.lastScannedDate).toBe(latest.json.result.lastScannedDate)
    }))

  it('dates the pre-existing report an hour before the emulator started', () =>
    withEmulator(fastWorld(), async cn => {
      const token = await cn.token({ accountId: PROD })
      const res = await reportOf(cn, token)
      const finished = Date.parse(res.json.result.lastScannedDate)
      expect(finished).toBeLessThan(serviceTime(res) - HOUR_MS + 1000)
      const byJob = await reportOf(cn, token, res.json.result.jobId)
      expect(byJob.json.result.lastScannedDate).toBe(res.json.result.lastScannedDate)
    }))

  it('pascalCase: the key is LastScannedDate, in both report endpoints', () => {
    const world = fastWorld()
    world.cloudneeti!.quirks = { pascalCase: true }
    return withEmulator(world, async cn => {
      const login = await cn.call('POST', `/authorize/license/${CN.licenseId}/token?accountId=${PROD}`, {
        body: { APIApplicationId: CN.appId, Secret: CN.appSecret }
      })
      const token = login.json.result.Token
      const latest = (await reportOf(cn, token)).json.result
      expect(latest.LastScannedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/)
      expect(latest).not.toHaveProperty('lastScannedDate')
      const byJob = (await reportOf(cn, token, latest.JobId)).json.result
      expect(byJob.LastScannedDate).toBe(latest.LastScannedDate)
      expect(byJob.LastScannedDateEpochTime).toBe(latest.LastScannedDateEpochTime)
    })
  })
})

describe('Cloudneeti staleRescan (hostile)', () => {
  it('answers a rescan with the finished pre-existing job: Success at once, dated before the rescan', () => {
    const world = fastWorld()
    world.cloudneeti!.quirks = { staleRescan: true }
    return withEmulator(world, async cn => {
      const token = await cn.token({ accountId: PROD })
      const preexisting = (await reportOf(cn, token)).json.result
      const started = await rescan(cn, token)
      expect(started.status).toBe(200)
      expect(started.json.result.jobId).toBe(preexisting.jobId)
      expect(await jobStatus(cn, token, preexisting.jobId)).toBe('Success')
      expect((await rescan(cn, token)).json.result.jobId).toBe(preexisting.jobId)

      const report = await reportOf(cn, token, preexisting.jobId)
      expect(report.status).toBe(200)
      expect(report.json.result).toEqual(preexisting)
      // what the client must catch (CONTRACT §13): the job ended before the scan was asked for
      expect(Date.parse(report.json.result.lastScannedDate)).toBeLessThan(
        serviceTime(started) - HOUR_MS + 1000
      )
      // nothing was started: the only job is still the pre-existing one
      const health = await cn.get(`${accountPath('audit', PROD)}/healthstatus`, token)
      expect(health.json.result.accountScanQuotaDetails.consumedQuota).toBe(1)
    })
  })

  it('scans normally while the account has no successful job, then passes that one off', () => {
    const world = fastWorld()
    world.cloudneeti!.quirks = { staleRescan: true, quotedJobIds: true }
    const account = world.cloudneeti!.licenses![0]!.accounts!.find(a => a.accountId === PROD)!
    const csbp = account.benchmarks!.CSBP!
    account.benchmarks = { CSBP: { name: csbp.name, after: csbp.after } }
    return withEmulator(world, async cn => {
      const token = await cn.token({ accountId: PROD })
      expect((await reportOf(cn, token)).status).toBe(404)
      const first = (await rescan(cn, token)).json.result.jobId
      const jobId = first.replaceAll('"', '')
      expect(await jobStatus(cn, token, jobId)).toBe('Pending')
      await pollUntil(
        () => jobStatus(cn, token, jobId),
        s => s === 'Success'
      )
      expect((await rescan(cn, token)).json.result.jobId).toBe(first)
    })
  })
})
