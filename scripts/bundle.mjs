// Builds the action into a directory (default dist/): `npm run bundle` and the dist check both
// use it, so what is committed and what is checked come from one recipe.
//   <out>/index.js         the action, ESM, everything but undici
//   <out>/undici/index.cjs undici, loaded only when something uses it (src/lazy/undici.ts)
import { execFileSync } from 'node:child_process'
import { renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const out = path.resolve(process.argv[2] ?? 'dist')
const ncc = path.join('node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
const build = (entry, dir) =>
  execFileSync(
    process.execPath,
    [ncc, 'build', entry, '-o', dir, '--license', 'licenses.txt', '--minify', '-q'],
    {
      stdio: ['ignore', 'ignore', 'inherit']
    }
  )

rmSync(out, { recursive: true, force: true })
build('src/index.ts', out)
// the undici that @actions/http-client itself resolves, so the runtime file matches its import
const undiciEntry = createRequire(import.meta.resolve('@actions/http-client')).resolve('undici')
const undiciDir = path.join(out, 'undici')
build(undiciEntry, undiciDir)
renameSync(path.join(undiciDir, 'index.js'), path.join(undiciDir, 'index.cjs'))
