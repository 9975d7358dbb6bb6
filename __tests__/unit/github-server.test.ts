import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync, statSync } from 'node:fs'
import {
  FIXTURE_PATH,
  checkResponse,
  fixtureSource,
  startGitHubServer,
  type GitHubServer
} from '../helpers/github-server.js'

const OWNER = 'acme'
const REPO = 'infra'
const SHA = 'ce587453ced02b1526dfb4cb910479d431683101'

let server: GitHubServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

async function start(basePath?: string): Promise<GitHubServer> {
  server = await startGitHubServer(basePath === undefined ? {} : { basePath })
  return server
}

async function octokitFor(s: GitHubServer) {
  const { getOctokit } = await import('@actions/github')
  return getOctokit('tok', { baseUrl: s.url })
}

/** A request as a client that is not Octokit would send it. */
async function send(
  s: GitHubServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: 'token tok' }
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await response.text()
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

function annotations(count: number, from = 1) {
  return Array.from({ length: count }, (_, i) => ({
    path: 'deploy/main.tf',
    start_line: from + i,
    end_line: from + i,
    annotation_level: 'failure' as const,
    message: `control ${from + i} failed`,
    title: `CIS ${from + i}`
  }))
}

const CREATE = `/repos/${OWNER}/${REPO}/check-runs`
const validRun = { name: 'CSPM compliance gate', head_sha: SHA, status: 'in_progress' }

describe('the fixture', () => {
  it("is a small cut of @octokit/openapi's api.github.com description, with where it came from", () => {
    expect(statSync(FIXTURE_PATH).size).toBeLessThan(200_000)
    expect(fixtureSource()).toMatchObject({
      package: '@octokit/openapi',
      version: '23.0.2',
      file: 'generated/api.github.com.json'
    })
    const doc = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as {
      paths: Record<string, Record<string, { operationId?: string }>>
    }
    const ids = Object.values(doc.paths).flatMap(item => Object.values(item).map(op => op.operationId))
    expect(ids.sort()).toEqual([
      'checks/create',
      'checks/update',
      'issues/create-comment',
      'issues/list-comments',
      'issues/update-comment',
      'meta/root'
    ])
  })
})

