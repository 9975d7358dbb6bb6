import { describe, expect, it } from '@jest/globals'
import { runGated, useGitHub, cc, HEAD, SHA, pr, push, type Event } from '../helpers/github-run.js'
import { runActionInProcess } from '../helpers/inprocess.js'
import { useEmulator } from '../helpers/world.js'

const emu = useEmulator()
const gh = useGitHub()
const run = (event: Event, inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runGated(emu, gh.server, event, inputs, env)
/** The same step from the sources in this process: the variants of the paths above */
const runHere = (event: Event, inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runGated(emu, gh.server, event, inputs, env, runActionInProcess)

describe('a check run with annotations on the IaC', () => {
  it('on push: the check run on GITHUB_SHA, failing, annotated on the line that declares the resource', async () => {
    const result = await run(push)
    expect(result.outputs.result).toBe('fail')
    expect(gh.server.problems()).toEqual([])
    const [check] = [...gh.server.state.checkRuns.values()]
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
    expect(gh.server.state.comments.size).toBe(0)
    expect(result.outputs['comment-url']).toBe('')
    // the token went to GitHub and nowhere into the log
    expect(gh.server.requests.every(r => r.token === 'ghs_testtoken123')).toBe(true)
    const lines = result.stdout.split('\n').filter(l => l.includes('ghs_testtoken123'))
    expect(lines).toEqual(['::add-mask::ghs_testtoken123'])
  })

  it('on a pull request: the check run on the head commit, and one comment, updated in place on a re-run', async () => {
    const first = await run(pr(), { 'fail-on-severity': 'none' })
    expect(first.outputs.result).toBe('pass')
    const [check] = [...gh.server.state.checkRuns.values()]
    expect(check).toMatchObject({ head_sha: HEAD, conclusion: 'success' })
    const comments = gh.server.state.comments.get(7) ?? []
    expect(comments).toHaveLength(1)
    expect(first.outputs['comment-url']).toBe(
      `https://github.com/acme/infra/pull/7#issuecomment-${comments[0].id}`
    )
    const second = await run(pr(), { 'fail-on-severity': 'none' })
    expect(gh.server.state.comments.get(7)).toHaveLength(1)
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url'])
    expect(gh.server.problems()).toEqual([])
  })

  it('finds its comment on the third page of comments', async () => {
    const marker = `<!-- cspm-compliance-gate:conformity/${cc.accounts.dev}/all%20checks -->`
    gh.server.seedComments(7, [
      ...Array.from({ length: 70 }, (_, i) => ({ body: `chatter ${i}`, user: 'octocat' })),
      { body: `${marker}\nold verdict` },
      ...Array.from({ length: 5 }, (_, i) => ({ body: `more ${i}`, user: 'octocat' }))
    ])
    const result = await runHere(pr())
    const comments = gh.server.state.comments.get(7)!
    expect(comments).toHaveLength(76)
    expect(comments[70].body).toContain(marker)
    expect(comments[70].body).not.toContain('old verdict')
    expect(result.outputs['comment-url']).toContain(`#issuecomment-${comments[70].id}`)
    expect(gh.server.problems()).toEqual([])
  })

  it('a pull request from a fork gets a notice, not a comment, and the verdict stands', async () => {
    const result = await run(pr(true))
    expect(result.outputs.result).toBe('fail')
    expect(result.stdout).toMatch(/::notice::No pull request comment: the pull request comes from a fork/)
    expect(gh.server.state.comments.size).toBe(0)
  })

  it.each([
    ['403 on checks', /check-runs/, 403, /checks: write/],
    ['404 on checks', /check-runs/, 404, /Could not create the check run: GitHub answered 404/],
    ['500 on comments', /comments/, 500, /Could not write the pull request comment: GitHub answered 500/],
    ['422 on checks', /check-runs/, 422, /Could not create the check run: GitHub answered 422/]
  ])(
    '%s: one warning saying what to do, and nothing else changes',
    async (_name, pathPattern, status, warning) => {
      const clean = await runHere(pr())
      gh.server.failNext({ pathPattern }, status, { message: 'Resource not accessible by integration' }, 1)
      const failed = await runHere(pr())
      expect(failed.stdout).toMatch(new RegExp(`::warning::.*${warning.source}`))
      for (const output of ['result', 'decision', 'score', 'failed-controls', 'reason'])
        expect(failed.outputs[output]).toBe(clean.outputs[output])
      expect(failed.code).toBe(clean.code)
    }
  )

  it('an unreachable GitHub API is a warning, not an error', async () => {
    const result = await runHere(push, {}, { GITHUB_API_URL: 'http://127.0.0.1:2' })
    expect(result.outputs.result).toBe('fail')
    expect(result.stdout).toMatch(/::warning::Could not create the check run: .*Check GITHUB_API_URL/)
  })

  it('an empty github-token skips the GitHub surfaces with a notice', async () => {
    const result = await runHere(pr(), { 'github-token': '' })
    expect(result.stdout).toContain('::notice::No check run or pull request comment: github-token is empty.')
    expect(gh.server.requests).toEqual([])
  })

  it('check-run and pr-comment false make no request at all', async () => {
    await runHere(pr(), { 'check-run': 'false', 'pr-comment': 'false' })
    expect(gh.server.requests).toEqual([])
  })
})
