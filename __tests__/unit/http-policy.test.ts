import { describe, expect, it } from '@jest/globals'
import { redactUrl, serviceMessage } from '../../src/http/messages.js'
import { backoffDelay, networkFailure, parseRetryAfter } from '../../src/http/retry.js'
import { nextPollDelay } from '../../src/poll.js'

describe('retry policy', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-23T12:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter(['1.5'], now)).toBe(1500)
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:07 GMT', now)).toBe(7000)
    expect(parseRetryAfter('Mon, 23 Nov 2026 11:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })

  it('backs off exponentially with full jitter, capped', () => {
    const policy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 3000 }
    expect(backoffDelay(policy, 0, () => 0.999)).toBe(499)
    expect(backoffDelay(policy, 2, () => 0.5)).toBe(1000)
    expect(backoffDelay(policy, 6, () => 0.999)).toBe(2997)
    expect(backoffDelay(policy, 3, () => 0)).toBe(0)
  })

  it('tells network failures that certainly did not reach the service', () => {
    const refused = Object.assign(new Error('x'), { code: 'ECONNREFUSED' })
    const reset = Object.assign(new Error('x'), { code: 'ECONNRESET' })
    expect(networkFailure(refused)).toMatchObject({ notSent: true })
    expect(networkFailure(reset)).toMatchObject({ notSent: false })
    expect(networkFailure(new Error('Request timeout: /x'))).toMatchObject({ code: 'TIMEOUT' })
    expect(networkFailure(new Error('boom'))).toBeUndefined()
  })
})

describe('service messages', () => {
  it.each([
    [{ message: 'a' }, 'a'],
    [{ Message: 'b' }, 'b'],
    [{ errors: [{ status: 422, detail: 'c' }] }, 'c'],
    [{ errors: [{ status: 401, details: 'd' }, { message: 'e' }] }, 'd; e'],
    [{ statusCode: 404, message: 'f', result: null }, 'f']
  ])('finds the words in %j', (body, words) => {
    expect(serviceMessage(body, JSON.stringify(body))).toBe(words)
  })

  it('describes an HTML page and removes secrets from URLs', () => {
    expect(serviceMessage(undefined, '<html><body>Bad gateway</body></html>')).toBe('an HTML error page')
    expect(redactUrl('https://u:p@h/x?accountIds=1&apiKey=SECRET&page[size]=5')).toBe(
      'https://h/x?accountIds=1&apiKey=***&page[size]=5'
    )
  })
})

describe('poll schedule', () => {
  it('starts after about a second, grows with the wait, and never exceeds poll-interval', () => {
    expect(nextPollDelay(0, 15000)).toBe(1100)
    expect(nextPollDelay(30000, 15000)).toBe(3600)
    expect(nextPollDelay(600000, 15000)).toBe(15000)
    expect(nextPollDelay(0, 200)).toBe(200)
    expect(nextPollDelay(0, 0)).toBe(50)
  })

  function pollTimes(untilMs: number): number[] {
    const times = [nextPollDelay(0, 15000)]
    while (times.at(-1)! < untilMs) times.push(times.at(-1)! + nextPollDelay(times.at(-1)!, 15000))
    return times
  }

  it('sees a scan ending at T within 1 s + 10 % of T, with 0.1 s to spare', () => {
    const times = pollTimes(600000)
    for (let i = 1; i < times.length; i++) {
      const endedJustAfter = times[i - 1]
      expect(times[i] - endedJustAfter).toBeLessThanOrEqual(1000 + 0.1 * endedJustAfter - 100)
    }
  })

  it('uses no more status requests than a fixed 1.2 s poller would', () => {
    for (const scanMs of [2000, 5000, 10000, 30000, 120000]) {
      const ours = pollTimes(scanMs).length
      expect(ours).toBeLessThanOrEqual(Math.ceil(scanMs / 1200))
    }
  })
})
