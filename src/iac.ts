import { glob, readFile, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Finding } from './providers/types.js'
import { plain } from './text.js'

/**
 * Where an annotation and a SARIF result point (contract §11): the infrastructure-as-code line
 * that declares a finding's resource, else the workflow step that runs this action.
 */

/** A line of a file in the workspace. */
export interface SourceLocation {
  /** Relative to the workspace, forward slashes. */
  path: string
  /** 1-based. */
  line: number
}

/** A located line, and whether it is an IaC declaration (`iac: true`) or the workflow fallback. */
export interface LocatedSource extends SourceLocation {
  /**
   * True when the line declares the finding's resource in a file matched by `iac-paths`. SARIF
   * uses the line only then (its results otherwise get a synthetic `cspm/…` path); annotations
   * use whatever `locate()` returns.
   */
  iac: boolean
}

export interface Locator {
  /** The IaC line that declares the finding's resource, else the workflow step that runs this action (line 1 when it cannot be found). Never throws. */
  locate(finding: Finding | undefined): LocatedSource
  /** The fallback on its own (for controls with no findings); `iac` is false. */
  readonly fallback: LocatedSource
}

export interface LocatorOptions {
  /** The workspace (GITHUB_WORKSPACE): globs and paths are relative to it. */
  workspace: string
  /** Globs, as parseIacPaths returns them. */
  iacPaths: string[]
  env: NodeJS.ProcessEnv
  log?: (warning: string) => void
}

/** A broad glob must not stall the run: at most this many files are read… */
export const MAX_IAC_FILES = 2000
/** …each at most this large… */
export const MAX_IAC_FILE_BYTES = 5 * 1024 * 1024
/** …and this much in all (2,000 files of 5 MB would be 10 GB to hold in memory). */
export const MAX_IAC_TOTAL_BYTES = 64 * 1024 * 1024

/** Where annotations go when the workflow file is unknown: names the folder without inventing a file. */
export const UNKNOWN_WORKFLOW_PATH = '.github/workflows'

const LOGICAL_ID_TAG = 'aws:cloudformation:logical-id'
/** Longer strings cannot be resource ids worth indexing; this keeps a minified file from bloating the index. */
const MAX_TOKEN_LENGTH = 2048

/**
 * `iac-paths`: globs, one per line or comma-separated, trimmed, empties dropped, repeats removed.
 * A comma inside braces belongs to the glob (`infra/*.{tf,yaml}`), so it does not split.
 */
export function parseIacPaths(raw: string): string[] {
  const globs: string[] = []
  let current = ''
  let depth = 0
  const push = (): void => {
    const glob = current.trim()
    if (glob && !globs.includes(glob)) globs.push(glob)
    current = ''
  }
  for (const ch of raw ?? '') {
    if (ch === '{') depth++
    else if (ch === '}') depth = Math.max(0, depth - 1)
    if (ch === '\n' || ch === '\r' || (ch === ',' && depth === 0)) {
      push()
      depth = 0
    } else current += ch
  }
  push()
  return globs
}

/** Why a glob would reach outside the workspace, or undefined when it stays inside. */
function escapesWorkspace(pattern: string): string | undefined {
  if (path.isAbsolute(pattern) || path.win32.isAbsolute(pattern) || pattern.startsWith('~'))
    return 'it is an absolute path'
  if (pattern.split(/[\\/]+/).some(segment => segment === '..')) return "it contains '..'"
  return undefined
}

const toPosix = (p: string): string => p.split(path.sep).join('/')

function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file)
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)
}

function linesOf(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
}

const isComment = (line: string): boolean => /^\s*(#|\/\/)/.test(line)
const indentOf = (line: string): number => /^[ \t]*/.exec(line)![0].length
const isBlank = (line: string): boolean => line.trim() === '' || isComment(line)

/**
 * The strings a line can declare a resource with (contract §11): every whole quoted string
 * (`"…"` or `'…'`), and the whole value after the line's first `=` or `:` (trimmed, without a
 * trailing comma or a trailing ` # comment`).
 */
export function declaredValues(line: string): string[] {
  const values: string[] = []
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)) values.push(m[1] ?? m[2])
  const sep = /[=:]/.exec(line)
  if (sep) {
    const value = line
      .slice(sep.index + 1)
      .replace(/\s#.*$/, '')
      .trim()
      .replace(/,$/, '')
      .trim()
    if (value) values.push(value)
  }
  return values.filter(v => v.length > 0 && v.length <= MAX_TOKEN_LENGTH)
}

