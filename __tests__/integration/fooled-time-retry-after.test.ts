/**
 * CONTRACT §2, §13 "Time": `request-timeout` bounds each whole response, body included, so a
 * service that sends its headers at once and then a byte now and then cannot hold the run; a
 * `Retry-After` longer than the time left ends the wait at once, as a timeout that says the service
 * was rate limiting (a longer timeout would not help). Assertions are on messages and on the
 * requests in the emulator's log, never on wall-clock time.
 */
import { describe, expect, it } from '@jest/globals'
import { runActionInProcess } from '../helpers/inprocess.js'
import { CC, errorKind, expectError, faulted, requests } from '../helpers/hostile.js'
import { cloudneetiInputs, conformityInputs, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

const retryLines = (stdout: string, pattern: RegExp) =>
  stdout.split('\n').filter(l => /failed \(.*\); retry \d of \d/.test(l) && pattern.test(l))

describe('request-timeout also bounds small and Conformity bodies', () => {
  it('a canned status body trickled byte by byte (200 with a tiny body) is cut too', async () => {
    emu.addFault({
      method: 'GET',
      path: '/status$',
      action: 'trickle',
      trickleMs: 100,
      body: JSON.stringify({
        result: { jobStatus: 'Success' },
        statusCode: 200,
        message: 'Request Successful'
      })
    })
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { 'request-timeout': '1' }))
    expect(run.outputs.result).toBe('pass')
    expect(faulted(emu, /\/status$/)).toHaveLength(1)
    expect(retryLines(run.stdout, /no answer within the request timeout/)).toHaveLength(1)
  })

  it('Conformity: a trickled checks page is cut and asked again', async () => {
    emu.addFault({ method: 'GET', path: '/checks$', action: 'trickle', trickleMs: 200, times: 1 })
    const run = await runActionInProcess(conformityInputs(emu.url, { 'request-timeout': '1', mode: 'audit' }))
    expect(run.outputs.result).toBe('pass')
    expect(faulted(emu, /\/checks$/)).toHaveLength(1)
    expect(
      retryLines(run.stdout, /\/checks\?.* failed \(no answer within the request timeout\)/)
    ).toHaveLength(1)
  })
})

describe('a Retry-After longer than the time left ends the wait at once, as rate limiting', () => {
  it.each([
    ['3600 seconds', () => '3600'],
    ['an HTTP date an hour ahead', () => new Date(Date.now() + 3600_000).toUTCString()]
  ])(
    'Cloudneeti job status with Retry-After %s: one status request, a timeout that talks about rate limiting',
    async (_name, value) => {
      emu.addFault({
        method: 'GET',
        path: '/status$',
        status: 429,
        headers: { 'Retry-After': value() },
        times: 0
      })
      const run = await runActionInProcess(cloudneetiInputs(emu.url))
      expectError(
        run,
        /^Timed out after 20 s waiting for scan job \S+; the last status check failed: .*answered 429/
      )
      expect(errorKind(run)).toBe('timeout')
      expect(run.outputs.reason).toMatch(/rate limiting/)
      expect(run.outputs.reason).not.toMatch(/Raise the timeout/i)
      expect(requests(emu, /\/status$/)).toHaveLength(1)
      expect(run.stdout).toMatch(/asked to retry after 3[56]\d\d s, past the time left/)
    }
  )

  it('Conformity bot status with Retry-After 3600: one account poll, a timeout about rate limiting', async () => {
    emu.addFault({
      method: 'GET',
      path: `/accounts/${CC.accounts.prod}$`,
      status: 429,
      headers: { 'Retry-After': '3600' },
      after: 1,
      times: 0
    })
    const run = await runActionInProcess(conformityInputs(emu.url))
    expectError(run, /^Timed out after 20 s waiting for the Conformity bot on account cc-acc-prod/)
    expect(run.outputs.reason).toMatch(/rate limiting/)
    expect(run.outputs.reason).not.toMatch(/Raise the timeout/i)
    expect(faulted(emu, /\/accounts\//)).toHaveLength(1)
  })

  it('a rescan answered 429 with Retry-After 3600: one request, an error that says the service is rate limiting', async () => {
    emu.addFault({
      method: 'GET',
      path: '/rescan$',
      status: 429,
      headers: { 'Retry-After': '3600' },
      times: 0
    })
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expectError(run, /answered 429.*rate limiting/)
    expect(run.outputs.reason).not.toMatch(/Raise the timeout/i)
    expect(requests(emu, /\/rescan$/)).toHaveLength(1)
  })
})
