/** Retry policy: what is worth repeating, and how long to wait before doing so. */

export interface RetryPolicy {
  /** Attempts after the first one. */
  maxRetries: number
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 10_000 }

/** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)
  return Math.floor(random() * ceiling)
}

/** `Retry-After` as milliseconds, from delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number = Date.now()
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value
  if (!raw) return undefined
  const text = raw.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/** Statuses worth another attempt: throttling and server-side trouble. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT'
])

export interface NetworkFailure {
  code: string
  /** True when the request certainly never reached the service, so even a non-idempotent call may repeat. */
  notSent: boolean
  description: string
}

/** Classifies a thrown transport error; undefined when it is not a network failure. */
export function networkFailure(err: unknown): NetworkFailure | undefined {
  // duck-typed: an error from another realm (a vm context, a test runner) is no `instanceof Error`
  if (!err || typeof err !== 'object' || typeof (err as Error).message !== 'string') return undefined
  const code = (err as NodeJS.ErrnoException).code
  if (code && NETWORK_CODES.has(code)) {
    const descriptions: Record<string, string> = {
      ECONNREFUSED: 'connection refused',
      ECONNRESET: 'connection reset',
      ETIMEDOUT: 'connection timed out',
      EAI_AGAIN: 'DNS lookup failed'
    }
    return {
      code,
      notSent: code === 'ECONNREFUSED' || code === 'EAI_AGAIN',
      description: descriptions[code] ?? code
    }
  }
  const message = (err as Error).message
  if (/^Request timeout/.test(message))
    return { code: 'TIMEOUT', notSent: false, description: 'no answer within the request timeout' }
  if (/socket hang up/i.test(message))
    return { code: 'ECONNRESET', notSent: false, description: 'connection closed by the server' }
  return undefined
}
