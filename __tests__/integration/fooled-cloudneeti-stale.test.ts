/**
 * CONTRACT §13 "Not what was asked for": in scan mode a Cloudneeti report dated before the rescan
 * (by the service's own clock, the Date header of its answer) is older results passed off as this
 * deployment's: the emulator's staleRescan quirk, a canned rescan naming the old job, a Date from
 * the future, a report with no scan date. Each is an error, never the old report's verdict.
 */
import { describe, expect, it } from '@jest/globals'
import { runActionInProcess } from '../helpers/inprocess.js'
import { CN, cloudneetiBody, cloudneetiReal, errorKind, expectError, requests } from '../helpers/hostile.js'
import { cloudneetiInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
const PROD = CN.accounts.prodAws
const STAGING = CN.accounts.stagingAzure

describe('a rescan answered with a job that had already finished', () => {
  it('quirk staleRescan on prod-aws: the old job (a failing report) predates the rescan → error, not a fail', async () => {
    emu.setWorld(fastWorld(w => (w.cloudneeti!.quirks = { staleRescan: true })))
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expectError(run, /before the scan was asked for/)
    expect(errorKind(run)).toBe('bad-response')
    expect(run.outputs.score).toBe('')
    // the report was read, and refused
    expect(requests(emu, /\/job\/.*\/summary$/).length).toBeGreaterThanOrEqual(1)
  })

  it('quirk staleRescan on staging-azure: an old PASSING report passed off for a failing scan → error, not a pass', async () => {
    emu.setWorld(fastWorld(w => (w.cloudneeti!.quirks = { staleRescan: true })))
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { 'account-id': STAGING }))
    expectError(run, /before the scan was asked for/)
  })

  it('a real job, but the service dated the rescan after the report (Date header from the future) → error', async () => {
    emu.addFault({ path: '/rescan$', headers: { Date: 'Wed, 01 Jan 2031 00:00:00 GMT' } })
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expectError(run, /before the scan was asked for \(2031-01-01T00:00:00\.000Z/)
  })

  it('a canned rescan naming the pre-existing job id → error', async () => {
    const latest = await cloudneetiReal(emu, 'audit', PROD, '/benchmark/CSBP/summary')
    emu.addFault({ method: 'GET', path: '/rescan$', body: cloudneetiBody({ jobId: latest.result.jobId }) })
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expectError(run, /before the scan was asked for/)
    expect(run.outputs['scan-id']).toBe(latest.result.jobId)
  })

  it('a job report with its scan date removed → error (its age cannot be checked)', async () => {
    const real = await cloudneetiReal(emu, 'audit', PROD, '/benchmark/CSBP/summary')
    delete real.result.jobId
    delete real.result.lastScannedDate
    delete real.result.lastScannedDateEpochTime
    emu.addFault({ method: 'GET', path: '/job/.*/summary$', body: JSON.stringify(real), times: 0 })
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expectError(run, /carries no scan date/)
  })
})
