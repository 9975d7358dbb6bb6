import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { DIST } from '../../scripts/local-runner.ts'
import { push, runGated, useGitHub } from '../helpers/github-run.js'
import { useRecordingProxy } from '../helpers/proxy.js'
import { useEmulator } from '../helpers/world.js'

// undici's HTTP parser: present in any bundle that carries undici
const UNDICI_MARKER = 'llhttp'

describe('the bundle', () => {
  it('is one file with every dependency in it, undici included, beside its licenses', () => {
    // ncc puts what is loaded with await import() (the GitHub client) in chunks of its own
    const files = readdirSync(path.dirname(DIST)).sort()
    expect(files.filter(f => !/^\d+\.index\.js$/.test(f))).toEqual([
      'index.js',
      'licenses.txt',
      'package.json'
    ])
    const bundle = readFileSync(DIST, 'utf8')
    expect(bundle).toContain(UNDICI_MARKER)
    expect(bundle).not.toContain('undici/index.cjs')
    expect(readFileSync(path.join(path.dirname(DIST), 'licenses.txt'), 'utf8')).toMatch(/^undici\b/m)
  })
})

/** A name that is not loopback-looking (http-client always bypasses proxies for 127.*), resolved by the proxy. */
const HOST = 'github-api.test'

/*
 * The Octokit probe is the action itself: dist/index.js, run as the runner runs it with a
 * github-token, posts its check run through @actions/github to a local GitHub (which checks each
 * request against GitHub's OpenAPI description), directly and through https_proxy. An earlier
 * build aliased undici and broke exactly this: `(0 , undici.fetch) is not a function`.
 */
describe('@actions/github, bundled as the action is', () => {
  const emu = useEmulator()
  const gh = useGitHub()
  const proxy = useRecordingProxy(HOST)

  it("reaches GitHub with Octokit's undici fetch, and sends the token", async () => {
    const run = await runGated(emu, gh.server, push)
    expect(run.outputs['check-run-url']).toMatch(/\/runs\/\d+$/)
    expect(gh.server.problems()).toEqual([])
    expect(gh.server.requests.map(r => r.operationId)).toContain('checks/create')
    expect(gh.server.requests.every(r => r.token === 'ghs_testtoken123')).toBe(true)
    expect(proxy.seen).toEqual([])
  })

  it("goes through http_proxy / https_proxy with undici's ProxyAgent, and sends the token", async () => {
    const port = new URL(gh.server.url).port
    const run = await runGated(
      emu,
      gh.server,
      push,
      {},
      {
        GITHUB_API_URL: `http://${HOST}:${port}`,
        http_proxy: proxy.url,
        https_proxy: proxy.url
      }
    )
    expect(run.outputs['check-run-url']).toMatch(/\/runs\/\d+$/)
    expect(gh.server.problems()).toEqual([])
    // undici's ProxyAgent tunnels with CONNECT to the name Octokit was given, which only the proxy
    // resolves; the service itself, on loopback, is reached directly
    expect(proxy.seen.length).toBeGreaterThan(0)
    expect(new Set(proxy.seen)).toEqual(new Set([`CONNECT ${HOST}:${port}`]))
    expect(gh.server.requests.length).toBeGreaterThan(0)
    expect(
      gh.server.requests.every(r => r.headers.host === `${HOST}:${port}` && r.token === 'ghs_testtoken123')
    ).toBe(true)
  })
})
