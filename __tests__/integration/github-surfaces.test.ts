import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import ajvDraft04 from 'ajv-draft-04'
import ajvFormats from 'ajv-formats'
import type { World } from '../../emulator/server.ts'
import { runAction, type ActionRun } from '../../scripts/local-runner.ts'
import { startGitHubServer, type GitHubServer } from '../helpers/github-server.js'
import { SAMPLE, conformityInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
const cc = SAMPLE.conformity
const SHA = 'ce587453ced02b1526dfb4cb910479d431683101'
const HEAD = '9f3b2a1c0d4e5f60718293a4b5c6d7e8f9012345'

let github: GitHubServer
beforeAll(async () => {
  github = await startGitHubServer()
})
afterAll(() => github.close())
beforeEach(() => {
  github.requests.length = 0
  github.state.checkRuns.clear()
  github.state.comments.clear()
})

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

type Event = { name: string; payload: unknown }
const push: Event = { name: 'push', payload: {} }
const pr = (fork = false): Event => ({
  name: 'pull_request',
  payload: {
    pull_request: {
      number: 7,
      head: { sha: HEAD, repo: { full_name: fork ? 'someone/infra' : 'acme/infra' } },
      base: { repo: { full_name: 'acme/infra' } }
    }
  }
})

function run(
  event: Event,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction(
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

describe('a check run with annotations on the IaC', () => {
  it('on push: the check run on GITHUB_SHA, failing, annotated on the line that declares the resource', async () => {
    const result = await run(push)
    expect(result.outputs.result).toBe('fail')
    expect(github.problems()).toEqual([])
    const [check] = [...github.state.checkRuns.values()]
    expect(check).toMatchObject({ head_sha: SHA, status: 'completed', conclusion: 'failure' })
    expect(check.name).toContain('Cloud Conformity')
    expect(check.name).toContain(cc.accounts.dev)
    expect(check.annotations[0]).toMatchObject({
      path: 'infra/bucket.yaml',
      start_line: 8,
      annotation_level: 'failure'
    })
    expect(result.outputs['check-run-url']).toBe(`https://github.com/acme/infra/runs/${check.id}`)
    // a pull request comment only on pull-request events
    expect(github.state.comments.size).toBe(0)
    expect(result.outputs['comment-url']).toBe('')
    // the token went to GitHub and nowhere into the log
    expect(github.requests.every(r => r.token === 'ghs_testtoken123')).toBe(true)
    const lines = result.stdout.split('\n').filter(l => l.includes('ghs_testtoken123'))
    expect(lines).toEqual(['::add-mask::ghs_testtoken123'])
  })

  it('on a pull request: the check run on the head commit, and one comment, updated in place on a re-run', async () => {
    const first = await run(pr(), { 'fail-on-severity': 'none' })
    expect(first.outputs.result).toBe('pass')
    const [check] = [...github.state.checkRuns.values()]
    expect(check).toMatchObject({ head_sha: HEAD, conclusion: 'success' })
    const comments = github.state.comments.get(7) ?? []
    expect(comments).toHaveLength(1)
    expect(first.outputs['comment-url']).toBe(
      `https://github.com/acme/infra/pull/7#issuecomment-${comments[0].id}`
    )
    const second = await run(pr(), { 'fail-on-severity': 'none' })
    expect(github.state.comments.get(7)).toHaveLength(1)
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url'])
    expect(github.problems()).toEqual([])
  })

  it('finds its comment on the third page of comments', async () => {
    const marker = `<!-- cspm-compliance-gate:conformity/${cc.accounts.dev}/all%20checks -->`
    github.seedComments(7, [
      ...Array.from({ length: 70 }, (_, i) => ({ body: `chatter ${i}`, user: 'octocat' })),
      { body: `${marker}\nold verdict` },
      ...Array.from({ length: 5 }, (_, i) => ({ body: `more ${i}`, user: 'octocat' }))
    ])
    const result = await run(pr())
    const comments = github.state.comments.get(7)!
    expect(comments).toHaveLength(76)
    expect(comments[70].body).toContain(marker)
    expect(comments[70].body).not.toContain('old verdict')
    expect(result.outputs['comment-url']).toContain(`#issuecomment-${comments[70].id}`)
    expect(github.problems()).toEqual([])
  })

  it('a pull request from a fork gets a notice, not a comment, and the verdict stands', async () => {
    const result = await run(pr(true))
    expect(result.outputs.result).toBe('fail')
    expect(result.stdout).toMatch(/::notice::No pull request comment: the pull request comes from a fork/)
    expect(github.state.comments.size).toBe(0)
  })

  it.each([
    ['403 on checks', /check-runs/, 403, /checks: write/],
    ['404 on checks', /check-runs/, 404, /Could not create the check run: GitHub answered 404/],
    ['500 on comments', /comments/, 500, /Could not write the pull request comment: GitHub answered 500/],
    ['422 on checks', /check-runs/, 422, /Could not create the check run: GitHub answered 422/]
  ])(
    '%s: one warning saying what to do, and nothing else changes',
    async (_name, pathPattern, status, warning) => {
      const clean = await run(pr())
      github.failNext({ pathPattern }, status, { message: 'Resource not accessible by integration' }, 1)
      const failed = await run(pr())
      expect(failed.stdout).toMatch(new RegExp(`::warning::.*${warning.source}`))
      for (const output of ['result', 'decision', 'score', 'failed-controls', 'reason'])
        expect(failed.outputs[output]).toBe(clean.outputs[output])
      expect(failed.code).toBe(clean.code)
    }
  )

  it('an unreachable GitHub API is a warning, not an error', async () => {
    const result = await run(push, {}, { GITHUB_API_URL: 'http://127.0.0.1:2' })
    expect(result.outputs.result).toBe('fail')
    expect(result.stdout).toMatch(/::warning::Could not create the check run: .*Check GITHUB_API_URL/)
  })

  it('an empty github-token skips the GitHub surfaces with a notice', async () => {
    const result = await run(pr(), { 'github-token': '' })
    expect(result.stdout).toContain('::notice::No check run or pull request comment: github-token is empty.')
    expect(github.requests).toEqual([])
  })

  it('check-run and pr-comment false make no request at all', async () => {
    await run(pr(), { 'check-run': 'false', 'pr-comment': 'false' })
    expect(github.requests).toEqual([])
  })
})

function manyFailures(n: number): World {
  return fastWorld(w => {
    const dev = w.conformity!.accounts!.find(a => a.id === cc.accounts.dev)!
    dev.checksAfterScan = Array.from({ length: n }, (_, i) => ({
      rule: `R-${String(i).padStart(4, '0')}`,
      status: 'FAILURE' as const,
      risk: (['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH', 'EXTREME'] as const)[i % 5],
      region: 'us-east-1',
      service: 'S3',
      resource: `bucket-${i}`,
      title: `Rule ${i} ${'with a long title '.repeat(4)}`
    }))
  })
}

describe('within GitHub limits', () => {
  it.each([
    [120, 3, 120],
    [3000, 10, 500]
  ])(
    '%i failed controls: %i requests, %i annotations, most severe first, summary within 65,535 bytes',
    async (n, requests, annotated) => {
      emu.setWorld(manyFailures(n))
      const result = await run(push)
      expect(result.outputs['failed-controls']).toBe(String(n))
      expect(github.problems()).toEqual([])
      const [check] = [...github.state.checkRuns.values()]
      expect(github.requests.filter(r => /check-runs/.test(r.path))).toHaveLength(requests)
      expect(check.annotations).toHaveLength(annotated)
      expect(check.annotations.slice(0, 5).map(a => a.title)).toEqual(
        Array(5).fill(expect.stringMatching(/^EXTREME/))
      )
      expect(Buffer.byteLength(check.output.summary ?? '')).toBeLessThanOrEqual(65_535)
      expect(Buffer.byteLength(check.output.text ?? '')).toBeLessThanOrEqual(65_535)
    }
  )

  it('GitHub Enterprise Server: calls go to GITHUB_API_URL with its /api/v3 base path', async () => {
    const ghes = await startGitHubServer({ basePath: '/api/v3' })
    try {
      const result = await run(pr(), {}, { GITHUB_API_URL: ghes.url })
      expect(ghes.problems()).toEqual([])
      expect(ghes.requests.every(r => r.path.startsWith('/api/v3/'))).toBe(true)
      expect(ghes.state.checkRuns.size).toBe(1)
      expect(result.outputs['comment-url']).not.toBe('')
    } finally {
      await ghes.close()
    }
  })
})

describe('SARIF for code scanning', () => {
  const schema = JSON.parse(
    readFileSync(path.join(process.cwd(), '__tests__', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8')
  ) as object

  it('is written whatever the result, valid against the OASIS schema, pointing at the IaC line', async () => {
    const result = await run(push, { 'sarif-path': 'out/cspm.sarif', 'check-run': 'false' })
    expect(result.outputs['sarif-path']).toBe(path.join(result.workspace, 'out', 'cspm.sarif'))
    const sarif = JSON.parse(readFileSync(result.outputs['sarif-path'], 'utf8')) as {
      runs: {
        automationDetails: { id: string }
        results: {
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }
          }[]
        }[]
      }[]
    }
    const ajv = new ajvDraft04.default({ allErrors: true, strict: false })
    ajvFormats.default(ajv)
    expect(ajv.validate(schema, sarif) ? [] : ajv.errors).toEqual([])
    expect(sarif.runs[0].automationDetails.id).toBe(`cspm/conformity/${cc.accounts.dev}/`)
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'infra/bucket.yaml' },
      region: { startLine: 8 }
    })
  })
})
