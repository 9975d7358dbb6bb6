// Fails when dist/ is not exactly what `npm run bundle` makes from the committed sources.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const out = mkdtempSync(path.join(tmpdir(), 'check-dist-'))
try {
  const ncc = path.join('node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
  execFileSync(
    process.execPath,
    [ncc, 'build', 'src/index.ts', '-o', out, '--license', 'licenses.txt', '--minify', '-q'],
    {
      stdio: ['ignore', 'ignore', 'inherit']
    }
  )
  const fresh = readdirSync(out).sort()
  const committed = readdirSync('dist').sort()
  const names = [...new Set([...fresh, ...committed])]
  const differing = names.filter(name => {
    try {
      return !readFileSync(path.join(out, name)).equals(readFileSync(path.join('dist', name)))
    } catch {
      return true
    }
  })
  if (differing.length) {
    console.error(
      `dist/ differs from a fresh bundle in: ${differing.join(', ')}. Run \`npm run bundle\` and commit dist/.`
    )
    process.exit(1)
  }
  console.log(`dist/ matches a fresh bundle (${fresh.length} files).`)
} finally {
  rmSync(out, { recursive: true, force: true })
}
