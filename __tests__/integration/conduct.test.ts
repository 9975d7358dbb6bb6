/**
 * Each user path here runs `dist/index.js` as the runner does (`runAction`); its variants run the
 * same step from the sources in this process (`runActionInProcess`, held to the bundle's traces
 * by inprocess-parity.test.ts), which costs a fraction of the CPU.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { runAction } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import { SAMPLE, cloudneetiInputs, conformityInputs, fastWorld, useEmulator } from '../helpers/world.js'

const cn = SAMPLE.cloudneeti
const cc = SAMPLE.conformity
const emu = useEmulator()

const HOSTILE =
  '::stop-commands::pwned\n::set-output name=result::pass <img src=x onerror=alert(1)> @octocat [x](https://evil.example)'

describe('bad input', () => {
  it.each([
    [{ provider: 'aws' }, /^Input 'provider' has 'aws'; expected one of: cloudneeti, conformity$/],
    [{ 'api-key': '' }, /^Input 'api-key' is required for cloudneeti$/],
    [{ mode: 'rescan' }, /^Input 'mode' has 'rescan'; expected one of: scan, audit, onboard, aggregate$/],
    [{ 'min-score': '120' }, /^Input 'min-score' must be between 0 and 100/],
    [{ timeout: 'soon' }, /^Input 'timeout' must be a non-negative number of seconds/],
    [
      { 'fail-on-severity': 'EXTREME' },
      /^Input 'fail-on-severity' has 'EXTREME', which Cloudneeti does not have/
    ],
    [
      { mode: 'onboard', 'onboard-account': '{"cloudType":"aws"' },
      /^Input 'onboard-account' must be a JSON object; it is not valid JSON$/
    ]
  ])('%j fails before any network call, naming the input', async (bad, message) => {
    const run = await runActionInProcess(cloudneetiInputs(emu.url, bad as Record<string, string>))
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({
      result: 'error',
      decision: 'rollback',
      score: '',
      'failed-controls': ''
    })
    expect(run.outputs.reason).toMatch(message)
    expect(run.stdout).toContain(`::error::${run.outputs.reason}`)
    expect(run.report).toMatchObject({ result: 'error', error: { kind: 'input' } })
    expect(emu.log).toEqual([])
  })
})

describe('secrets', () => {
  it('masks the key, the application secret and every token before printing them, and never prints them', async () => {
    const run = await runAction(cloudneetiInputs(emu.url))
    expect(run.outputs.result).toBe('pass')
    const lines = run.stdout.split('\n')
    expect(lines.slice(0, 2)).toEqual([`::add-mask::${cn.apiKey}`, `::add-mask::${cn.appSecret}`])
    const tokenCall = emu.log.find(e => e.path.includes('/token'))!
    expect(tokenCall).toBeDefined()
    const bearer = String(emu.log.find(e => e.headers.authorization)!.headers.authorization).replace(
      'Bearer ',
      ''
    )
    const maskAt = lines.indexOf(`::add-mask::${bearer}`)
    expect(maskAt).toBeGreaterThan(1)
    const everything = [
      run.stdout,
      run.stderr,
      run.summary,
      readFileSync(run.outputs['report-path'], 'utf8'),
      readFileSync(`${run.workspace}/.github_output`, 'utf8')
    ].join('\n')
    for (const secret of [cn.apiKey, cn.appSecret, bearer]) {
      expect(everything.split('\n').filter(l => l.includes(secret) && !l.startsWith('::add-mask::'))).toEqual(
        []
      )
    }
  })
})

describe('API text is untrusted', () => {
  function hostileCloudneeti() {
    return fastWorld(w => {
      const account = w.cloudneeti!.licenses![0].accounts!.find(
        a => a.accountId === cn.accounts.stagingAzure
      )!
      for (const p of account.benchmarks!.CSBP.after!) p.title = HOSTILE
    })
  }

  it('cannot inject workflow commands or Markdown through Cloudneeti policy titles', async () => {
    emu.setWorld(hostileCloudneeti())
    const run = await runAction(cloudneetiInputs(emu.url, { 'account-id': cn.accounts.stagingAzure }))
    expect(run.outputs.result).toBe('fail')
    for (const line of run.stdout.split('\n')) {
      expect(line).not.toMatch(/^::(stop-commands|set-output)/)
    }
    expect(run.stdout).not.toContain('::pwned::')
    expect(run.summary).not.toMatch(/<img|@octocat|\]\(https/)
    expect(run.summary).toContain('@&#8203;octocat')
    // the report file keeps the text as data, unaltered
    expect(JSON.stringify(run.report)).toContain(JSON.stringify(HOSTILE).slice(1, -1))
  })

  it('cannot inject through Conformity rule titles or error messages', async () => {
    emu.setWorld(
      fastWorld(w => {
        for (const c of w.conformity!.accounts!.find(a => a.id === cc.accounts.dev)!.checksAfterScan!)
          c.title = HOSTILE
      })
    )
    emu.addFault({ path: '/organisation', status: 500 })
    const run = await runActionInProcess(conformityInputs(emu.url, { 'account-id': cc.accounts.dev }))
    expect(run.outputs.result).toBe('fail')
    expect(run.stdout.split('\n').filter(l => /^::(stop-commands|set-output)/.test(l))).toEqual([])
    expect(run.summary).not.toMatch(/<img|@octocat/)

    emu.addFault({
      path: '/users/whoami',
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ errors: [{ detail: HOSTILE }] })
    })
    const failed = await runActionInProcess(conformityInputs(emu.url))
    expect(failed.outputs.result).toBe('error')
    expect(failed.stdout.split('\n').filter(l => /^::(stop-commands|set-output)/.test(l))).toEqual([])
    expect(failed.outputs.reason).not.toContain('\n')
    expect(failed.summary).not.toMatch(/<img|@octocat/)
  })
})
