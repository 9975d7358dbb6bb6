/**
 * One HTTP(S) server on 127.0.0.1 for both services: Cloudneeti at the root, Conformity under
 * /v1 and /api, control endpoints under /_emulator. Requests pass the fault gateway first.
 */
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { CloudneetiService } from './cloudneeti.ts'
import { ConformityService, conformityNotFound } from './conformity.ts'
import {
  type Fault,
  type ServiceOrUnknown,
  FaultSet,
  FaultValidationError,
  faultLabel,
  isCanned,
  cannedReply,
  htmlReply,
  mangleReply,
  DEFAULT_TRICKLE_MS
} from './faults.ts'
import { type Reply, jsonReply, parseJson } from './http.ts'
import { type World, type WorldConfig, WorldValidationError, parseWorld, sampleWorld } from './world.ts'

export type { World, WorldConfig, PolicySpec, CheckSpec } from './world.ts'
export { sampleWorld, parseWorld, WorldValidationError, SAMPLE } from './world.ts'
export type { Fault, FaultAction } from './faults.ts'
export { FaultValidationError } from './faults.ts'

export interface EmulatorOptions {
  /** default: sampleWorld() */
  world?: World
  /** default 0: an ephemeral port */
  port?: number
  tls?: { key: string | Buffer; cert: string | Buffer }
}

export interface RequestLogEntry {
  /** epoch ms when the request arrived */
  time: number
  method: string
  /** pathname + search, as received */
  path: string
  service: 'cloudneeti' | 'conformity' | 'unknown'
  /** 0 when the connection was reset or left hanging */
  status: number
  headers: Record<string, string | string[] | undefined>
  /** label of the fault that hit this request */
  fault?: string
}

export interface EmulatorHandle {
  /** e.g. http://127.0.0.1:45123 (https with tls); no trailing slash */
  url: string
  /** every request except control ones, in order of arrival */
  log: RequestLogEntry[]
  addFault(fault: Fault | Fault[]): void
  clearFaults(): void
  /** every Cloudneeti token issued so far becomes expired (401 on use) */
  expireTokens(): void
  /** reset all service state to this world (faults and the log are kept) */
  setWorld(world: World): void
  /** closes the server and destroys open and hanging sockets */
  close(): Promise<void>
}

const CLOUDNEETI_ROOTS = new Set(['authorize', 'compliance', 'audit', 'onboarding'])
const CONFORMITY_ROOTS = new Set(['v1', 'api'])
const MAX_BODY_BYTES = 64 * 1024 * 1024

interface Services {
  cloudneeti: CloudneetiService
  conformity: ConformityService
}

/**
 * Worlds already parsed, by their JSON. Tests reset the emulator to the same few worlds before
 * each of hundreds of cases, and parsing one (zod, with every default) was the emulator's
 * largest cost. Each service gets its own copy, because the services change their world.
 */
const parsedWorlds = new Map<string, WorldConfig>()
const PARSED_WORLDS_KEPT = 16

function parsedWorld(world: World): WorldConfig {
  const key = JSON.stringify(world)
  let config = parsedWorlds.get(key)
  if (!config) {
    config = parseWorld(world)
    if (parsedWorlds.size >= PARSED_WORLDS_KEPT) parsedWorlds.delete(parsedWorlds.keys().next().value!)
    parsedWorlds.set(key, config)
  }
  return structuredClone(config)
}

function buildServices(world: World): Services {
  const config = parsedWorld(world)
  const now = Date.now()
  return { cloudneeti: new CloudneetiService(config, now), conformity: new ConformityService(config, now) }
}

/** Which service a path belongs to, and the path that service sees. */
export function classifyPath(pathname: string): { service: ServiceOrUnknown; servicePath: string } {
  const root = pathname.split('/')[1]?.toLowerCase() ?? ''
  if (CLOUDNEETI_ROOTS.has(root)) return { service: 'cloudneeti', servicePath: pathname }
  if (CONFORMITY_ROOTS.has(root))
    return { service: 'conformity', servicePath: pathname.slice(root.length + 1) || '/' }
  return { service: 'unknown', servicePath: pathname }
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(res: http.ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) })
  res.end(reply.body)
}

/**
 * Sends the headers (with the full Content-Length, so the client keeps waiting), then the
 * body one byte every `intervalMs`. Its stop function sits in `active` until the body is sent
 * or the client goes away, so an aborted request leaves no timer behind.
 */
