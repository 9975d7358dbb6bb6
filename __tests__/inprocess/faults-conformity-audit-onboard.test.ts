/** @jest-environment ./__tests__/helpers/node-errors-environment.cjs */
import { CONFORMITY, describeFaultTable, faultTable, inProcessRunner, quickWorld } from '../helpers/faults.js'
import { useEmulator } from '../helpers/world.js'

const emu = useEmulator()

describeFaultTable({
  title: 'conformity audit and onboard requests under faults, in process',
  provider: CONFORMITY,
  emu,
  runner: inProcessRunner,
  world: quickWorld,
  cases: faultTable(CONFORMITY.endpoints.filter(e => e.mode !== 'scan'))
})
