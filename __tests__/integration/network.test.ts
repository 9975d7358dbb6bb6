import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { EmulatorHandle } from '../../emulator/server.ts'
import { runAction } from '../../scripts/local-runner.ts'
import { useRecordingProxy } from '../helpers/proxy.js'
import { cloudneetiInputs, conformityInputs, fastWorld } from '../helpers/world.js'

/** A name that is not loopback-looking (http-client always bypasses proxies for 127.*), resolved by the proxy. */
const HOST = 'cspm-emulator.test'

let dir: string
let caFile: string
let tls: EmulatorHandle
const proxy = useRecordingProxy(HOST)

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' })
}

/** A throwaway CA and a server certificate it signed, for 127.0.0.1, localhost and HOST. */
function makeCertificates(): { key: string; cert: string } {
  dir = mkdtempSync(path.join(tmpdir(), 'gate-tls-'))
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Throwaway Test CA'
  )
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=emulator'
  )
  writeFileSync(path.join(dir, 'san.ext'), `subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:${HOST}\n`)
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext'
  )
  caFile = path.join(dir, 'ca.pem')
  return {
    key: readFileSync(path.join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(path.join(dir, 'server.pem'), 'utf8')
  }
}

beforeAll(async () => {
  const { startEmulator } = await import('../../emulator/server.ts')
  tls = await startEmulator({ world: fastWorld(), port: 0, tls: makeCertificates() })
})

afterAll(async () => {
  await tls.close()
})

const port = () => new URL(tls.url).port

describe('HTTPS with certificate verification', () => {
  it('refuses a certificate from an unknown CA, and says how to trust a private one', async () => {
    const run = await runAction(cloudneetiInputs(tls.url))
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(
      /failed: TLS certificate not trusted \(\w+\)\. If the service or a proxy uses a private CA, point NODE_EXTRA_CA_CERTS/
    )
    expect(run.report).toMatchObject({ error: { kind: 'network' } })
    expect(tls.log).toHaveLength(0)
  })

  it('trusts a private CA given with NODE_EXTRA_CA_CERTS', async () => {
    const run = await runAction(cloudneetiInputs(tls.url), { env: { NODE_EXTRA_CA_CERTS: caFile } })
    expect([run.code, run.outputs.result]).toEqual([0, 'pass'])
    expect(tls.url.startsWith('https://')).toBe(true)
  })
})

describe('HTTP proxy', () => {
  it('goes through https_proxy, with TLS verified end to end against the service name', async () => {
    tls.log.length = 0
    const run = await runAction(conformityInputs(`https://${HOST}:${port()}`), {
      env: { NODE_EXTRA_CA_CERTS: caFile, https_proxy: proxy.url }
    })
    expect(run.outputs.result).toBe('pass')
    expect(proxy.seen.length).toBeGreaterThan(0)
    expect(proxy.seen.every(c => c === `CONNECT ${HOST}:${port()}`)).toBe(true)
    expect(tls.log.length).toBeGreaterThan(0)
  })

  it('bypasses the proxy for hosts in no_proxy', async () => {
    const run = await runAction(conformityInputs(`https://${HOST}:${port()}`), {
      env: { NODE_EXTRA_CA_CERTS: caFile, https_proxy: proxy.url, no_proxy: `localhost,.test` }
    })
    // going direct, the test-only name does not resolve: proof the proxy was skipped
    expect(proxy.seen).toEqual([])
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(/failed: host not found\. Check api-url/)
  })

  it('reports a proxy that is down as a network error naming the request', async () => {
    const run = await runAction(conformityInputs(`https://${HOST}:${port()}`, { 'request-timeout': '2' }), {
      env: { NODE_EXTRA_CA_CERTS: caFile, https_proxy: 'http://127.0.0.1:9' }
    })
    expect(run.outputs.result).toBe('error')
    expect(run.outputs.reason).toMatch(
      /^Could not identify the API key \(GET \/users\/whoami\): GET https:\/\/cspm-emulator\.test:\d+\/v1\/users\/whoami failed: /
    )
  })
})
