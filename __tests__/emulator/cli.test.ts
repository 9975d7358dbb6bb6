import { describe, it, expect } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from './helpers.ts'

const CLI = join(process.cwd(), 'emulator', 'cli.ts')

function run(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, NODE_OPTIONS: '', NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
  const output = () => ({ stdout, stderr })
  const waitFor = async (pattern: RegExp, timeoutMs = 8000) => {
    const deadline = Date.now() + timeoutMs
    while (!pattern.test(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no ${pattern} in: ${stdout}${stderr}`)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    return pattern.exec(stdout)!
  }
  return { child, exited, output, waitFor }
}

describe('emulator CLI', () => {
  it('starts the sample world, prints the url and the credentials, stops on SIGTERM', async () => {
    const cli = run(['--port', '0', '--scan-seconds', '1'])
    const [, url] = await cli.waitFor(/Emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/)
    await cli.waitFor(/external-id/)
    const { stdout } = cli.output()
    for (const text of [
      'cn-demo-api-key',
      'cn-demo-app-secret',
      'cc-admin-key',
      'cc-user-key',
      'Scans take 1s'
    ]) {
      expect(stdout).toContain(text)
    }
    const health = await request(`${url}/_emulator/health`)
    expect(health.json.status).toBe('ok')
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  })

  it('loads a world file and exits 1 naming the bad path of an invalid one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-cli-'))
    try {
      const good = join(dir, 'good.json')
      writeFileSync(good, JSON.stringify({ cloudneeti: { apiKeys: ['file-key'] } }))
      const ok = run(['--port', '0', '--world', good])
      await ok.waitFor(/file-key/)
      ok.child.kill('SIGINT')
      expect(await ok.exited).toBe(0)

      const bad = join(dir, 'bad.json')
      writeFileSync(bad, JSON.stringify({ timing: { scanSeconds: -1 } }))
      const failed = run(['--port', '0', '--world', bad])
      expect(await failed.exited).toBe(1)
      expect(failed.output().stderr).toContain('timing.scanSeconds')

      const usage = run(['--port', 'x'])
      expect(await usage.exited).toBe(2)
      expect(usage.output().stderr).toContain('Usage:')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
