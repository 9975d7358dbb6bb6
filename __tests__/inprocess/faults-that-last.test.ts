/** @jest-environment ./__tests__/helpers/node-errors-environment.cjs */
import { describe, expect, it } from '@jest/globals'
import { FAST, quickWorld } from '../helpers/faults.js'
import { runInProcess, virtualClock } from '../helpers/inprocess.js'
import { cloudneetiInputs, conformityInputs, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

// Faults that do not go away, where what counts is how many times the request is made and what
// the error then says, not how long the backoff between the attempts is: run() in process, with
// the action's number of retries and backoff in milliseconds. The ones about deadlines run the
// bundle, in __tests__/integration/faults-*.test.ts.
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

  it('a Retry-After given as an HTTP date is honoured', async () => {
    emu.setWorld(quickWorld())
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
