/** @jest-environment ./__tests__/helpers/node-errors-environment.cjs */
import { describe, expect, it } from '@jest/globals'
import { systemClock } from '../../src/clock.js'
import { FAST } from '../helpers/faults.js'
import { runInProcess } from '../helpers/inprocess.js'
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

  // in process, on the real clock: the date must still be ahead when the first rescan is made,
  // and the bundle's child process can take that long just to start on a loaded runner
  it('a Retry-After given as an HTTP date is honoured', async () => {
    // an HTTP date has whole seconds: this one is 2 to 3 s away
    const at = new Date(Date.now() + 3000).toUTCString()
    emu.addFault({ path: '/rescan$', status: 429, headers: { 'Retry-After': at } })
    const run = await runInProcess(cloudneetiInputs(emu.url, FAST), { clock: systemClock })
    expect(run.outputs.result).toBe('pass')
    const rescans = emu.log.filter(e => e.path.endsWith('/rescan'))
    expect(rescans).toHaveLength(2)
    // not asked again before the date (a timer may fire a few ms early against Date.now())
    expect(rescans[0].time).toBeLessThan(Date.parse(at))
    expect(rescans[1].time).toBeGreaterThanOrEqual(Date.parse(at) - 50)
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
