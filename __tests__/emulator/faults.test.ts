import http from 'node:http'
import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals'
import { startEmulator, sampleWorld, type EmulatorHandle } from '../../emulator/server.ts'
import { CC, CN, Cloudneeti, Conformity, pollUntil, request } from './helpers.ts'

const WHOAMI = '/users/whoami'

interface Partial {
  status: number
  contentLength: number
  received: Buffer
  /** ms from sending the request to holding `bytes` bytes of the body */
  elapsed: number
}

/** A raw GET that reads `bytes` bytes of the body, then aborts (closes the socket). */
function readThenAbort(url: string, headers: Record<string, string>, bytes: number): Promise<Partial> {
  return new Promise((resolve, reject) => {
    const sent = Date.now()
    const req = http.get(url, { headers, agent: false }, res => {
      const chunks: Buffer[] = []
      res.on('error', () => {}) // the abort below
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        const received = Buffer.concat(chunks)
        if (received.length < bytes) return
        const elapsed = Date.now() - sent
        req.destroy()
        resolve({
          status: res.statusCode!,
          contentLength: Number(res.headers['content-length']),
          received,
          elapsed
        })
      })
    })
    req.on('error', reject)
  })
}

async function trickling(emu: EmulatorHandle): Promise<number> {
  return (await request(`${emu.url}/_emulator/health`)).json.trickling
}

