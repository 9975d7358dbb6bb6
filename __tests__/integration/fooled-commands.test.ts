/**
 * CONTRACT §6, §13 "Workflow commands in either form": the runner reads `::name::` at the start of
 * a line and the legacy `##[name]` ANYWHERE in a line. An attacker who controls the service's
 * answers puts commands into every text the action prints: job statuses, error messages quoted in
 * retry lines, policy and rule titles, ids, account names. None may reach the runner as a command,
 * and none may stop command processing, so a token renewed afterwards is still masked.
 *
 * The first case runs the bundle as the runner does; the others run the same step from the sources
 * in this process (`runActionInProcess`: the same stdout, outputs and files), which is cheaper.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import {
  CC,
  CN,
  COMMAND_DISGUISES,
  bearerTokens,
  cloudneetiBody,
  expectError,
  expectOnlyOwnCommands,
  faulted,
  lineOf
} from '../helpers/hostile.js'
import { cloudneetiInputs, conformityInputs, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

const cloudneetiSecrets = () => [CN.apiKey, CN.appSecret, ...bearerTokens(emu)]

describe('a Cloudneeti job status is printed, never obeyed', () => {
  it('a job status "Running ##[stop-commands]tok" stops nothing: a token renewed after it is still masked', async () => {
    const statuses = [
      'Running ##[stop-commands]tok',
      'Running #\u200b#[stop-commands]tok2',
      'Running\n::stop-commands::tok3'
    ]
    emu.addFault([
      ...statuses.map(jobStatus => ({
        method: 'GET',
        path: '/status$',
        body: cloudneetiBody({ jobStatus })
      })),
      // then the token "expires": the action renews it and must mask the new one
      { method: 'GET', path: '/status$', status: 401, body: '{"statusCode":401,"message":"Token expired"}' }
    ])
    // this case through the bundle, as the runner runs it; the others in process
    const run = await runAction(cloudneetiInputs(emu.url))
    expect(run.outputs.result).toBe('pass')
    expect(faulted(emu, /\/status$/)).toHaveLength(4)
    expect(emu.log.filter(e => e.path.includes('/token'))).toHaveLength(2)

    const tokens = bearerTokens(emu)
    expect(tokens).toHaveLength(2)
    const commands = expectOnlyOwnCommands(run.stdout, cloudneetiSecrets())
    // the hostile text was printed (neutralised), and the renewed token's mask comes after it
    const hostileAt = lineOf(run.stdout, l => l.includes('stop-commands') && l.includes('tok3'))
    expect(hostileAt).toBeGreaterThanOrEqual(0)
    const renewedMask = commands.find(c => c.name === 'add-mask' && c.data === tokens[1])
    expect(renewedMask).toBeDefined()
    expect(renewedMask!.line).toBeGreaterThan(hostileAt)
    for (const token of tokens) {
      expect(run.stdout.split('\n').filter(l => l.includes(token) && l !== `::add-mask::${token}`)).toEqual(
        []
      )
    }
  })

  it('job statuses in every disguise of a command (zero-width, combining mark, long s, line breaks, bidi) stay text', async () => {
    emu.addFault(
      [COMMAND_DISGUISES.join(' '), COMMAND_DISGUISES.join('')].map(d => ({
        method: 'GET',
        path: '/status$',
        body: cloudneetiBody({ jobStatus: `Running ${d}` })
      }))
    )
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expect(run.outputs.result).toBe('pass')
    expect(faulted(emu, /\/status$/)).toHaveLength(2)
    expectOnlyOwnCommands(run.stdout, cloudneetiSecrets())
    // both statuses were printed, in the warning and in the progress line
    expect(run.stdout.split('\n').filter(l => /tok5/.test(l))).toHaveLength(4)
  })

  it('a job id carrying commands, named by the rescan, is printed inert and ends in an error', async () => {
    emu.addFault({
      method: 'GET',
      path: '/rescan$',
      body: cloudneetiBody({ jobId: 'job##[stop-commands]tokJ' }),
      times: 0
    })
    const run = await runActionInProcess(cloudneetiInputs(emu.url, { 'request-timeout': '2', timeout: '5' }))
    expectError(run)
    expect(run.stdout).toMatch(/stop-commands\]tokJ/)
    expectOnlyOwnCommands(run.stdout, cloudneetiSecrets())
  })
})

describe('service error messages quoted in retry lines and errors', () => {
  it('Cloudneeti 503/500 messages with commands in retry lines: the run recovers and nothing is obeyed', async () => {
    emu.addFault(
      [503, 500].map(status => ({
        method: 'GET',
        path: '/summary$',
        status,
        body: JSON.stringify({
          result: null,
          statusCode: status,
          message: `Busy ${COMMAND_DISGUISES.join(' ')}`
        })
      }))
    )
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expect(run.outputs.result).toBe('pass')
    expect(faulted(emu, /\/summary$/)).toHaveLength(2)
    const retries = run.stdout.split('\n').filter(l => /Busy .*stop-commands/.test(l))
    expect(retries).toHaveLength(2)
    expectOnlyOwnCommands(run.stdout, cloudneetiSecrets())
  })

  it('a non-JSON 400 body full of commands ends the run in one error line that is not a command', async () => {
    emu.addFault({
      method: 'GET',
      path: '/rescan$',
      status: 400,
      contentType: 'text/plain',
      body: `bad request ${COMMAND_DISGUISES.join(' ')}`
    })
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expectError(run, /answered 400/)
    expect(run.outputs.reason).toMatch(/stop-commands/)
    expectOnlyOwnCommands(run.stdout, cloudneetiSecrets())
  })

  it('Conformity 429 details in retry lines and a whoami user id with commands stay text', async () => {
    emu.addFault([
      {
        method: 'GET',
        path: '/users/whoami$',
        body: JSON.stringify({
          data: { id: 'usr##[stop-commands]tokU', type: 'users', attributes: { role: 'ADMIN' } }
        })
      },
      ...COMMAND_DISGUISES.slice(0, 3).map(d => ({
        method: 'GET',
        path: `/accounts/${CC.accounts.prod}$`,
        status: 429,
        headers: { 'Retry-After': '0' },
        body: JSON.stringify({ errors: [{ status: 429, detail: `Slow down ${d}` }] })
      }))
    ])
    const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit' }))
    expect(run.outputs.result).toBe('pass')
    expect(run.stdout).toMatch(/usr.*stop-commands.*tokU/)
    expect(run.stdout.split('\n').filter(l => /Slow down/.test(l))).toHaveLength(3)
    expectOnlyOwnCommands(run.stdout, [CC.keys.admin])
  })

  it('a Conformity scan answered with a status full of commands is warned about as text', async () => {
    emu.addFault({
      method: 'POST',
      path: '/scan$',
      body: JSON.stringify({ data: [{ status: `QUEUED ${COMMAND_DISGUISES.join(' ')}` }] })
    })
    // a canned answer starts no bot run, so the wait times out: only the warning matters here
    const run = await runActionInProcess(conformityInputs(emu.url, { timeout: '2' }))
    expectError(run, /^Timed out/)
    expect(run.stdout).toMatch(/^::warning::Conformity answered the scan request with status 'QUEUED .*tok6/m)
    expectOnlyOwnCommands(run.stdout, [CC.keys.admin])
  })
})
