import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { startEmulator, sampleWorld, type EmulatorHandle } from '../../emulator/server.ts'
import { CC, Conformity } from './helpers.ts'

const DENY = { Message: 'User is not authorized to access this resource with an explicit deny' }
const NOT_AUTHORIZED = {
  errors: [{ status: 401, details: 'You are not authorized to perform such actions' }]
}
const { prod: PROD, dev: DEV, azure: AZURE } = CC.accounts
const K = CC.keys

describe('Conformity API keys and the privilege matrix', () => {
  let emu: EmulatorHandle
  const as = (key?: string, prefix?: string) => new Conformity(emu.url, key, prefix)

  // scanSeconds is long so scans started here never finish during the suite
  beforeAll(async () => {
    emu = await startEmulator({ world: { ...sampleWorld(), timing: { scanSeconds: 600 } } })
  })
  afterAll(() => emu.close())

  it('answers 403 with the gateway body for a missing, unknown or disabled key, or another scheme', async () => {
    for (const res of [
      await as(undefined).get('/users/whoami'),
      await as('nope').get('/users/whoami'),
      await as(K.disabled).get('/users/whoami'),
      await new Conformity(emu.url).call('GET', '/accounts')
    ]) {
      expect(res.status).toBe(403)
      expect(res.json).toEqual(DENY)
    }
    const bearer = await fetch(`${emu.url}/v1/users/whoami`, {
      headers: { Authorization: `Bearer ${K.admin}` }
    })
    expect(bearer.status).toBe(403)
  })

  it('serves /api exactly like /v1', async () => {
    const v1 = await as(K.user).get('/users/whoami')
    const api = await as(K.user, '/api').get('/users/whoami')
    expect(api.status).toBe(200)
    expect(api.json).toEqual(v1.json)
  })

  const scanCases: [string, string, string, number][] = [
    ['admin', K.admin, AZURE, 200],
    ['power user', K.power, AZURE, 200],
    ['read-only', K.readonly, PROD, 401],
    ['user FULL', K.user, PROD, 200],
    ['user READONLY', K.user, DEV, 401],
    ['user NONE', K.user, AZURE, 401],
    ['user without list', K.none, PROD, 401]
  ]
  it.each(scanCases)('POST /accounts/{id}/scan as %s → %i', async (_who, key, account, status) => {
    const res = await as(key).call('POST', `/accounts/${account}/scan`)
    expect(res.status).toBe(status)
    expect(res.json).toEqual(status === 200 ? { data: [{ status: 'STARTED' }] } : NOT_AUTHORIZED)
  })

  const readCases: [string, string, string, number][] = [
    ['admin', K.admin, AZURE, 200],
    ['power user', K.power, AZURE, 200],
    ['read-only', K.readonly, AZURE, 200],
    ['user FULL', K.user, PROD, 200],
    ['user READONLY', K.user, DEV, 200],
    ['user NONE', K.user, AZURE, 401],
    ['user without list', K.none, DEV, 401]
  ]
  it.each(readCases)('GET /checks and GET /accounts/{id} as %s → %i', async (_who, key, account, status) => {
    const checks = await as(key).get(`/checks?accountIds=${account}`)
    expect(checks.status).toBe(status)
    const one = await as(key).get(`/accounts/${account}`)
    expect(one.status).toBe(status)
    if (status === 401) expect(one.json).toEqual(NOT_AUTHORIZED)
    else expect(one.json.data.id).toBe(account)
  })

  it('requires read access on every account of GET /checks', async () => {
    expect((await as(K.user).get(`/checks?accountIds=${PROD},${DEV}`)).status).toBe(200)
    const mixed = await as(K.user).get(`/checks?accountIds=${PROD},${AZURE}`)
    expect(mixed.status).toBe(401)
    expect(mixed.json).toEqual(NOT_AUTHORIZED)
  })

  it('lists only the accounts a user can see', async () => {
    const ids = async (key: string) =>
      (await as(key).get('/accounts')).json.data.map((a: { id: string }) => a.id).sort()
    const all = [AZURE, DEV, PROD].sort()
    expect(await ids(K.admin)).toEqual(all)
    expect(await ids(K.power)).toEqual(all)
    expect(await ids(K.readonly)).toEqual(all)
    expect(await ids(K.user)).toEqual([DEV, PROD].sort())
    expect(await ids(K.none)).toEqual([])
  })

  it('keeps user management, account creation and external ids to ADMIN', async () => {
    const invite = {
      data: { attributes: { firstName: 'a', lastName: 'b', email: 'x@example.com', role: 'USER' } }
    }
    const createAws = {
      data: {
        attributes: {
          name: 'n',
          environment: 'e',
          access: { keys: { roleArn: 'arn:aws:iam::123456789012:role/cc', externalId: CC.externalId } }
        }
      }
    }
    for (const key of [K.power, K.readonly, K.user, K.none]) {
      const c = as(key)
      for (const res of [
        await c.get('/users'),
        await c.call('POST', '/users', invite),
        await c.call('POST', '/users/sso', invite),
        await c.call('PATCH', '/users/usr-none', { data: { role: 'READ_ONLY' } }),
        await c.call('DELETE', '/users/usr-none'),
        await c.call('POST', '/accounts', createAws),
        await c.call('POST', '/external-ids')
      ]) {
        expect(res.status).toBe(401)
        expect(res.json).toEqual(NOT_AUTHORIZED)
      }
      // open to every valid key
      expect((await c.get('/organisation/external-id')).status).toBe(200)
      expect((await c.get('/users/whoami')).status).toBe(200)
      expect((await c.get('/users/usr-admin')).status).toBe(200)
      expect((await c.get('/api-keys')).status).toBe(200)
    }
  })

  it("lists the caller's own API keys only", async () => {
    const admin = await as(K.admin).get('/api-keys')
    expect(admin.json.data.map((k: { id: string }) => k.id)).toEqual(['key-admin', 'key-admin-old'])
    expect(admin.json.data[1]).toMatchObject({ type: 'api-keys', attributes: { status: 'DISABLED' } })
    expect(admin.json.data[0].attributes['last-used-date']).toEqual(expect.any(Number))
    const one = await as(K.user).get('/api-keys/key-user')
    expect(one.json.data).toMatchObject({ id: 'key-user', attributes: { status: 'ENABLED' } })
    expect((await as(K.user).get('/api-keys/key-admin')).status).toBe(404)
  })

  it('answers unknown paths with the gateway 404 and unknown accounts with a JSON:API 404', async () => {
    const unknownPath = await as(K.admin).get('/nothing-here')
    expect(unknownPath.status).toBe(404)
    expect(unknownPath.json).toEqual({ Message: 'Not Found' })
    const unknownAccount = await as(K.admin).get('/accounts/does-not-exist')
    expect(unknownAccount.status).toBe(404)
    expect(unknownAccount.json.errors[0]).toMatchObject({
      status: 404,
      detail: expect.stringContaining('not found')
    })
  })
})

describe('Conformity error key switch', () => {
  it('uses the world errorKey for ordinary errors but keeps the privilege body fixed', async () => {
    const world = sampleWorld()
    world.conformity = { ...world.conformity, errorKey: 'message' }
    const emu = await startEmulator({ world })
    try {
      const missing = await new Conformity(emu.url, K.admin).get('/checks')
      expect(missing.status).toBe(400)
      expect(missing.json).toEqual({
        errors: [{ status: 400, message: 'query parameter accountIds is required' }]
      })
      const denied = await new Conformity(emu.url, K.readonly).call('POST', `/accounts/${PROD}/scan`)
      expect(denied.json).toEqual(NOT_AUTHORIZED)
    } finally {
      await emu.close()
    }
  })
})
