/**
 * Each user path here runs `dist/index.js` as the runner does (`runAction`); its variants run the
 * same step from the sources in this process (`runActionInProcess`, held to the bundle's traces
 * by inprocess-parity.test.ts), which costs a fraction of the CPU.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import {
  SAMPLE,
  cloudneetiInputs,
  expectedCloudneetiScore,
  fastWorld,
  useEmulator
} from '../helpers/world.js'

const cn = SAMPLE.cloudneeti
const emu = useEmulator()

function prodAfter() {
  const account = fastWorld().cloudneeti!.licenses![0].accounts!.find(
    a => a.accountId === cn.accounts.prodAws
  )!
  return account.benchmarks!.CSBP.after!
}

describe('cloudneeti scan', () => {
  it('scans, waits for the job, gates on its report and promotes', async () => {
    const run = await runAction(cloudneetiInputs(emu.url))
    expect(run.code).toBe(0)
    const expectedScore = expectedCloudneetiScore(prodAfter())
    expect(run.outputs).toMatchObject({
      result: 'pass',
      decision: 'promote',
      score: String(expectedScore),
      'account-id': cn.accounts.prodAws,
      'report-path': `${run.workspace}/compliance-report.json`
    })
    const failed = prodAfter().filter(p => p.total > 0 && p.passed < p.total).length
    expect(run.outputs['failed-controls']).toBe(String(failed))
    // the job id the rescan returned is the one the report came from
    const rescan = emu.log.find(e => e.path.endsWith('/rescan'))
    expect(rescan).toBeDefined()
    expect(run.outputs['scan-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(emu.log.some(e => e.path.includes(`/job/${run.outputs['scan-id']}/benchmark/CSBP/summary`))).toBe(
      true
    )
    expect(run.report).toMatchObject({
      result: 'pass',
      decision: 'promote',
      score: expectedScore,
      provider: 'cloudneeti',
      mode: 'scan'
    })
    expect(run.summary).toContain('Compliance gate passed')
    expect(run.summary).toContain(`| Score | ${expectedScore}`)
    // every request carried the API key; account calls carried the bearer token
    expect(emu.log.every(e => e.headers['ocp-apim-subscription-key'] === cn.apiKey)).toBe(true)
    expect(
      emu.log
        .filter(e => !e.path.startsWith('/authorize'))
        .every(e => /^Bearer \S+/.test(String(e.headers.authorization)))
    ).toBe(true)
  })

  it('fails the gate on a Critical failure and rolls back, with the failed controls in the summary', async () => {
    const run = await runAction(cloudneetiInputs(emu.url, { 'account-id': cn.accounts.stagingAzure }))
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('fail')
    expect(run.outputs.decision).toBe('rollback')
    expect(run.outputs.reason).toMatch(/at severity High or higher/)
    expect(run.summary).toContain('Compliance gate failed')
    expect(run.summary).toContain('Critical')
    expect(run.stdout).toMatch(
      /^::error title=Compliance%3A SQLServerAuditingEnabled::Critical control failed/m
    )
    expect(run.stdout).not.toMatch(/Input 'region'/)
    expect(run.report?.result).toBe('fail')
  })

  it('soft-fail turns a failed gate into a warning and a green step', async () => {
    const run = await runAction(
      cloudneetiInputs(emu.url, { 'account-id': cn.accounts.stagingAzure, 'soft-fail': 'true' })
    )
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('fail')
    expect(run.outputs.decision).toBe('rollback')
    expect(run.stdout).toMatch(/::warning::Compliance gate failed \(soft-fail/)
    expect(run.summary).toContain('soft-fail')
  })

  it('applies min-score and max-failures, and fail-on-severity none', async () => {
    const score = expectedCloudneetiScore(prodAfter())
    const above = await runActionInProcess(
      cloudneetiInputs(emu.url, { 'min-score': String(Math.ceil(score + 1)) })
    )
    expect([above.code, above.outputs.result]).toEqual([1, 'fail'])
    expect(above.outputs.reason).toContain('below min-score')
    const maxed = await runActionInProcess(cloudneetiInputs(emu.url, { 'max-failures': '0', mode: 'audit' }))
    expect(maxed.outputs.result).toBe('fail')
    expect(maxed.outputs.reason).toMatch(/exceed max-failures 0/)
    const lenient = await runActionInProcess(
      cloudneetiInputs(emu.url, { 'account-id': cn.accounts.stagingAzure, 'fail-on-severity': 'none' })
    )
    expect([lenient.code, lenient.outputs.result]).toEqual([0, 'pass'])
  })

  it('reports a failed scan job as an error, not a verdict', async () => {
    const run = await runAction(cloudneetiInputs(emu.url, { 'account-id': cn.accounts.brokenAws }))
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.decision).toBe('rollback')
    expect(run.outputs.score).toBe('')
    expect(run.outputs['scan-id']).not.toBe('')
    expect(run.outputs.reason).toMatch(/ended Failed/)
    expect(run.report).toMatchObject({ result: 'error', error: { kind: 'scan-failed' } })
  })

  it('times out as an error when the scan outlasts the timeout', async () => {
    emu.setWorld(fastWorld(w => (w.timing = { pendingSeconds: 0.1, scanSeconds: 30 })))
    const run = await runAction(cloudneetiInputs(emu.url, { timeout: '1.5' }))
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(/Timed out after 1.5 s waiting for scan job/)
  })

  it('renews an expired token mid-wait and carries on', async () => {
    emu.setWorld(fastWorld(w => (w.timing = { pendingSeconds: 0.1, scanSeconds: 2 })))
    // expire the token once the action is using it: after its first status poll
    const watcher = setInterval(() => {
      if (emu.log.some(e => e.path.endsWith('/status') && e.status === 200)) {
        emu.expireTokens()
        clearInterval(watcher)
      }
    }, 20)
    const run = await runActionInProcess(cloudneetiInputs(emu.url)).finally(() => clearInterval(watcher))
    expect(run.outputs.result).toBe('pass')
    const tokens = emu.log.filter(e => e.path.includes('/token'))
    expect(tokens.length).toBe(2)
    expect(emu.log.filter(e => e.status === 401).length).toBe(1)
  })

  it('refuses a report that belongs to another job', async () => {
    emu.addFault({
      path: '/job/.*/summary$',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        statusCode: 200,
        message: 'Request Successful',
        result: {
          benchmarkId: 'CSBP',
          accountId: cn.accounts.prodAws,
          jobId: 'an-older-job',
          resourceCategories: [],
          posture: { compliancePercent: 100 }
        }
      })
    })
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(
      /is for job an-older-job, not the scan job \S+; refusing to gate on it/
    )
    expect(run.outputs.score).toBe('')
  })

  it('tolerates PascalCase, array-wrapped reports, quoted job ids and Completed', async () => {
    emu.setWorld(
      fastWorld(w => {
        w.cloudneeti!.quirks = {
          pascalCase: true,
          reportAsArray: true,
          quotedJobIds: true,
          completedStatus: true,
          statusCase: 'upper'
        }
      })
    )
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expect(run.outputs.result).toBe('pass')
    expect(run.outputs.score).toBe(String(expectedCloudneetiScore(prodAfter())))
    expect(run.outputs['scan-id']).not.toContain('"')
  })
})

