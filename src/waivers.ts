import { readFile } from 'node:fs/promises'
import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
  type Pair
} from 'yaml'
import { ActionError, errorMessage } from './errors.js'
import type { CountedControl } from './gate.js'
import type { Control, Finding } from './providers/types.js'
import { gateRank, type SeverityScale } from './severity.js'
import { plain } from './text.js'

/** One accepted risk from the waiver file (contract §10). */
export interface Waiver {
  control: string
  account?: string
  resource?: string
  region?: string
  reason: string
  /** YYYY-MM-DD: the waiver holds through the end of that day, UTC. */
  expires: string
  owner?: string
  /** 1-based line of the entry in the file, for messages */
  line: number
}

type WaiverKey = Exclude<keyof Waiver, 'line'>

const WAIVER_KEYS: readonly WaiverKey[] = [
  'control',
  'account',
  'resource',
  'region',
  'reason',
  'expires',
  'owner'
]
const TOP_LEVEL_KEYS = ['waivers'] as const

/** What each required key is, so a message about a missing one says what to write. */
const REQUIRED: Partial<Record<WaiverKey, string>> = {
  control: 'the control id it waives',
  reason: 'why the risk is accepted',
  expires: 'the last day it holds, YYYY-MM-DD'
}

/** A waiver within this many days of its last day gets a warning. */
export const EXPIRY_WARNING_DAYS = 14

/** What a waiver narrows itself to, in words: `account a, resource r, region g`, or '' for the whole control. */
export function waiverScope(w: Waiver): string {
  return [
    w.account && `account ${w.account}`,
    w.resource && `resource ${w.resource}`,
    w.region && `region ${w.region}`
  ]
    .filter(Boolean)
    .join(', ')
}

const DAY_MS = 86_400_000

/** The file, the line, the problem: the one line the step fails with. */
type Fail = (line: number, problem: string) => never

/** A value from the file, quoted for a message: one line, no workflow commands, bounded. */
const shown = (value: unknown): string => `'${plain(value, 80)}'`

/** Levenshtein distance, for "did you mean" on a misspelt key. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length]
}

/** Words for a waiver's keys that other tools use: Conformity says rule, Cloudneeti policy. */
const SYNONYMS: Record<string, string> = {
  rule: 'control',
  ruleid: 'control',
  policy: 'control',
  policyid: 'control',
  justification: 'reason',
  until: 'expires'
}

/**
 * The known key a misspelt one most likely meant, when there is exactly one obvious candidate:
 * `expiry`, `expires_at`, `expiration` → expires; `resources`, `resourceId` → resource.
 */
function closestKey(key: string, known: readonly string[]): string | undefined {
  const k = key.toLowerCase().replace(/[^a-z]/g, '')
  if (SYNONYMS[k] && known.includes(SYNONYMS[k])) return SYNONYMS[k]
  if (k.length < 3) return undefined
  const candidates = known.filter(
    name =>
      k.startsWith(name) ||
      name.startsWith(k) ||
      editDistance(k, name) <= 2 ||
      (name.length >= 5 && k.slice(0, 5) === name.slice(0, 5))
  )
  return candidates.length === 1 ? candidates[0] : undefined
}

/** " (did you mean 'expires'?)" when there is an obvious candidate, else nothing. */
function suggestion(key: string | undefined, known: readonly string[]): string {
  const guess = key === undefined ? undefined : closestKey(key, known)
  return guess ? ` (did you mean '${guess}'?)` : ''
}

/** What a node holds, in words, for "found …" in a message. */
function describe(node: Node | null | undefined): string {
  if (isSeq(node)) return 'a list'
  if (isMap(node)) return 'a mapping'
  if (isAlias(node)) return `an alias (*${node.source})`
  if (!isScalar(node) || node.value === null) return 'nothing'
  const value = node.value
  if (value instanceof Date) return 'a YAML timestamp'
  if (typeof value === 'string') return `the text ${shown(value)}`
  return `the ${typeof value} ${shown(value)}`
}

/** Where one id is expected, a list could be read as "any of these" or "only the first": one per waiver. */
const ONE_PER_WAIVER: readonly WaiverKey[] = ['control', 'account', 'resource', 'region']

