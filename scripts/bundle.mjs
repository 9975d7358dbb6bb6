// Builds the action into a directory: `node scripts/bundle.mjs [out]`, dist/ by default.
// `npm run bundle` and the dist check both use it, so what is committed and what is checked come
// from one recipe. ncc writes one minified ESM bundle with every dependency in it (undici
// included), <out>/index.js, beside licenses.txt and the package.json that marks it ESM.
//
// src/ is first turned into JavaScript with Node's own type stripping, as Node and the tests run
// the sources, into build/src/ (so node_modules resolve as from src/); ncc then bundles plain
// JavaScript. Letting ncc compile the TypeScript itself type-checked it a second time (`npm run
// typecheck` does that) and took twice as long.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { stripTypeScriptTypes } from 'node:module'
import path from 'node:path'

const root = path.join(import.meta.dirname, '..')
const out = path.resolve(process.argv[2] ?? 'dist')
const src = path.join(root, 'src')
// always this folder: webpack derives module ids from paths, so a folder of another name would
// give another bundle
const js = path.join(root, 'build', 'src')
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

// type stripping is still marked experimental in Node 24; say so once here, not on every build
process.removeAllListeners('warning')
process.on('warning', warning => {
  if (warning.name !== 'ExperimentalWarning') console.warn(`${warning.name}: ${warning.message}`)
})

rmSync(js, { recursive: true, force: true })
try {
  for (const name of readdirSync(src, { recursive: true })) {
    if (!name.endsWith('.ts')) continue
    const target = path.join(js, name.replace(/\.ts$/, '.js'))
    mkdirSync(path.dirname(target), { recursive: true })
    writeFileSync(target, stripTypeScriptTypes(readFileSync(path.join(src, name), 'utf8')))
  }
  rmSync(out, { recursive: true, force: true })
  execFileSync(
    process.execPath,
    [ncc, 'build', path.join(js, 'index.js'), '-o', out, '--license', 'licenses.txt', '--minify', '-q'],
    { stdio: ['ignore', 'ignore', 'inherit'] }
  )
} finally {
  rmSync(js, { recursive: true, force: true })
}
