import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { startEmulator, type EmulatorHandle, type World } from '../../emulator/server.ts'
import { CC, Conformity, distinctRuns, fastWorld, pollUntil } from './helpers.ts'

const { prod: PROD, dev: DEV, azure: AZURE } = CC.accounts
const K = CC.keys
const SCAN_MS = 1200

interface AccountState {
  bot: string | null
  checked: number | null
}

describe('Conformity bot runs', () => {
  let emu: EmulatorHandle
  let admin: Conformity

  beforeAll(async () => {
    emu = await startEmulator({ world: fastWorld() })
    admin = new Conformity(emu.url, K.admin)
  })
  afterAll(() => emu.close())

  const state = async (id: string): Promise<AccountState> => {
    const a = (await admin.get(`/accounts/${id}`)).json.data.attributes
    return { bot: a['bot-status'], checked: a['last-checked-date'] }
  }
  const ruleIds = async (id: string) =>
    (await admin.get(`/checks?accountIds=${id}`)).json.data.map(
      (c: { relationships: { rule: { data: { id: string } } } }) => c.relationships.rule.data.id
    )

  it('describes accounts with kebab-case attributes', async () => {
    const res = await admin.get(`/accounts/${PROD}`)
    expect(res.json.data).toMatchObject({
      type: 'accounts',
      id: PROD,
      attributes: {
        name: 'prod',
        environment: 'production',
        'cloud-type': 'aws',
        'awsaccount-id': '111122223333',
        status: 'ACTIVE',
        'created-date': 1690000000000,
        'last-checked-date': 1700000000000,
        'bot-status': null
      },
      relationships: { organisation: { data: { type: 'organisations', id: CC.organisationId } } }
    })
    const azure = (await admin.get(`/accounts/${AZURE}`)).json.data.attributes
    expect(azure['cloud-type']).toBe('azure')
    expect(azure).not.toHaveProperty('awsaccount-id')
  })

  it('moves PENDING → RUNNING → null, advances last-checked-date and swaps in checksAfterScan', async () => {
    const before = await state(PROD)
    expect(before).toEqual({ bot: null, checked: 1700000000000 })
    expect(await ruleIds(PROD)).not.toContain('KMS-004')

    const t0 = Date.now()
    const res = await admin.call('POST', `/accounts/${PROD}/scan`)
    expect(res.json).toEqual({ data: [{ status: 'STARTED' }] })
    const seen = await pollUntil(
      () => state(PROD),
      s => s.bot === null
    )
    expect(distinctRuns(seen.map(s => s.bot))).toEqual(['PENDING', 'RUNNING', null])
    const after = seen.at(-1)!
    expect(after.checked).toBeGreaterThanOrEqual(t0 + SCAN_MS)
    expect(after.checked).toBeLessThanOrEqual(Date.now())
    // last-checked-date only moves when the run ends
    expect(seen.filter(s => s.bot !== null).every(s => s.checked === 1700000000000)).toBe(true)
    expect(await ruleIds(PROD)).toEqual(expect.arrayContaining(['KMS-004', 'EC2-019']))
  })

  it('queues one more run when asked during a run; further requests join the queued one', async () => {
    const start = await state(DEV)
    for (let i = 0; i < 3; i++) expect((await admin.call('POST', `/accounts/${DEV}/scan`)).status).toBe(200)
    const firstEnd = await pollUntil(
      () => state(DEV),
      s => s.checked !== start.checked
    )
    const mid = firstEnd.at(-1)!
    expect(mid.bot).not.toBeNull() // the queued run is under way
    const done = await pollUntil(
      () => state(DEV),
      s => s.bot === null
    )
    expect(done.at(-1)!.checked! - mid.checked!).toBe(SCAN_MS) // exactly one more run
    const checks = (await admin.get(`/checks?accountIds=${DEV}&filter[statuses]=FAILURE`)).json.data
    expect(
      checks.map((c: { attributes: { 'risk-level': string } }) => c.attributes['risk-level']).sort()
    ).toEqual(['EXTREME', 'HIGH', 'LOW'])
  })

  it('keeps the same checks after a run of an account without checksAfterScan', async () => {
    const before = await ruleIds(AZURE)
    await admin.call('POST', `/accounts/${AZURE}/scan`)
    await pollUntil(
      () => state(AZURE),
      s => s.bot === null && s.checked !== 1700000000000
    )
    expect(await ruleIds(AZURE)).toEqual(before)
  })
})

