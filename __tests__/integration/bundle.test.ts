import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { createProxy } from 'proxy'
import { DIST, ROOT } from '../../scripts/local-runner.ts'

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
const TOKEN = 'ghs_bundleProbeToken0123456789'
const ROOT_BODY = { current_user_url: 'https://api.github.com/user' }

interface Seen {
  method?: string
  url?: string
  host?: string
  authorization?: string
}

const run = promisify(execFile)
let out: string
let probe: string
let api: http.Server
let apiPort: number
const apiSeen: Seen[] = []
let proxy: http.Server
let proxyUrl: string
const proxySeen: string[] = []

const listen = (server: http.Server) =>
  new Promise<number>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  )
const close = (server: http.Server) => {
  server.closeAllConnections()
  return new Promise(resolve => server.close(resolve))
}

beforeAll(async () => {
  // the probe, bundled by the action's own recipe (same ncc flags) into a directory of its own
  out = mkdtempSync(path.join(tmpdir(), 'octokit-probe-'))
  const entry = path.join(ROOT, '__tests__', 'fixtures', 'octokit-probe.mjs')
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle.mjs'), out, entry], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit']
  })
  probe = path.join(out, 'index.mjs')

  // GitHub's API root, GET / (what octokit.rest.meta.root() asks for)
  api = http.createServer((req, res) => {
    apiSeen.push({
      method: req.method,
      url: req.url,
      host: req.headers.host,
      authorization: req.headers.authorization
    })
    const found = req.method === 'GET' && req.url === '/'
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(found ? ROOT_BODY : { message: 'Not Found' }))
  })
  apiPort = await listen(api)

  proxy = createProxy(http.createServer())
  // The proxy's own hook sees each CONNECT (and plain proxied request) first: record it, and resolve
  // the test-only name to loopback.
  ;(proxy as unknown as { authenticate: (req: http.IncomingMessage) => boolean }).authenticate = req => {
    proxySeen.push(`${req.method} ${req.url}`)
    if (req.url) req.url = req.url.replace(HOST, '127.0.0.1')
    return true
  }
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`
}, 120_000)

afterAll(async () => {
  await Promise.all([api, proxy].filter(Boolean).map(close))
  if (out) rmSync(out, { recursive: true, force: true })
})

/** Runs the bundled probe with nothing but PATH and `env`, and parses what it prints. */
async function runProbe(env: NodeJS.ProcessEnv): Promise<unknown> {
  apiSeen.length = 0
  proxySeen.length = 0
  const { stdout } = await run(process.execPath, [probe], {
    env: { PATH: process.env.PATH, TOKEN, ...env },
    encoding: 'utf8'
  })
  return JSON.parse(stdout)
}

describe('@actions/github, bundled as the action is', () => {
  it("gets the API root with Octokit's undici fetch, and sends the token", async () => {
    const apiUrl = `http://127.0.0.1:${apiPort}`
    await expect(runProbe({ GITHUB_API_URL: apiUrl })).resolves.toEqual({ status: 200, ...ROOT_BODY })
    expect(apiSeen).toEqual([
      { method: 'GET', url: '/', host: `127.0.0.1:${apiPort}`, authorization: `token ${TOKEN}` }
    ])
    expect(proxySeen).toEqual([])
  })

  it("goes through http_proxy / https_proxy with undici's ProxyAgent, and sends the token", async () => {
    const apiUrl = `http://${HOST}:${apiPort}`
    const result = runProbe({ GITHUB_API_URL: apiUrl, http_proxy: proxyUrl, https_proxy: proxyUrl })
    await expect(result).resolves.toEqual({ status: 200, ...ROOT_BODY })
    // undici's ProxyAgent tunnels with CONNECT to the name Octokit was given, which only the proxy resolves
    expect(proxySeen).toEqual([`CONNECT ${HOST}:${apiPort}`])
    expect(apiSeen).toEqual([
      { method: 'GET', url: '/', host: `${HOST}:${apiPort}`, authorization: `token ${TOKEN}` }
    ])
  })
})
