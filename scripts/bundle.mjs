// Builds the action into a directory: `node scripts/bundle.mjs [out] [entry]`, by default
// src/index.ts into dist/. `npm run bundle`, the dist check and the bundled-probe tests all
// use it, so what is committed, what is checked and what is probed come from one recipe.
// ncc writes one ESM bundle with every dependency in it (undici included), <out>/index.js
// (index.mjs for an .mjs entry), beside licenses.txt and the package.json that marks it ESM.
//
// A TypeScript entry's folder is first turned into JavaScript with Node's own type stripping,
// as Node and the tests run the sources, into build/src/ (so node_modules resolve
// as from src/); ncc then bundles plain JavaScript. Letting ncc compile the TypeScript itself
// would type-check it a second time (`npm run typecheck` does that) and took twice as long.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { stripTypeScriptTypes } from 'node:module'
import path from 'node:path'

const root = path.join(import.meta.dirname, '..')
const out = path.resolve(process.argv[2] ?? 'dist')
const entry = path.resolve(process.argv[3] ?? 'src/index.ts')
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

/**
 * Strips the types from every .ts file under `dir` into build/<dir's name>/ and returns the
 * entry's .js there. The folder's path is always the same, because webpack derives module ids
 * from paths: a random folder would give a different bundle on every build.
 */
function stripped(dir, file) {
  const js = path.join(root, 'build', path.basename(dir))
  rmSync(js, { recursive: true, force: true })
  for (const name of readdirSync(dir, { recursive: true })) {
    if (!name.endsWith('.ts')) continue
    const target = path.join(js, name.replace(/\.ts$/, '.js'))
    mkdirSync(path.dirname(target), { recursive: true })
    writeFileSync(target, stripTypeScriptTypes(readFileSync(path.join(dir, name), 'utf8')))
  }
  return { dir: js, entry: path.join(js, path.relative(dir, file).replace(/\.ts$/, '.js')) }
}

// type stripping is still marked experimental in Node 24; say so once here, not on every build
process.removeAllListeners('warning')
process.on('warning', warning => {
  if (warning.name !== 'ExperimentalWarning') console.warn(`${warning.name}: ${warning.message}`)
})

const source = entry.endsWith('.ts') ? stripped(path.dirname(entry), entry) : { entry }
try {
  rmSync(out, { recursive: true, force: true })
  execFileSync(
    process.execPath,
    [ncc, 'build', source.entry, '-o', out, '--license', 'licenses.txt', '--minify', '-q'],
    {
      stdio: ['ignore', 'ignore', 'inherit']
    }
  )
} finally {
  if (source.dir) rmSync(source.dir, { recursive: true, force: true })
}