describe('Conformity account onboarding', () => {
  let emu: EmulatorHandle
  let admin: Conformity

  beforeAll(async () => {
    emu = await startEmulator({ world: fastWorld() })
    admin = new Conformity(emu.url, K.admin)
  })
  afterAll(() => emu.close())

  const aws = (
    externalId: string,
    extra: Record<string, unknown> = {},
    roleArn = 'arn:aws:iam::123456789012:role/cc'
  ) => ({
    data: {
      type: 'account',
      attributes: { name: 'new', environment: 'ci', access: { keys: { roleArn, externalId } }, ...extra }
    }
  })

  it('serves the external id to any key', async () => {
    const res = await new Conformity(emu.url, K.readonly).get('/organisation/external-id')
    expect(res.json.data).toEqual({
      type: 'external-ids',
      id: CC.externalId,
      attributes: { 'valid-until': expect.any(Number) }
    })
  })

  it('validates the AWS body: name, role ARN, external id, one of subscriptionType/hasRealTimeMonitoring', async () => {
    const wrongExternal = await admin.call('POST', '/accounts', aws('not-ours'))
    expect(wrongExternal.status).toBe(422)
    expect(wrongExternal.json.errors[0].source.pointer).toBe('/data/attributes/access/keys/externalId')
    const badArn = await admin.call('POST', '/accounts', aws(CC.externalId, {}, 'my-role'))
    expect(badArn.status).toBe(422)
    expect(badArn.json.errors[0].source.pointer).toBe('/data/attributes/access/keys/roleArn')
    const noName = await admin.call('POST', '/accounts', aws(CC.externalId, { name: '' }))
    expect(noName.status).toBe(422)
    expect(noName.json.errors[0]).toEqual({
      status: 422,
      source: { pointer: '/data/attributes/name' },
      detail: 'Name is required'
    })
    const both = await admin.call(
      'POST',
      '/accounts',
      aws(CC.externalId, { subscriptionType: 'advanced', hasRealTimeMonitoring: true })
    )
    expect(both.status).toBe(422)
  })

  it('creates an AWS account whose first bot run starts by itself and yields the onboard checks', async () => {
    const res = await admin.call('POST', '/accounts', aws(CC.externalId, { subscriptionType: 'essentials' }))
    expect(res.status).toBe(200)
    const { id, attributes } = res.json.data
    expect(attributes).toMatchObject({
      name: 'new',
      environment: 'ci',
      'cloud-type': 'aws',
      'awsaccount-id': '123456789012',
      'last-checked-date': null,
      'bot-status': 'PENDING'
    })
    expect((await admin.get(`/checks?accountIds=${id}`)).json.meta.total).toBe(0)
    const seen = await pollUntil(
      async () => (await admin.get(`/accounts/${id}`)).json.data.attributes,
      a => a['bot-status'] === null
    )
    expect(seen.at(-1)['last-checked-date']).toEqual(expect.any(Number))
    expect((await admin.get(`/checks?accountIds=${id}`)).json.meta.total).toBe(5)

    // a USER gets NONE on a new account; the same AWS account cannot be added twice
    expect((await new Conformity(emu.url, K.user).get(`/accounts/${id}`)).status).toBe(401)
    expect((await admin.call('POST', '/accounts', aws(CC.externalId))).status).toBe(422)
  })

  it('accepts a temporary external id from POST /external-ids', async () => {
    const created = await admin.call('POST', '/external-ids')
    const temp = created.json.data.id
    expect(temp).not.toBe(CC.externalId)
    const res = await admin.call('POST', '/accounts', aws(temp, {}, 'arn:aws:iam::999988887777:role/cc'))
    expect(res.status).toBe(200)
  })

  it('creates Azure accounts from subscriptionId and activeDirectoryId', async () => {
    const body = (access: Record<string, string>) => ({
      data: { attributes: { name: 'az', environment: 'ci', access } }
    })
    const missing = await admin.call('POST', '/accounts/azure', body({ subscriptionId: 'sub-1' }))
    expect(missing.status).toBe(422)
    expect(missing.json.errors[0].source.pointer).toBe('/data/attributes/access/activeDirectoryId')
    const ok = await admin.call(
      'POST',
      '/accounts/azure',
      body({ subscriptionId: 'sub-1', activeDirectoryId: 'ad-1' })
    )
    expect(ok.status).toBe(200)
    expect(ok.json.data.attributes).toMatchObject({ 'cloud-type': 'azure', 'bot-status': 'PENDING' })
  })
})

describe('Conformity response-shape switches', () => {
  it('accountAsArray and scanResponseObject', async () => {
    const world: World = fastWorld()
    world.conformity = { ...world.conformity, quirks: { accountAsArray: true, scanResponseObject: true } }
    const emu = await startEmulator({ world })
    try {
      const admin = new Conformity(emu.url, K.admin)
      const account = await admin.get(`/accounts/${PROD}`)
      expect(Array.isArray(account.json.data)).toBe(true)
      expect(account.json.data[0].id).toBe(PROD)
      expect((await admin.call('POST', `/accounts/${PROD}/scan`)).json).toEqual({
        data: { status: 'STARTED' }
      })
    } finally {
      await emu.close()
    }
  })
})
