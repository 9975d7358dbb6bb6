/** @jest-environment ./__tests__/helpers/node-errors-environment.cjs */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { FAST, quickWorld } from '../helpers/faults.js'
import { runInProcess, virtualClock } from '../helpers/inprocess.js'
import { cloudneetiInputs, conformityInputs, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
beforeEach(() => emu.setWorld(quickWorld()))

// Faults that do not go away, where what counts is how many times the request is made and what
// the error then says, not how long the backoff between the attempts is: run() in process, with
// the action's number of retries and backoff in milliseconds, or a clock of the run's own.
describe('cloudneeti under faults that last, in process', () => {
  it('a report endpoint failing for good ends after the retries with the status and the service message', async () => {
    emu.addFault({
      path: '/summary$',
      times: 0,
      status: 500,
      body: '{"statusCode":500,"message":"Report store offline","result":null}',
      contentType: 'application/json'
    })
    const run = await runInProcess(cloudneetiInputs(emu.url, FAST))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(
      /^Could not download the CSBP report of job \S+: GET \S+\/summary answered 500: "Report store offline"\. The service had a problem; re-run later\.$/
    )
    expect(emu.log.filter(e => e.fault).length).toBe(5)
  })

  // the deadlines below are on a clock of the run's own, which moves only by the waits the run
  // asks for: when the run ends no longer depends on how fast the machine is
  it('a status endpoint down for good ends in a timeout that names the last failure', async () => {
    emu.addFault({
      path: '/status$',
      times: 0,
      status: 503,
      body: '{"message":"Service Unavailable"}',
      contentType: 'application/json'
    })
    const clock = virtualClock(Date.now())
    const run = await runInProcess(cloudneetiInputs(emu.url, { ...FAST, timeout: '3' }), { clock })
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(
      /^Timed out after 3 s waiting for scan job \S+; the last status check failed: Could not read the status of scan job \S+: GET \S+\/status answered 503: "Service Unavailable"/
    )
  })

  it('a Retry-After beyond the time left fails at once instead of sleeping past the deadline', async () => {
    emu.addFault({ path: '/status$', times: 0, status: 429, headers: { 'Retry-After': '120' } })
    const start = Date.now()
    const clock = virtualClock(start)
    const run = await runInProcess(cloudneetiInputs(emu.url, { ...FAST, timeout: '4' }), { clock })
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(/Timed out after 4 s.*answered 429/)
    expect(run.log).toContainEqual(expect.stringMatching(/asked to retry after 120 s, past the time left/))
    // at once: the status was asked for once, and the run's clock stopped short of the deadline
    expect(emu.log.filter(e => e.fault)).toHaveLength(1)
    expect(clock.now()).toBeLessThan(start + 4000)
  })

  it('a Retry-After given as an HTTP date is honoured', async () => {
    // the run's clock starts on a whole second and moves only by its waits: the date (whole
    // seconds too) is 2 s ahead of it when the rescan is answered, however long that took
    const start = Math.ceil(Date.now() / 1000) * 1000
    const at = new Date(start + 2000).toUTCString()
    emu.addFault({ path: '/rescan$', status: 429, headers: { 'Retry-After': at } })
    const clock = virtualClock(start)
    const run = await runInProcess(cloudneetiInputs(emu.url, FAST), { clock })
    expect(run.outputs.result).toBe('pass')
    const rescans = emu.log.filter(e => e.path.endsWith('/rescan'))
    expect(rescans).toHaveLength(2)
    // the run's first wait, between the two rescans, lasts until the date
    expect(run.log).toContainEqual(
      expect.stringMatching(/\/rescan failed \(429\b.*\); retry 1 of 4 in 2\.0 s$/)
    )
    expect(clock.waits[0]).toBe(2000)
  })
})

describe('conformity under faults that last, in process', () => {
  it('a checks endpoint failing for good is an error, never a verdict on partial data', async () => {
    emu.addFault({ path: '/checks$', times: 0, status: 502, action: 'html' })
    const run = await runInProcess(conformityInputs(emu.url, { ...FAST, mode: 'audit' }))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.score).toBe('')
    expect(run.outputs.reason).toMatch(
      /^Could not read the checks of account cc-acc-prod: GET \S+\/v1\/checks\?\S+ answered 502: "an HTML error page"/
    )
  })
})
