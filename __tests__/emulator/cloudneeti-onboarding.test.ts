import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { startEmulator, sampleWorld, type EmulatorHandle } from '../../emulator/server.ts'
import { CN, Cloudneeti, accountPath, fastWorld, pollUntil } from './helpers.ts'

const ONBOARD = `/onboarding/license/${CN.licenseId}`

describe('Cloudneeti onboarding (use case 2)', () => {
  let emu: EmulatorHandle
  let cn: Cloudneeti
  let licenseToken: string

  beforeAll(async () => {
    emu = await startEmulator({ world: fastWorld() })
    cn = new Cloudneeti(emu.url)
    licenseToken = await cn.token()
  })
  afterAll(() => emu.close())

  const onboard = (connector: string, body: unknown, token = licenseToken) =>
    cn.call('POST', `${ONBOARD}/account/${connector}`, { token, body })

  it('onboards, adds the account to the scope, then scans and reports it', async () => {
    const res = await onboard('aws', {
      AccountName: 'new-aws',
      AWSAccountId: '210987654321',
      AWSRoleName: 'cn-role'
    })
    expect(res.status).toBe(200)
    const { accountId, jobId } = res.json.result
    expect(accountId).toMatch(/^[0-9a-f-]{36}$/)
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/)

    // not in the app's scope until E13
    const denied = await cn.tokenResponse({ accountId })
    expect(denied.status).toBe(403)
    const listed = await cn.get(`${ONBOARD}/licenseAccounts`, licenseToken)
    expect(listed.json.result.accounts).toContainEqual({
      accountId,
      accountName: 'new-aws',
      isInApiScope: false,
      connectorType: 'AWS'
    })

    const added = await cn.call('PUT', `${ONBOARD}/config`, { token: licenseToken, body: { accountId } })
    expect(added.json).toEqual({ result: 'Account Added', statusCode: 200, message: 'Request Successful' })
    const again = await cn.call('PUT', `${ONBOARD}/config`, { token: licenseToken, body: { accountId } })
    expect(again.json.result).toBe('Account Added')
    const relisted = await cn.get(`${ONBOARD}/licenseAccounts`, licenseToken)
    expect(
      relisted.json.result.accounts.find((a: { accountId: string }) => a.accountId === accountId).isInApiScope
    ).toBe(true)

    const token = await cn.token({ accountId })
    // the onboarding job is the account's running job: a rescan returns it
    const rescan = await cn.get(`${accountPath('compliance', accountId)}/rescan`, token)
    expect(rescan.json.result.jobId).toBe(jobId)
    await pollUntil(
      async () =>
        (await cn.get(`${accountPath('compliance', accountId)}/job/${jobId}/status`, token)).json.result
          .jobStatus,
      s => s === 'Success'
    )
    const report = await cn.get(
      `${accountPath('audit', accountId)}/job/${jobId}/benchmark/CSBP/summary`,
      token
    )
    expect(report.status).toBe(200)
    const policies = report.json.result.resourceCategories.flatMap((c: { policies: unknown[] }) => c.policies)
    expect(policies).toHaveLength(sampleWorld().cloudneeti!.onboardPolicies!.length)
    expect(report.json.result.posture.compliancePercent).toBe(80)
    const latest = await cn.get(`${accountPath('audit', accountId)}/benchmark/CSBP/summary`, token)
    expect(latest.json.result.jobId).toBe(jobId)
  })

  it('validates the body per connector and names the missing field', async () => {
    const missing = await onboard('aws', { AccountName: 'x', AWSAccountId: '123456789012' })
    expect(missing.status).toBe(400)
    expect(missing.json).toEqual({ result: null, statusCode: 400, message: 'AWSRoleName is required.' })
    const badId = await onboard('aws', { AccountName: 'x', AWSAccountId: '1234', AWSRoleName: 'r' })
    expect(badId.status).toBe(400)
    expect(badId.json.message).toContain('AWSAccountId')

    const azure = {
      AccountName: 'az',
      DomainName: 'contoso.onmicrosoft.com',
      TenantId: 'a1b2c3d4-0000-4000-8000-000000000001',
      ADApplicationClientId: 'a1b2c3d4-0000-4000-8000-000000000002',
      ADApplicationClientSecret: 'shh'
    }
    const noSubscription = await onboard('azure', azure)
    expect(noSubscription.status).toBe(400)
    expect(noSubscription.json.message).toBe('SubscriptionId is required.')
    const office = await onboard('office', azure)
    expect(office.status).toBe(200)
    const azureOk = await onboard('azure', {
      ...azure,
      SubscriptionId: 'a1b2c3d4-0000-4000-8000-000000000003'
    })
    expect(azureOk.status).toBe(200)
    const accounts = (await cn.get(`${ONBOARD}/licenseAccounts`, licenseToken)).json.result.accounts
    const types = Object.fromEntries(
      accounts.map((a: { accountId: string; connectorType: string }) => [a.accountId, a.connectorType])
    )
    expect(types[office.json.result.accountId]).toBe('Office365')
    expect(types[azureOk.json.result.accountId]).toBe('Azure')
  })

  it('refuses a cloud account onboarded twice, unknown connectors and account tokens', async () => {
    const body = { AccountName: 'dup', AWSAccountId: '555566667777', AWSRoleName: 'r' }
    expect((await onboard('aws', body)).status).toBe(200)
    const dup = await onboard('aws', body)
    expect(dup.status).toBe(400)
    expect(dup.json.message).toMatch(/already onboarded/)
    expect((await onboard('gcp', body)).status).toBe(404)
    const accountToken = await cn.token({ accountId: CN.accounts.prodAws })
    expect((await onboard('aws', { ...body, AWSAccountId: '555566667778' }, accountToken)).status).toBe(403)
  })

  it('answers 404 when the scope update names an unknown account, 400 without one', async () => {
    const unknown = await cn.call('PUT', `${ONBOARD}/config`, {
      token: licenseToken,
      body: { accountId: '00000000-0000-4000-8000-00000000beef' }
    })
    expect(unknown.status).toBe(404)
    const none = await cn.call('PUT', `${ONBOARD}/config`, { token: licenseToken, body: {} })
    expect(none.status).toBe(400)
    expect(none.json.message).toBe('accountId is required.')
  })
})
