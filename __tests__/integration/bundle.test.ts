import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DIST, ROOT } from '../../scripts/local-runner.ts'

// undici's HTTP parser: present in any bundle that carries undici
const UNDICI_MARKER = 'llhttp'
const RUNTIME_FILE = path.join(path.dirname(DIST), 'undici', 'index.cjs')

describe('the bundle keeps undici out of the start-up path', () => {
  it('dist/index.js does not carry undici; it names the file it loads on first use, which exists', () => {
    const bundle = readFileSync(DIST, 'utf8')
    expect(bundle).not.toContain(UNDICI_MARKER)
    expect(bundle).toContain('"./undici/index.cjs"')
    expect(readFileSync(RUNTIME_FILE, 'utf8')).toContain(UNDICI_MARKER)
    expect(existsSync(path.join(path.dirname(RUNTIME_FILE), 'licenses.txt'))).toBe(true)
  })

  it("@actions/http-client, bundled the same way, still gets undici's ProxyAgent behind a proxy", () => {
    const out = mkdtempSync(path.join(tmpdir(), 'dispatcher-probe-'))
    try {
      const ncc = path.join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
      const probe = path.join(ROOT, '__tests__', 'fixtures', 'dispatcher-probe.mjs')
      execFileSync(process.execPath, [ncc, 'build', probe, '-o', out, '-q'], { cwd: ROOT, stdio: 'ignore' })
      const entry = path.join(out, 'index.mjs')
      const runProbe = (env: NodeJS.ProcessEnv): string =>
        execFileSync(process.execPath, [entry], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' })

      // no proxy: nothing asks for undici, and it is not there to load, yet the module runs
      expect(JSON.parse(runProbe({}))).toEqual({ dispatch: 'undefined' })

      cpSync(path.dirname(RUNTIME_FILE), path.join(out, 'undici'), { recursive: true })
      expect(JSON.parse(runProbe({ https_proxy: 'http://127.0.0.1:9' }))).toEqual({
        name: 'ProxyAgent',
        dispatch: 'function'
      })
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 120_000)
})
