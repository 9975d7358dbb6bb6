/**
 * Errors are values with a kind, so main.ts can turn any of them into `result: error` with one
 * line a person can act on. A failed gate is not an error: it is a GateDecision.
 */
export type ErrorKind =
  | 'input'
  | 'auth'
  | 'permission'
  | 'not-found'
  | 'api'
  | 'bad-response'
  | 'network'
  | 'timeout'
  | 'scan-failed'
  | 'cancelled'
  | 'report'

export class ActionError extends Error {
  readonly kind: ErrorKind
  constructor(kind: ErrorKind, message: string) {
    super(message)
    this.name = 'ActionError'
    this.kind = kind
  }
}

export class InputError extends ActionError {
  readonly input: string
  constructor(input: string, message: string) {
    super('input', `Input '${input}' ${message}`)
    this.input = input
  }
}

export interface HttpErrorDetails {
  kind: ErrorKind
  method: string
  url: string
  status: number | undefined
  serviceMessage: string | undefined
  /** What the action was doing, e.g. "start the scan". */
  operation: string
  hint?: string
  retryable: boolean
  /** How long the service asked to wait (Retry-After), when it did. */
  retryAfterMs?: number
}

/** A failed request: carries the method, the URL without secrets, the status and the service's own words. */
export class HttpError extends ActionError {
  readonly method: string
  readonly url: string
  readonly status: number | undefined
  readonly serviceMessage: string | undefined
  readonly operation: string
  readonly retryable: boolean
  readonly retryAfterMs: number | undefined
  constructor(d: HttpErrorDetails) {
    // A status comes with the service's own words; a transport failure with what happened.
    const what =
      d.status === undefined
        ? ` failed: ${d.serviceMessage ?? 'no answer'}`
        : ` answered ${d.status}${d.serviceMessage ? `: "${d.serviceMessage}"` : ''}`
    const hint = d.hint ? ` ${d.hint}` : ''
    super(d.kind, `Could not ${d.operation}: ${d.method} ${d.url}${what}.${hint}`)
    this.name = 'HttpError'
    this.method = d.method
    this.url = d.url
    this.status = d.status
    this.serviceMessage = d.serviceMessage
    this.operation = d.operation
    this.retryable = d.retryable
    this.retryAfterMs = d.retryAfterMs
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export function toActionError(err: unknown): ActionError {
  if (err instanceof ActionError) return err
  return new ActionError('api', `Unexpected failure: ${errorMessage(err)}`)
}
