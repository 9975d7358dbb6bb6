import { sleep } from './sleep.js'

/** Time as the run sees it: tests inject one that waits less, so retries and polls stay quick. */
export interface Clock {
  now(): number
  /** Waits, or rejects with a `cancelled` error as soon as the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = { now: () => Date.now(), sleep }
