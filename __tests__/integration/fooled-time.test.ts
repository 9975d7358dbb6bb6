/**
 * CONTRACT §2, §13 "Time": `request-timeout` bounds each whole response, body included, so a
 * service that sends its headers at once and then a byte now and then cannot hold the run; a
 * `Retry-After` longer than the time left ends the wait at once, as a timeout that says the service
 * was rate limiting (a longer timeout would not help). Assertions are on messages and on the
 * requests in the emulator's log, never on wall-clock time.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import { errorKind, expectError, faulted, requests } from '../helpers/hostile.js'
import { cloudneetiInputs, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

const retryLines = (stdout: string, pattern: RegExp) =>
  stdout.split('\n').filter(l => /failed \(.*\); retry \d of \d/.test(l) && pattern.test(l))

describe('request-timeout bounds the whole response, body included', () => {
  it('a report trickled a byte every 200 ms is cut at 1 s and asked again: two trickles, then the real one', async () => {
    emu.addFault({ method: 'GET', path: '/job/.*/summary$', action: 'trickle', trickleMs: 200, times: 2 })
    // this case through the bundle, as the runner runs it; the others in process
    const run = await runAction(cloudneetiInputs(emu.url, { 'request-timeout': '1' }))
    expect(run.outputs.result).toBe('pass')
    expect(faulted(emu, /\/summary$/)).toHaveLength(2)
    expect(requests(emu, /\/job\/.*\/summary$/)).toHaveLength(3)
    expect(retryLines(run.stdout, /no answer within the request timeout/)).toHaveLength(2)
  })

  it('a job status trickled twice: each cut at the request timeout, retried, and the scan is still seen', async () => {
    emu.addFault({ method: 'GET', path: '/status$', action: 'trickle', trickleMs: 300, times: 2 })
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { 'request-timeout': '1' }))
    expect(run.outputs.result).toBe('pass')
    expect(faulted(emu, /\/status$/)).toHaveLength(2)
    expect(retryLines(run.stdout, /\/status failed \(no answer within the request timeout\)/)).toHaveLength(2)
  })
  it('a report trickled on every attempt: error after the retries, naming the request timeout', async () => {
    emu.addFault({ method: 'GET', path: '/summary$', action: 'trickle', trickleMs: 500, times: 0 })
    const run = await runActionInProcess(
      cloudneetiInputs(emu.url, { 'request-timeout': '1', timeout: '25', mode: 'audit' })
    )
    expectError(
      run,
      /^Could not download the latest CSBP report: GET \S+ failed: no answer within the request timeout/
    )
    expect(errorKind(run)).toBe('network')
    // the first attempt and the four retries, each cut off
    expect(faulted(emu, /\/summary$/)).toHaveLength(5)
    expect(retryLines(run.stdout, /no answer within the request timeout/)).toHaveLength(4)
  })
})