/** Checks one key's value and returns it as the trimmed, non-empty text it must be. */
function textValue(key: WaiverKey, node: Node | null, line: number, fail: Fail): string {
  if (key === 'expires') return dayValue(node, line, fail)
  const empty = (): never =>
    fail(
      line,
      `'${key}' is empty${REQUIRED[key] ? ` (${REQUIRED[key]})` : '; give it a value or remove the key'}`
    )
  if (!node || (isScalar(node) && node.value === null)) empty()
  if (isAlias(node)) fail(line, `'${key}' uses an alias (*${node.source}); write the value itself`)
  if (isSeq(node) && ONE_PER_WAIVER.includes(key)) {
    fail(line, `'${key}' must be a single value, found a list; write one waiver per ${key}`)
  }
  if (!isScalar(node)) {
    fail(line, `'${key}' must be text, found ${describe(node)}; if it is meant as text, quote it`)
  }
  if (typeof node.value !== 'string') {
    // YAML reads 123, 1.0 and true as a number and a boolean: an id that looks like one is quoted
    const source = typeof node.source === 'string' ? node.source : String(node.value)
    fail(line, `'${key}' must be text, found ${describe(node)}; quote it: ${key}: "${plain(source, 80)}"`)
  }
  const trimmed = node.value.trim()
  if (trimmed === '') empty()
  return trimmed
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar day written YYYY-MM-DD: `2026-02-30` and `2026-13-01` are not. */
function dayValue(node: Node | null, line: number, fail: Fail): string {
  if (!node || (isScalar(node) && node.value === null)) {
    fail(line, `'expires' is empty (${REQUIRED.expires})`)
  }
  if (isScalar(node) && node.value instanceof Date) {
    // only a `!!timestamp` tag or a `%YAML 1.1` file makes one; the core schema keeps days as text
    fail(
      line,
      `'expires' must be a day written YYYY-MM-DD, found a YAML timestamp; quote it: expires: "2026-12-31"`
    )
  }
  if (!isScalar(node) || typeof node.value !== 'string') {
    fail(line, `'expires' must be a day written YYYY-MM-DD, found ${describe(node)}`)
  }
  const text = node.value.trim()
  const match = DAY.exec(text)
  if (!match) fail(line, `'expires' must be a day written YYYY-MM-DD, found ${shown(text)}`)
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    fail(line, `'expires' is ${text}, which is not a real day`)
  }
  return text
}

/** The key of a pair as a name, or undefined when it is not plain text (a list, a mapping, nothing). */
function keyName(pair: Pair): string | undefined {
  return isScalar(pair.key) && pair.key.value !== null && typeof pair.key.value !== 'object'
    ? String(pair.key.value)
    : undefined
}

/** A key for "unknown …": its name, or what it is when it is not a name. */
function keyShown(name: string | undefined, pair: Pair): string {
  return name === undefined ? `key (${describe(pair.key as Node | null)})` : `key ${shown(name)}`
}

/** The key yaml found twice: its error points at the second occurrence. */
function duplicateKeyAt(doc: Document.Parsed, offset: number): string | undefined {
  let name: string | undefined
  visit(doc, {
    Pair(_, pair) {
      if ((pair.key as Node | null)?.range?.[0] === offset) {
        name = keyName(pair)
        return visit.BREAK
      }
    }
  })
  return name
}

/**
 * Parses the waiver file strictly (contract §10). Any problem throws an input error naming the
 * file and the line: `Waiver file <file> line <n>: <problem>`. A misspelt key must never make a
 * waiver broader or permanent, so nothing unknown is skipped.
 */