describe('fault injection', () => {
  let emu: EmulatorHandle
  let admin: Conformity
  let cn: Cloudneeti

  beforeAll(async () => {
    emu = await startEmulator({ world: { ...sampleWorld(), timing: { scanSeconds: 600 } } })
    admin = new Conformity(emu.url, CC.keys.admin)
    cn = new Cloudneeti(emu.url)
  })
  afterAll(() => emu.close())
  beforeEach(() => {
    emu.clearFaults()
    emu.log.length = 0
  })

  it('answers a canned 429 with Retry-After and the service error shape, then lets requests through', async () => {
    emu.addFault({ service: 'conformity', status: 429 })
    const limited = await admin.get(WHOAMI)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(limited.json).toEqual({ errors: [{ status: 429, detail: 'Too Many Requests' }] })
    expect((await admin.get(WHOAMI)).status).toBe(200) // times defaults to 1

    emu.addFault({ service: 'cloudneeti', status: 429, headers: { 'Retry-After': '7' } })
    const cnLimited = await cn.tokenResponse()
    expect(cnLimited.status).toBe(429)
    expect(cnLimited.headers.get('retry-after')).toBe('7')
    expect(cnLimited.json).toEqual({ result: null, statusCode: 429, message: 'Too Many Requests' })
    expect(emu.log.map(e => [e.status, e.fault])).toEqual([
      [429, 'status:429'],
      [200, undefined],
      [429, 'status:429']
    ])
  })

  it('applies before auth, like a gateway in front of the service', async () => {
    emu.addFault({ status: 503, body: 'upstream down', contentType: 'text/plain' })
    const res = await new Conformity(emu.url).get(WHOAMI) // no key at all
    expect(res.status).toBe(503)
    expect(res.text).toBe('upstream down')
    expect(res.headers.get('content-type')).toBe('text/plain')
  })

  it('honours after, times and times: 0', async () => {
    emu.addFault({ path: 'whoami$', after: 1, times: 2, status: 500 })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await admin.get(WHOAMI)).status)
    expect(statuses).toEqual([200, 500, 500, 200])

    emu.clearFaults()
    emu.addFault({ method: 'post', service: 'conformity', times: 0, status: 502 })
    for (let i = 0; i < 3; i++) expect((await admin.call('POST', '/external-ids')).status).toBe(502)
    expect((await admin.get(WHOAMI)).status).toBe(200) // GET does not match
  })

  it('matches method, path regex and service', async () => {
    emu.addFault({ service: 'cloudneeti', path: '/token$', status: 418, times: 0 })
    expect((await admin.get(WHOAMI)).status).toBe(200)
    expect((await cn.tokenResponse()).status).toBe(418)
    expect(emu.log.map(e => e.service)).toEqual(['conformity', 'cloudneeti'])
  })

  it('delays and then answers normally', async () => {
    emu.addFault({ delayMs: 250 })
    const started = Date.now()
    const res = await admin.get(WHOAMI)
    expect(Date.now() - started).toBeGreaterThanOrEqual(240)
    expect(res.status).toBe(200)
    expect(emu.log[0]).toMatchObject({ status: 200, fault: 'delay:250ms' })
  })

  it('reset: destroys the connection without an answer and without reaching the service', async () => {
    emu.addFault({ action: 'reset', path: '/scan$' })
    await expect(admin.call('POST', `/accounts/${CC.accounts.prod}/scan`)).rejects.toThrow()
    expect(emu.log[0]).toMatchObject({ status: 0, fault: 'reset', method: 'POST' })
    const account = await admin.get(`/accounts/${CC.accounts.prod}`)
    expect(account.json.data.attributes['bot-status']).toBeNull()
  })

  it('hang: never answers (the client times out)', async () => {
    emu.addFault({ action: 'hang' })
    const started = Date.now()
    await expect(
      request(`${emu.url}/v1${WHOAMI}`, {
        headers: { Authorization: `ApiKey ${CC.keys.admin}` },
        signal: AbortSignal.timeout(300)
      })
    ).rejects.toThrow(/abort|timeout/i)
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(emu.log.at(-1)).toMatchObject({ status: 0, fault: 'hang' })
  })

  it('truncate: real status and headers, half the real JSON body; the request did reach the service', async () => {
    emu.addFault({ action: 'truncate', path: '/scan$' })
    const res = await admin.call('POST', `/accounts/${CC.accounts.dev}/scan`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/json/)
    const full = JSON.stringify({ data: [{ status: 'STARTED' }] })
    expect(res.text).toBe(full.slice(0, Math.floor(full.length / 2)))
    expect(() => JSON.parse(res.text)).toThrow()
    const account = await admin.get(`/accounts/${CC.accounts.dev}`)
    // the run was queued: pending or, on a slow machine, already running
    expect(['PENDING', 'RUNNING']).toContain(account.json.data.attributes['bot-status'])
  })

  it('empty: real status with an empty body', async () => {
    emu.addFault({ action: 'empty' })
    const res = await new Conformity(emu.url, 'bad-key').get(WHOAMI)
    expect(res.status).toBe(403)
    expect(res.text).toBe('')
  })

  it('html: a 502 (or the given status) HTML error page', async () => {
    emu.addFault([{ action: 'html' }, { action: 'html', status: 504 }])
    const first = await cn.tokenResponse()
    expect(first.status).toBe(502)
    expect(first.headers.get('content-type')).toMatch(/^text\/html/)
    expect(first.text).toMatch(/<html>/)
    expect((await cn.tokenResponse()).status).toBe(504)
    expect((await cn.tokenResponse()).status).toBe(200)
  })

  it('wrong-content-type: the real body served as text/plain', async () => {
    emu.addFault({ action: 'wrong-content-type' })
    const res = await admin.get(WHOAMI)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(res.json.data.id).toBe('usr-admin')
  })

  it('trickle: the real reply one byte every trickleMs, stopped when the client goes away', async () => {
    const real = await admin.get(WHOAMI)
    const full = Buffer.from(real.text)
    emu.log.length = 0
    emu.addFault({ path: 'whoami$', action: 'trickle', trickleMs: 40 })
    const partial = await readThenAbort(
      `${emu.url}/v1${WHOAMI}`,
      { Authorization: `ApiKey ${CC.keys.admin}` },
      3
    )
    expect(partial.status).toBe(200)
    // the whole length is announced, so a client waits for the rest
    expect(partial.contentLength).toBe(full.length)
    expect(partial.received.length).toBeLessThan(full.length)
    expect(partial.received).toEqual(full.subarray(0, partial.received.length))
    // the third byte cannot leave before two intervals have passed
    expect(partial.elapsed).toBeGreaterThanOrEqual(2 * 40 - 5)
    expect(emu.log).toEqual([expect.objectContaining({ status: 200, fault: 'trickle' })])
    // the aborted body leaves no timer behind
    await pollUntil(
      () => trickling(emu),
      n => n === 0
    )
  })

  it('trickle: a canned body or status, byte by byte (UTF-8 included), to the end', async () => {
    emu.addFault([
      { path: 'whoami$', action: 'trickle', trickleMs: 5, body: '{"t":"é ✓"}' },
      { path: 'whoami$', action: 'trickle', trickleMs: 5, status: 503 }
    ])
    const canned = await admin.get(WHOAMI)
    expect(canned.status).toBe(200)
    expect(canned.headers.get('content-type')).toMatch(/json/)
    expect(canned.json).toEqual({ t: 'é ✓' })
    const unavailable = await admin.get(WHOAMI)
    expect(unavailable.status).toBe(503)
    expect(unavailable.json).toEqual({ errors: [{ status: 503, detail: 'Service Unavailable' }] })
    expect(emu.log.map(e => [e.status, e.fault])).toEqual([
      [200, 'trickle'],
      [503, 'trickle']
    ])
    expect(await trickling(emu)).toBe(0)
  })

  it('trickle: without status or body the request reaches the service; default 1000 ms a byte', async () => {
    emu.addFault({ path: '/scan$', action: 'trickle', trickleMs: 5 })
    const scan = await admin.call('POST', `/accounts/${CC.accounts.azure}/scan`)
    expect(scan.json).toEqual({ data: [{ status: 'STARTED' }] })
    const account = await admin.get(`/accounts/${CC.accounts.azure}`)
    // the run was queued: pending or, on a slow machine, already running
    expect(['PENDING', 'RUNNING']).toContain(account.json.data.attributes['bot-status'])

    emu.addFault({ path: 'whoami$', action: 'trickle', body: '{}' })
    const started = Date.now()
    expect((await admin.get(WHOAMI)).json).toEqual({})
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000 - 5)
  })

  it('headers alone: added to the real reply, e.g. a Date that moves the service clock', async () => {
    const date = 'Wed, 01 Jan 2031 00:00:00 GMT'
    emu.addFault({ path: 'whoami$', headers: { Date: date, 'X-Emulator-Test': 'yes' } })
    const res = await admin.get(WHOAMI)
    expect(res.status).toBe(200)
    expect(res.json.data.id).toBe('usr-admin')
    expect(res.headers.get('date')).toBe(date)
    expect(res.headers.get('x-emulator-test')).toBe('yes')
    expect(emu.log.at(-1)).toMatchObject({ status: 200, fault: 'headers' })
    expect((await admin.get(WHOAMI)).headers.get('date')).not.toBe(date)
  })

  it('is managed over the control endpoints, which are neither faulted nor logged', async () => {
    const add = await request(`${emu.url}/_emulator/faults`, {
      method: 'POST',
      body: [{ status: 500, times: 0 }, { action: 'reset' }]
    })
    expect(add.json).toEqual({ faults: 2 })
    expect((await request(`${emu.url}/_emulator/faults`)).json).toHaveLength(2)
    expect((await request(`${emu.url}/_emulator/health`)).status).toBe(200)
    expect((await admin.get(WHOAMI)).status).toBe(500)
    const cleared = await request(`${emu.url}/_emulator/faults`, { method: 'DELETE' })
    expect(cleared.json).toEqual({ cleared: 2 })
    expect((await admin.get(WHOAMI)).status).toBe(200)
    expect(emu.log).toHaveLength(2)

    const invalid = await request(`${emu.url}/_emulator/faults`, {
      method: 'POST',
      body: { action: 'explode' }
    })
    expect(invalid.status).toBe(400)
    expect(invalid.json.error).toMatch(/^Invalid fault:\n {2}- action: /)
    const badRegex = await request(`${emu.url}/_emulator/faults`, { method: 'POST', body: { path: '(' } })
    expect(badRegex.status).toBe(400)
    expect(() => emu.addFault({ times: -1 })).toThrow(/times/)
    expect(() => emu.addFault({ trickleMs: 10 })).toThrow(/trickleMs: trickleMs needs action "trickle"/)
    expect(() => emu.addFault({ action: 'trickle', trickleMs: 0 })).toThrow(/trickleMs/)
  })
})