describe('the GitHub server rejects', () => {
  it('an unknown route, with 404 and a problem', async () => {
    const s = await start()
    const { status, json } = await send(s, 'GET', `/repos/${OWNER}/${REPO}/pulls`)
    expect(status).toBe(404)
    expect(json.message).toBe('Not Found')
    expect(s.problems()).toEqual([expect.stringContaining('no such operation')])
    expect(s.requests[0]).toMatchObject({ operationId: undefined, valid: false, status: 404 })
  })

  it('a known path with a method the description does not have', async () => {
    const s = await start()
    const { status } = await send(s, 'DELETE', `${CREATE}/1`)
    expect(status).toBe(404)
    expect(s.problems()[0]).toContain('no DELETE operation for this path')
  })

  it('a misspelt field the schema does not declare (conclusions)', async () => {
    const s = await start()
    const { status, json } = await send(s, 'POST', CREATE, { ...validRun, conclusions: 'success' })
    expect(status).toBe(422)
    expect(json.message).toBe('Validation Failed')
    expect(json.errors).toEqual([expect.objectContaining({ resource: 'CheckRun', field: 'conclusions' })])
    expect(s.problems()).toEqual(['checks/create body/conclusions is not a property the schema declares'])
    expect(s.state.checkRuns.size).toBe(0)
  })

  it('a misspelt field in a nested object (output.sumary) and in an annotation', async () => {
    const s = await start()
    const annotation = { ...annotations(1)[0], start_col: 3 }
    await send(s, 'POST', CREATE, {
      ...validRun,
      output: { title: 't', summary: 's', sumary: 'x', annotations: [annotation] }
    })
    expect(s.problems()).toEqual(
      expect.arrayContaining([
        'checks/create body/output/sumary is not a property the schema declares',
        'checks/create body/output/annotations/0/start_col is not a property the schema declares'
      ])
    )
  })

  it('a wrong type (head_sha: 1)', async () => {
    const s = await start()
    const { status } = await send(s, 'POST', CREATE, { ...validRun, head_sha: 1 })
    expect(status).toBe(422)
    expect(s.problems()).toContain('checks/create body/head_sha must be string')
  })

  it('a check run without a name', async () => {
    const s = await start()
    const { status } = await send(s, 'POST', CREATE, { head_sha: SHA })
    expect(status).toBe(422)
    expect(s.problems()).toEqual(
      expect.arrayContaining([
        "checks/create body must have required property 'name'",
        'checks/create body/name is required: a check run needs a name'
      ])
    )
  })

  it('51 annotations in one request, and takes 50', async () => {
    const s = await start()
    const output = (n: number) => ({ title: 'CSPM', summary: 's', annotations: annotations(n) })
    expect((await send(s, 'POST', CREATE, { ...validRun, output: output(51) })).status).toBe(422)
    expect(s.problems()).toContain(
      'checks/create body/output/annotations has 51 annotations: GitHub takes at most 50 per request'
    )
    expect((await send(s, 'POST', CREATE, { ...validRun, output: output(50) })).status).toBe(201)
    expect(s.requests[1].problems).toEqual([])
  })

  it('a summary of 65,536 bytes in multi-byte characters, though under 65,535 characters', async () => {
    const s = await start()
    const summary = '€'.repeat(21_845) + 'a' // 21,846 characters, 65,536 bytes
    expect(summary.length).toBeLessThan(65_535)
    expect(Buffer.byteLength(summary)).toBe(65_536)
    const { status } = await send(s, 'POST', CREATE, { ...validRun, output: { title: 'CSPM', summary } })
    expect(status).toBe(422)
    expect(s.problems()).toEqual([
      'checks/create body/output/summary is 65536 bytes (21846 characters): GitHub allows 65535 bytes'
    ])
    const fits = { title: 'CSPM', summary: '€'.repeat(21_845), text: 'ü'.repeat(32_767) }
    expect((await send(s, 'POST', CREATE, { ...validRun, output: fits })).status).toBe(201)
    expect(s.requests[1].valid).toBe(true)
  })

  it('a comment over 65,536 characters, and takes one of exactly 65,536', async () => {
    const s = await start()
    const path = `/repos/${OWNER}/${REPO}/issues/7/comments`
    expect((await send(s, 'POST', path, { body: 'x'.repeat(65_537) })).status).toBe(422)
    expect(s.problems()).toEqual(['issues/create-comment body/body is 65537 characters: GitHub allows 65536'])
    expect((await send(s, 'POST', path, { body: 'x'.repeat(65_536) })).status).toBe(201)
    expect(s.requests[1].valid).toBe(true)
  })

  it('a request without Authorization (401), and records the token of one with it', async () => {
    const s = await start()
    expect((await send(s, 'GET', '/', undefined, {})).status).toBe(401)
    expect((await send(s, 'GET', '/', undefined, { authorization: 'Bearer abc' })).status).toBe(200)
    expect((await send(s, 'GET', '/', undefined, { authorization: 'Basic abc' })).status).toBe(401)
    expect(s.requests.map(r => r.token)).toEqual([undefined, 'abc', undefined])
    expect(s.problems()).toEqual([
      'GET /: no Authorization header',
      "GET /: Authorization is neither 'token X' nor 'Bearer X'"
    ])
  })

  it('query parameters of the wrong type or out of range, and ones the operation does not take', async () => {
    const s = await start()
    const path = `/repos/${OWNER}/${REPO}/issues/7/comments`
    expect((await send(s, 'GET', `${path}?per_page=101`)).status).toBe(422)
    expect((await send(s, 'GET', `${path}?page=two`)).status).toBe(422)
    expect((await send(s, 'GET', `${path}?perpage=10`)).status).toBe(422)
    expect((await send(s, 'GET', `/repos/${OWNER}/${REPO}/issues/seven/comments`)).status).toBe(422)
    expect(s.problems()).toEqual([
      'issues/list-comments query/per_page is 101: GitHub pages hold 1 to 100',
      'issues/list-comments query/page must be integer',
      'issues/list-comments query/perpage is not a parameter of issues/list-comments',
      'issues/list-comments path/issue_number must be integer'
    ])
  })

  it('completing a check run without a conclusion, and a body that is not JSON', async () => {
    const s = await start()
    expect((await send(s, 'POST', CREATE, { ...validRun, status: 'completed' })).status).toBe(422)
    const created = await send(s, 'POST', CREATE, validRun)
    expect((await send(s, 'PATCH', `${CREATE}/${created.json.id}`, { status: 'completed' })).status).toBe(422)
    const broken = await fetch(`${s.url}${CREATE}`, {
      method: 'POST',
      headers: { authorization: 'token tok', 'content-type': 'application/json' },
      body: '{"name":'
    })
    expect(broken.status).toBe(400)
    expect(s.problems()).toEqual(
      expect.arrayContaining([
        'checks/create body/conclusion is required when status is completed or completed_at is given',
        "checks/update body must have required property 'conclusion'",
        'POST /repos/acme/infra/check-runs: the body is not JSON'
      ])
    )
  })
})