export function parseWaivers(text: string, file: string): Waiver[] {
  const fail: Fail = (line, problem) => {
    throw new ActionError('input', `Waiver file ${plain(file, 200)} line ${line}: ${problem}`)
  }
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const lineOf = (offset: number | undefined): number =>
    offset === undefined ? 1 : lines.linePos(offset).line
  const nodeLine = (node: unknown): number => lineOf((node as Node | null | undefined)?.range?.[0])

  // warnings too: an unresolved tag would otherwise quietly become text
  const problem = doc.errors[0] ?? doc.warnings[0]
  if (problem) {
    const line = lineOf(problem.pos[0])
    if (problem.code === 'DUPLICATE_KEY') {
      const name = duplicateKeyAt(doc, problem.pos[0])
      fail(line, `${name === undefined ? 'a key' : shown(name)} appears twice in one mapping; keep one`)
    }
    // yaml's own advice for this one is for programmers ("use parseAllDocuments")
    const what =
      problem.code === 'MULTIPLE_DOCS'
        ? 'the file holds more than one YAML document (---); keep one'
        : problem.message
    fail(line, `not valid YAML: ${plain(what, 200)}`)
  }

  const root = doc.contents
  const shape = "it must be a mapping with one key, 'waivers:', followed by a list of entries"
  if (!root || (isScalar(root) && root.value === null)) {
    fail(1, `the file is empty; ${shape} (write 'waivers: []' for none)`)
  }
  if (isSeq(root)) fail(nodeLine(root), `the file is a list; ${shape}: put 'waivers:' above the entries`)
  if (!isMap(root)) fail(nodeLine(root), `the file holds ${describe(root)}; ${shape}`)

  let list: Node | null | undefined
  let listLine = 1
  for (const pair of root.items) {
    const name = keyName(pair)
    if (name !== 'waivers') {
      const found = keyShown(name, pair)
      fail(
        nodeLine(pair.key),
        `unknown ${found} at the top level${suggestion(name, TOP_LEVEL_KEYS)}; ${shape}`
      )
    }
    list = pair.value as Node | null
    listLine = nodeLine(pair.key)
  }
  if (list === undefined) fail(nodeLine(root), `there is no 'waivers:' key; ${shape}`)
  if (!list || (isScalar(list) && list.value === null)) {
    fail(listLine, `'waivers' is empty; list entries under it, or write 'waivers: []' for none`)
  }
  if (isAlias(list)) fail(listLine, `'waivers' uses an alias (*${list.source}); write the entries themselves`)
  if (!isSeq(list)) {
    fail(listLine, `'waivers' must be a list of entries (each starting with '- '), found ${describe(list)}`)
  }

  return list.items.map((item, index) => {
    const entry = item as Node | null
    const line = nodeLine(entry)
    if (!isMap(entry)) {
      const found = !entry || (isScalar(entry) && entry.value === null) ? 'nothing' : describe(entry)
      fail(
        line,
        `entry ${index + 1} of 'waivers' must be a mapping of ${WAIVER_KEYS.join(', ')}; found ${found}`
      )
    }
    const fields: Partial<Record<WaiverKey, string>> = {}
    for (const pair of entry.items) {
      const name = keyName(pair)
      const keyLine = nodeLine(pair.key)
      if (name === undefined || !(WAIVER_KEYS as readonly string[]).includes(name)) {
        const found = keyShown(name, pair)
        fail(
          keyLine,
          `unknown ${found} in a waiver${suggestion(name, WAIVER_KEYS)}; the keys are: ${WAIVER_KEYS.join(', ')}`
        )
      }
      const key = name as WaiverKey
      fields[key] = textValue(key, pair.value as Node | null, keyLine, fail)
    }
    const subject = fields.control ? `the waiver for ${shown(fields.control)}` : 'the waiver'
    for (const [key, what] of Object.entries(REQUIRED)) {
      if (fields[key as WaiverKey] === undefined) fail(line, `${subject} has no '${key}' (${what})`)
    }
    const waiver: Waiver = {
      control: fields.control!,
      reason: fields.reason!,
      expires: fields.expires!,
      line
    }
    for (const key of ['account', 'resource', 'region', 'owner'] as const) {
      if (fields[key] !== undefined) waiver[key] = fields[key]
    }
    return waiver
  })
}

