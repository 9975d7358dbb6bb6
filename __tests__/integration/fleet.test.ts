/**
 * Each user path here runs `dist/index.js` as the runner does (`runAction`); its variants run the
 * same step from the sources in this process (`runActionInProcess`, held to the bundle's traces
 * by inprocess-parity.test.ts), which costs a fraction of the CPU.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { accountsInFlight } from '../../scripts/bench-fleet.ts'
import { runAction, type ActionRun } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import { SAMPLE, cloudneetiInputs, conformityInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
const cc = SAMPLE.conformity
const cn = SAMPLE.cloudneeti

type AccountRow = {
  'account-id': string
  result: string
  score: string
  'failed-controls': string
  'scan-id': string
  reason: string
}
const accounts = (run: ActionRun): AccountRow[] => JSON.parse(run.outputs.accounts) as AccountRow[]

describe('many accounts in one step', () => {
  it('gates each account on its own: one error or failure does not stop the others, outputs combine', async () => {
    // dev has nothing failing before its next bot run
    emu.setWorld(
      fastWorld(w => {
        const dev = w.conformity!.accounts!.find(a => a.id === cc.accounts.dev)!
        dev.checks = dev.checks!.map(c => ({ ...c, status: 'SUCCESS' as const }))
      })
    )
    const ids = [cc.accounts.prod, 'cc-acc-missing', cc.accounts.dev]
    const run = await runAction(
      conformityInputs(emu.url, { 'account-id': ids.join(', '), mode: 'audit', 'fail-on-severity': 'low' })
    )
    const rows = accounts(run)
    expect(rows.map(r => r['account-id'])).toEqual(ids)
    expect(rows.map(r => r.result)).toEqual(['fail', 'error', 'pass'])
    expect(rows[1].reason).toMatch(/cc-acc-missing/)
    expect(run.outputs).toMatchObject({ result: 'error', decision: 'rollback', 'account-id': ids.join(',') })
    expect(run.outputs['failed-controls']).toBe(
      String(Number(rows[0]['failed-controls']) + Number(rows[2]['failed-controls']))
    )
    expect(run.outputs.score).toBe(String(Math.min(Number(rows[0].score), Number(rows[2].score))))
    expect(run.outputs['scan-id']).toBe('')
    // whoami once for the run, however many accounts
    expect(emu.log.filter(e => e.path.endsWith('/users/whoami'))).toHaveLength(1)
    // the report holds every account; the summary opens with a row per account, worst first
    expect((run.report?.accounts as unknown[]).length).toBe(3)
    const table = run.summary.slice(run.summary.indexOf('| Account | Provider |'))
    expect(table.indexOf('cc-acc-missing')).toBeLessThan(table.indexOf(cc.accounts.prod))
    expect(table.indexOf(cc.accounts.prod)).toBeLessThan(table.indexOf(cc.accounts.dev))
  })

  it('newlines separate accounts too, and with one account the outputs are the single-account ones', async () => {
    const run = await runActionInProcess(
      conformityInputs(emu.url, { 'account-id': `\n${cc.accounts.dev}\n`, mode: 'audit' })
    )
    expect(accounts(run)).toHaveLength(1)
    expect(run.outputs['account-id']).toBe(cc.accounts.dev)
  })

  it('max-parallel bounds the accounts in flight', async () => {
    emu.setWorld(fastWorld(w => (w.timing = { pendingSeconds: 0.1, scanSeconds: 0.8 })))
    const ids = [cc.accounts.prod, cc.accounts.dev, cc.accounts.azure]
    const run = await runAction(
      conformityInputs(emu.url, { 'account-id': ids.join(','), 'max-parallel': '2' })
    )
    expect(accounts(run).every(r => r.result !== 'error')).toBe(true)
    const inFlight = accountsInFlight(emu.log)
    expect([...inFlight.spans.keys()].sort()).toEqual([...ids].sort())
    expect(inFlight.max).toBe(2)
  })

  it("each account's timeout counts from its own start, so a queue does not eat the later accounts' time", async () => {
    // one at a time, each account needs about 3.3 s of the 5 s timeout: together they need more
    emu.setWorld(fastWorld(w => (w.timing = { pendingSeconds: 0.2, scanSeconds: 2.2 })))
    const ids = [cc.accounts.prod, cc.accounts.dev]
    const run = await runActionInProcess(
      conformityInputs(emu.url, { 'account-id': ids.join(','), 'max-parallel': '1', timeout: '5' })
    )
    expect(accounts(run).map(r => r.result)).not.toContain('error')
    const spans = accountsInFlight(emu.log).spans
    // the second account began after the first ended, and the whole run outlasted one timeout
    expect(spans.get(cc.accounts.dev)!.first).toBeGreaterThanOrEqual(spans.get(cc.accounts.prod)!.last)
    expect(spans.get(cc.accounts.dev)!.last - spans.get(cc.accounts.prod)!.first).toBeGreaterThan(5000)
  })

  it('* is every account the Conformity key can see, in the order the service lists them', async () => {
    const run = await runActionInProcess(conformityInputs(emu.url, { 'account-id': '*', mode: 'audit' }))
    const listed = emu.log.find(e => e.path === '/v1/accounts')
    expect(listed).toBeDefined()
    expect(run.outputs['account-id'].split(',')).toEqual([
      cc.accounts.prod,
      cc.accounts.dev,
      cc.accounts.azure
    ])
  })

  it("* is every Cloudneeti account in the API application's scope", async () => {
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { 'account-id': '*', mode: 'audit' }))
    expect(emu.log.some(e => e.path.endsWith('/licenseAccounts'))).toBe(true)
    const ids = run.outputs['account-id'].split(',')
    expect(ids).toContain(cn.accounts.prodAws)
    expect(ids.length).toBeGreaterThan(1)
    expect(run.outputs['scan-id'].split(',')).toHaveLength(ids.length)
  })

  it.each([
    [`${cc.accounts.prod},${cc.accounts.prod}`, `names account ${cc.accounts.prod} twice`],
    [`${cc.accounts.prod},*`, "has '*' among other accounts"],
    [' , ', 'names no account']
  ])('refuses account-id %j before any request', async (ids, message) => {
    const run = await runActionInProcess(conformityInputs(emu.url, { 'account-id': ids }))
    expect(run.outputs.reason).toContain(`Input 'account-id' ${message}`)
    expect(emu.log).toEqual([])
  })
})

describe('aggregate mode: one verdict over the reports of a matrix', () => {
  async function reportsDir(): Promise<string> {
    const dir = mkdtempSync(path.join(tmpdir(), 'aggregate-'))
    const one = await runAction(
      cloudneetiInputs(emu.url, {
        mode: 'audit',
        'report-path': path.join(dir, 'reports', 'cloudneeti.json')
      })
    )
    expect(one.outputs.result).toMatch(/pass|fail/)
    const many = await runAction(
      conformityInputs(emu.url, {
        mode: 'audit',
        'account-id': `${cc.accounts.prod},${cc.accounts.dev}`,
        'report-path': path.join(dir, 'reports', 'conformity.json')
      })
    )
    expect(accounts(many)).toHaveLength(2)
    return dir
  }

  it('combines single- and many-account reports of both providers, keeping each recorded verdict, with no request', async () => {
    const dir = await reportsDir()
    emu.log.length = 0
    const run = await runAction(
      { mode: 'aggregate', reports: 'reports/*.json', provider: 'conformity', 'max-failures': '0' },
      { env: { GITHUB_WORKSPACE: dir } }
    )
    expect(emu.log).toEqual([])
    // nothing is silently ignored: the inputs that decide nothing here are named
    expect(run.stdout).toContain("::warning::Input 'provider' was ignored: mode aggregate asks no service")
    expect(run.stdout).toContain("::warning::Input 'max-failures' was ignored")
    const rows = accounts(run)
    expect(rows.map(r => r['account-id']).sort()).toEqual(
      [cc.accounts.dev, cc.accounts.prod, cn.accounts.prodAws].sort()
    )
    expect(run.outputs.result).toBe(rows.some(r => r.result === 'fail') ? 'fail' : 'pass')
    expect(run.summary).toContain('| Account | Provider |')
    expect(run.summary).toContain('Cloudneeti')
    expect(run.summary).toContain('Cloud Conformity')
    expect(run.report).toMatchObject({ mode: 'aggregate', schemaVersion: 2 })
  })

  it('an account that two reports both hold is an error naming both files', async () => {
    const dir = await reportsDir()
    const again = await runActionInProcess(
      cloudneetiInputs(emu.url, { mode: 'audit', 'report-path': path.join(dir, 'reports', 'again.json') })
    )
    expect(again.outputs.result).toMatch(/pass|fail/)
    const run = await runActionInProcess(
      { mode: 'aggregate', reports: 'reports/*.json' },
      { env: { GITHUB_WORKSPACE: dir } }
    )
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(/is in both \S+again\.json and \S+cloudneeti\.json/)
  })

  it.each([
    ['a glob that matches nothing', 'nothing/*.json', null, /Input 'reports' matched no file/],
    [
      'a file that is not a report',
      'reports/*.json',
      '{"not": "a report"}',
      /was not written by cspm-compliance-gate/
    ],
    ['a file that is not JSON', 'reports/*.json', 'garbage', /is not JSON/]
  ])('%s is an error', async (_name, reports, content, message) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aggregate-bad-'))
    if (content !== null) {
      const { mkdirSync } = await import('node:fs')
      mkdirSync(path.join(dir, 'reports'))
      writeFileSync(path.join(dir, 'reports', 'x.json'), content)
    }
    const run = await runActionInProcess({ mode: 'aggregate', reports }, { env: { GITHUB_WORKSPACE: dir } })
    expect([run.code, run.outputs.result]).toEqual([1, 'error'])
    expect(run.outputs.reason).toMatch(message)
  })
})
