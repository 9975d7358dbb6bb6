#!/usr/bin/env node
// Cuts the few GitHub REST operations the action calls, with everything they reference, out of
// GitHub's official OpenAPI description (the npm package @octokit/openapi, hundreds of MB unpacked,
// so it is never a dependency) into a small fixture that __tests__/helpers/github-server.ts checks
// every request against.
//
//   node scripts/extract-github-openapi.mjs [--version 23.0.2] [--from DIR] [--out FILE]
//
// Without --from, `npm pack` fetches the package tarball into a temporary folder and only the one
// description file is unpacked. --from reads an unpacked package instead (the folder holding its
// package.json and generated/). The api.github.com description is the one used: GHES serves the
// same paths under /api/v3, and the server takes that prefix as a base path. Its $ref form
// (api.github.com.json, 13 MB) is far smaller than the dereferenced one (73 MB), and the refs are
// followed here to keep exactly the components the operations need.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE = '@octokit/openapi'
const DEFAULT_VERSION = '23.0.2'
const SOURCE_FILE = 'generated/api.github.com.json'
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const DEFAULT_OUT = path.join(ROOT, '__tests__/fixtures/github-openapi.json')

/** The operations the action calls: method, path template, and the operationId the description must give. */
export const OPERATIONS = [
  ['get', '/', 'meta/root'],
  ['post', '/repos/{owner}/{repo}/check-runs', 'checks/create'],
  ['patch', '/repos/{owner}/{repo}/check-runs/{check_run_id}', 'checks/update'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 'issues/list-comments'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 'issues/create-comment'],
  ['patch', '/repos/{owner}/{repo}/issues/comments/{comment_id}', 'issues/update-comment']
]

/** Documentation-only keys dropped everywhere except where they name a property or are required by OpenAPI. */
const DOC_KEYS = new Set(['description', 'example', 'examples', 'externalDocs'])

function parseArgs(argv) {
  const args = { version: DEFAULT_VERSION, from: undefined, out: DEFAULT_OUT }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = argv[i + 1]
    if (flag === '--version' && value) args.version = value
    else if (flag === '--from' && value) args.from = path.resolve(value)
    else if (flag === '--out' && value) args.out = path.resolve(value)
    else throw new Error(`unknown argument ${flag} (use --version V, --from DIR, --out FILE)`)
    i++
  }
  return args
}

/** Fetches the tarball with npm pack and unpacks package.json and the one description; returns the package folder. */
function download(version, dir) {
  const out = execFileSync('npm', ['pack', `${PACKAGE}@${version}`, '--json', '--pack-destination', dir], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024
  })
  const [packed] = JSON.parse(out)
  const tarball = path.join(dir, packed.filename)
  execFileSync('tar', ['xzf', tarball, '-C', dir, 'package/package.json', `package/${SOURCE_FILE}`])
  rmSync(tarball)
  return { folder: path.join(dir, 'package'), integrity: packed.integrity }
}

/** Every local $ref reachable from `value`, added to `into` as ['schemas', 'check-run'] pairs. */
function collectRefs(value, into) {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, into)
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') {
        const match = /^#\/components\/([^/]+)\/([^/]+)$/.exec(child)
        if (!match) throw new Error(`unsupported $ref ${child}`)
        into.add(`${match[1]}/${match[2]}`)
      } else collectRefs(child, into)
    }
  }
}

/**
 * A copy without documentation. `parent` is the key under which `value` sits: in a `properties`
 * map every key is a property name and is kept; response objects keep their (required) description.
 */
function strip(value, parent, isResponse = false) {
  if (Array.isArray(value)) return value.map(item => strip(item, undefined))
  if (!value || typeof value !== 'object') return value
  const out = {}
  for (const [key, child] of Object.entries(value)) {
    const keepDoc = parent === 'properties' || (isResponse && key === 'description')
    if (DOC_KEYS.has(key) && !keepDoc) continue
    out[key] = strip(child, key, parent === 'responses')
  }
  return out
}

function sortKeys(record) {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

export function extract(description, source) {
  const paths = {}
  for (const [method, template, operationId] of OPERATIONS) {
    const item = description.paths[template]
    const operation = item?.[method]
    if (!operation) throw new Error(`${method.toUpperCase()} ${template} is not in ${source.file}`)
    if (operation.operationId !== operationId) {
      throw new Error(`${method.toUpperCase()} ${template} is ${operation.operationId}, not ${operationId}`)
    }
    paths[template] ??= {}
    if (item.parameters) paths[template].parameters = item.parameters
    paths[template][method] = operation
  }

  // The $ref closure: follow refs from the operations, then from each component pulled in.
  const wanted = new Set()
  collectRefs(strip(paths), wanted)
  const components = {}
  const queue = [...wanted]
  while (queue.length > 0) {
    const ref = queue.shift()
    const [kind, name] = ref.split('/')
    const target = description.components?.[kind]?.[name]
    if (target === undefined) throw new Error(`#/components/${ref} is referenced but missing`)
    const cleaned = strip(target, kind, kind === 'responses')
    components[kind] ??= {}
    components[kind][name] = cleaned
    const found = new Set()
    collectRefs(cleaned, found)
    for (const next of found) {
      if (!wanted.has(next)) {
        wanted.add(next)
        queue.push(next)
      }
    }
  }

  return {
    openapi: description.openapi,
    'x-extracted-from': {
      package: source.package,
      version: source.version,
      file: source.file,
      ...(source.integrity ? { integrity: source.integrity } : {}),
      script: 'scripts/extract-github-openapi.mjs',
      operations: OPERATIONS.map(([, , operationId]) => operationId)
    },
    info: { title: description.info.title, version: description.info.version },
    servers: description.servers,
    paths: strip(paths),
    components: sortKeys(Object.fromEntries(Object.entries(components).map(([k, v]) => [k, sortKeys(v)])))
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  let folder = args.from
  let integrity
  let temp
  if (!folder) {
    temp = mkdtempSync(path.join(tmpdir(), 'octokit-openapi-'))
    ;({ folder, integrity } = download(args.version, temp))
  }
  try {
    const pkg = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'))
    if (pkg.name !== PACKAGE) throw new Error(`${folder} holds ${pkg.name}, not ${PACKAGE}`)
    if (!args.from && pkg.version !== args.version) throw new Error(`npm pack gave ${pkg.version}`)
    const description = JSON.parse(readFileSync(path.join(folder, SOURCE_FILE), 'utf8'))
    const fixture = extract(description, {
      package: pkg.name,
      version: pkg.version,
      file: SOURCE_FILE,
      integrity
    })

    // Written as prettier would, so `prettier --check` passes on the committed fixture.
    const prettier = await import('prettier')
    const options = (await prettier.resolveConfig(args.out)) ?? {}
    const text = await prettier.format(JSON.stringify(fixture, null, 2), { ...options, filepath: args.out })
    writeFileSync(args.out, text)
    const count = Object.values(fixture.components).reduce((n, kind) => n + Object.keys(kind).length, 0)
    process.stdout.write(
      `${path.relative(process.cwd(), args.out)}: ${OPERATIONS.length} operations, ${count} components, ` +
        `${Buffer.byteLength(text)} bytes, from ${pkg.name}@${pkg.version} ${SOURCE_FILE}\n`
    )
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true })
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(error => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}
