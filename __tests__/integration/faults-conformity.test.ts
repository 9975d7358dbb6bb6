/** @jest-environment ./__tests__/helpers/node-errors-environment.cjs */
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/local-runner.ts'
import {
  CONFORMITY,
  FAST,
  bundleRunner,
  describeFaultTable,
  faultCases,
  inProcessRunner,
  quickWorld
} from '../helpers/faults.js'
import { SAMPLE, conformityInputs, fastWorld, useEmulator } from '../helpers/world.js'

const cc = SAMPLE.conformity
const emu = useEmulator()

// The whole table runs in process (__tests__/inprocess/faults-conformity-*.test.ts); here the
// bundle meets each kind of fault once (the other six are in faults-cloudneeti.test.ts): it must
// reach the verdict of a clean run() in process, and run() in process under the same fault
// must reach the bundle's verdict, error kind included.
describeFaultTable({
  title: 'conformity under faults, bundled',
  provider: CONFORMITY,
  emu,
  world: quickWorld,
  runner: bundleRunner,
  cleanRunner: inProcessRunner,
  agreesWith: inProcessRunner,
  cases: faultCases(CONFORMITY, [
    ['whoami', 'truncated JSON'],
    ['account', '504'],
    ['scan', '503'],
    ['checks', '502'],
    ['external id', 'empty body'],
    ['create account', '429 without Retry-After']
  ])
})

describe('conformity under faults: the scan request', () => {
  it('a scan request repeated after a reset still waits for a run that ends after it', async () => {
    emu.setWorld(fastWorld(w => (w.timing = { pendingSeconds: 0.1, scanSeconds: 0.6 })))
    emu.addFault({ method: 'POST', path: '/scan$', action: 'reset' })
    const run = await runAction(conformityInputs(emu.url, FAST))
    expect(run.outputs.result).toBe('pass')
    const scans = emu.log.filter(e => e.method === 'POST' && e.path.endsWith('/scan'))
    expect(scans).toHaveLength(2)
    const lastAccountRead = emu.log.filter(e => e.path === `/v1/accounts/${cc.accounts.prod}`).at(-1)!
    expect(lastAccountRead.time - scans[1].time).toBeGreaterThanOrEqual(500)
  })
})