describe('closing with hanging requests', () => {
  it('close() ends a body still trickling', async () => {
    const emu = await startEmulator()
    emu.addFault({ action: 'trickle', trickleMs: 60_000, body: 'x'.repeat(100), times: 0 })
    const received = new Promise<{ bytes: number; error: unknown }>(resolve => {
      let bytes = 0
      const req = http.get(`${emu.url}/v1${WHOAMI}`, { agent: false }, res => {
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length
          if (bytes === 1) void emu.close()
        })
        res.on('error', error => resolve({ bytes, error }))
        res.on('end', () => resolve({ bytes, error: undefined }))
      })
      req.on('error', error => resolve({ bytes, error }))
    })
    const { bytes, error } = await received
    // the body did not end: the connection was cut after the first byte
    expect(bytes).toBe(1)
    expect(error).toMatchObject({ message: expect.stringMatching(/aborted|hang up|ECONNRESET/) })
  })

  it('close() destroys hanging sockets (else it would wait for them forever)', async () => {
    const emu = await startEmulator()
    emu.addFault({ action: 'hang', times: 0 })
    const pending = fetch(`${emu.url}/authorize/license/${CN.licenseId}/token`, { method: 'POST' }).catch(
      e => e
    )
    await new Promise(resolve => setTimeout(resolve, 50))
    await emu.close()
    expect(await pending).toMatchObject({ name: 'TypeError', message: 'fetch failed' })
  })
})
