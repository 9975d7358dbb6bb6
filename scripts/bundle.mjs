// Builds the action into a directory: `node scripts/bundle.mjs [out] [entry]`, by default
// src/index.ts into dist/. `npm run bundle`, the dist check and the bundled-probe tests all
// use it, so what is committed, what is checked and what is probed come from one recipe.
// ncc writes one ESM bundle with every dependency in it (undici included), <out>/index.js
// (index.mjs for an .mjs entry), beside licenses.txt and the package.json that marks it ESM.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import path from 'node:path'

const out = path.resolve(process.argv[2] ?? 'dist')
const entry = path.resolve(process.argv[3] ?? 'src/index.ts')
const ncc = path.join(import.meta.dirname, '..', 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

rmSync(out, { recursive: true, force: true })
execFileSync(
  process.execPath,
  [ncc, 'build', entry, '-o', out, '--license', 'licenses.txt', '--minify', '-q'],
  {
    stdio: ['ignore', 'ignore', 'inherit']
  }
)
