/**
 * Each user path here runs `dist/index.js` as the runner does (`runAction`); its variants run the
 * same step from the sources in this process (`runActionInProcess`, held to the bundle's traces
 * by inprocess-parity.test.ts), which costs a fraction of the CPU.
 */
import { describe, expect, it } from '@jest/globals'
import type { World } from '../../emulator/server.ts'
import { runAction } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import { SAMPLE, conformityInputs, expectedConformity, fastWorld, useEmulator } from '../helpers/world.js'

const cc = SAMPLE.conformity
const emu = useEmulator()

function account(id: string, world: World = fastWorld()) {
  return world.conformity!.accounts!.find(a => a.id === id)!
}

const posts = () => emu.log.filter(e => e.method === 'POST')

describe('conformity scan', () => {
  it('checks the key, runs the bot, waits for it and gates on the new checks', async () => {
    const run = await runAction(conformityInputs(emu.url))
    const expected = expectedConformity(account(cc.accounts.prod).checksAfterScan!)
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({
      result: 'pass',
      decision: 'promote',
      score: String(expected.score),
      'failed-controls': String(expected.failedRules.length),
      'scan-id': '',
      'account-id': cc.accounts.prod
    })
    const paths = emu.log.map(e => `${e.method} ${e.path.split('?')[0]}`)
    expect(paths[0]).toBe('GET /v1/users/whoami')
    expect(paths.indexOf('POST /v1/accounts/cc-acc-prod/scan')).toBeGreaterThan(0)
    expect(paths.lastIndexOf('GET /v1/accounts/cc-acc-prod')).toBeGreaterThan(
      paths.indexOf('POST /v1/accounts/cc-acc-prod/scan')
    )
    const checks = emu.log.filter(e => e.path.startsWith('/v1/checks'))
    expect(checks.length).toBeGreaterThan(0)
    expect(checks.every(e => decodeURIComponent(e.path).includes('filter[suppressed]=false'))).toBe(true)
    expect(emu.log.every(e => e.headers.authorization === `ApiKey ${cc.keys.admin}`)).toBe(true)
    expect(emu.log.every(e => e.headers['content-type'] === 'application/vnd.api+json')).toBe(true)
    const failedIds = (run.report?.accounts as { controls: { id: string }[] }[])[0].controls
      .map(c => c.id)
      .sort()
    expect(failedIds).toEqual(expected.failedRules)
  })

  it('fails the gate on EXTREME and HIGH failures', async () => {
    const run = await runAction(conformityInputs(emu.url, { 'account-id': cc.accounts.dev }))
    const expected = expectedConformity(account(cc.accounts.dev).checksAfterScan!)
    expect([run.code, run.outputs.result, run.outputs.decision]).toEqual([1, 'fail', 'rollback'])
    expect(run.outputs.score).toBe(String(expected.score))
    expect(run.summary).toContain('EXTREME')
  })

  it('scores only the checks of the compliance standard given as benchmark', async () => {
    const run = await runActionInProcess(conformityInputs(emu.url, { benchmark: 'CISAWSF' }))
    const expected = expectedConformity(account(cc.accounts.prod).checksAfterScan!, 'CISAWSF')
    expect(run.outputs.score).toBe(String(expected.score))
    expect(
      emu.log
        .filter(e => e.path.startsWith('/v1/checks'))
        .every(e => decodeURIComponent(e.path).includes('filter[compliances]=CISAWSF'))
    ).toBe(true)
  })

  it('waits for a queued run when the bot was already busy', async () => {
    const loaded = Date.now()
    emu.setWorld(
      fastWorld(w => {
        w.timing = { pendingSeconds: 0.1, scanSeconds: 1 }
        account(cc.accounts.prod, w).botStatus = 'RUNNING'
      })
    )
    const run = await runActionInProcess(conformityInputs(emu.url))
    expect(run.outputs.result).toBe('pass')
    // the run under way ends 1 s after the world loaded; the one the action queued, 1 s later:
    // the action may only stop polling after that second run
    const reads = emu.log.filter(e => e.method === 'GET' && e.path === `/v1/accounts/${cc.accounts.prod}`)
    expect(reads.at(-1)!.time - loaded).toBeGreaterThanOrEqual(1900)
  })

  it('is not fooled by a service slow to show the bot busy after the request', async () => {
    // the first read after the request shows the bot idle and a check newer than before the
    // request, but older than the request itself: a run that ended just before the deploy
    const stale = {
      data: {
        type: 'accounts',
        id: cc.accounts.prod,
        attributes: { name: 'prod', 'bot-status': null, 'last-checked-date': Date.now() - 60_000 }
      }
    }
    emu.addFault({
      method: 'GET',
      path: `/accounts/${cc.accounts.prod}$`,
      after: 1,
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify(stale)
    })
    const run = await runActionInProcess(conformityInputs(emu.url))
    expect(emu.log.filter(e => e.fault)).toHaveLength(1)
    // the verdict is the new run's, not the checks from before the scan
    expect(run.outputs.score).toBe(
      String(expectedConformity(account(cc.accounts.prod).checksAfterScan!).score)
    )
    expect(run.outputs.score).not.toBe(String(expectedConformity(account(cc.accounts.prod).checks!).score))
  })

  it('accepts an account wrapped in an array and a scan answer that is an object', async () => {
    emu.setWorld(fastWorld(w => (w.conformity!.quirks = { accountAsArray: true, scanResponseObject: true })))
    const run = await runActionInProcess(conformityInputs(emu.url))
    expect(run.outputs.result).toBe('pass')
  })

  it('times out as an error when the bot outlasts the timeout', async () => {
    emu.setWorld(fastWorld(w => (w.timing = { pendingSeconds: 0.1, scanSeconds: 30 })))
    const run = await runAction(conformityInputs(emu.url, { timeout: '1' }))
    expect([run.code, run.outputs.result]).toEqual([1, 'error'])
    expect(run.outputs.reason).toMatch(
      /Timed out after 1 s waiting for the Conformity bot on account cc-acc-prod/
    )
  })
})

