import { HttpClient as ToolkitClient } from '@actions/http-client'
import http from 'node:http'
import https from 'node:https'
import { systemClock, type Clock } from '../clock.js'
import { ActionError, HttpError, type ErrorKind } from '../errors.js'
import type { Logger } from '../log.js'
import { plain } from '../text.js'
import { redactUrl, serviceMessage } from './messages.js'
import {
  DEFAULT_RETRY,
  backoffDelay,
  isRetryableStatus,
  networkFailure,
  parseRetryAfter,
  type RetryPolicy
} from './retry.js'

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** Supplies auth headers, and a fresh credential when the service says the current one expired. */
export interface AuthProvider {
  headers(): Promise<Record<string, string>>
  /** Called once per failed request on 401; the request is then repeated once. */
  renew?(): Promise<void>
}

/** Lets a provider turn a status and its service's words into the right kind and a fix-it hint. */
export type ErrorClassifier = (
  status: number,
  message: string | undefined,
  body: unknown
) => { kind?: ErrorKind; hint?: string } | undefined

export interface RequestSpec {
  method: Method
  /** Path below the base URL, already encoded. */
  path: string
  query?: Record<string, string | number | undefined>
  body?: unknown
  /** What the action is doing, for errors: "start the scan". */
  operation: string
  /** Safe to repeat after a 5xx, a reset or a timeout. Non-idempotent calls repeat only when the service certainly did not act (429, refused). */
  idempotent: boolean
  auth?: AuthProvider
  /** Epoch ms: no attempt, wait or retry goes past this (the account's `timeout` deadline). */
  deadline: number
  /** Turns a status into the right kind and hint for this request (e.g. which permission it needs). */
  classify?: ErrorClassifier
}

export interface JsonResponse {
  status: number
  body: unknown
  headers: Record<string, string | string[] | undefined>
}

export interface HttpClientOptions {
  baseUrl: string
  headers: Record<string, string>
  /** The most one whole response may take, body included. */
  requestTimeoutMs: number
  log: Logger
  signal?: AbortSignal
  retry?: RetryPolicy
  clock?: Clock
  userAgent?: string
}

