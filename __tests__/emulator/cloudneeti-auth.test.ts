import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { startEmulator, sampleWorld, type EmulatorHandle } from '../../emulator/server.ts'
import { CN, Cloudneeti, accountPath, request, sleep } from './helpers.ts'

const PROD = CN.accounts.prodAws
const STAGING = CN.accounts.stagingAzure
const OFFICE = CN.accounts.outOfScopeOffice

describe('Cloudneeti API key and tokens', () => {
  let emu: EmulatorHandle
  let cn: Cloudneeti

  beforeAll(async () => {
    emu = await startEmulator({ world: sampleWorld() })
    cn = new Cloudneeti(emu.url)
  })
  afterAll(() => emu.close())

  it('rejects a missing or unknown subscription key on every call with the APIM body', async () => {
    const missing = await request(`${emu.url}/authorize/license/${CN.licenseId}/token`, {
      method: 'POST',
      body: { APIApplicationId: CN.appId, Secret: CN.appSecret }
    })
    expect(missing.status).toBe(401)
    expect(missing.json).toEqual({
      statusCode: 401,
      message:
        'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.'
    })

    const token = await cn.token({ accountId: PROD })
    const wrongKey = new Cloudneeti(emu.url, 'not-a-key')
    const invalid = await wrongKey.get(`${accountPath('compliance', PROD)}/rescan`, token)
    expect(invalid.status).toBe(401)
    expect(invalid.json).toEqual({
      statusCode: 401,
      message:
        'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.'
    })
  })

  it('issues license and account tokens in the result envelope', async () => {
    const license = await cn.tokenResponse()
    expect(license.status).toBe(200)
    expect(license.json).toMatchObject({ statusCode: 200, message: 'Request Successful' })
    expect(typeof license.json.result.token).toBe('string')
    expect(license.json.result.token.length).toBeGreaterThan(20)

    const account = await cn.tokenResponse({ accountId: PROD })
    expect(account.status).toBe(200)
    expect(account.json.result.token).not.toBe(license.json.result.token)
  })

  it('rejects bad token requests: 400 naming the field, 401 bad credentials, 404 unknown ids, 403 out of scope', async () => {
    const noSecret = await cn.call('POST', `/authorize/license/${CN.licenseId}/token`, {
      body: { APIApplicationId: CN.appId }
    })
    expect(noSecret.status).toBe(400)
    expect(noSecret.json).toEqual({ result: null, statusCode: 400, message: 'Secret is required.' })

    const notJson = await cn.call('POST', `/authorize/license/${CN.licenseId}/token`, { body: '{oops' })
    expect(notJson.status).toBe(400)

    expect((await cn.tokenResponse({ secret: 'wrong' })).status).toBe(401)
    expect((await cn.tokenResponse({ appId: '99999999-9999-4999-8999-999999999999' })).status).toBe(401)
    expect((await cn.tokenResponse({ licenseId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404)
    expect((await cn.tokenResponse({ accountId: '00000000-0000-4000-8000-00000000dead' })).status).toBe(404)

    const outOfScope = await cn.tokenResponse({ accountId: OFFICE })
    expect(outOfScope.status).toBe(403)
    expect(outOfScope.json.result).toBeNull()
    expect(outOfScope.json.message).toContain(
      `Account ${OFFICE} is not in the API application's access scope`
    )

    // the audit-only app's scope does not include broken-aws either
    const auditApp = await cn.tokenResponse({
      accountId: CN.accounts.brokenAws,
      appId: CN.auditAppId,
      secret: CN.auditAppSecret
    })
    expect(auditApp.status).toBe(403)
  })

  it('requires a valid bearer token on every other call', async () => {
    const path = `${accountPath('compliance', PROD)}/rescan`
    const none = await cn.get(path)
    expect(none.status).toBe(401)
    expect(none.json.result).toBeNull()
    const garbage = await cn.get(path, 'not-a-real-token')
    expect(garbage.status).toBe(401)
    expect(garbage.json.message).toBe('Invalid bearer token.')
  })

  it('keeps license tokens to license calls and account tokens to their own account', async () => {
    const licenseToken = await cn.token()
    const prodToken = await cn.token({ accountId: PROD })

    const licenseOnAccount = await cn.get(`${accountPath('audit', PROD)}/benchmarks`, licenseToken)
    expect(licenseOnAccount.status).toBe(403)
    expect(licenseOnAccount.json.message).toMatch(/account token/)

    const otherAccount = await cn.get(`${accountPath('audit', STAGING)}/benchmarks`, prodToken)
    expect(otherAccount.status).toBe(403)
    expect(otherAccount.json.message).toContain(STAGING)

    const accountOnLicense = await cn.get(`/onboarding/license/${CN.licenseId}/licenseAccounts`, prodToken)
    expect(accountOnLicense.status).toBe(403)
    expect(accountOnLicense.json.message).toMatch(/license token/)

    expect((await cn.get(`${accountPath('audit', PROD)}/benchmarks`, prodToken)).status).toBe(200)
    expect((await cn.get(`/onboarding/license/${CN.licenseId}/licenseAccounts`, licenseToken)).status).toBe(
      200
    )
  })

  it('checks the API application permission of each endpoint and names the missing one', async () => {
    const token = await cn.token({ accountId: PROD, appId: CN.auditAppId, secret: CN.auditAppSecret })
    const rescan = await cn.get(`${accountPath('compliance', PROD)}/rescan`, token)
    expect(rescan.status).toBe(403)
    expect(rescan.json.message).toContain("'Account.Rescan'")

    const health = await cn.get(`${accountPath('audit', PROD)}/healthstatus`, token)
    expect(health.status).toBe(403)
    expect(health.json.message).toContain("'Account.Health'")

    expect((await cn.get(`${accountPath('audit', PROD)}/benchmark/CSBP/summary`, token)).status).toBe(200)

    const licenseToken = await cn.token({ appId: CN.auditAppId, secret: CN.auditAppSecret })
    const accounts = await cn.get(`/onboarding/license/${CN.licenseId}/licenseAccounts`, licenseToken)
    expect(accounts.status).toBe(403)
    expect(accounts.json.message).toContain("'License.GetAPIAccess'")
    const onboard = await cn.call('POST', `/onboarding/license/${CN.licenseId}/account/aws`, {
      token: licenseToken,
      body: { AccountName: 'x', AWSAccountId: '123456789012', AWSRoleName: 'r' }
    })
    expect(onboard.status).toBe(403)
    expect(onboard.json.message).toContain("'License.AddAccount'")
  })

  it('lists license accounts with the scope and the permissions of the calling app', async () => {
    const token = await cn.token()
    const res = await cn.get(`/onboarding/license/${CN.licenseId}/licenseAccounts`, token)
    expect(res.status).toBe(200)
    expect(res.json.result.licenseId).toBe(CN.licenseId)
    const scope = Object.fromEntries(
      res.json.result.accounts.map((a: { accountId: string; isInApiScope: boolean }) => [
        a.accountId,
        a.isInApiScope
      ])
    )
    expect(scope).toEqual({ [PROD]: true, [STAGING]: true, [OFFICE]: false, [CN.accounts.brokenAws]: true })
    expect(res.json.result.apis).toHaveLength(8)
    expect(res.json.result.apis).toContain('License.UpdateAPIAccess')
  })

  it('expires every token on expireTokens() and via the control endpoint; new tokens work', async () => {
    const path = `${accountPath('audit', PROD)}/benchmarks`
    const before = await cn.token({ accountId: PROD })
    expect((await cn.get(path, before)).status).toBe(200)
    emu.expireTokens()
    const expired = await cn.get(path, before)
    expect(expired.status).toBe(401)
    expect(expired.json.message).toMatch(/expired/)

    const fresh = await cn.token({ accountId: PROD })
    expect((await cn.get(path, fresh)).status).toBe(200)
    const control = await request(`${emu.url}/_emulator/expire-tokens`, { method: 'POST' })
    expect(control.status).toBe(200)
    expect((await cn.get(path, fresh)).status).toBe(401)
  })
})

describe('Cloudneeti token lifetime', () => {
  it('expires a token after the world lifetime, and an app may override it', async () => {
    const world = sampleWorld()
    world.timing = { ...world.timing, tokenLifetimeSeconds: 0.3 }
    world.cloudneeti!.licenses![0]!.apps![1]!.tokenLifetimeSeconds = 60
    const emu = await startEmulator({ world })
    try {
      const cn = new Cloudneeti(emu.url)
      const path = `${accountPath('audit', PROD)}/benchmark/CSBP/summary`
      const short = await cn.token({ accountId: PROD })
      const long = await cn.token({ accountId: PROD, appId: CN.auditAppId, secret: CN.auditAppSecret })
      expect((await cn.get(path, short)).status).toBe(200)
      await sleep(400)
      const res = await cn.get(path, short)
      expect(res.status).toBe(401)
      expect(res.json.message).toBe('The bearer token has expired. Request a new token.')
      expect((await cn.get(path, long)).status).toBe(200)
    } finally {
      await emu.close()
    }
  })
})
