// Fails when dist/ is not exactly what `npm run bundle` makes from the committed sources.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const files = dir =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => path.relative(dir, path.join(entry.parentPath, entry.name)))

const out = path.join(mkdtempSync(path.join(tmpdir(), 'check-dist-')), 'dist')
try {
  execFileSync(process.execPath, ['scripts/bundle.mjs', out], { stdio: ['ignore', 'ignore', 'inherit'] })
  const fresh = files(out)
  const names = [...new Set([...fresh, ...files('dist')])].sort()
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
  rmSync(path.dirname(out), { recursive: true, force: true })
}
