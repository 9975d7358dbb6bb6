import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import { runAction, type ActionRun } from '../../scripts/local-runner.ts'
import { startGitHubServer, type GitHubServer } from './github-server.js'
import { SAMPLE, conformityInputs, type useEmulator } from './world.js'

/* What the GitHub-surface test files share: a GitHub test server each, a workflow, a template, events. */

export const cc = SAMPLE.conformity
export const SHA = 'ce587453ced02b1526dfb4cb910479d431683101'
export const HEAD = '9f3b2a1c0d4e5f60718293a4b5c6d7e8f9012345'

/** One GitHub test server for the test file, emptied before each test. */
export function useGitHub(): { readonly server: GitHubServer } {
  const holder: { server?: GitHubServer } = {}
  beforeAll(async () => {
    holder.server = await startGitHubServer()
  })
  afterAll(() => holder.server?.close())
  beforeEach(() => {
    holder.server!.requests.length = 0
    holder.server!.state.checkRuns.clear()
    holder.server!.state.comments.clear()
  })
  return {
    get server() {
      return holder.server!
    }
  }
}

const WORKFLOW = [
  'name: deploy',
  'on: push',
  'jobs:',
  '  gate:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v5',
  '      - id: gate',
  '        uses: acme/cspm-compliance-gate@v1',
  '        with:',
  '          provider: conformity',
  ''
].join('\n')

// MyBucket is mentioned (a Ref) before it is declared under Resources
const TEMPLATE = [
  'AWSTemplateFormatVersion: "2010-09-09"',
  'Outputs:',
  '  Name:',
  '    Value: !Ref MyBucket',
  'Resources:',
  '  MyBucketPolicy:',
  '    Type: AWS::S3::BucketPolicy',
  '  MyBucket:',
  '    Type: AWS::S3::Bucket',
  ''
].join('\n')

export type Event = { name: string; payload: unknown }
export const push: Event = { name: 'push', payload: {} }
export const pr = (fork = false): Event => ({
  name: 'pull_request',
  payload: {
    pull_request: {
      number: 7,
      head: { sha: HEAD, repo: { full_name: fork ? 'someone/infra' : 'acme/infra' } },
      base: { repo: { full_name: 'acme/infra' } }
    }
  }
})

/** How a gated step is run: the bundle as the runner runs it, or the same step in process. */
export type StepRunner = (
  inputs: Record<string, string>,
  options: { env?: Record<string, string>; files?: Record<string, string> }
) => Promise<ActionRun>

export function runGated(
  emu: ReturnType<typeof useEmulator>,
  github: GitHubServer,
  event: Event,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
  runner: StepRunner = runAction
): Promise<ActionRun> {
  return runner(
    conformityInputs(emu.url, { 'account-id': cc.accounts.dev, 'iac-paths': 'infra/**/*.yaml', ...inputs }),
    {
      env: {
        GITHUB_API_URL: github.url,
        GITHUB_TOKEN: 'ghs_testtoken123',
        GITHUB_REPOSITORY: 'acme/infra',
        GITHUB_SHA: SHA,
        GITHUB_EVENT_NAME: event.name,
        GITHUB_WORKFLOW_REF: 'acme/infra/.github/workflows/deploy.yml@refs/heads/main',
        GITHUB_ACTION_REPOSITORY: 'acme/cspm-compliance-gate',
        GITHUB_ACTION: 'gate',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '42',
        ...env
      },
      files: {
        '.event.json': JSON.stringify(event.payload),
        '.github/workflows/deploy.yml': WORKFLOW,
        'infra/bucket.yaml': TEMPLATE
      }
    }
  )
}
