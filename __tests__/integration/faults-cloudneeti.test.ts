import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/local-runner.ts'
import { FAST, describeFaultTable, type Endpoint } from '../helpers/faults.js'
import { cloudneetiInputs, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

const ONBOARD = JSON.stringify({
  cloudType: 'aws',
  AccountName: 'faulty',
  AWSAccountId: '123456789012',
  AWSRoleName: 'Role'
})

const ENDPOINTS: Endpoint[] = [
  { name: 'account token', method: 'POST', path: '/token$', mode: 'scan', repeatable: true },
  { name: 'rescan', method: 'GET', path: '/rescan$', mode: 'scan', repeatable: true },
  { name: 'job status', method: 'GET', path: '/status$', mode: 'scan', repeatable: true },
  { name: 'job report', method: 'GET', path: '/job/.*/summary$', mode: 'scan', repeatable: true },
  { name: 'latest report', method: 'GET', path: '/benchmark/CSBP/summary$', mode: 'audit', repeatable: true },
  {
    name: 'onboard',
    method: 'POST',
    path: '/onboarding/.*/account/aws$',
    mode: 'onboard',
    repeatable: false
  },
  { name: 'scope update', method: 'PUT', path: '/config$', mode: 'onboard', repeatable: true }
]

function inputsFor(mode: string): Record<string, string> {
  return cloudneetiInputs(emu.url, {
    ...FAST,
    mode,
    ...(mode === 'onboard' ? { 'onboard-account': ONBOARD } : {})
  })
}

describeFaultTable({
  provider: 'cloudneeti',
  emu,
  endpoints: ENDPOINTS,
  inputsFor,
  unrepeatableError: () =>
    new RegExp(`^Could not onboard the aws account faulty: POST ${emu.url}/onboarding/\\S+ (answered|failed)`)
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

  it('a report endpoint failing for good ends after the retries with the status and the service message', async () => {
    emu.addFault({
      path: '/summary$',
      times: 0,
      status: 500,
      body: '{"statusCode":500,"message":"Report store offline","result":null}',
      contentType: 'application/json'
    })
    const run = await runAction(cloudneetiInputs(emu.url, FAST))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(
      /^Could not download the CSBP report of job \S+: GET \S+\/summary answered 500: "Report store offline"\. The service had a problem; re-run later\.$/
    )
    expect(emu.log.filter(e => e.fault).length).toBe(5)
  })

  it('a Retry-After beyond the time left fails at once instead of sleeping past the deadline', async () => {
    emu.addFault({ path: '/status$', times: 0, status: 429, headers: { 'Retry-After': '120' } })
    const run = await runAction(cloudneetiInputs(emu.url, { ...FAST, timeout: '4' }))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(/Timed out after 4 s.*answered 429/)
    expect(run.stdout).toMatch(/asked to retry after 120 s, past the time left/)
  })

  it('a Retry-After given as an HTTP date is honoured', async () => {
    const at = new Date(Date.now() + 2000).toUTCString()
    emu.addFault({ path: '/rescan$', status: 429, headers: { 'Retry-After': at } })
    const run = await runAction(cloudneetiInputs(emu.url, FAST))
    expect(run.outputs.result).toBe('pass')
    const rescans = emu.log.filter(e => e.path.endsWith('/rescan'))
    expect(rescans).toHaveLength(2)
    expect(rescans[1].time - rescans[0].time).toBeGreaterThanOrEqual(900)
  })
})
