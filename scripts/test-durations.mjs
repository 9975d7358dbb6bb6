// Records how long each test file takes, for scripts/jest-sequencer.cjs to run the slowest
// first on a machine without jest's cache: `node scripts/test-durations.mjs` runs the suite once
// (as `npm run jest` does) and rewrites __tests__/durations.json. Only the order of the files
// depends on it; refresh it when a file becomes much slower or faster, or a new one is added.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const root = path.join(import.meta.dirname, '..')
const dir = mkdtempSync(path.join(tmpdir(), 'test-durations-'))
const results = path.join(dir, 'results.json')
try {
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--json',
      `--outputFile=${results}`,
      // a cache of its own: jest's remembered durations cannot reorder what is measured
      `--cacheDirectory=${dir}`
    ],
    {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules', NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'ignore', 'inherit']
    }
  )
  const { testResults } = JSON.parse(readFileSync(results, 'utf8'))
  const durations = Object.fromEntries(
    testResults
      .map(r => [
        path.relative(root, r.name).split(path.sep).join('/'),
        Math.round((r.endTime - r.startTime) / 100) / 10
      ])
      .sort(([a], [b]) => a.localeCompare(b))
  )
  writeFileSync(path.join(root, '__tests__', 'durations.json'), `${JSON.stringify(durations, null, 2)}\n`)
  console.log(`__tests__/durations.json: ${testResults.length} files`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
