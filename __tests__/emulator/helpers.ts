/** Shared by the emulator tests: fast worlds, small HTTP clients for both services, polling. */
import { SAMPLE, sampleWorld, type World } from '../../emulator/server.ts'

export const CN = SAMPLE.cloudneeti
export const CC = SAMPLE.conformity

/** The sample world with scans short enough for tests, with slack for a loaded machine: 0.5 s pending, 1.2 s in all. */
export function fastWorld(): World {
  return { ...sampleWorld(), timing: { pendingSeconds: 0.5, scanSeconds: 1.2, tokenLifetimeSeconds: 3600 } }
}

export interface JsonResponse {
  status: number
  headers: Headers
  text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
}

export async function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal } = {}
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...init.headers }
  let body: string | undefined
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
    headers['content-type'] ??= 'application/json'
  }
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body, signal: init.signal })
  const text = await res.text()
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json }
}

export class Cloudneeti {
  readonly base: string
  readonly apiKey: string
  constructor(base: string, apiKey: string = CN.apiKey) {
    this.base = base
    this.apiKey = apiKey
  }

  call(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<JsonResponse> {
    const headers: Record<string, string> = { 'Ocp-Apim-Subscription-Key': this.apiKey }
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`
    return request(this.base + path, { method, headers, body: opts.body })
  }

  get(path: string, token?: string): Promise<JsonResponse> {
    return this.call('GET', path, { token })
  }

  async token(
    opts: { accountId?: string; appId?: string; secret?: string; licenseId?: string } = {}
  ): Promise<string> {
    const res = await this.tokenResponse(opts)
    if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`)
    return res.json.result.token as string
  }

  tokenResponse(
    opts: { accountId?: string; appId?: string; secret?: string; licenseId?: string } = {}
  ): Promise<JsonResponse> {
    const query = opts.accountId ? `?accountId=${opts.accountId}` : ''
    return this.call('POST', `/authorize/license/${opts.licenseId ?? CN.licenseId}/token${query}`, {
      body: { APIApplicationId: opts.appId ?? CN.appId, Secret: opts.secret ?? CN.appSecret }
    })
  }
}

/** `/compliance/license/{lic}/account/{acc}` or `/audit/...` path prefix. */
export function accountPath(
  root: 'compliance' | 'audit',
  accountId: string,
  licenseId: string = CN.licenseId
): string {
  return `/${root}/license/${licenseId}/account/${accountId}`
}

export class Conformity {
  readonly base: string
  readonly key: string | undefined
  constructor(base: string, key?: string, prefix = '/v1') {
    this.base = base + prefix
    this.key = key
  }

  call(method: string, path: string, body?: unknown): Promise<JsonResponse> {
    const headers: Record<string, string> = {}
    if (this.key !== undefined) headers.Authorization = `ApiKey ${this.key}`
    if (body !== undefined) headers['content-type'] = 'application/vnd.api+json'
    return request(this.base + path, { method, headers, body })
  }

  get(path: string): Promise<JsonResponse> {
    return this.call('GET', path)
  }
}

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms))

/** Polls `probe` until `done` holds for its value; returns every value seen (the last one satisfies `done`). */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 5000, intervalMs = 25 } = {}
): Promise<T[]> {
  const seen: T[] = []
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    seen.push(value)
    if (done(value)) return seen
    if (Date.now() > deadline) throw new Error(`pollUntil: timed out; last value ${JSON.stringify(value)}`)
    await sleep(intervalMs)
  }
}

/** Consecutive duplicates removed: ['a','a','b'] → ['a','b']. */
export function distinctRuns<T>(values: T[]): T[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1])
}