describe('cloudneeti audit', () => {
  it('gates on the latest successful report without scanning', async () => {
    const run = await runAction(cloudneetiInputs(emu.url, { mode: 'audit' }))
    expect(emu.log.some(e => e.path.endsWith('/rescan'))).toBe(false)
    expect(emu.log.some(e => /\/benchmark\/CSBP\/summary$/.test(e.path))).toBe(true)
    const before = fastWorld().cloudneeti!.licenses![0].accounts!.find(
      a => a.accountId === cn.accounts.prodAws
    )!.benchmarks!.CSBP.before!
    expect(run.outputs.score).toBe(String(expectedCloudneetiScore(before)))
    expect(run.outputs['scan-id']).not.toBe('')
    // the sample's "before" state has a High failure
    expect(run.outputs.result).toBe('fail')
  })

  it('reads another benchmark', async () => {
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { mode: 'audit', benchmark: 'PCI3_2' }))
    expect(emu.log.some(e => e.path.includes('/benchmark/PCI3_2/summary'))).toBe(true)
    expect(['pass', 'fail']).toContain(run.outputs.result)
  })

  it('says what to do when the benchmark has no report', async () => {
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { mode: 'audit', benchmark: 'HIPAA' }))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(/answered 404/)
    expect(run.outputs.reason).toMatch(/check benchmark/)
  })
})

