/**
 * Many hostile-service and variant cases run the step from the sources in the test's process
 * (`runActionInProcess`) instead of starting `dist/index.js` for each. They may only do so while
 * the two leave the same traces: the same exit code, stdout line for line (workflow commands,
 * masks, warnings, the error line), outputs, summary and report file. Each case here runs one
 * scenario both ways and compares everything, with only what differs between any two runs made
 * alike: the workspace folder, the service's fresh tokens and job ids, the clock.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction, type ActionRun } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import { pr, runGated, useGitHub } from '../helpers/github-run.js'
import { bearerTokens, cloudneetiBody } from '../helpers/hostile.js'
import { cloudneetiInputs, conformityInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
const gh = useGitHub()

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

/**
 * A run's traces with what may differ between two runs of one scenario replaced by placeholders:
 * the workspace, the service's tokens, ids the service made up (a UUID the inputs do not name),
 * times and durations.
 */
function traces(run: ActionRun, inputs: Record<string, string>, tokens: readonly string[]) {
  const given = new Set(Object.values(inputs).flatMap(value => value.match(UUID) ?? []))
  const alike = (text: string): string => {
    let out = text.split(run.workspace).join('<workspace>')
    for (const token of tokens) out = out.split(token).join('<token>')
    return out
      .replace(UUID, id => (given.has(id) ? id : '<id>'))
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      .replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, '<duration>')
      .replace(/"(\w*Ms)":\d+/g, '"$1":"<duration>"')
      .replace(/\/runs\/\d+/g, '/runs/<n>')
      .replace(/#issuecomment-\d+/g, '#issuecomment-<n>')
  }
  return {
    code: run.code,
    stdout: alike(run.stdout).split('\n'),
    stderr: alike(run.stderr),
    outputs: JSON.parse(alike(JSON.stringify(run.outputs))),
    summary: alike(run.summary).split('\n'),
    report: run.report && JSON.parse(alike(JSON.stringify(run.report)))
  }
}

/** Runs the scenario through the bundle and in process, from the same emulator state each time. */
async function bothWays(
  inputs: Record<string, string>,
  setUp: () => void = () => {},
  options: { files?: Record<string, string> } = {}
) {
  const runs = []
  for (const runner of [runAction, runActionInProcess]) {
    emu.setWorld(fastWorld())
    emu.clearFaults()
    emu.log.length = 0
    setUp()
    const run = await runner(inputs, options)
    runs.push(traces(run, inputs, bearerTokens(emu)))
  }
  return runs
}

describe('a step run in process leaves the traces the bundle leaves', () => {
  it('a pull request gated with a check run and a comment: the same requests to GitHub too', async () => {
    const runs = []
    for (const runner of [runAction, runActionInProcess]) {
      emu.setWorld(fastWorld())
      emu.log.length = 0
      gh.server.requests.length = 0
      gh.server.state.checkRuns.clear()
      gh.server.state.comments.clear()
      const run = await runGated(emu, gh.server, pr(), { 'fail-on-severity': 'none' }, {}, runner)
      const requests = gh.server.requests.map(r => ({
        method: r.method,
        operation: r.operationId,
        body: r.body
      }))
      runs.push({
        ...traces(run, conformityInputs(emu.url), bearerTokens(emu)),
        github: JSON.parse(
          JSON.stringify(requests)
            .split(run.workspace)
            .join('<workspace>')
            .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
        )
      })
    }
    const [bundle, inProcess] = runs
    expect(bundle.github.map((r: { operation: string }) => r.operation)).toEqual(
      expect.arrayContaining(['checks/create', 'issues/create-comment'])
    )
    expect(inProcess).toEqual(bundle)
  })

  it('a Conformity scan that fails its gate: error line, outputs, summary, report', async () => {
    const [bundle, inProcess] = await bothWays(conformityInputs(emu.url, { 'max-failures': '0' }))
    expect(bundle.code).toBe(1)
    expect(bundle.outputs.result).toBe('fail')
    expect(inProcess).toEqual(bundle)
  })

  it('a Cloudneeti scan whose job status carries commands, and a token renewed after it', async () => {
    const hostile = () =>
      emu.addFault([
        {
          method: 'GET',
          path: '/status$',
          body: cloudneetiBody({ jobStatus: 'Running ##[stop-commands]x' })
        },
        { method: 'GET', path: '/status$', status: 401, body: '{"statusCode":401,"message":"Token expired"}' }
      ])
    const [bundle, inProcess] = await bothWays(cloudneetiInputs(emu.url), hostile)
    expect(bundle.code).toBe(0)
    expect(bundle.stdout.filter(line => line === '::add-mask::<token>').length).toBeGreaterThan(0)
    expect(inProcess).toEqual(bundle)
  })

  it('an input refused before any request: one error line naming the input', async () => {
    const [bundle, inProcess] = await bothWays(cloudneetiInputs(emu.url, { 'poll-interval': '0' }))
    expect(bundle.outputs.result).toBe('error')
    expect(bundle.stdout.join('\n')).toContain('poll-interval')
    expect(inProcess).toEqual(bundle)
  })

  it('files in the workspace (a waiver file) and a report path of its own', async () => {
    const waivers = [
      'waivers:',
      '  - control: IAM-017',
      '    reason: legacy role, reviewed',
      '    owner: team-storage',
      '    expires: 2999-12-31'
    ].join('\n')
    const [bundle, inProcess] = await bothWays(
      conformityInputs(emu.url, { waivers: 'security/waivers.yml', 'report-path': 'out/gate.json' }),
      undefined,
      { files: { 'security/waivers.yml': waivers } }
    )
    expect(bundle.outputs['report-path']).toBe('<workspace>/out/gate.json')
    expect(bundle.report).toBeDefined()
    expect(bundle.outputs.waived).toBe('1')
    expect(inProcess).toEqual(bundle)
  })
})
