/** @jest-environment ./__tests__/helpers/node-errors-environment.cjs */
import {
  CLOUDNEETI,
  bundleRunner,
  describeFaultTable,
  faultCases,
  inProcessRunner,
  quickWorld
} from '../helpers/faults.js'
import { useEmulator } from '../helpers/world.js'

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
