/**
 * Small lies of a buggy or hostile service (issue class 7, CONTRACT §13): a job status no one
 * documented, a date that is no date, a severity the scale lacks, a compliance colour or a score
 * out of range, throttling until the deadline. Each is handled once, classified, and never turns
 * into "Unexpected failure" or into advice that cannot help.
 */
import { describe, expect, it } from '@jest/globals'
import { runActionInProcess } from '../helpers/inprocess.js'
import {
  CC,
  CN,
  cloudneetiReal,
  conformityAccount,
  conformityReal,
  errorKind,
  expectError,
  faulted,
  warnings
} from '../helpers/hostile.js'
import { cloudneetiInputs, conformityInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any
const PROD = CN.accounts.prodAws

describe('a Conformity last-checked-date that is no date is a bad response', () => {
  async function accountWith(value: unknown): Promise<string> {
    const real = await conformityReal(emu, `/accounts/${CC.accounts.prod}`)
    real.data.attributes['last-checked-date'] = value
    return JSON.stringify(real)
  }

  it.each([
    ['1e17 (past the last date JavaScript has)', 1e17],
    ['the same as a string', '100000000000000000'],
    ['a negative epoch', -1],
    ['a fraction of a millisecond', 1700000000000.5],
    ['a word', 'yesterday']
  ])('%s in audit mode → bad-response, not "Unexpected failure"', async (_name, value) => {
    emu.addFault({
      method: 'GET',
      path: `/accounts/${CC.accounts.prod}$`,
      body: await accountWith(value),
      times: 0
    })
    const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit' }))
    expectError(run, /last-checked-date/)
    expect(errorKind(run)).toBe('bad-response')
    expect(run.outputs.reason).not.toMatch(/Unexpected failure/)
  })

  it('1e17 while waiting for the bot (scan mode, after a sane first read) → bad-response, no endless wait', async () => {
    emu.addFault({
      method: 'GET',
      path: `/accounts/${CC.accounts.prod}$`,
      body: await accountWith(1e17),
      after: 1,
      times: 0
    })
    const run = await runActionInProcess(conformityInputs(emu.url))
    expectError(run, /last-checked-date/)
    expect(errorKind(run)).toBe('bad-response')
    expect(faulted(emu, /\/accounts\//)).toHaveLength(1)
  })

  it('1e17 in the world itself (a run that ends "then"): bad-response', async () => {
    emu.setWorld(fastWorld(w => (conformityAccount(w, CC.accounts.prod).lastCheckedDate = 1e17)))
    const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit' }))
    expectError(run)
    expect(errorKind(run)).toBe('bad-response')
    expect(run.outputs.reason).not.toMatch(/Unexpected failure/)
  })
})

describe('values off the documented scales', () => {
  it('a failed Cloudneeti policy of severity "Catastrophic" counts as the highest (fails fail-on-severity critical)', async () => {
    const real = await cloudneetiReal(emu, 'audit', PROD, '/benchmark/CSBP/summary')
    const policy = real.result.resourceCategories[0].policies[0]
    expect(policy.compliance).toBe('Red')
    policy.severity = 'Catastrophic'
    emu.addFault({ method: 'GET', path: '/benchmark/CSBP/summary$', body: JSON.stringify(real), times: 0 })
    const run = await runActionInProcess(
      cloudneetiInputs(emu.url, { mode: 'audit', 'fail-on-severity': 'critical' })
    )
    expect([run.code, run.outputs.result]).toEqual([1, 'fail'])
    expect(warnings(run.stdout, /severity Cloudneeti does not define; .* treated as Critical/)).toHaveLength(
      1
    )
  })

  it('a failing Conformity check of risk level "SEVERE" counts as the highest (fails fail-on-severity extreme)', async () => {
    const page = await conformityReal(
      emu,
      `/checks?accountIds=${CC.accounts.prod}&filter[statuses]=FAILURE&filter[suppressed]=false&page[size]=1000`
    )
    page.data[0].attributes['risk-level'] = 'SEVERE'
    emu.addFault({ method: 'GET', path: '/checks$', body: JSON.stringify(page), times: 0 })
    const run = await runActionInProcess(
      conformityInputs(emu.url, { mode: 'audit', 'fail-on-severity': 'extreme' })
    )
    expect([run.code, run.outputs.result]).toEqual([1, 'fail'])
    expect(warnings(run.stdout, /unknown risk level; .* treated as EXTREME/)).toHaveLength(1)
  })

  it.each([
    [
      'a compliance colour "Passed"',
      (r: Raw) => (r.resourceCategories[0].policies[0].compliance = 'Passed'),
      /Compliance 'Passed'/
    ],
    ['a score of 150', (r: Raw) => (r.posture.compliancePercent = 150), /compliancePercent/i],
    ['a score of "57%"', (r: Raw) => (r.posture.compliancePercent = '57%'), /compliancePercent/i],
    ['a score of null', (r: Raw) => (r.posture.compliancePercent = null), /compliancePercent/i]
  ])('a Cloudneeti report with %s → bad-response', async (_name, mangle, reason) => {
    const real = await cloudneetiReal(emu, 'audit', PROD, '/benchmark/CSBP/summary')
    mangle(real.result)
    emu.addFault({ method: 'GET', path: '/benchmark/CSBP/summary$', body: JSON.stringify(real), times: 0 })
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { mode: 'audit' }))
    expectError(run, reason)
    expect(errorKind(run)).toBe('bad-response')
  })
})