describe('conformity audit', () => {
  it('gates on the current checks without running the bot', async () => {
    const run = await runAction(conformityInputs(emu.url, { mode: 'audit', 'api-key': cc.keys.readonly }))
    const expected = expectedConformity(account(cc.accounts.prod).checks!)
    expect(posts()).toEqual([])
    expect(run.outputs).toMatchObject({ result: 'pass', score: String(expected.score) })
  })

  it('refuses an account that has never been checked', async () => {
    emu.setWorld(fastWorld(w => (account(cc.accounts.prod, w).lastCheckedDate = null)))
    const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit' }))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(/no completed bot run yet/)
  })

  it('passes the service message of an unknown account through', async () => {
    const run = await runActionInProcess(
      conformityInputs(emu.url, { mode: 'audit', 'account-id': 'no-such-account' })
    )
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(
      /^Could not read account no-such-account: GET \S+\/v1\/accounts\/no-such-account answered \d{3}/
    )
  })
})

describe('conformity roles and access levels', () => {
  it.each([
    ['ADMIN', 'scan', cc.keys.admin, cc.accounts.prod],
    ['POWER_USER', 'scan', cc.keys.power, cc.accounts.dev],
    ['USER with FULL', 'scan', cc.keys.user, cc.accounts.prod],
    ['USER with READONLY', 'audit', cc.keys.user, cc.accounts.dev],
    ['READ_ONLY', 'audit', cc.keys.readonly, cc.accounts.prod]
  ])('%s may %s', async (_who, mode, key, accountId) => {
    const run = await runActionInProcess(
      conformityInputs(emu.url, { 'api-key': key, mode, 'account-id': accountId })
    )
    const acc = account(accountId)
    const expected = expectedConformity(mode === 'scan' ? (acc.checksAfterScan ?? acc.checks!) : acc.checks!)
    expect(run.outputs.result).not.toBe('error')
    expect(run.outputs.score).toBe(String(expected.score))
    expect(emu.log.some(e => e.method === 'POST' && e.path.endsWith('/scan'))).toBe(mode === 'scan')
  })

  it.each([
    [
      'READ_ONLY',
      cc.keys.readonly,
      'scan',
      cc.accounts.prod,
      /a READ_ONLY user; to start a Conformity bot scan it needs ADMIN, POWER_USER, or USER with FULL/
    ],
    [
      'USER with READONLY',
      cc.keys.user,
      'scan',
      cc.accounts.dev,
      /USER with READONLY access to account cc-acc-dev.*This key can run mode audit/
    ],
    [
      'USER with NONE',
      cc.keys.user,
      'audit',
      cc.accounts.azure,
      /USER with NONE access to account cc-acc-azure; to read the checks it needs/
    ],
    ['USER without an access list', cc.keys.none, 'audit', cc.accounts.prod, /USER with NONE access/]
  ])('%s (%s) may not %s, and is told which role it needs', async (_who, key, mode, accountId, message) => {
    const run = await runActionInProcess(
      conformityInputs(emu.url, { 'api-key': key, mode, 'account-id': accountId })
    )
    expect([run.code, run.outputs.result, run.outputs.decision]).toEqual([1, 'error', 'rollback'])
    expect(run.outputs.reason).toMatch(message)
    expect(posts()).toEqual([])
    expect(emu.log.filter(e => e.path.startsWith('/v1/checks'))).toEqual([])
  })

  it('reports a disabled or unknown key as an authentication problem', async () => {
    for (const key of [cc.keys.disabled, 'not-a-key']) {
      const run = await runAction(conformityInputs(emu.url, { 'api-key': key }))
      expect(run.outputs.result).toBe('error')
      expect(run.outputs.reason).toMatch(
        /answered 403: "User is not authorized to access this resource with an explicit deny"\. The API key is missing, unknown or disabled/
      )
      expect(run.report).toMatchObject({ error: { kind: 'auth' } })
    }
  })

  it('still names the role when the service refuses after the preflight', async () => {
    emu.addFault({
      method: 'POST',
      path: '/scan$',
      status: 401,
      body: '{"errors":[{"status":401,"details":"You are not authorized to perform such actions"}]}',
      contentType: 'application/json'
    })
    const run = await runActionInProcess(conformityInputs(emu.url, { 'api-key': cc.keys.power }))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(
      /"You are not authorized to perform such actions"\. The key belongs to a POWER_USER user; this operation needs ADMIN, POWER_USER, or USER with FULL/
    )
  })
})

