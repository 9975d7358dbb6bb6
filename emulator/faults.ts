/**
 * Fault injection: a gateway in front of both services that can delay, refuse, reset, hang or
 * mangle chosen requests. Faults are matched before any service logic (auth included).
 */
import { z } from 'zod'
import { type Reply, JSON_TYPE } from './http.ts'
import { formatZodIssues } from './world.ts'

export type Service = 'cloudneeti' | 'conformity'
export type ServiceOrUnknown = Service | 'unknown'

export const FAULT_ACTIONS = [
  'reset',
  'hang',
  'truncate',
  'empty',
  'html',
  'wrong-content-type',
  'trickle'
] as const
export const DEFAULT_TRICKLE_MS = 1000
export type FaultAction = (typeof FAULT_ACTIONS)[number]

export const FaultSchema = z
  .strictObject({
    /** a label for the request log (default: derived from the fault) */
    name: z.string().optional(),
    method: z.string().optional(),
    /** regular expression source, tested against the pathname */
    path: z
      .string()
      .optional()
      .refine(
        source => {
          if (source === undefined) return true
          try {
            new RegExp(source)
            return true
          } catch {
            return false
          }
        },
        { message: 'path must be a valid regular expression' }
      ),
    service: z.enum(['cloudneeti', 'conformity']).optional(),
    /** let this many matching requests through first */
    after: z.number().int().min(0).optional(),
    /** how many matching requests it hits; 0 = every one (default 1) */
    times: z.number().int().min(0).optional(),
    status: z.number().int().min(100).max(599).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string().optional(),
    contentType: z.string().optional(),
    delayMs: z.number().min(0).optional(),
    action: z.enum(FAULT_ACTIONS).optional(),
    /** trickle: milliseconds between two bytes of the body (default 1000) */
    trickleMs: z.number().positive().optional()
  })
  .refine(f => f.trickleMs === undefined || f.action === 'trickle', {
    message: 'trickleMs needs action "trickle"',
    path: ['trickleMs']
  })

export type Fault = z.input<typeof FaultSchema>

export class FaultValidationError extends Error {
  constructor(issues: string[]) {
    super(`Invalid fault:\n${issues.map(i => `  - ${i}`).join('\n')}`)
    this.name = 'FaultValidationError'
  }
}

export function parseFaults(input: unknown): Fault[] {
  const parsed = Array.isArray(input) ? z.array(FaultSchema).safeParse(input) : FaultSchema.safeParse(input)
  if (!parsed.success) throw new FaultValidationError(formatZodIssues(parsed.error))
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data]
}

interface ActiveFault {
  fault: Fault
  pathPattern?: RegExp
  seen: number
  hits: number
}

export function faultLabel(fault: Fault): string {
  if (fault.name) return fault.name
  const parts: string[] = []
  if (fault.delayMs) parts.push(`delay:${fault.delayMs}ms`)
  if (fault.action) parts.push(fault.action)
  else if (fault.status !== undefined) parts.push(`status:${fault.status}`)
  else if (fault.body !== undefined) parts.push('canned')
  else if (fault.headers) parts.push('headers')
  return parts.join('+') || 'fault'
}

/** The faults in force. The first matching fault with hits left takes the request. */
export class FaultSet {
  private active: ActiveFault[] = []

  add(faults: Fault | Fault[]): void {
    for (const fault of parseFaults(faults)) {
      this.active.push({
        fault,
        pathPattern: fault.path ? new RegExp(fault.path) : undefined,
        seen: 0,
        hits: 0
      })
    }
  }

  clear(): void {
    this.active = []
  }

  list(): Fault[] {
    return this.active.map(a => a.fault)
  }

  /**
   * Counts the request against every matching fault in turn, until one takes it: a fault
   * first lets `after` matching requests pass, then hits `times` of them (0 = unlimited).
   */
  take(method: string, pathname: string, service: ServiceOrUnknown): Fault | undefined {
    for (const a of this.active) {
      const f = a.fault
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue
      if (f.service && f.service !== service) continue
      if (a.pathPattern && !a.pathPattern.test(pathname)) continue
      const times = f.times ?? 1
      if (times !== 0 && a.hits >= times) continue
      if (a.seen < (f.after ?? 0)) {
        a.seen++
        continue
      }
      a.hits++
      return f
    }
    return undefined
  }
}

/**
 * A canned reply needs no service: status/body given and no action that works on the real
 * reply. `trickle` sends whichever it gets: the canned reply when status/body are given.
 */
export function isCanned(fault: Fault): boolean {
  if (fault.action && fault.action !== 'trickle') return false
  return fault.status !== undefined || fault.body !== undefined
}

function defaultBody(service: ServiceOrUnknown, status: number): string {
  const text = status === 429 ? 'Too Many Requests' : status >= 500 ? 'Service Unavailable' : `HTTP ${status}`
  if (service === 'cloudneeti') return JSON.stringify({ result: null, statusCode: status, message: text })
  if (service === 'conformity') return JSON.stringify({ errors: [{ status, detail: text }] })
  return JSON.stringify({ Message: text })
}

/** The answer of a canned fault; a 429 gets `Retry-After: 1` unless the fault sets it. */
export function cannedReply(fault: Fault, service: ServiceOrUnknown): Reply {
  const status = fault.status ?? 200
  const headers: Record<string, string> = { 'content-type': fault.contentType ?? JSON_TYPE }
  if (status === 429) headers['retry-after'] = '1'
  for (const [k, v] of Object.entries(fault.headers ?? {})) headers[k.toLowerCase()] = v
  return { status, headers, body: fault.body ?? defaultBody(service, status) }
}

export function htmlReply(fault: Fault): Reply {
  const status = fault.status ?? 502
  const body =
    `<!DOCTYPE html>\n<html><head><title>${status} Bad Gateway</title></head>` +
    `<body><h1>${status} Bad Gateway</h1><p>The upstream server returned an invalid response.</p></body></html>\n`
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...lowerKeys(fault.headers) },
    body
  }
}

/**
 * truncate / empty / wrong-content-type applied to the service's real reply. The fault's
 * `headers` are added to every real reply it touches, so a fault of headers alone can, say,
 * set the `Date` a real answer carries.
 */
export function mangleReply(fault: Fault, real: Reply): Reply {
  const headers = { ...real.headers, ...lowerKeys(fault.headers) }
  switch (fault.action) {
    case 'truncate':
      return { ...real, headers, body: real.body.slice(0, Math.floor(real.body.length / 2)) }
    case 'empty':
      return { ...real, headers, body: '' }
    case 'wrong-content-type':
      return {
        ...real,
        headers: { ...headers, 'content-type': fault.contentType ?? 'text/plain; charset=utf-8' }
      }
    default:
      return { ...real, headers }
  }
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v
  return out
}
