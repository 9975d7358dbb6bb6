import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/local-runner.ts'
import { FAST, describeFaultTable, type Endpoint } from '../helpers/faults.js'
import { SAMPLE, conformityInputs, fastWorld, useEmulator } from '../helpers/world.js'

const cc = SAMPLE.conformity
const emu = useEmulator()

const ONBOARD = JSON.stringify({
  cloudType: 'aws',
  name: 'faulty',
  environment: 'test',
  roleArn: 'arn:aws:iam::123456789012:role/CC'
})

const ENDPOINTS: Endpoint[] = [
  { name: 'whoami', method: 'GET', path: '/users/whoami$', mode: 'scan', repeatable: true },
  { name: 'account', method: 'GET', path: `/accounts/${cc.accounts.prod}$`, mode: 'scan', repeatable: true },
  { name: 'scan', method: 'POST', path: '/scan$', mode: 'scan', repeatable: true },
  { name: 'checks', method: 'GET', path: '/checks$', mode: 'audit', repeatable: true },
  {
    name: 'external id',
    method: 'GET',
    path: '/organisation/external-id$',
    mode: 'onboard',
    repeatable: true
  },
  { name: 'create account', method: 'POST', path: '/v1/accounts$', mode: 'onboard', repeatable: false }
]

function inputsFor(mode: string): Record<string, string> {
  return conformityInputs(emu.url, {
    ...FAST,
    mode,
    ...(mode === 'onboard' ? { 'onboard-account': ONBOARD } : {})
  })
}

describeFaultTable({
  provider: 'conformity',
  emu,
  endpoints: ENDPOINTS,
  inputsFor,
  unrepeatableError: () =>
    new RegExp(`^Could not create the aws account faulty: POST ${emu.url}/v1/accounts (answered|failed)`)
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

  it('a checks endpoint failing for good is an error, never a verdict on partial data', async () => {
    emu.addFault({ path: '/checks$', times: 0, status: 502, action: 'html' })
    const run = await runAction(conformityInputs(emu.url, { ...FAST, mode: 'audit' }))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.score).toBe('')
    expect(run.outputs.reason).toMatch(
      /^Could not read the checks of account cc-acc-prod: GET \S+\/v1\/checks\?\S+ answered 502: "an HTML error page"/
    )
  })
})
