/** @jest-environment ./__tests__/helpers/node-errors-environment.cjs */
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/local-runner.ts'
import {
  CLOUDNEETI,
  FAST,
  bundleRunner,
  describeFaultTable,
  faultCases,
  inProcessRunner,
  quickWorld
} from '../helpers/faults.js'
import { cloudneetiInputs, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

// The whole table runs in process (__tests__/inprocess/faults-cloudneeti-*.test.ts); here the
// bundle meets each kind of fault once (the other six are in faults-conformity.test.ts): it must
// reach the verdict of a clean run() in process, and run() in process under the same fault
// must reach the bundle's verdict, error kind included.
describeFaultTable({
  title: 'cloudneeti under faults, bundled',
  provider: CLOUDNEETI,
  emu,
  world: quickWorld,
  runner: bundleRunner,
  cleanRunner: inProcessRunner,
  agreesWith: inProcessRunner,
  cases: faultCases(CLOUDNEETI, [
    ['account token', 'HTML body with 200'],
    ['rescan', '429 with Retry-After'],
    ['job status', 'connection reset'],
    ['job report', 'hang past the request timeout'],
    ['latest report', 'wrong content type'],
    ['onboard', '500']
  ])
})

describe('cloudneeti under faults that last', () => {
  it('a status endpoint down for good ends in a timeout that names the last failure', async () => {
    emu.addFault({
      path: '/status$',
      times: 0,
      status: 503,
      body: '{"message":"Service Unavailable"}',
      contentType: 'application/json'
    })
    const run = await runAction(cloudneetiInputs(emu.url, { ...FAST, timeout: '3' }))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(
      /^Timed out after 3 s waiting for scan job \S+; the last status check failed: Could not read the status of scan job \S+: GET \S+\/status answered 503: "Service Unavailable"/
    )
  })

  it('a Retry-After beyond the time left fails at once instead of sleeping past the deadline', async () => {
    emu.addFault({ path: '/status$', times: 0, status: 429, headers: { 'Retry-After': '120' } })
    const run = await runAction(cloudneetiInputs(emu.url, { ...FAST, timeout: '4' }))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(/Timed out after 4 s.*answered 429/)
    expect(run.stdout).toMatch(/asked to retry after 120 s, past the time left/)
  })
})