function trickle(res: http.ServerResponse, reply: Reply, intervalMs: number, active: Set<() => void>): void {
  const body = Buffer.from(reply.body, 'utf8')
  let sent = 0
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const stop = () => {
    if (stopped) return
    stopped = true
    clearTimeout(timer)
    res.off('close', stop)
    active.delete(stop)
  }
  const next = () => {
    if (res.destroyed) return stop()
    if (sent < body.length) res.write(body.subarray(sent, ++sent))
    if (sent < body.length) timer = setTimeout(next, intervalMs)
    else {
      stop()
      res.end()
    }
  }
  active.add(stop)
  res.on('close', stop)
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) })
  res.flushHeaders()
  next()
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  let services = buildServices(options.world ?? sampleWorld())
  const faults = new FaultSet()
  const log: RequestLogEntry[] = []
  const sockets = new Set<Socket>()
  const sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>()
  /** stop functions of the bodies being trickled */
  const trickles = new Set<() => void>()
  const startedAt = Date.now()
  let closed = false

  const sleep = (ms: number) =>
    new Promise<void>(resolve => {
      const sleeper = {
        timer: setTimeout(() => {
          sleepers.delete(sleeper)
          resolve()
        }, ms),
        wake: resolve
      }
      sleepers.add(sleeper)
    })

  const dispatch = (
    service: ServiceOrUnknown,
    req: http.IncomingMessage,
    url: URL,
    servicePath: string,
    body: string
  ) => {
    if (service === 'unknown') return conformityNotFound()
    const request = {
      method: (req.method ?? 'GET').toUpperCase(),
      pathname: servicePath,
      query: url.searchParams,
      headers: req.headers,
      body,
      now: Date.now()
    }
    try {
      return service === 'cloudneeti'
        ? services.cloudneeti.handle(request)
        : services.conformity.handle(request)
    } catch (err) {
      console.error('emulator: internal error', err)
      return service === 'cloudneeti'
        ? jsonReply(500, { result: null, statusCode: 500, message: 'Internal Server Error' })
        : jsonReply(500, { errors: [{ status: 500, detail: 'Internal Server Error' }] })
    }
  }

  const control = (method: string, pathname: string, body: string): Reply => {
    const bodyJson = () => {
      const parsed = parseJson(body)
      if (!parsed.ok) throw new Error(`Request body is not valid JSON: ${parsed.error}`)
      return parsed.value
    }
    try {
      switch (`${method} ${pathname.replace(/\/+$/, '')}`) {
        case 'GET /_emulator/health':
          return jsonReply(200, {
            status: 'ok',
            services: ['cloudneeti', 'conformity'],
            uptimeSeconds: (Date.now() - startedAt) / 1000,
            faults: faults.list().length,
            logEntries: log.length,
            trickling: trickles.size
          })
        case 'GET /_emulator/log':
          return jsonReply(200, log)
        case 'DELETE /_emulator/log': {
          const cleared = log.length
          log.length = 0
          return jsonReply(200, { cleared })
        }
        case 'GET /_emulator/faults':
          return jsonReply(200, faults.list())
        case 'POST /_emulator/faults':
          faults.add(bodyJson() as Fault | Fault[])
          return jsonReply(200, { faults: faults.list().length })
        case 'DELETE /_emulator/faults': {
          const cleared = faults.list().length
          faults.clear()
          return jsonReply(200, { cleared })
        }
        case 'PUT /_emulator/world':
          services = buildServices(bodyJson() as World)
          return jsonReply(200, { status: 'ok' })
        case 'POST /_emulator/expire-tokens':
          services.cloudneeti.expireTokens()
          return jsonReply(200, { expired: true })
        default:
          return jsonReply(404, { error: `Unknown control endpoint: ${method} ${pathname}` })
      }
    } catch (err) {
      if (err instanceof WorldValidationError)
        return jsonReply(400, { error: err.message, issues: err.issues })
      if (err instanceof FaultValidationError || err instanceof Error)
        return jsonReply(400, { error: err.message })
      throw err
    }
  }

  const onRequest = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.on('error', () => {})
    const time = Date.now()
    const method = (req.method ?? 'GET').toUpperCase()
    const rawPath = req.url ?? '/'
    const url = new URL(rawPath, 'http://emulator.invalid')
    const pathname = url.pathname
    const body = await readBody(req).catch(() => null)

    if (pathname === '/_emulator' || pathname.startsWith('/_emulator/')) {
      send(
        res,
        body === null ? jsonReply(413, { error: 'Request body too large' }) : control(method, pathname, body)
      )
      return
    }

    const { service, servicePath } = classifyPath(pathname)
    const entry: RequestLogEntry = {
      time,
      method,
      path: rawPath,
      service,
      status: 0,
      headers: { ...req.headers }
    }
    log.push(entry)
    const fault = faults.take(method, pathname, service)
    if (fault) entry.fault = faultLabel(fault)

    if (fault?.delayMs) await sleep(fault.delayMs)
    if (closed) return
    if (fault?.action === 'reset') {
      res.socket?.destroy()
      return
    }
    if (fault?.action === 'hang') return // close() destroys the socket

    let reply: Reply
    if (body === null) reply = jsonReply(413, { message: 'Request body too large' })
    else if (fault?.action === 'html') reply = htmlReply(fault)
    else if (fault && isCanned(fault)) reply = cannedReply(fault, service)
    else {
      reply = dispatch(service, req, url, servicePath, body)
      if (fault) reply = mangleReply(fault, reply)
    }
    entry.status = reply.status
    if (fault?.action === 'trickle' && !res.destroyed)
      trickle(res, reply, fault.trickleMs ?? DEFAULT_TRICKLE_MS, trickles)
    else send(res, reply)
  }

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    onRequest(req, res).catch(err => {
      console.error('emulator: request failed', err)
      if (!res.headersSent) send(res, jsonReply(500, { message: 'Internal Server Error' }))
    })
  }
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler)
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('clientError', (_err, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    log,
    addFault: fault => faults.add(fault),
    clearFaults: () => faults.clear(),
    expireTokens: () => services.cloudneeti.expireTokens(),
    setWorld: world => {
      services = buildServices(world)
    },
    close: () => {
      if (closed) return Promise.resolve()
      closed = true
      for (const s of sleepers) {
        clearTimeout(s.timer)
        s.wake()
      }
      sleepers.clear()
      for (const stop of trickles) stop()
      return new Promise<void>(resolve => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
        sockets.clear()
      })
    }
  }
}
