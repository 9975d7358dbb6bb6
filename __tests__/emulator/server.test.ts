import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { startEmulator, sampleWorld, type EmulatorHandle } from '../../emulator/server.ts'
import { CC, CN, Cloudneeti, Conformity, accountPath, request } from './helpers.ts'

describe('emulator server: routing, request log, control endpoints', () => {
  let emu: EmulatorHandle

  beforeAll(async () => {
    emu = await startEmulator()
  })
  afterAll(() => emu.close())

  it('listens on 127.0.0.1 with a url without a trailing slash', () => {
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('answers unknown paths: Cloudneeti envelope under Cloudneeti roots, gateway body elsewhere', async () => {
    const cn = await request(`${emu.url}/audit/license/x/nothing`)
    expect(cn.status).toBe(404)
    expect(cn.json).toEqual({ result: null, statusCode: 404, message: 'Resource not found' })
    const wrongMethod = await request(`${emu.url}/authorize/license/${CN.licenseId}/token`)
    expect(wrongMethod.status).toBe(404)
    for (const path of ['/', '/nothing', '/v2/users/whoami']) {
      const res = await request(emu.url + path)
      expect(res.status).toBe(404)
      expect(res.json).toEqual({ Message: 'Not Found' })
    }
  })

  it('logs every service request in order with path, service, status and headers', async () => {
    emu.log.length = 0
    await new Conformity(emu.url, CC.keys.admin).get(`/checks?accountIds=${CC.accounts.prod}&page[size]=2`)
    await new Cloudneeti(emu.url).tokenResponse()
    await request(`${emu.url}/elsewhere`)
    await request(`${emu.url}/_emulator/health`)
    expect(emu.log).toHaveLength(3)
    expect(emu.log[0]).toMatchObject({
      method: 'GET',
      path: `/v1/checks?accountIds=${CC.accounts.prod}&page[size]=2`,
      service: 'conformity',
      status: 200
    })
    expect(emu.log[0]!.headers.authorization).toBe(`ApiKey ${CC.keys.admin}`)
    expect(emu.log[1]).toMatchObject({ method: 'POST', service: 'cloudneeti', status: 200 })
    expect(emu.log[1]!.headers['ocp-apim-subscription-key']).toBe(CN.apiKey)
    expect(emu.log[2]).toMatchObject({ service: 'unknown', status: 404 })
    expect(emu.log[0]!.time).toBeLessThanOrEqual(emu.log[1]!.time)
    expect(emu.log.every(e => e.fault === undefined)).toBe(true)

    const remote = await request(`${emu.url}/_emulator/log`)
    expect(remote.json).toEqual(JSON.parse(JSON.stringify(emu.log)))
    const log = emu.log
    const cleared = await request(`${emu.url}/_emulator/log`, { method: 'DELETE' })
    expect(cleared.json).toEqual({ cleared: 3 })
    expect(log).toBe(emu.log)
    expect(emu.log).toHaveLength(0)
  })

  it('sends the standard Date header on every answer: services, errors, faults and control', async () => {
    const before = Date.now()
    const cc = new Conformity(emu.url, CC.keys.admin)
    const answers = [
      await new Cloudneeti(emu.url).tokenResponse(),
      await new Cloudneeti(emu.url, 'not-a-key').tokenResponse(),
      await cc.get('/users/whoami'),
      await new Conformity(emu.url, 'not-a-key').get('/users/whoami'),
      await request(`${emu.url}/nothing`),
      await request(`${emu.url}/_emulator/health`)
    ]
    emu.addFault([{ status: 429 }, { action: 'html' }, { action: 'truncate' }])
    for (let i = 0; i < 3; i++) answers.push(await cc.get('/users/whoami'))
    const after = Date.now()
    emu.clearFaults()
    expect(answers.map(a => a.status)).toEqual([200, 401, 200, 403, 404, 200, 429, 502, 200])
    for (const answer of answers) {
      const date = answer.headers.get('date')
      expect(date).toMatch(/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/)
      // whole seconds of the emulator's clock, which is this process's
      expect(Date.parse(date!)).toBeGreaterThan(before - 1000)
      expect(Date.parse(date!)).toBeLessThanOrEqual(after)
    }
  })

  it('reports health', async () => {
    const res = await request(`${emu.url}/_emulator/health`)
    expect(res.json).toMatchObject({ status: 'ok', services: ['cloudneeti', 'conformity'] })
    expect((await request(`${emu.url}/_emulator/nope`)).status).toBe(404)
  })

  it('resets all state with setWorld() and PUT /_emulator/world', async () => {
    const cn = new Cloudneeti(emu.url)
    const token = await cn.token({ accountId: CN.accounts.prodAws })
    const path = `${accountPath('audit', CN.accounts.prodAws)}/benchmarks`
    expect((await cn.get(path, token)).status).toBe(200)
    emu.setWorld(sampleWorld())
    expect((await cn.get(path, token)).status).toBe(401) // tokens belong to the old state

    const world = sampleWorld()
    world.conformity!.accounts![0]!.name = 'renamed'
    const put = await request(`${emu.url}/_emulator/world`, { method: 'PUT', body: world })
    expect(put.status).toBe(200)
    const admin = new Conformity(emu.url, CC.keys.admin)
    expect((await admin.get(`/accounts/${CC.accounts.prod}`)).json.data.attributes.name).toBe('renamed')

    const bad = await request(`${emu.url}/_emulator/world`, {
      method: 'PUT',
      body: {
        conformity: {
          accounts: [{ id: 'x', name: 'x', checks: [{ rule: 'S3-001', status: 'MAYBE', risk: 'LOW' }] }]
        }
      }
    })
    expect(bad.status).toBe(400)
    expect(bad.json.issues).toEqual([
      expect.stringMatching(/^conformity\.accounts\[0\]\.checks\[0\]\.status: /)
    ])
    // the failed PUT left the world as it was
    expect((await admin.get(`/accounts/${CC.accounts.prod}`)).json.data.attributes.name).toBe('renamed')
    const notJson = await request(`${emu.url}/_emulator/world`, { method: 'PUT', body: '{' })
    expect(notJson.status).toBe(400)
  })

  it('starts on a requested port and refuses a busy one', async () => {
    const port = Number(new URL(emu.url).port)
    await expect(startEmulator({ port })).rejects.toThrow(/EADDRINUSE/)
  })
})
