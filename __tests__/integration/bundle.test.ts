import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { createProxy } from 'proxy'
import { DIST } from '../../scripts/local-runner.ts'
import { push, runGated, useGitHub } from '../helpers/github-run.js'
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
  let proxy: http.Server
  let proxyUrl: string
  const proxySeen: string[] = []

  beforeAll(async () => {
    proxy = createProxy(http.createServer())
    // The proxy's own hook sees each CONNECT (and plain proxied request) first: record it, and
    // resolve the test-only name to loopback.
    ;(proxy as unknown as { authenticate: (req: http.IncomingMessage) => boolean }).authenticate = req => {
      proxySeen.push(`${req.method} ${req.url}`)
      if (req.url) req.url = req.url.replace(HOST, '127.0.0.1')
      return true
    }
    const port = await new Promise<number>(resolve =>
      proxy.listen(0, '127.0.0.1', () => resolve((proxy.address() as AddressInfo).port))
    )
    proxyUrl = `http://127.0.0.1:${port}`
  })
  afterAll(async () => {
    proxy.closeAllConnections()
    await new Promise(resolve => proxy.close(resolve))
  })
  beforeEach(() => {
    proxySeen.length = 0
  })

  it("reaches GitHub with Octokit's undici fetch, and sends the token", async () => {
    const run = await runGated(emu, gh.server, push)
    expect(run.outputs['check-run-url']).toMatch(/\/runs\/\d+$/)
    expect(gh.server.problems()).toEqual([])
    expect(gh.server.requests.map(r => r.operationId)).toContain('checks/create')
    expect(gh.server.requests.every(r => r.token === 'ghs_testtoken123')).toBe(true)
    expect(proxySeen).toEqual([])
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
        http_proxy: proxyUrl,
        https_proxy: proxyUrl
      }
    )
    expect(run.outputs['check-run-url']).toMatch(/\/runs\/\d+$/)
    expect(gh.server.problems()).toEqual([])
    // undici's ProxyAgent tunnels with CONNECT to the name Octokit was given, which only the proxy
    // resolves; the service itself, on loopback, is reached directly
    expect(proxySeen.length).toBeGreaterThan(0)
    expect(new Set(proxySeen)).toEqual(new Set([`CONNECT ${HOST}:${port}`]))
    expect(gh.server.requests.length).toBeGreaterThan(0)
    expect(
      gh.server.requests.every(r => r.headers.host === `${HOST}:${port}` && r.token === 'ghs_testtoken123')
    ).toBe(true)
  })
})
