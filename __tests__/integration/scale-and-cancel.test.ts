/**
 * Each user path here runs `dist/index.js` as the runner does (`runAction`); its variants run the
 * same step from the sources in this process (`runActionInProcess`, held to the bundle's traces
 * by inprocess-parity.test.ts), which costs a fraction of the CPU.
 */
import { describe, expect, it } from '@jest/globals'
import type { CheckSpec, World } from '../../emulator/server.ts'
import { runAction } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import {
  SAMPLE,
  cloudneetiInputs,
  conformityInputs,
  expectedConformity,
  fastWorld,
  useEmulator
} from '../helpers/world.js'

const cc = SAMPLE.conformity
const emu = useEmulator()

const RISKS = ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH', 'EXTREME'] as const
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1']

function withChecks(checks: CheckSpec[]): World {
  return fastWorld(w => {
    const prod = w.conformity!.accounts!.find(a => a.id === cc.accounts.prod)!
    prod.checks = checks
    prod.checksAfterScan = undefined
  })
}

describe('large Conformity accounts', () => {
  it('evaluates a FAILURE set over the 10,000 cap by segmenting by risk level, then region', async () => {
    const checks: CheckSpec[] = []
    // 11,000 HIGH failures: over the cap even after splitting by risk level, so regions are needed too
    for (let i = 0; i < 11000; i++) {
      checks.push({
        rule: `HIGH-${i % 40}`,
        status: 'FAILURE',
        risk: 'HIGH',
        region: REGIONS[i % 3],
        service: 'EC2',
        resource: `r-${i}`
      })
    }
    for (let i = 0; i < 1500; i++) {
      checks.push({
        rule: `MIX-${i % 25}`,
        status: 'FAILURE',
        risk: RISKS[i % 5],
        region: REGIONS[i % 3],
        service: 'S3',
        resource: `m-${i}`
      })
    }
    for (let i = 0; i < 7500; i++)
      checks.push({
        rule: `OK-${i % 50}`,
        status: 'SUCCESS',
        risk: 'LOW',
        region: 'us-east-1',
        service: 'IAM',
        resource: `s-${i}`
      })
    emu.setWorld(withChecks(checks))
    emu.log.length = 0
    const run = await runActionInProcess(
      conformityInputs(emu.url, { mode: 'audit', 'fail-on-severity': 'none' })
    )
    const expected = expectedConformity(checks)
    expect(run.outputs).toMatchObject({
      result: 'pass',
      score: String(expected.score),
      'failed-controls': String(expected.failedRules.length)
    })
    expect((run.report?.accounts as { counts: { checks: unknown } }[])[0].counts.checks).toEqual({
      success: 7500,
      failure: 12500
    })
    const requests = emu.log.filter(e => e.path.startsWith('/v1/checks'))
    expect(requests.every(e => e.status === 200)).toBe(true)
    expect(requests.some(e => decodeURIComponent(e.path).includes('filter[regions]=us-west-2'))).toBe(true)
    // 13 pages of data at least, and no page asked twice
    const pages = requests.map(e => decodeURIComponent(e.path))
    expect(new Set(pages).size).toBe(pages.length)
    expect(pages.length).toBeLessThan(100)
  })

  it('refuses to gate on part of the data when no filter brings a segment under the cap', async () => {
    const checks: CheckSpec[] = []
    for (let i = 0; i < 10050; i++)
      checks.push({
        rule: 'ONE',
        status: 'FAILURE',
        risk: 'LOW',
        region: 'us-east-1',
        service: 'EC2',
        resource: `r-${i}`
      })
    emu.setWorld(withChecks(checks))
    const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit' }))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(
      /has 10050 matching checks in one segment, more than the API's 10000-result limit/
    )
  })
})

describe('cancellation', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops the wait on %s, and still writes what it knows',
    async signal => {
      emu.setWorld(fastWorld(w => (w.timing = { pendingSeconds: 0.1, scanSeconds: 60 })))
      const run = await runAction(cloudneetiInputs(emu.url, { timeout: '120' }), {
        // once the service has seen a status poll, the action is waiting (not still starting up)
        cancelWhen: () => emu.log.some(e => e.path.endsWith('/status')),
        signal
      })
      expect(run.code).toBe(1)
      expect(run.outputs).toMatchObject({
        result: 'error',
        decision: 'rollback',
        'account-id': SAMPLE.cloudneeti.accounts.prodAws
      })
      expect(run.outputs['scan-id']).toMatch(/^[0-9a-f-]{36}$/)
      expect(run.outputs.reason).toMatch(/cancelled/)
      expect(run.summary).toContain('could not evaluate')
      expect(run.summary).toContain(run.outputs['scan-id'])
      expect(run.report).toMatchObject({
        result: 'error',
        error: { kind: 'cancelled', phase: 'wait for the scan' }
      })
    }
  )
})
