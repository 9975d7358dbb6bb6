/**
 * `npm run demo`: the action's main job (mode scan) against the local emulator's sample world,
 * run exactly as the GitHub runner runs dist/index.js, for both services. Prints the log, the
 * outputs and the job summary of each run. Usage: npm run demo [-- cloudneeti|conformity [scan|audit]]
 */
import { SAMPLE, startEmulator } from '../emulator/server.ts'
import { runAction } from './local-runner.ts'

const [onlyProvider, mode = 'scan'] = process.argv.slice(2)
const emulator = await startEmulator({ port: 0 })
console.log(`Emulator (sample world) listening on ${emulator.url}\n`)

const allRuns: { title: string; provider: string; inputs: Record<string, string> }[] = [
  {
    title: 'Cloudneeti: scan the prod-aws account after a deploy (expected: pass, promote)',
    provider: 'cloudneeti',
    inputs: {
      provider: 'cloudneeti',
      mode,
      'api-url': emulator.url,
      'api-key': SAMPLE.cloudneeti.apiKey,
      'application-id': SAMPLE.cloudneeti.appId,
      'application-secret': SAMPLE.cloudneeti.appSecret,
      'license-id': SAMPLE.cloudneeti.licenseId,
      'account-id': SAMPLE.cloudneeti.accounts.prodAws,
      'poll-interval': '2'
    }
  },
  {
    title: 'Cloud Conformity: scan the dev account after a deploy (expected: fail, rollback)',
    provider: 'conformity',
    inputs: {
      provider: 'conformity',
      mode,
      'api-url': `${emulator.url}/v1`,
      'api-key': SAMPLE.conformity.keys.admin,
      'account-id': SAMPLE.conformity.accounts.dev,
      'poll-interval': '2'
    }
  }
]
const runs = allRuns.filter(r => !onlyProvider || r.provider === onlyProvider)

const rule = '─'.repeat(78)
for (const { title, inputs } of runs) {
  console.log(`${rule}\n${title}\n${rule}`)
  const run = await runAction(inputs, { compileCache: false })
  console.log('Log (stdout of node dist/index.js):')
  console.log(run.stdout.replace(/^/gm, '  ').trimEnd())
  console.log(`\nExit code: ${run.code}   (${(run.durationMs / 1000).toFixed(1)} s)\nOutputs:`)
  for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name} = ${value}`)
  console.log('\nJob summary (GITHUB_STEP_SUMMARY):')
  console.log(run.summary.replace(/^/gm, '  ').trimEnd())
  console.log('')
}
await emulator.close()
