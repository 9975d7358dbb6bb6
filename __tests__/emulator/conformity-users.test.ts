import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { startEmulator, sampleWorld, type EmulatorHandle } from '../../emulator/server.ts'
import { CC, Conformity } from './helpers.ts'

const { prod: PROD, dev: DEV, azure: AZURE } = CC.accounts
const K = CC.keys

function invite(email: string, role: string, accessList?: { account: string; level: string }[]) {
  return {
    data: {
      attributes: { firstName: 'New', lastName: 'Person', email, role, ...(accessList && { accessList }) }
    }
  }
}

describe('Conformity Users API', () => {
  let emu: EmulatorHandle
  let admin: Conformity
  const accessOf = async (userId: string) =>
    (await admin.get(`/users/${userId}`)).json.data.relationships.accountAccessList as {
      account: string
      level: string
    }[]

  beforeAll(async () => {
    emu = await startEmulator({ world: sampleWorld() })
    admin = new Conformity(emu.url, K.admin)
  })
  afterAll(() => emu.close())

  it('whoami: no access list for ADMIN; only FULL/READONLY entries for a USER', async () => {
    const me = await admin.get('/users/whoami')
    expect(me.json.data).toMatchObject({
      type: 'users',
      id: 'usr-admin',
      attributes: { role: 'ADMIN', email: 'admin@example.com', status: 'ACTIVE' },
      relationships: { organisation: { data: { type: 'organisations', id: CC.organisationId } } }
    })
    expect(me.json.data.relationships).not.toHaveProperty('accountAccessList')

    const user = await new Conformity(emu.url, K.user).get('/users/whoami')
    expect(user.json.data.attributes.role).toBe('USER')
    expect(user.json.data.relationships.accountAccessList).toEqual([
      { account: PROD, level: 'FULL' },
      { account: DEV, level: 'READONLY' }
    ])
    const none = await new Conformity(emu.url, K.none).get('/users/whoami')
    expect(none.json.data.relationships.accountAccessList).toEqual([])
    const power = await new Conformity(emu.url, K.power).get('/users/whoami')
    expect(power.json.data.attributes.role).toBe('POWER_USER')
    expect(power.json.data.relationships).not.toHaveProperty('accountAccessList')
  })

  it('GET /users/{id}: an ADMIN sees the full list including NONE; unknown ids are 422 No such user', async () => {
    expect(await accessOf('usr-custom')).toEqual([
      { account: PROD, level: 'FULL' },
      { account: DEV, level: 'READONLY' },
      { account: AZURE, level: 'NONE' }
    ])
    const unknown = await admin.get('/users/nobody')
    expect(unknown.status).toBe(422)
    expect(unknown.json).toEqual({
      errors: [{ status: 422, source: { pointer: '/data/attributes' }, detail: 'No such user' }]
    })
  })

  it('GET /users lists every user with has-credentials', async () => {
    const res = await admin.get('/users')
    expect(res.json.data.map((u: { id: string }) => u.id)).toEqual([
      'usr-admin',
      'usr-power',
      'usr-readonly',
      'usr-custom',
      'usr-none'
    ])
    expect(res.json.data[0].attributes['has-credentials']).toBe(true)
  })

  it('invites a USER with NONE everywhere by default; a re-invite keeps levels unless a list is sent', async () => {
    const created = await admin.call('POST', '/users', invite('new.user@example.com', 'USER'))
    expect(created.status).toBe(200)
    expect(created.json.data.attributes).toMatchObject({
      role: 'USER',
      status: 'INVITED',
      'last-login-date': null,
      'has-credentials': false
    })
    const id = created.json.data.id
    expect((await accessOf(id)).map(e => e.level)).toEqual(['NONE', 'NONE', 'NONE'])

    await admin.call(
      'POST',
      '/users',
      invite('new.user@example.com', 'USER', [{ account: DEV, level: 'FULL' }])
    )
    expect(await accessOf(id)).toEqual([
      { account: PROD, level: 'NONE' },
      { account: DEV, level: 'FULL' },
      { account: AZURE, level: 'NONE' }
    ])
    const again = await admin.call('POST', '/users', invite('NEW.USER@example.com', 'USER'))
    expect(again.json.data.id).toBe(id)
    expect((await accessOf(id))[1]).toEqual({ account: DEV, level: 'FULL' })
  })

  it('validates invites: role ADMIN|USER, known accounts, required names', async () => {
    const power = await admin.call('POST', '/users', invite('p@example.com', 'POWER_USER'))
    expect(power.status).toBe(422)
    expect(power.json.errors[0].source.pointer).toBe('/data/attributes/role')
    const unknown = await admin.call(
      'POST',
      '/users',
      invite('q@example.com', 'USER', [{ account: 'nope', level: 'FULL' }])
    )
    expect(unknown.status).toBe(422)
    expect(unknown.json.errors[0].source.pointer).toBe('/data/attributes/accessList/0/account')
    const noName = await admin.call('POST', '/users', {
      data: { attributes: { email: 'r@example.com', role: 'USER' } }
    })
    expect(noName.status).toBe(422)
    expect(noName.json.errors[0].source.pointer).toBe('/data/attributes/firstName')
  })

  it('PATCH changes only the listed accounts, requires accessList for USER and takes no attributes wrapper', async () => {
    const wrapped = await admin.call('PATCH', '/users/usr-custom', { data: { attributes: { role: 'USER' } } })
    expect(wrapped.status).toBe(422)
    expect(wrapped.json.errors[0].source.pointer).toBe('/data/role')
    const noList = await admin.call('PATCH', '/users/usr-custom', { data: { role: 'USER' } })
    expect(noList.status).toBe(422)
    expect(noList.json.errors[0].detail).toBe('accessList is required when role is USER')

    const ok = await admin.call('PATCH', '/users/usr-custom', {
      data: { role: 'USER', accessList: [{ account: AZURE, level: 'READONLY' }] }
    })
    expect(ok.status).toBe(200)
    expect(await accessOf('usr-custom')).toEqual([
      { account: PROD, level: 'FULL' },
      { account: DEV, level: 'READONLY' },
      { account: AZURE, level: 'READONLY' }
    ])
    const user = new Conformity(emu.url, K.user)
    expect((await user.get(`/checks?accountIds=${AZURE}`)).status).toBe(200)

    // a role change takes effect on the very next call
    await admin.call('PATCH', '/users/usr-none', { data: { role: 'POWER_USER' } })
    expect((await new Conformity(emu.url, K.none).call('POST', `/accounts/${AZURE}/scan`)).status).toBe(200)
    expect((await admin.call('PATCH', '/users/nobody', { data: { role: 'ADMIN' } })).status).toBe(422)
  })

  it('adds SSO users as ACTIVE', async () => {
    const res = await admin.call('POST', '/users/sso', invite('sso@example.com', 'ADMIN'))
    expect(res.status).toBe(200)
    expect(res.json.data.attributes).toMatchObject({ role: 'ADMIN', status: 'ACTIVE' })
  })

  it('revokes a user: its key stops working; added back, it keeps its old levels', async () => {
    const revoked = await admin.call('DELETE', '/users/usr-readonly')
    expect(revoked.json).toEqual({ meta: { status: 'revoked' } })
    const gone = await new Conformity(emu.url, K.readonly).get('/users/whoami')
    expect(gone.status).toBe(403)
    expect((await admin.get('/users')).json.data.map((u: { id: string }) => u.id)).not.toContain(
      'usr-readonly'
    )
    expect((await admin.call('DELETE', '/users/usr-readonly')).status).toBe(422)

    // revoke a USER with levels, invite it back without a list
    const levels = await accessOf('usr-custom')
    await admin.call('DELETE', '/users/usr-custom')
    const back = await admin.call('POST', '/users', invite('user@example.com', 'USER'))
    expect(back.json.data.attributes.status).toBe('INVITED')
    expect(await accessOf(back.json.data.id)).toEqual(levels)
    expect((await new Conformity(emu.url, K.user).get('/users/whoami')).status).toBe(403)
  })
})

describe('Conformity SSO without an identity provider', () => {
  it('refuses POST /users/sso with a clear detail', async () => {
    const world = sampleWorld()
    world.conformity = { ...world.conformity, ssoEnabled: false }
    const emu = await startEmulator({ world })
    try {
      const res = await new Conformity(emu.url, K.admin).call(
        'POST',
        '/users/sso',
        invite('s@example.com', 'USER')
      )
      expect(res.status).toBe(403)
      expect(res.json.errors[0].detail).toMatch(/external identity provider/)
    } finally {
      await emu.close()
    }
  })
})