const JSON_BODY = /^\s*[[{]/
/** No API answer this action reads comes near this; a larger one is a broken or hostile service. */
const MAX_BODY_BYTES = 64 * 1024 * 1024

interface Outcome {
  status: number
  text: string
  headers: Record<string, string | string[] | undefined>
  contentType: string
}

/** Why an attempt was cut short: the whole-response limit, or the run's deadline. */
class AttemptTimeout extends Error {
  readonly byDeadline: boolean
  constructor(byDeadline: boolean) {
    super(byDeadline ? 'deadline' : 'Request timeout')
    this.byDeadline = byDeadline
  }
}

/**
 * A JSON client for one service: each whole response bounded by `request-timeout`, every attempt
 * and wait by the deadline, retries with backoff and full jitter, Retry-After honoured, one
 * credential renewal on 401, and typed errors that name the request without its secrets.
 */
export class HttpClient {
  private readonly toolkit: ToolkitClient
  private readonly options: HttpClientOptions
  private readonly retry: RetryPolicy
  private readonly clock: Clock

  constructor(options: HttpClientOptions) {
    this.options = options
    this.retry = options.retry ?? DEFAULT_RETRY
    this.clock = options.clock ?? systemClock
    // the toolkit picks the agent: keep-alive, and a tunnel when https_proxy / no_proxy say so
    this.toolkit = new ToolkitClient(options.userAgent ?? 'cspm-compliance-gate', [], { keepAlive: true })
  }

  dispose(): void {
    this.toolkit.dispose()
  }

  async request(spec: RequestSpec): Promise<JsonResponse> {
    const url = this.url(spec)
    const shownUrl = redactUrl(url)
    let renewed = false
    let attempt = 0
    for (;;) {
      this.throwIfCancelled()
      let outcome: Outcome
      try {
        outcome = await this.attempt(spec, url)
      } catch (err) {
        if (err instanceof ActionError) throw err
        if (err instanceof AttemptTimeout && err.byDeadline) throw this.deadlineError(spec, shownUrl)
        const failure = networkFailure(err)
        const retryable = failure !== undefined && (spec.idempotent || failure.notSent)
        const error = this.transportError(spec, shownUrl, err, failure, retryable)
        const next = retryable
          ? await this.backoff(spec, shownUrl, attempt, undefined, failure.description)
          : 'exhausted'
        if (next === 'retry') {
          attempt++
          continue
        }
        throw next === 'deadline' ? outOfTime(error) : error
      }

      if (outcome.status >= 200 && outcome.status < 300) {
        const parsed = parseJson(outcome.text)
        if (parsed.ok) return { status: outcome.status, body: parsed.value, headers: outcome.headers }
        const problem = describeUnreadable(outcome.text, outcome.contentType)
        const next = spec.idempotent
          ? await this.backoff(spec, shownUrl, attempt, undefined, problem)
          : 'exhausted'
        if (next === 'retry') {
          attempt++
          continue
        }
        const unreadable = new HttpError({
          kind: 'bad-response',
          method: spec.method,
          url: shownUrl,
          status: outcome.status,
          serviceMessage: undefined,
          operation: spec.operation,
          hint: `The response was ${problem}, not the JSON the API returns; a proxy or gateway may be answering instead of the service.`,
          retryable: true
        })
        throw next === 'deadline' ? outOfTime(unreadable) : unreadable
      }

      const parsed = parseJson(outcome.text)
      const body = parsed.ok ? parsed.value : undefined
      const message = serviceMessage(body, outcome.text)

      if (outcome.status === 401 && spec.auth?.renew && !renewed) {
        renewed = true
        this.options.log.info(
          `${spec.method} ${shownUrl} answered 401; renewing the token and repeating the request once`
        )
        await spec.auth.renew()
        continue
      }

      const retryable = isRetryableStatus(outcome.status) && (spec.idempotent || outcome.status === 429)
      const retryAfterMs = parseRetryAfter(outcome.headers['retry-after'], this.clock.now())
      const why = `${outcome.status}${message ? ` "${plain(message, 120)}"` : ''}`
      const next = retryable ? await this.backoff(spec, shownUrl, attempt, retryAfterMs, why) : 'exhausted'
      if (next === 'retry') {
        attempt++
        continue
      }
      const error = this.statusError(spec, shownUrl, outcome.status, message, body, retryable, retryAfterMs)
      throw next === 'deadline' ? outOfTime(error) : error
    }
  }

  private url(spec: RequestSpec): string {
    const query = Object.entries(spec.query ?? {})
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&')
    return `${this.options.baseUrl}${spec.path}${query ? `?${query}` : ''}`
  }

  /**
   * One request and its whole body, cut off at `request-timeout` or the deadline, whichever comes
   * first: a service that trickles a byte a second cannot hold the run.
   */
  private async attempt(spec: RequestSpec, url: string): Promise<Outcome> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.options.userAgent ?? 'cspm-compliance-gate',
      ...this.options.headers
    }
    if (spec.auth) Object.assign(headers, await spec.auth.headers())
    const data = spec.body === undefined ? undefined : JSON.stringify(spec.body)
    if (data !== undefined) headers['Content-Length'] = String(Buffer.byteLength(data))

    const remaining = spec.deadline - this.clock.now()
    if (remaining <= 0) throw new AttemptTimeout(true)
    const byDeadline = remaining < this.options.requestTimeoutMs
    const limit = new AbortController()
    const timer = setTimeout(
      () => limit.abort(new AttemptTimeout(byDeadline)),
      Math.min(remaining, this.options.requestTimeoutMs)
    )
    const signals = [limit.signal, ...(this.options.signal ? [this.options.signal] : [])]
    const signal = AbortSignal.any(signals)
    const target = new URL(url)
    const transport = target.protocol === 'https:' ? https : http
    try {
      return await new Promise<Outcome>((resolve, reject) => {
        const fail = (err: unknown): void => {
          if (this.options.signal?.aborted) return reject(cancelled())
          if (limit.signal.aborted) return reject(limit.signal.reason)
          reject(err)
        }
        const req = transport.request(
          target,
          { method: spec.method, headers, agent: this.toolkit.getAgent(url), signal },
          res => {
            const chunks: Buffer[] = []
            let size = 0
            res.on('data', (chunk: Buffer) => {
              size += chunk.length
              if (size > MAX_BODY_BYTES) {
                res.destroy(new Error(`the response was larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`))
                return
              }
              chunks.push(chunk)
            })
            res.on('error', fail)
            res.on('close', () => {
              if (!res.complete) fail(new Error('socket hang up'))
            })
            res.on('end', () => {
              const h = res.headers
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString('utf8'),
                headers: h,
                contentType: String(h['content-type'] ?? '')
              })
            })
          }
        )
        req.on('error', fail)
        req.end(data)
      })
    } finally {
      clearTimeout(timer)
    }
  }

  /** Waits before the next attempt, or says why there is none: no attempts left, or no time. */
  private async backoff(
    spec: RequestSpec,
    shownUrl: string,
    attempt: number,
    retryAfterMs: number | undefined,
    why: string
  ): Promise<'retry' | 'exhausted' | 'deadline'> {
    if (attempt >= this.retry.maxRetries) return 'exhausted'
    const remaining = spec.deadline - this.clock.now()
    const wait = retryAfterMs ?? backoffDelay(this.retry, attempt)
    if (wait >= remaining) {
      if (retryAfterMs !== undefined) {
        this.options.log.warning(
          `${spec.method} ${shownUrl}: the service asked to retry after ${Math.ceil(retryAfterMs / 1000)} s, past the time left (${Math.max(0, Math.floor(remaining / 1000))} s)`
        )
      }
      return 'deadline'
    }
    this.options.log.info(
      `${spec.method} ${shownUrl} failed (${why}); retry ${attempt + 1} of ${this.retry.maxRetries} in ${(wait / 1000).toFixed(1)} s`
    )
    await this.clock.sleep(wait, this.options.signal)
    return 'retry'
  }

  private throwIfCancelled(): void {
    if (this.options.signal?.aborted) throw cancelled()
  }

  private deadlineError(spec: RequestSpec, shownUrl: string): ActionError {
    return new ActionError(
      'timeout',
      `Could not ${spec.operation}: ${spec.method} ${shownUrl} had no complete answer before the timeout deadline. Raise the timeout input if this account's scans and reports take longer.`
    )
  }

  private transportError(
    spec: RequestSpec,
    shownUrl: string,
    err: unknown,
    failure: ReturnType<typeof networkFailure>,
    retryable: boolean
  ): HttpError {
    const code = (err as NodeJS.ErrnoException).code ?? ''
    let hint = 'Check that the runner can reach the service (api-url, proxy settings), then re-run.'
    let description = failure?.description ?? plain((err as Error).message, 200)
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
      description = `TLS certificate not trusted (${code})`
      hint = 'If the service or a proxy uses a private CA, point NODE_EXTRA_CA_CERTS at its PEM bundle.'
    } else if (code === 'ENOTFOUND') {
      description = 'host not found'
      hint = 'Check api-url (or region for Conformity).'
    } else if (failure && !retryable) {
      hint =
        'The request may have reached the service, so it was not repeated; check the service before re-running.'
    }
    return new HttpError({
      kind: 'network',
      method: spec.method,
      url: shownUrl,
      status: undefined,
      serviceMessage: description,
      operation: spec.operation,
      hint,
      retryable
    })
  }

  private statusError(
    spec: RequestSpec,
    shownUrl: string,
    status: number,
    message: string | undefined,
    body: unknown,
    retryable: boolean,
    retryAfterMs: number | undefined
  ): HttpError {
    const custom = spec.classify?.(status, message, body) ?? {}
    return new HttpError({
      kind: custom.kind ?? defaultKind(status),
      method: spec.method,
      url: shownUrl,
      status,
      serviceMessage: message === undefined ? undefined : plain(message, 300),
      operation: spec.operation,
      hint: custom.hint ?? defaultHint(status),
      retryable,
      retryAfterMs
    })
  }
}

