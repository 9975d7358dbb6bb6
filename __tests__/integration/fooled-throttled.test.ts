/**
 * Issue class 7, CONTRACT §13 "Time": a wait that ends because the service throttled every status
 * check (429 with Retry-After, again and again until the deadline) is a timeout that tells the user
 * about rate limiting; advice to raise the timeout would not help.
 */
import { describe, expect, it } from '@jest/globals'
import { runActionInProcess } from '../helpers/inprocess.js'
import { CC, errorKind, expectError, faulted } from '../helpers/hostile.js'
import { cloudneetiInputs, conformityInputs, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

describe('throttled until the deadline: the timeout says rate limiting', () => {
  it('Cloudneeti status answered 429 (Retry-After 1) on every poll: a timeout that talks about rate limiting', async () => {
    emu.addFault({ method: 'GET', path: '/status$', status: 429, headers: { 'Retry-After': '1' }, times: 0 })
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { timeout: '6' }))
    expectError(run, /^Timed out after 6 s waiting for scan job/)
    expect(errorKind(run)).toBe('timeout')
    expect(run.outputs.reason).toMatch(/rate limiting/)
    expect(run.outputs.reason).not.toMatch(/Raise the timeout/i)
    // it kept asking, a second apart, until the deadline
    expect(faulted(emu, /\/status$/).length).toBeGreaterThanOrEqual(3)
  })

  it('Conformity account polls answered 429 (Retry-After 1) until the deadline: the same', async () => {
    emu.addFault({
      method: 'GET',
      path: `/accounts/${CC.accounts.prod}$`,
      status: 429,
      headers: { 'Retry-After': '1' },
      after: 1,
      times: 0
    })
    const run = await runActionInProcess(conformityInputs(emu.url, { timeout: '6' }))
    expectError(run, /^Timed out after 6 s waiting for the Conformity bot/)
    expect(run.outputs.reason).toMatch(/rate limiting/)
    expect(run.outputs.reason).not.toMatch(/Raise the timeout/i)
    expect(faulted(emu, /\/accounts\//).length).toBeGreaterThanOrEqual(3)
  })
})
