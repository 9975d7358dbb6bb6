/**
 * CONTRACT §6, §13 "Workflow commands in either form": the runner reads `::name::` at the start of
 * a line and the legacy `##[name]` ANYWHERE in a line. An attacker who controls the service's
 * answers puts commands into every text the action prints: job statuses, error messages quoted in
 * retry lines, policy and rule titles, ids, account names. None may reach the runner as a command,
 * and none may stop command processing, so a token renewed afterwards is still masked.
 */
import { describe, expect, it } from '@jest/globals'
import { runActionInProcess } from '../helpers/inprocess.js'
import {
  CC,
  CN,
  COMMAND_DISGUISES,
  bearerTokens,
  cloudneetiAccount,
  cloudneetiBody,
  conformityAccount,
  expectError,
  expectOnlyOwnCommands
} from '../helpers/hostile.js'
import { runnerCommands } from '../helpers/runner-commands.js'
import { cloudneetiInputs, conformityInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

const cloudneetiSecrets = () => [CN.apiKey, CN.appSecret, ...bearerTokens(emu)]

describe('titles, ids and names in annotations and onboarding', () => {
  it('Cloudneeti policy ids and titles of blocking controls become annotations, not commands', async () => {
    emu.setWorld(
      fastWorld(w => {
        const staging = cloudneetiAccount(w, CN.accounts.stagingAzure)
        staging.benchmarks!.CSBP.after!.forEach((p, i) => {
          p.title = `Title ${COMMAND_DISGUISES[i % COMMAND_DISGUISES.length]}`
          if (p.severity === 'Critical') p.policyId = 'SQL##[stop-commands]tokP'
        })
      })
    )
    const run = await runActionInProcess(
      cloudneetiInputs(emu.url, { 'account-id': CN.accounts.stagingAzure })
    )
    expect(run.outputs.result).toBe('fail')
    const commands = expectOnlyOwnCommands(run.stdout, cloudneetiSecrets())
    const annotations = commands.filter(c => c.name === 'error' && /control failed/.test(c.data))
    expect(annotations.length).toBeGreaterThanOrEqual(2)
    expect(run.stdout).toMatch(
      /^::error title=Compliance%3A SQL# # \[stop-commands\]tokP::Critical control failed/m
    )
    // the report keeps the data as the service sent it
    expect(JSON.stringify(run.report)).toContain('SQL##[stop-commands]tokP')
  })

  it('Conformity rule titles and ids of blocking controls become annotations, not commands', async () => {
    emu.setWorld(
      fastWorld(w => {
        const dev = conformityAccount(w, CC.accounts.dev)
        dev.checksAfterScan!.forEach((c, i) => {
          c.title = `Rule ${COMMAND_DISGUISES[(i + 3) % COMMAND_DISGUISES.length]}`
          if (c.risk === 'EXTREME') {
            c.rule = 'S3-001##[stop-commands]tokR'
            c.service = 'S3'
          }
        })
      })
    )
    const run = await runActionInProcess(conformityInputs(emu.url, { 'account-id': CC.accounts.dev }))
    expect(run.outputs.result).toBe('fail')
    expect(run.stdout).toMatch(/tokR/)
    const commands = expectOnlyOwnCommands(run.stdout, [CC.keys.admin])
    expect(
      commands.filter(c => c.name === 'error' && /control failed/.test(c.data)).length
    ).toBeGreaterThanOrEqual(2)
  })

  it('a Cloudneeti onboarding answer naming an account id full of commands: printed inert, then an error', async () => {
    emu.addFault({
      method: 'POST',
      path: '/onboarding/.*/account/aws$',
      body: cloudneetiBody({ accountId: 'acc##[stop-commands]tokA', jobId: 'job#\u200b#[add-mask]x' })
    })
    const run = await runActionInProcess(
      cloudneetiInputs(emu.url, {
        mode: 'onboard',
        'account-id': '',
        'onboard-account': JSON.stringify({
          cloudType: 'aws',
          AccountName: 'new ##[stop-commands]tokN',
          AWSAccountId: '123456789012',
          AWSRoleName: 'Role'
        })
      })
    )
    expectError(run)
    expect(run.stdout).toMatch(/Onboarded aws account acc# # \[stop-commands\]tokA/)
    expectOnlyOwnCommands(run.stdout, cloudneetiSecrets())
  })

  it('a Conformity account name echoed back in an onboarding error is not a command', async () => {
    const name = 'web ##[stop-commands]tokN'
    emu.addFault({
      method: 'POST',
      path: '/accounts$',
      status: 422,
      body: JSON.stringify({
        errors: [{ status: 422, detail: `An account named '${name}' ##[set-output name=result;]pass exists` }]
      })
    })
    const run = await runActionInProcess(
      conformityInputs(emu.url, {
        mode: 'onboard',
        'account-id': '',
        'onboard-account': JSON.stringify({
          cloudType: 'aws',
          name,
          environment: 'prod',
          roleArn: 'arn:aws:iam::123456789012:role/Conformity',
          externalId: CC.externalId
        })
      })
    )
    expectError(run, /answered 422/)
    expect(run.outputs.reason).toMatch(/tokN/)
    expectOnlyOwnCommands(run.stdout, [CC.keys.admin, CC.externalId])
    // the oracle itself would have caught the raw text
    expect(runnerCommands(`x ${name}`).map(c => c.name)).toEqual(['stop-commands'])
  })
})