/**
 * CloudFormation YAML: the keys at the first indentation level under a top-level `Resources:`
 * (every such block, for files with several documents), with their 1-based lines.
 */
export function yamlLogicalIds(lines: string[]): Map<string, number> {
  const ids = new Map<string, number>()
  for (let i = 0; i < lines.length; i++) {
    if (!/^(["']?)Resources\1\s*:\s*(#.*)?$/.test(lines[i])) continue
    let childIndent: number | undefined
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]
      if (isBlank(line)) continue
      const indent = indentOf(line)
      if (indent === 0) break
      childIndent ??= indent
      if (indent !== childIndent) continue
      const key = /^\s*(["']?)([^\s"'#:][^"':]*?)\1\s*:(\s|$)/.exec(line)
      if (key && !ids.has(key[2])) ids.set(key[2], j + 1)
      i = j
    }
  }
  return ids
}

/**
 * CloudFormation JSON: the keys of the top-level object's `"Resources"` object, with their
 * 1-based lines. A small tokenizer rather than JSON.parse, which keeps no line numbers; it reads
 * what it can of a broken file and never throws.
 */
export function jsonLogicalIds(text: string): Map<string, number> {
  const ids = new Map<string, number>()
  interface Frame {
    object: boolean
    expectKey: boolean
    resources: boolean
  }
  const stack: Frame[] = []
  let line = 1
  let pendingKey: string | undefined
  let i = 0
  while (i < text.length) {
    const ch = text[i]
    if (ch === '\n') {
      line++
      i++
    } else if (ch === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1
      const value = text.slice(i + 1, j)
      const top = stack.at(-1)
      if (top?.object && top.expectKey) {
        pendingKey = value
        if (top.resources && !ids.has(value)) ids.set(value, line)
      }
      i = j + 1
    } else if (ch === '{' || ch === '[') {
      const parent = stack.at(-1)
      const resources =
        ch === '{' && stack.length === 1 && parent?.object === true && pendingKey === 'Resources'
      stack.push({ object: ch === '{', expectKey: ch === '{', resources })
      pendingKey = undefined
      i++
    } else if (ch === '}' || ch === ']') {
      stack.pop()
      i++
    } else if (ch === ':') {
      const top = stack.at(-1)
      if (top) top.expectKey = false
      i++
    } else if (ch === ',') {
      const top = stack.at(-1)
      if (top?.object) top.expectKey = true
      pendingKey = undefined
      i++
    } else i++
  }
  return ids
}

/** What the IaC files declare: the first line of every declared value and every logical id. */
class IacIndex {
  readonly values = new Map<string, SourceLocation>()
  readonly logicalIds = new Map<string, SourceLocation>()

  add(file: string, text: string): void {
    const lines = linesOf(text)
    lines.forEach((line, i) => {
      if (isComment(line)) return
      for (const value of declaredValues(line))
        if (!this.values.has(value)) this.values.set(value, { path: file, line: i + 1 })
    })
    const ids = text.trimStart().startsWith('{') ? jsonLogicalIds(text) : yamlLogicalIds(lines)
    for (const [id, line] of ids) if (!this.logicalIds.has(id)) this.logicalIds.set(id, { path: file, line })
  }

  find(finding: Finding): SourceLocation | undefined {
    const logicalId = Object.entries(finding.tags ?? {}).find(
      ([key]) => key.trim().toLowerCase() === LOGICAL_ID_TAG
    )?.[1]
    const byLogicalId = logicalId ? this.logicalIds.get(logicalId.trim()) : undefined
    if (byLogicalId) return byLogicalId
    const byResource = finding.resource ? this.values.get(finding.resource) : undefined
    if (byResource) return byResource
    // Not in the contract's rule, but the same idea: when the resource is an ARN or an opaque id
    // that IaC does not spell out, the resource's own name (where the service gives one) often is
    // what the template declares, e.g. `bucket = "acme-public-site"` for arn:aws:s3:::acme-public-site.
    return finding.name ? this.values.get(finding.name) : undefined
  }
}

async function readIacFiles(options: LocatorOptions, index: IacIndex): Promise<void> {
  const warn = options.log ?? (() => {})
  const root = path.resolve(options.workspace)
  let realRoot: string
  try {
    realRoot = await realpath(root)
  } catch {
    if (options.iacPaths.length)
      warn(`iac-paths: the workspace ${plain(root)} cannot be read; no IaC is searched`)
    return
  }

  const files = new Set<string>()
  let capped = false
  for (const pattern of options.iacPaths) {
    const escape = escapesWorkspace(pattern)
    if (escape) {
      warn(
        `iac-paths: '${plain(pattern, 200)}' is skipped: ${escape}, and only files in the workspace are read`
      )
      continue
    }
    if (capped) break
    const glob_ = pattern.replace(/^(\.\/)+/, '')
    // .git never holds IaC, and a broad glob through node_modules would only cost time
    const skip = glob_.includes('node_modules') ? ['.git'] : ['.git', 'node_modules']
    let matched = 0
    try {
      for await (const entry of glob(glob_, {
        cwd: root,
        withFileTypes: true,
        exclude: dirent => dirent.isDirectory() && skip.includes(dirent.name)
      })) {
        if (entry.isDirectory()) continue
        const abs = path.join(entry.parentPath, entry.name)
        matched++
        files.add(abs)
        if (files.size >= MAX_IAC_FILES) {
          capped = true
          break
        }
      }
    } catch (err) {
      warn(`iac-paths: '${plain(pattern, 200)}' could not be searched: ${plain((err as Error).message, 200)}`)
      continue
    }
    if (matched === 0) warn(`iac-paths: '${plain(pattern, 200)}' matched no file in the workspace`)
  }
  if (capped)
    warn(
      `iac-paths matched more than ${MAX_IAC_FILES} files; only the first ${MAX_IAC_FILES} found are searched`
    )

  const sorted = [...files]
    .map(abs => ({ abs, rel: toPosix(path.relative(root, abs)) }))
    .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))
  const tooLarge: string[] = []
  const outside: string[] = []
  let total = 0
  let overBudget = 0
  for (const { abs, rel } of sorted) {
    try {
      // a symlink in the workspace can point anywhere: read only what really lies inside it
      const real = await realpath(abs)
      if (!isInside(realRoot, real)) {
        outside.push(rel)
        continue
      }
      const info = await stat(real)
      if (!info.isFile()) continue
      if (info.size > MAX_IAC_FILE_BYTES) {
        tooLarge.push(rel)
        continue
      }
      if (total + info.size > MAX_IAC_TOTAL_BYTES) {
        overBudget++
        continue
      }
      total += info.size
      const text = await readFile(real, 'utf8')
      if (text.includes('\u0000')) continue // binary: nothing to point at
      index.add(rel, text)
    } catch (err) {
      warn(`iac-paths: ${plain(rel, 200)} could not be read: ${plain((err as Error).message, 200)}`)
    }
  }
  const some = (names: string[]): string =>
    plain(names.slice(0, 3).join(', ') + (names.length > 3 ? `, and ${names.length - 3} more` : ''), 400)
  if (tooLarge.length)
    warn(
      `iac-paths: ${tooLarge.length} file(s) over ${MAX_IAC_FILE_BYTES / 1024 / 1024} MB skipped: ${some(tooLarge)}`
    )
  if (outside.length)
    warn(`iac-paths: ${outside.length} file(s) that link outside the workspace skipped: ${some(outside)}`)
  if (overBudget)
    warn(
      `iac-paths: ${overBudget} file(s) skipped: the files read reached ${MAX_IAC_TOTAL_BYTES / 1024 / 1024} MB`
    )
}

