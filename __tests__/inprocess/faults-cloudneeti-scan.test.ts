/** @jest-environment ./__tests__/helpers/node-errors-environment.cjs */
import { CLOUDNEETI, describeFaultTable, faultTable, inProcessRunner, quickWorld } from '../helpers/faults.js'
import { useEmulator } from '../helpers/world.js'

const emu = useEmulator()

describeFaultTable({
  title: 'cloudneeti scan requests under faults, in process',
  provider: CLOUDNEETI,
  emu,
  runner: inProcessRunner,
  world: quickWorld,
  cases: faultTable(CLOUDNEETI.endpoints.filter(e => e.mode === 'scan'))
})
