/** What the two services share: a request as they see it, a reply as a value, and a tiny router. */
import type { IncomingHttpHeaders } from 'node:http'

export interface ServiceRequest {
  method: string
  /** pathname without the service's base prefix, no trailing slash */
  pathname: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
  /** epoch ms when the request arrived: every time-driven state is evaluated at this instant */
  now: number
}

export interface Reply {
  status: number
  headers: Record<string, string>
  body: string
}

export const JSON_TYPE = 'application/json; charset=utf-8'

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(value) }
}

/** Thrown by a handler to answer with `reply` at once. */
export class ReplyError extends Error {
  readonly reply: Reply
  constructor(reply: Reply) {
    super(`HTTP ${reply.status}`)
    this.reply = reply
  }
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

export type Params = Record<string, string>

export interface Route<Ctx> {
  method: string
  pattern: string[]
  handler: (ctx: Ctx, params: Params) => Reply
}

export function route<Ctx>(
  method: string,
  pattern: string,
  handler: (ctx: Ctx, params: Params) => Reply
): Route<Ctx> {
  return { method, pattern: pattern.split('/').filter(Boolean), handler }
}

export function splitPath(pathname: string): string[] | null {
  try {
    return pathname
      .split('/')
      .filter(Boolean)
      .map(s => decodeURIComponent(s))
  } catch {
    return null
  }
}

function matchPattern(pattern: string[], segments: string[]): Params | null {
  if (pattern.length !== segments.length) return null
  const params: Params = {}
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!
    if (p.startsWith(':')) params[p.slice(1)] = segments[i]!
    else if (p.toLowerCase() !== segments[i]!.toLowerCase()) return null
  }
  return params
}

/** The route for method + path, or null (an unknown path, or a known path with the wrong method). */
export function findRoute<Ctx>(
  routes: Route<Ctx>[],
  method: string,
  pathname: string
): { route: Route<Ctx>; params: Params } | null {
  const segments = splitPath(pathname)
  if (!segments) return null
  for (const r of routes) {
    if (r.method !== method) continue
    const params = matchPattern(r.pattern, segments)
    if (params) return { route: r, params }
  }
  return null
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; error: string }

export function parseJson(body: string): JsonParse {
  if (body.trim() === '') return { ok: true, value: undefined }
  try {
    return { ok: true, value: JSON.parse(body) }
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** 2019-12-31T09:55:14.0315058Z: .NET's 7 fractional digits, as Cloudneeti prints dates. */
export function dotnetIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z')
}

export function randomId(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)]
  return out
}
