import { systemClock, type Clock } from './clock.js'
import { ActionError, HttpError, errorMessage } from './errors.js'
import type { Logger } from './log.js'

export interface PollStep<T> {
  done: boolean
  value?: T
  /** The service's status in words, for logs and the timeout message. */
  status: string
}

export interface PollerOptions {
  /** The longest wait between two polls (the `poll-interval` input). */
  maxIntervalMs: number
  /** Epoch ms after which waiting ends in a timeout. */
  deadline: number
  /** The `timeout` input, for the message. */
  timeoutSeconds: number
  log: Logger
  signal?: AbortSignal
  clock?: Clock
}

/**
 * When to poll next: 1.1 s after the scan starts, then 0.9 s + 9 % of the time already waited,
 * never more than `poll-interval`. A scan that ends at time T (≥ 1 s) is seen within
 * 1 s + 10 % of T with ≥ 0.1 s to spare for the request itself, using no more status requests
 * than a fixed 1.2 s poller (which is what meeting that bound takes with a fixed interval):
 * 2 at 2 s, 8 at 10 s, 16 at 30 s. See `npm run bench`.
 */
export function nextPollDelay(elapsedMs: number, maxIntervalMs: number): number {
  const delay = elapsedMs === 0 ? 1100 : 900 + 0.09 * elapsedMs
  return Math.max(50, Math.min(maxIntervalMs, delay))
}

/** A status that errs for a moment does not end the wait; these do. */
function isTransient(err: unknown): boolean {
  if (err instanceof HttpError) return err.retryable || err.kind === 'network' || err.kind === 'bad-response'
  return false
}

function throttled(err: unknown): err is HttpError {
  return err instanceof HttpError && err.status === 429
}

export class Poller {
  readonly deadline: number
  private readonly options: PollerOptions
  private readonly clock: Clock

  constructor(options: PollerOptions) {
    this.options = options
    this.deadline = options.deadline
    this.clock = options.clock ?? systemClock
  }

  /** Calls `check` until it says done; throws a `timeout` error at the deadline. */
  async waitFor<T>(what: string, check: () => Promise<PollStep<T>>): Promise<T> {
    const started = this.clock.now()
    let lastStatus = 'unknown'
    let lastError: unknown
    let lastLogged = ''
    // a service that asked us to wait (Retry-After) is not asked again sooner
    let notBefore = 0
    for (;;) {
      const now = this.clock.now()
      const remaining = this.deadline - now
      const wait = Math.max(nextPollDelay(now - started, this.options.maxIntervalMs), notBefore - now)
      if (wait > remaining && notBefore > this.deadline) throw this.timeout(what, lastStatus, lastError)
      await this.clock.sleep(Math.min(wait, Math.max(0, remaining)), this.options.signal)
      if (this.clock.now() >= this.deadline) throw this.timeout(what, lastStatus, lastError)
      try {
        const step = await check()
        lastError = undefined
        lastStatus = step.status
        if (step.done) return step.value as T
        if (step.status !== lastLogged) {
          this.options.log.info(`Waiting for ${what}: ${step.status}`)
          lastLogged = step.status
        }
      } catch (err) {
        if (err instanceof ActionError && err.kind === 'cancelled') throw err
        // a status check cut off by the deadline is the wait timing out: say what it waited for
        if (err instanceof ActionError && err.kind === 'timeout') {
          throw this.timeout(what, lastStatus, err instanceof HttpError ? err : lastError)
        }
        if (!isTransient(err)) throw err
        lastError = err
        notBefore = throttled(err) && err.retryAfterMs !== undefined ? this.clock.now() + err.retryAfterMs : 0
        this.options.log.warning(`Status check for ${what} failed; still waiting: ${errorMessage(err)}`)
      }
      if (this.clock.now() >= this.deadline) throw this.timeout(what, lastStatus, lastError)
    }
  }

  private timeout(what: string, lastStatus: string, lastError: unknown): ActionError {
    const last = lastError
      ? `; the last status check failed: ${errorMessage(lastError).replace(/\.+$/, '')}`
      : `; last status: ${lastStatus}`
    // a wait cut short by throttling is not cured by a longer timeout
    const advice = throttled(lastError)
      ? 'The service was rate limiting the status checks: raise poll-interval, or re-run when fewer jobs use this key.'
      : 'Raise the timeout input if scans of this account take longer.'
    return new ActionError(
      'timeout',
      `Timed out after ${this.options.timeoutSeconds} s waiting for ${what}${last}. ${advice}`
    )
  }
}