/** Reads and parses the waiver file; a file that cannot be read is an input error naming it. */
export async function loadWaivers(file: string): Promise<Waiver[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${plain(errorMessage(err), 200)})`
    throw new ActionError('input', `Waiver file ${plain(file, 200)} ${why}; check the waivers input`)
  }
  return parseWaivers(text, file)
}

export interface WaiverStatus {
  active: Waiver[]
  expired: Waiver[]
  /** Active waivers whose last day is at most EXPIRY_WARNING_DAYS days after today (UTC). */
  expiringSoon: Waiver[]
}

/** 00:00 UTC of the day a YYYY-MM-DD names, in epoch ms. */
function dayStart(day: string): number {
  const [year, month, date] = day.split('-').map(Number)
  return Date.UTC(year, month - 1, date)
}

/**
 * `expires` holds through the END of that day in UTC: active while now < (expires + 1 day at 00:00Z).
 * Expiring soon counts whole UTC days, so the warning does not come and go with the hour of the run.
 */
export function waiverStatus(waivers: Waiver[], now: Date): WaiverStatus {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS
  const status: WaiverStatus = { active: [], expired: [], expiringSoon: [] }
  for (const waiver of waivers) {
    const lastDay = dayStart(waiver.expires)
    if (now.getTime() >= lastDay + DAY_MS) {
      status.expired.push(waiver)
      continue
    }
    status.active.push(waiver)
    if ((lastDay - today) / DAY_MS <= EXPIRY_WARNING_DAYS) status.expiringSoon.push(waiver)
  }
  return status
}

export interface WaiverOutcome {
  /** Failed controls that active waivers cover entirely. */
  waived: Control[]
  /** Every other failed control, with what still counts (uncovered findings and their severity). */
  counted: CountedControl[]
  /** Active waivers that matched at least one failed control's finding (or whole control). */
  used: Waiver[]
  /** Active waivers that matched nothing. */
  unused: Waiver[]
}

/**
 * Ids are compared exactly, case included: Conformity rule ids (S3-001) and Cloudneeti policy
 * ids are fixed strings the report shows, and a waiver that misses by case is listed as unused
 * rather than quietly covering something it was not written for.
 */
const coversControl = (waiver: Waiver, control: Control, accountId: string): boolean =>
  waiver.control === control.id && (waiver.account === undefined || waiver.account === accountId)

const isWholeControl = (waiver: Waiver): boolean =>
  waiver.resource === undefined && waiver.region === undefined

const coversFinding = (waiver: Waiver, finding: Finding): boolean =>
  (waiver.resource === undefined || waiver.resource === finding.resource) &&
  (waiver.region === undefined || waiver.region === finding.region)

/**
 * Applies the ACTIVE waivers to one account's failed controls. A control is waived when every
 * finding is covered; a control without findings only by a waiver naming neither resource nor
 * region. A partly covered control counts with its uncovered findings, at the highest of their
 * severities (a finding without its own severity takes the control's).
 */
export function applyWaivers(
  accountId: string,
  failed: Control[],
  active: Waiver[],
  scale: SeverityScale
): WaiverOutcome {
  const outcome: WaiverOutcome = { waived: [], counted: [], used: [], unused: [] }
  const used = new Set<Waiver>()

  for (const control of failed) {
    const matching = active.filter(w => coversControl(w, control, accountId))
    const findings = control.findings ?? []

    if (findings.length === 0) {
      const whole = matching.filter(isWholeControl)
      whole.forEach(w => used.add(w))
      if (whole.length) outcome.waived.push(control)
      else outcome.counted.push(countedWhole(control))
      continue
    }

    const uncovered = findings.filter(finding => {
      const covering = matching.filter(w => coversFinding(w, finding))
      covering.forEach(w => used.add(w))
      return covering.length === 0
    })
    if (uncovered.length === 0) outcome.waived.push(control)
    else if (uncovered.length === findings.length) outcome.counted.push(countedWhole(control))
    else outcome.counted.push(countedPart(control, uncovered, scale))
  }

  for (const waiver of active) (used.has(waiver) ? outcome.used : outcome.unused).push(waiver)
  return outcome
}

function countedWhole(control: Control): CountedControl {
  return {
    control,
    findings: control.findings,
    severity: control.severity,
    severityRank: control.severityRank
  }
}

function countedPart(control: Control, uncovered: Finding[], scale: SeverityScale): CountedControl {
  let severity = control.severity
  let severityRank = -1
  for (const finding of uncovered) {
    const [name, rank] =
      finding.severity === undefined
        ? [control.severity, control.severityRank]
        : [finding.severity, gateRank(scale, finding.severity).rank]
    if (rank > severityRank) [severity, severityRank] = [name, rank]
  }
  return { control, findings: uncovered, severity, severityRank }
}