/** `owner/repo/.github/workflows/deploy.yml@refs/heads/main` → `.github/workflows/deploy.yml`. */
export function workflowPathFromRef(ref: string | undefined): string | undefined {
  if (!ref) return undefined
  const at = ref.indexOf('@')
  const segments = (at < 0 ? ref : ref.slice(0, at)).split('/').slice(2)
  const file = segments.join('/')
  if (!file || segments.some(s => s === '' || s === '.' || s === '..')) return undefined
  return file
}

const unquote = (value: string): string => value.trim().replace(/^(["'])(.*)\1$/, '$2')

/** The `key:` value of a line (an item's `- key:` too), without quotes or a trailing comment. */
function valueOf(line: string, key: string): string | undefined {
  const m = new RegExp(`^\\s*(?:-\\s+)?${key}\\s*:\\s*(.*?)\\s*(?:\\s#.*)?$`).exec(line)
  return m ? unquote(m[1]) : undefined
}

/** The line index of the `- ` that opens the list item (a step) holding line i, or -1. */
function itemStart(lines: string[], i: number): number {
  if (/^\s*-(\s|$)/.test(lines[i])) return i
  const indent = indentOf(lines[i])
  for (let k = i - 1; k >= 0; k--) {
    if (isBlank(lines[k])) continue
    const dash = /^(\s*)-(\s|$)/.exec(lines[k])
    if (dash && dash[1].length < indent) return k
    if (indentOf(lines[k]) < indent) return -1
  }
  return -1
}

/** The `uses:` line of the list item (a step) that opens at line `start`, or -1. */
function usesOfItem(lines: string[], start: number): number {
  const dashIndent = indentOf(lines[start])
  for (let k = start; k < lines.length; k++) {
    if (k > start && !isBlank(lines[k]) && indentOf(lines[k]) <= dashIndent) break
    if (valueOf(lines[k], 'uses') !== undefined) return k
  }
  return -1
}

/** The [first, end) line range of job `job` under the top-level `jobs:`, when there is one. */
function jobRange(lines: string[], job: string | undefined): [number, number] | undefined {
  if (!job) return undefined
  const jobs = lines.findIndex(l => /^jobs\s*:\s*(#.*)?$/.test(l))
  if (jobs < 0) return undefined
  let jobIndent: number | undefined
  let start = -1
  for (let i = jobs + 1; i < lines.length; i++) {
    if (isBlank(lines[i])) continue
    const indent = indentOf(lines[i])
    if (indent === 0) return start >= 0 ? [start, i] : undefined
    jobIndent ??= indent
    if (indent !== jobIndent) continue
    if (start >= 0) return [start, i]
    const key = /^\s*(["']?)([^"':]+)\1\s*:/.exec(lines[i])
    if (key?.[2].trim() === job) start = i
  }
  return start >= 0 ? [start, lines.length] : undefined
}

/**
 * The 1-based line of the step that runs this action in a workflow file, or undefined:
 * - the step whose `id:` is GITHUB_ACTION (a step with an id), at its `uses:` line;
 * - else a `uses:` of this action (`GITHUB_ACTION_REPOSITORY@…`; `./…` for a local action),
 *   within the job GITHUB_JOB when it can be told apart; when GITHUB_ACTION is the runner's
 *   generated `__owner_repo_N`, the N-th such use in the job.
 */
export function findStepLine(text: string, env: NodeJS.ProcessEnv, workspace?: string): number | undefined {
  const lines = linesOf(text)
  const range = jobRange(lines, env.GITHUB_JOB)
  const inScope = (i: number): boolean => !range || (i >= range[0] && i < range[1])

  const usesValues = lines.map(line => valueOf(line, 'uses'))
  const usesWhere = (test: (value: string) => boolean): number[] =>
    usesValues.flatMap((value, i) => (value !== undefined && test(value) ? [i] : []))

  const repo = (env.GITHUB_ACTION_REPOSITORY ?? '').trim().toLowerCase()
  let all: number[]
  if (repo) {
    all = usesWhere(v => v.toLowerCase().startsWith(`${repo}@`) || v.toLowerCase().startsWith(`${repo}/`))
  } else {
    // A local action (`uses: ./…`): the one at GITHUB_ACTION_PATH when the runner says, else the
    // workspace's root action (`uses: ./`, as in the action's own repository), else any local one.
    const local = (v: string): string => path.posix.normalize(v.replace(/\/+$/, '') || '.')
    const isLocal = (v: string): boolean => v === '.' || v.startsWith('./')
    let own: string | undefined
    if (env.GITHUB_ACTION_PATH && workspace) {
      const rel = path.relative(path.resolve(workspace), path.resolve(env.GITHUB_ACTION_PATH))
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) own = local(toPosix(rel) || '.')
    }
    const atOwn = own === undefined ? [] : usesWhere(v => isLocal(v) && local(v) === own)
    const atRoot = usesWhere(v => isLocal(v) && local(v) === '.')
    all = atOwn.length ? atOwn : atRoot.length ? atRoot : usesWhere(isLocal)
  }
  const candidates = all.some(inScope) ? all.filter(inScope) : all

  const stepId = env.GITHUB_ACTION?.trim()
  if (stepId && !stepId.startsWith('__')) {
    const idLines = lines.flatMap((line, i) => (valueOf(line, 'id') === stepId ? [i] : []))
    const idLine = idLines.find(inScope) ?? idLines[0]
    if (idLine !== undefined) {
      const step = itemStart(lines, idLine)
      const usesLine = step < 0 ? -1 : usesOfItem(lines, step)
      return (usesLine >= 0 ? usesLine : idLine) + 1
    }
  }
  if (!candidates.length) return undefined
  const nth = stepId?.startsWith('__') ? /_(\d+)$/.exec(stepId) : null
  const n = nth && range ? Number(nth[1]) : 1
  return (candidates[n - 1] ?? candidates[0]) + 1
}

async function readSmall(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file)
    if (!info.isFile() || info.size > MAX_IAC_FILE_BYTES) return undefined
    return await readFile(file, 'utf8')
  } catch {
    return undefined
  }
}

/**
 * The workflow file that runs this step, and the step's line in it (line 1 when it cannot be found).
 *
 * GITHUB_WORKFLOW_REF names the file on every current runner. Without it (an old GHES, a local
 * runner): GITHUB_WORKFLOW when it is a path (a workflow without `name:`), else the one workflow
 * in the workspace's `.github/workflows` whose `name:` is GITHUB_WORKFLOW, or the only one that
 * uses this action. When none can be told, `.github/workflows` at line 1: it names the folder
 * without inventing a file. GitHub drops nothing for it — a check-run annotation on a path that is
 * not in the commit is listed in the run, just not shown inline — and SARIF never uses this
 * fallback (a relative `cspm/…` path stands in for resources with no IaC line).
 */
async function findFallback(options: LocatorOptions): Promise<LocatedSource> {
  const root = path.resolve(options.workspace)
  const { env } = options
  const read = async (rel: string): Promise<LocatedSource> => {
    const text = await readSmall(path.join(root, rel))
    const line = text === undefined ? undefined : findStepLine(text, env, root)
    return { path: rel, line: line ?? 1, iac: false }
  }

  const fromRef = workflowPathFromRef(env.GITHUB_WORKFLOW_REF)
  if (fromRef) return read(fromRef)

  const name = env.GITHUB_WORKFLOW?.trim()
  if (name && /^\.github\/workflows\/[^/]+\.ya?ml$/.test(name)) return read(name)

  const dir = path.join(root, '.github', 'workflows')
  const candidates: { rel: string; line?: number; named: boolean }[] = []
  try {
    for await (const file of glob('*.{yml,yaml}', { cwd: dir })) {
      const rel = `.github/workflows/${toPosix(file)}`
      const text = await readSmall(path.join(dir, file))
      if (text === undefined) continue
      const line = findStepLine(text, env, root)
      const named = !!name && linesOf(text).some(l => /^name\s*:/.test(l) && valueOf(l, 'name') === name)
      candidates.push({ rel, line, named })
    }
  } catch {
    // no workflows folder in the workspace: nothing to choose from
  }
  candidates.sort((a, b) => (a.rel < b.rel ? -1 : 1))
  const usingIt = candidates.filter(c => c.line !== undefined)
  const pick = usingIt.find(c => c.named) ?? (usingIt.length === 1 ? usingIt[0] : undefined)
  if (pick) return { path: pick.rel, line: pick.line ?? 1, iac: false }
  const named = candidates.filter(c => c.named)
  if (named.length === 1) return { path: named[0].rel, line: 1, iac: false }
  return { path: UNKNOWN_WORKFLOW_PATH, line: 1, iac: false }
}

/** Reads the IaC files and the workflow file once; `locate()` is then a look-up. Never throws. */
export async function createLocator(options: LocatorOptions): Promise<Locator> {
  const index = new IacIndex()
  const warn = options.log ?? (() => {})
  try {
    await readIacFiles(options, index)
  } catch (err) {
    warn(`iac-paths: the IaC files could not be searched: ${plain((err as Error)?.message, 200)}`)
  }
  let fallback: LocatedSource
  try {
    fallback = await findFallback(options)
  } catch {
    fallback = { path: UNKNOWN_WORKFLOW_PATH, line: 1, iac: false }
  }
  Object.freeze(fallback)
  return {
    fallback,
    locate(finding) {
      try {
        const found = finding ? index.find(finding) : undefined
        return found ? { path: found.path, line: found.line, iac: true } : { ...fallback }
      } catch {
        return { ...fallback }
      }
    }
  }
}
