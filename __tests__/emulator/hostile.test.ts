/**
 * Hostile answers (CONTRACT §13) scripted with what the emulator already has: ask for the real
 * answer, change it, and install it as a canned fault body.
 */
import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals'
import { startEmulator, type EmulatorHandle } from '../../emulator/server.ts'
import { CC, CN, Cloudneeti, Conformity, accountPath, fastWorld } from './helpers.ts'

const { prod: PROD, dev: DEV } = CC.accounts
const CN_PROD = CN.accounts.prodAws
const CN_STAGING = CN.accounts.stagingAzure

describe('hostile answers through canned faults', () => {
  let emu: EmulatorHandle
  let admin: Conformity
  let cn: Cloudneeti

  beforeAll(async () => {
    emu = await startEmulator({ world: fastWorld() })
    admin = new Conformity(emu.url, CC.keys.admin)
    cn = new Cloudneeti(emu.url)
  })
  afterAll(() => emu.close())
  beforeEach(() => {
    emu.setWorld(fastWorld())
    emu.clearFaults()
  })

  it('Conformity GET /accounts/{id} answering with another account', async () => {
    // another account's real answer, for every GET of this account (under /v1 and /api)
    const dev = await admin.get(`/accounts/${DEV}`)
    emu.addFault({ method: 'GET', path: `/accounts/${PROD}$`, body: dev.text, times: 0 })
    for (const prefix of ['/v1', '/api']) {
      const res = await new Conformity(emu.url, CC.keys.admin, prefix).get(`/accounts/${PROD}`)
      expect(res.status).toBe(200)
      expect(res.json.data.id).toBe(DEV)
    }
    // the scan request and other accounts are untouched
    expect((await admin.call('POST', `/accounts/${PROD}/scan`)).json).toEqual({
      data: [{ status: 'STARTED' }]
    })
    expect((await admin.get(`/accounts/${DEV}`)).json.data.id).toBe(DEV)

    // or the real answer of the account asked for, with only its id changed
    emu.clearFaults()
    const real = (await admin.get(`/accounts/${PROD}`)).json
    real.data.id = 'someone-else'
    emu.addFault({ method: 'GET', path: `/accounts/${PROD}$`, body: JSON.stringify(real), times: 0 })
    const res = await admin.get(`/accounts/${PROD}`)
    expect(res.json.data).toMatchObject({ id: 'someone-else', attributes: { name: 'prod' } })
  })

  it('Conformity /checks page holding a check whose status is ERROR', async () => {
    const page = (await admin.get(`/checks?accountIds=${PROD}`)).json
    page.data[0].attributes.status = 'ERROR'
    // faults match the pathname only: every /checks query gets this page (`after`/`times` pick one)
    emu.addFault({ method: 'GET', path: '/checks$', body: JSON.stringify(page) })
    const res = await admin.get(`/checks?accountIds=${PROD}&page[size]=100&page[number]=0`)
    expect(res.status).toBe(200)
    expect(res.json.meta.total).toBe(10)
    expect(res.json.data.map((c: { attributes: { status: string } }) => c.attributes.status)).toContain(
      'ERROR'
    )
    // times defaults to 1: the next page request is real again
    expect((await admin.get(`/checks?accountIds=${PROD}`)).json.data[0].attributes.status).toBe('SUCCESS')
  })

  it('Cloudneeti report of another account, and one whose policies sit under an unknown key', async () => {
    const path = (account: string) => `${accountPath('audit', account)}/benchmark/CSBP/summary`
    const staging = await cn.get(path(CN_STAGING), await cn.token({ accountId: CN_STAGING }))
    const token = await cn.token({ accountId: CN_PROD })
    emu.addFault({ method: 'GET', path: `/account/${CN_PROD}/benchmark/CSBP/summary$`, body: staging.text })
    expect((await cn.get(path(CN_PROD), token)).json.result.accountId).toBe(CN_STAGING)

    const real = (await cn.get(path(CN_PROD), token)).json
    real.result.controlGroups = real.result.resourceCategories
    delete real.result.resourceCategories
    emu.addFault({ method: 'GET', path: '/benchmark/CSBP/summary$', body: JSON.stringify(real) })
    const hidden = (await cn.get(path(CN_PROD), token)).json.result
    expect(hidden).not.toHaveProperty('resourceCategories')
    expect(hidden.posture.total).toBeGreaterThan(0) // the posture still counts the policies
  })

  it('Cloudneeti rescan naming an old job: canned body, or a real job under a Date from the future', async () => {
    const token = await cn.token({ accountId: CN_PROD })
    const rescanPath = `${accountPath('compliance', CN_PROD)}/rescan`
    const old = (await cn.get(`${accountPath('audit', CN_PROD)}/benchmark/CSBP/summary`, token)).json.result
    emu.addFault({
      path: '/rescan$',
      body: JSON.stringify({ result: { jobId: old.jobId }, statusCode: 200, message: 'Request Successful' })
    })
    const stale = await cn.get(rescanPath, token)
    expect(stale.json.result.jobId).toBe(old.jobId)
    const status = await cn.get(`${accountPath('compliance', CN_PROD)}/job/${old.jobId}/status`, token)
    expect(status.json.result.jobStatus).toBe('Success')

    // a real job, but the service's clock says the rescan happened long after any report of it
    const future = 'Wed, 01 Jan 2031 00:00:00 GMT'
    emu.addFault({ path: '/rescan$', headers: { Date: future } })
    const started = await cn.get(rescanPath, token)
    expect(started.headers.get('date')).toBe(future)
    expect(started.json.result.jobId).not.toBe(old.jobId)
    const job = await cn.get(
      `${accountPath('compliance', CN_PROD)}/job/${started.json.result.jobId}/status`,
      token
    )
    expect(job.json.result.jobStatus).toBe('Pending')
  })
})