/** The same failure, ended by the `timeout` deadline rather than by the retries running out. */
function outOfTime(error: HttpError): HttpError {
  return new HttpError({
    kind: 'timeout',
    method: error.method,
    url: error.url,
    status: error.status,
    serviceMessage: error.serviceMessage,
    operation: error.operation,
    hint:
      error.status === 429
        ? 'The service is rate limiting and asked to wait past the timeout deadline; re-run later, or lower the polling rate (poll-interval).'
        : 'The timeout deadline came before it could be tried again; raise the timeout input if the service needs longer to recover.',
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs
  })
}

function cancelled(): ActionError {
  return new ActionError('cancelled', 'The run was cancelled before the results could be evaluated.')
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (!JSON_BODY.test(text)) return { ok: false }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

function describeUnreadable(text: string, contentType: string): string {
  if (text.trim() === '') return 'empty'
  if (/<html|<!doctype/i.test(text) || contentType.includes('html')) return 'an HTML page'
  if (JSON_BODY.test(text)) return 'truncated or malformed JSON'
  return `not JSON (${plain(contentType || 'no content type', 60)})`
}

function defaultKind(status: number): ErrorKind {
  if (status === 401) return 'auth'
  if (status === 403) return 'permission'
  if (status === 404) return 'not-found'
  return 'api'
}

function defaultHint(status: number): string | undefined {
  if (status === 429)
    return 'The service is rate limiting; re-run later or lower the polling rate (poll-interval).'
  if (status >= 500) return 'The service had a problem; re-run later.'
  if (status >= 300 && status < 400) return 'The service redirected; check api-url.'
  return undefined
}