describe('conformity onboard', () => {
  it('creates an AWS account with the organisation external id, waits for its first run and gates', async () => {
    const spec = {
      cloudType: 'aws',
      name: 'new-prod',
      environment: 'production',
      roleArn: 'arn:aws:iam::123456789012:role/CloudConformity'
    }
    const run = await runAction(
      conformityInputs(emu.url, {
        mode: 'onboard',
        'account-id': '',
        'onboard-account': JSON.stringify(spec)
      })
    )
    const expected = expectedConformity(fastWorld().conformity!.onboardChecks!)
    expect(run.outputs.result).toBe('pass')
    expect(run.outputs.score).toBe(String(expected.score))
    expect(run.outputs['account-id']).not.toBe('')
    expect(emu.log.some(e => e.path === '/v1/organisation/external-id')).toBe(true)
    expect(emu.log.some(e => e.method === 'POST' && e.path === '/v1/accounts' && e.status === 200)).toBe(true)
    expect(run.stdout).toContain(`::add-mask::${cc.externalId}`)
    expect(run.stdout.split('\n').filter(l => l.includes(cc.externalId))).toEqual([
      `::add-mask::${cc.externalId}`
    ])
  })

  it('onboards an Azure subscription', async () => {
    const spec = {
      cloudType: 'azure',
      name: 'new-sub',
      environment: 'dev',
      subscriptionId: 'sub-1',
      activeDirectoryId: 'ad-1'
    }
    const run = await runActionInProcess(
      conformityInputs(emu.url, { mode: 'onboard', 'onboard-account': JSON.stringify(spec) })
    )
    expect(run.outputs.result).toBe('pass')
    expect(emu.log.some(e => e.method === 'POST' && e.path === '/v1/accounts/azure')).toBe(true)
  })

  it('needs an ADMIN key', async () => {
    const spec = {
      cloudType: 'aws',
      name: 'x',
      environment: 'e',
      roleArn: 'arn:aws:iam::1:role/r',
      externalId: cc.externalId
    }
    const run = await runActionInProcess(
      conformityInputs(emu.url, {
        mode: 'onboard',
        'api-key': cc.keys.power,
        'onboard-account': JSON.stringify(spec)
      })
    )
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(/a POWER_USER user; to onboard an account it needs the ADMIN role/)
    expect(posts()).toEqual([])
  })
})