describe('the GitHub server answers Octokit', () => {
  it('creates a check run and updates it with annotations in batches of 50', async () => {
    const s = await start()
    const o = await octokitFor(s)
    const all = annotations(120)
    const created = await o.rest.checks.create({
      owner: OWNER,
      repo: REPO,
      name: 'CSPM compliance gate',
      head_sha: SHA,
      status: 'in_progress',
      output: { title: 'Scanning', summary: 'Scan started', annotations: all.slice(0, 50) }
    })
    expect(created.status).toBe(201)
    const id = created.data.id
    expect(created.data).toMatchObject({
      name: 'CSPM compliance gate',
      head_sha: SHA,
      status: 'in_progress',
      conclusion: null,
      html_url: `https://github.com/${OWNER}/${REPO}/runs/${id}`,
      output: { title: 'Scanning', summary: 'Scan started', annotations_count: 50 }
    })
    expect(checkResponse('checks/create', 201, created.data)).toEqual([])

    await o.rest.checks.update({
      owner: OWNER,
      repo: REPO,
      check_run_id: id,
      output: { title: 'Scanning', summary: 'more', annotations: all.slice(50, 100) }
    })
    const done = await o.rest.checks.update({
      owner: OWNER,
      repo: REPO,
      check_run_id: id,
      status: 'completed',
      conclusion: 'failure',
      output: {
        title: '120 failed controls',
        summary: 'Gate failed',
        text: 'details',
        annotations: all.slice(100)
      }
    })
    expect(done.data).toMatchObject({
      id,
      status: 'completed',
      conclusion: 'failure',
      output: {
        title: '120 failed controls',
        summary: 'Gate failed',
        text: 'details',
        annotations_count: 120
      }
    })
    expect(done.data.completed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(checkResponse('checks/update', 200, done.data)).toEqual([])

    const run = s.state.checkRuns.get(id)
    expect(run?.annotations).toEqual(all)
    expect(run?.output.annotations_count).toBe(120)
    expect(run?.requests).toBe(3)
    expect(s.requests.map(r => r.operationId)).toEqual(['checks/create', 'checks/update', 'checks/update'])
    expect(s.requests.map(r => r.token)).toEqual(['tok', 'tok', 'tok'])
    expect(s.problems()).toEqual([])
  })

  it('paginates comments across 3 pages with Link headers, and finds one on the last page', async () => {
    const s = await start()
    const o = await octokitFor(s)
    s.seedComments(
      7,
      Array.from({ length: 75 }, (_, i) => ({
        body: i === 70 ? '<!-- cspm-compliance-gate -->\nold report' : `comment ${i}`,
        user: i === 70 ? undefined : 'octocat'
      }))
    )
    const comments = await o.paginate(o.rest.issues.listComments, {
      owner: OWNER,
      repo: REPO,
      issue_number: 7
    })
    expect(comments).toHaveLength(75)
    expect(s.requests).toHaveLength(3)
    expect(s.requests.map(r => r.query.page)).toEqual([undefined, '2', '3'])
    const mine = comments.find(c => c.body?.startsWith('<!-- cspm-compliance-gate -->'))
    expect(mine?.user?.login).toBe('github-actions[bot]')
    expect(mine?.html_url).toBe(`https://github.com/${OWNER}/${REPO}/pull/7#issuecomment-${mine?.id}`)
    expect(checkResponse('issues/list-comments', 200, comments)).toEqual([])

    const first = await fetch(`${s.url}/repos/${OWNER}/${REPO}/issues/7/comments?per_page=30`, {
      headers: { authorization: 'token tok' }
    })
    const base = `${s.url}/repos/${OWNER}/${REPO}/issues/7/comments`
    expect(first.headers.get('link')).toBe(
      `<${base}?per_page=30&page=2>; rel="next", <${base}?per_page=30&page=3>; rel="last"`
    )
    const last = await fetch(`${base}?per_page=30&page=3`, { headers: { authorization: 'token tok' } })
    expect(last.headers.get('link')).toBe(
      `<${base}?per_page=30&page=2>; rel="prev", <${base}?per_page=30&page=1>; rel="first"`
    )
    expect(await last.json()).toHaveLength(15)

    const big = await o.paginate(o.rest.issues.listComments, {
      owner: OWNER,
      repo: REPO,
      issue_number: 7,
      per_page: 100
    })
    expect(big).toHaveLength(75)
    expect(s.problems()).toEqual([])
  })

  it('creates a comment and updates it', async () => {
    const s = await start()
    const o = await octokitFor(s)
    const created = await o.rest.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: 12,
      body: 'first'
    })
    expect(created.status).toBe(201)
    expect(created.data).toMatchObject({
      body: 'first',
      user: { login: 'github-actions[bot]' },
      html_url: `https://github.com/${OWNER}/${REPO}/pull/12#issuecomment-${created.data.id}`
    })
    expect(created.headers.location).toBe(created.data.url)
    const updated = await o.rest.issues.updateComment({
      owner: OWNER,
      repo: REPO,
      comment_id: created.data.id,
      body: 'second'
    })
    expect(updated.data).toMatchObject({ id: created.data.id, body: 'second' })
    expect(checkResponse('issues/create-comment', 201, created.data)).toEqual([])
    expect(checkResponse('issues/update-comment', 200, updated.data)).toEqual([])
    expect(s.state.comments.get(12)?.map(c => c.body)).toEqual(['second'])
    expect(s.problems()).toEqual([])
  })

  it('serves GHES under the base path /api/v3, and nothing outside it', async () => {
    const s = await start('/api/v3')
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/)
    const o = await octokitFor(s)
    const root = await o.rest.meta.root()
    expect(root.data.repository_url).toBe(`${s.url}/repos/{owner}/{repo}`)
    expect(checkResponse('meta/root', 200, root.data)).toEqual([])
    const run = await o.rest.checks.create({ owner: OWNER, repo: REPO, name: 'gate', head_sha: SHA })
    expect(run.data.url).toBe(`${s.url}/repos/${OWNER}/${REPO}/check-runs/${run.data.id}`)
    s.seedComments(
      3,
      Array.from({ length: 40 }, (_, i) => ({ body: `c${i}` }))
    )
    expect(
      await o.paginate(o.rest.issues.listComments, { owner: OWNER, repo: REPO, issue_number: 3 })
    ).toHaveLength(40)
    expect(s.requests.map(r => r.path)).toEqual([
      '/api/v3/',
      `/api/v3/repos/${OWNER}/${REPO}/check-runs`,
      `/api/v3/repos/${OWNER}/${REPO}/issues/3/comments`,
      `/api/v3/repos/${OWNER}/${REPO}/issues/3/comments`
    ])
    expect(s.problems()).toEqual([])

    const outside = await fetch(s.url.replace('/api/v3', '/repos/a/b/check-runs'), {
      method: 'POST',
      headers: { authorization: 'token tok' }
    })
    expect(outside.status).toBe(404)
    expect(s.problems()).toEqual(['POST /repos/a/b/check-runs: not under the base path /api/v3'])
  })

  it('fails the next matching requests as asked: 403, 500 twice, then a reset socket', async () => {
    const s = await start()
    const o = await octokitFor(s)
    const comments = /\/issues\/\d+\/comments$/
    s.failNext({ method: 'POST', pathPattern: comments }, 403)
    await expect(
      o.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: 'x' })
    ).rejects.toMatchObject({
      status: 403
    })
    s.failNext({ pathPattern: /check-runs/ }, 500, { message: 'boom' }, 2)
    for (let i = 0; i < 2; i++) {
      await expect(
        o.rest.checks.create({ owner: OWNER, repo: REPO, name: 'g', head_sha: SHA })
      ).rejects.toMatchObject({
        status: 500
      })
    }
    s.failNext({ method: 'GET' }, 'reset')
    await expect(o.rest.meta.root()).rejects.toThrow()
    expect((await o.rest.meta.root()).status).toBe(200)
    expect(s.requests.map(r => [r.status, r.injected])).toEqual([
      [403, true],
      [500, true],
      [500, true],
      [0, true],
      [200, false]
    ])
    expect(s.state.comments.size).toBe(0)
    expect(s.state.checkRuns.size).toBe(0)
    expect(s.problems()).toEqual([])
  })
})

describe('checkResponse', () => {
  it("flags an answer that drifts from the description's response schema", () => {
    const drifted = { id: 1, body: 'x', html_url: 'not a uri', extra: true }
    const problems = checkResponse('issues/create-comment', 201, drifted)
    expect(problems).toEqual(
      expect.arrayContaining([
        "response must have required property 'node_id'",
        'response/html_url must match format "uri"',
        'response/extra is not a property the schema declares'
      ])
    )
  })
})
