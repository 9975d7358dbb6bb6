import { ActionError, HttpError, errorMessage } from './errors.js'
import type { Logger } from './log.js'
import { sleep } from './sleep.js'

export interface PollStep<T> {
  done: boolean
  value?: T
  /** The service's status in words, for logs and the timeout message. */
  status: string
}

export interface PollerOptions {
  /** The longest wait between two polls (the `poll-interval` input). */
  maxIntervalMs: number
  /** Epoch ms after which waiting ends in a timeout (start + `timeout`). */
  deadline: number
  timeoutSeconds: number
  log: Logger
  signal?: AbortSignal
  now?: () => number
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

export class Poller {
  readonly deadline: number
  private readonly options: PollerOptions
  /** Status requests made, for logs and the benchmark. */
  polls = 0

  constructor(options: PollerOptions) {
    this.options = options
    this.deadline = options.deadline
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  /** Calls `check` until it says done; throws a `timeout` error at the deadline. */
  async waitFor<T>(what: string, check: () => Promise<PollStep<T>>): Promise<T> {
    const started = this.now()
    let lastStatus = 'unknown'
    let lastError: unknown
    let lastLogged = ''
    for (;;) {
      const remaining = this.deadline - this.now()
      const wait = Math.min(
        nextPollDelay(this.now() - started, this.options.maxIntervalMs),
        Math.max(0, remaining)
      )
      await sleep(wait, this.options.signal)
      this.polls++
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
        if (!isTransient(err)) throw err
        lastError = err
        this.options.log.warning(`Status check for ${what} failed; still waiting: ${errorMessage(err)}`)
      }
      if (this.now() >= this.deadline) {
        const last = lastError
          ? `; the last status check failed: ${errorMessage(lastError)}`
          : `; last status: ${lastStatus}`
        throw new ActionError(
          'timeout',
          `Timed out after ${this.options.timeoutSeconds} s waiting for ${what}${last}. Raise the timeout input if scans of this account take longer.`
        )
      }
    }
  }
}