describe('cloudneeti credentials and permissions', () => {
  it('rejects a bad API key with one actionable line', async () => {
    const run = await runAction(cloudneetiInputs(emu.url, { 'api-key': 'wrong-key' }))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(
      /^Could not get an account token for .*: POST .* answered 401: ".*subscription key.*"\. Check the api-key input/
    )
    expect(run.stdout.split('\n').filter(l => l.includes('wrong-key'))).toEqual(['::add-mask::wrong-key'])
  })

  it('rejects a bad application secret', async () => {
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { 'application-secret': 'nope' }))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(/answered 401.*Check application-id and application-secret/)
  })

  it('explains an account outside the API application scope', async () => {
    const run = await runActionInProcess(
      cloudneetiInputs(emu.url, { 'account-id': cn.accounts.outOfScopeOffice })
    )
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(/answered 403.*access scope/)
    expect(run.report).toMatchObject({ error: { kind: 'permission' } })
  })

  it('names the missing permission of the API application', async () => {
    const run = await runActionInProcess(
      cloudneetiInputs(emu.url, { 'application-id': cn.auditAppId, 'application-secret': cn.auditAppSecret })
    )
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(/start the scan.*403.*Account\.Rescan permission/)
    const audit = await runActionInProcess(
      cloudneetiInputs(emu.url, {
        mode: 'audit',
        'application-id': cn.auditAppId,
        'application-secret': cn.auditAppSecret
      })
    )
    expect(audit.outputs.result).toBe('fail')
  })
})

describe('cloudneeti onboard', () => {
  it('onboards, adds the account to the scope, waits for its first scan and gates', async () => {
    const account = {
      cloudType: 'aws',
      AccountName: 'new-aws',
      AWSAccountId: '123456789012',
      AWSRoleName: 'CloudneetiRole'
    }
    const run = await runAction(
      cloudneetiInputs(emu.url, {
        mode: 'onboard',
        'account-id': '',
        'onboard-account': JSON.stringify(account)
      })
    )
    expect(run.outputs.result).toBe('pass')
    const onboardPolicies = fastWorld().cloudneeti!.onboardPolicies!
    expect(run.outputs.score).toBe(String(expectedCloudneetiScore(onboardPolicies)))
    const paths = emu.log.map(e => `${e.method} ${e.path.split('?')[0]}`)
    const order = ['POST /onboarding/', 'PUT /onboarding/', '/job/']
    const at = order.map(p => paths.findIndex(x => x.includes(p)))
    expect(at.every(i => i >= 0)).toBe(true)
    expect(at).toEqual([...at].sort((a, b) => a - b))
    const newId = run.outputs['account-id']
    expect(newId).toMatch(/^[0-9a-f-]{36}$/)
    expect(newId).not.toBe(cn.accounts.prodAws)
    expect(emu.log.find(e => e.method === 'POST' && e.path.includes('/account/aws'))).toBeDefined()
  })

  it('onboards an Office 365 tenant', async () => {
    const account = {
      cloudType: 'office',
      AccountName: 'new-o365',
      DomainName: 'contoso.onmicrosoft.com',
      TenantId: 't',
      ADApplicationClientId: 'c',
      ADApplicationClientSecret: 'office-secret-1'
    }
    const run = await runActionInProcess(
      cloudneetiInputs(emu.url, { mode: 'onboard', 'onboard-account': JSON.stringify(account) })
    )
    expect(run.outputs.result).toBe('pass')
    expect(emu.log.some(e => e.method === 'POST' && e.path.endsWith('/account/office'))).toBe(true)
  })

  it('masks the Azure client secret before printing anything', async () => {
    const secret = 'azure-client-secret-XYZ'
    const account = {
      cloudType: 'azure',
      AccountName: 'new-azure',
      DomainName: 'contoso.onmicrosoft.com',
      TenantId: 't',
      ADApplicationClientId: 'c',
      ADApplicationClientSecret: secret,
      SubscriptionId: 's'
    }
    const run = await runActionInProcess(
      cloudneetiInputs(emu.url, { mode: 'onboard', 'onboard-account': JSON.stringify(account) })
    )
    expect(run.outputs.result).toBe('pass')
    const lines = run.stdout.split('\n')
    expect(lines.findIndex(l => l === `::add-mask::${secret}`)).toBeGreaterThanOrEqual(0)
    expect(lines.filter(l => l.includes(secret)).every(l => l.startsWith('::add-mask::'))).toBe(true)
  })
})
