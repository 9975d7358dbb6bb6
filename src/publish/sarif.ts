import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ACTION_NAME, ACTION_VERSION, Output } from '../constants.js'
import type { CountedControl } from '../gate.js'
import type { LocatedSource, Locator } from '../iac.js'
import type { AccountOutcome, Outcome } from '../outcome.js'
import type { Control, Finding } from '../providers/types.js'
import { severityKey } from '../severity.js'
import { plain, redactDeep } from '../text.js'
import type { Sink } from './sink.js'

/**
 * SARIF 2.1.0 for GitHub code scanning (contract §11): one run per account, one rule per failed
 * control, one result per finding that counts against the gate. GitHub refuses a whole file for
 * one bad result, so every result has a relative location and a fingerprint of its own.
 */

export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'
/**
 * The action's Marketplace page, whose slug GitHub derives from the action's name. It names the
 * action without depending on where its repository lives or which fork runs it.
 */
export const INFORMATION_URI = 'https://github.com/marketplace/actions/cspm-compliance-gate'
/** GitHub refuses a run with more results than this (and shows the 5,000 most severe). */
export const MAX_RESULTS_PER_RUN = 25_000
/** GitHub refuses an upload with more runs than this: with more accounts, upload per account. */
export const MAX_RUNS_PER_FILE = 20
/** A severity the provider does not know counts as critical (fail closed), as it does in the gate. */
export const UNKNOWN_SECURITY_SEVERITY = '9.5'

type Level = 'error' | 'warning'

export interface SarifRule {
  id: string
  name: string
  shortDescription: { text: string }
  fullDescription: { text: string }
  help: { text: string }
  helpUri?: string
  defaultConfiguration: { level: Level }
  properties: { tags: string[]; 'security-severity': string; severity: string }
}

export interface SarifResult {
  ruleId: string
  ruleIndex: number
  level: Level
  message: { text: string }
  locations: {
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }
    logicalLocations?: { name?: string; fullyQualifiedName: string; kind: string }[]
  }[]
  partialFingerprints: { primaryLocationLineHash: string }
  properties: Record<string, string>
}

export interface SarifNotification {
  level: 'error' | 'warning' | 'note'
  message: { text: string }
}

export interface SarifRun {
  tool: {
    driver: {
      name: string
      version: string
      semanticVersion: string
      informationUri: string
      rules: SarifRule[]
    }
  }
  automationDetails: { id: string }
  invocations: {
    executionSuccessful: boolean
    startTimeUtc?: string
    endTimeUtc?: string
    toolExecutionNotifications?: SarifNotification[]
  }[]
  /** Always present (upload-sarif refuses a run without it); empty for an account that errored. */
  results: SarifResult[]
  properties: Record<string, string | number | null>
}

export interface SarifLog {
  $schema: string
  version: '2.1.0'
  runs: SarifRun[]
}

/**
 * One line of text from the API for a SARIF message. Not `plain()`: the file is no log, so there
 * is no workflow command to defuse, and spacing out `::` would corrupt every ARN in it.
 */
function oneLine(text: unknown, max: number): string {
  const s = String(text ?? '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}

/** A URI path segment: percent-encoded (a `/` or `:` in an id included), never a dot-segment. */
function uriSegment(value: string): string {
  const encoded = encodeURIComponent(value || 'unknown')
  return encoded === '.' ? '%2E' : encoded === '..' ? '%2E%2E' : encoded
}

/** `cspm/<provider>/<account>/<control>`: relative, no scheme, so GitHub never reads an ARN as one. */
export function syntheticUri(provider: string, account: string, control: string): string {
  return ['cspm', provider, account, control].map(uriSegment).join('/')
}

/** A workspace-relative path as a relative URI reference (spaces and the like percent-encoded). */
function fileUri(relative: string): string {
  return relative.split('/').map(uriSegment).join('/')
}

/**
 * Stable across runs for the same provider, account, control and resource, and independent of
 * the line, so moving a declaration in the IaC does not open a new alert.
 */
export function fingerprint(
  provider: string,
  account: string,
  control: string,
  finding: Finding | undefined
): string {
  const key = [provider, account, control, finding?.region ?? '', finding?.resource ?? ''].join('\0')
  return `${createHash('sha256').update(key).digest('hex').slice(0, 16)}:1`
}

/** GitHub's band for a severity: the provider's table (matched as the contract matches names), else critical. */
function securitySeverity(outcome: Outcome, provider: string, severity: string): string {
  const known = outcome.run.securitySeverity?.[provider] ?? {}
  const key = severityKey(severity)
  const value = Object.entries(known).find(([name]) => severityKey(name) === key)?.[1]
  const n = Number(value)
  return value !== undefined && value.trim() !== '' && n > 0 && n <= 10 ? value : UNKNOWN_SECURITY_SEVERITY
}

function levelFor(outcome: Outcome, rank: number): Level {
  const threshold = outcome.run.policy?.failOnSeverity
  return threshold && rank >= threshold.rank ? 'error' : 'warning'
}

/** An http(s) link the schema's `uri` format accepts, or undefined. */
function httpUri(link: string | undefined): string | undefined {
  if (!link) return undefined
  try {
    const url = new URL(link)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined
  } catch {
    return undefined
  }
}

const byRankThenId = (a: { rank: number; id: string }, b: { rank: number; id: string }): number =>
  b.rank - a.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

function rule(
  outcome: Outcome,
  provider: string,
  label: string,
  benchmark: string | undefined,
  c: Control
): SarifRule {
  const title = oneLine(c.title, 1000) || c.id
  const severity = oneLine(c.severity, 50)
  const link = httpUri(c.link)
  const about = `${label} control ${c.id}, severity ${severity}${c.service ? `, service ${c.service}` : ''}`
  const tags = [
    'security',
    'cspm',
    provider,
    ...(benchmark ? [benchmark] : []),
    ...(c.service ? [c.service] : []),
    ...(c.category ? [c.category] : [])
  ].map(t => oneLine(t, 100))
  return {
    id: c.id,
    name: oneLine(title, 255),
    shortDescription: { text: oneLine(title, 1024) },
    fullDescription: { text: oneLine(`${title} (${about})`, 1024) },
    help: {
      text: oneLine(
        `${title.replace(/[.\s]+$/, '')}. ${label} reports this control as failed (${about}). Fix the resources the results ` +
          `name, or accept the risk with a waiver that expires.${link ? ` More: ${link}` : ''}`,
        4000
      )
    },
    ...(link ? { helpUri: link } : {}),
    defaultConfiguration: { level: levelFor(outcome, c.severityRank) },
    properties: {
      tags: [...new Set(tags.filter(Boolean))].slice(0, 20),
      'security-severity': securitySeverity(outcome, provider, c.severity),
      severity
    }
  }
}

function message(label: string, counted: CountedControl, finding: Finding | undefined): string {
  const c = counted.control
  const head = `${label} control ${c.id} failed: ${oneLine(c.title, 1000) || c.id}.`
  const severity = `Severity ${oneLine(finding?.severity ?? counted.severity, 50)}.`
  if (!finding) {
    const items = c.failedItems ? `${c.failedItems} failing resource(s); ` : ''
    return `${head} ${items}the service did not list the resources. ${severity}`
  }
  const name = finding.name && finding.name !== finding.resource ? ` (${oneLine(finding.name, 500)})` : ''
  const region = finding.region ? ` in region ${oneLine(finding.region, 100)}` : ''
  return `${head} Resource ${oneLine(finding.resource, 2000)}${name}${region}. ${severity}`
}

function result(
  outcome: Outcome,
  ids: { provider: string; account: string; label: string },
  ruleIndex: number,
  counted: CountedControl,
  finding: Finding | undefined,
  where: LocatedSource
): SarifResult {
  const c = counted.control
  const physicalLocation = where.iac
    ? { artifactLocation: { uri: fileUri(where.path) }, region: { startLine: where.line } }
    : { artifactLocation: { uri: syntheticUri(ids.provider, ids.account, c.id) }, region: { startLine: 1 } }
  const logical = finding?.resource
    ? [
        {
          ...(finding.name ? { name: oneLine(finding.name, 500) } : {}),
          fullyQualifiedName: oneLine(finding.resource, 2000),
          kind: 'resource'
        }
      ]
    : undefined
  return {
    ruleId: c.id,
    ruleIndex,
    level: levelFor(outcome, counted.severityRank),
    message: { text: message(ids.label, counted, finding) },
    locations: [{ physicalLocation, ...(logical ? { logicalLocations: logical } : {}) }],
    partialFingerprints: { primaryLocationLineHash: fingerprint(ids.provider, ids.account, c.id, finding) },
    properties: {
      provider: ids.provider,
      account: ids.account,
      control: c.id,
      severity: oneLine(finding?.severity ?? counted.severity, 50),
      ...(finding ? { resource: finding.resource, region: finding.region } : {})
    }
  }
}

function invocationTimes(outcome: Outcome): { startTimeUtc?: string; endTimeUtc?: string } {
  const start = new Date(outcome.startedAt)
  const end = new Date(outcome.startedAt + outcome.durationMs)
  return Number.isFinite(start.getTime()) && Number.isFinite(end.getTime())
    ? { startTimeUtc: start.toISOString(), endTimeUtc: end.toISOString() }
    : {}
}

function accountRun(
  run: Outcome,
  account: AccountOutcome | undefined,
  category: string,
  locator: Locator
): SarifRun {
  // each account keeps the policy it was judged with (in aggregate mode, each report's own)
  const outcome = account?.policy ? { ...run, run: { ...run.run, policy: account.policy } } : run
  const report = account?.report
  const provider = report?.provider ?? outcome.run.provider?.id ?? 'unknown'
  const accountId = report?.accountId ?? account?.accountId ?? 'unknown'
  const label =
    account?.providerLabel ?? (outcome.run.provider?.id === provider ? outcome.run.provider.label : provider)
  const benchmark = report?.benchmark.id ?? outcome.run.benchmark
  const gate = account?.gate
  const notifications: SarifNotification[] = []
  const rules: SarifRule[] = []
  const results: SarifResult[] = []

  // An account that errored has no results to trust: an empty run marked unsuccessful, which
  // GitHub does not read as "every alert fixed".
  const succeeded = !!account && account.result !== 'error' && !!report && !!gate
  if (!succeeded) {
    const why = account?.reason || outcome.reason || 'the results could not be evaluated'
    notifications.push({ level: 'error', message: { text: plain(why, 2000) } })
  } else {
    const controls = new Map<string, Control>()
    for (const c of [...gate.failedControls, ...gate.counted.map(cc => cc.control)])
      if (!controls.has(c.id)) controls.set(c.id, c)
    const ordered = [...controls.values()].sort((a, b) =>
      byRankThenId({ rank: a.severityRank, id: a.id }, { rank: b.severityRank, id: b.id })
    )
    const index = new Map<string, number>()
    for (const c of ordered) {
      index.set(c.id, rules.length)
      rules.push(rule(outcome, provider, label, benchmark, c))
    }
    const counted = [...gate.counted].sort((a, b) =>
      byRankThenId({ rank: a.severityRank, id: a.control.id }, { rank: b.severityRank, id: b.control.id })
    )
    const ids = { provider, account: accountId, label }
    let total = 0
    for (const cc of counted) {
      const findings: (Finding | undefined)[] = cc.findings?.length ? cc.findings : [undefined]
      for (const finding of findings) {
        total++
        if (results.length >= MAX_RESULTS_PER_RUN) continue
        const where = finding ? locator.locate(finding) : locator.fallback
        results.push(result(outcome, ids, index.get(cc.control.id)!, cc, finding, where))
      }
    }
    if (total > results.length)
      notifications.push({
        level: 'warning',
        message: {
          text:
            `${total - results.length} of ${total} results were left out, the least severe first: ` +
            `GitHub accepts at most ${MAX_RESULTS_PER_RUN} per run. The report file lists every finding.`
        }
      })
  }
  if (outcome.error && account)
    notifications.push({ level: 'error', message: { text: plain(outcome.reason, 2000) } })

  return {
    tool: {
      driver: {
        name: ACTION_NAME,
        version: ACTION_VERSION,
        semanticVersion: ACTION_VERSION,
        informationUri: INFORMATION_URI,
        rules
      }
    },
    automationDetails: { id: category },
    invocations: [
      {
        executionSuccessful: succeeded,
        ...invocationTimes(outcome),
        ...(notifications.length ? { toolExecutionNotifications: notifications } : {})
      }
    ],
    results,
    properties: {
      provider,
      account: accountId,
      benchmark: benchmark ?? null,
      result: account?.result ?? outcome.result,
      score: report ? report.score : null
    }
  }
}

/** `cspm/<provider>/<account>/`, made unique should two runs share one (GitHub refuses that). */
function categories(outcome: Outcome, accounts: (AccountOutcome | undefined)[]): string[] {
  const seen = new Set<string>()
  return accounts.map(account => {
    const provider = account?.report?.provider ?? outcome.run.provider?.id ?? 'unknown'
    const id = account?.report?.accountId ?? account?.accountId ?? 'unknown'
    let category = `cspm/${provider}/${id}/`
    for (let n = 2; seen.has(category); n++) category = `cspm/${provider}/${id}-${n}/`
    seen.add(category)
    return category
  })
}

/**
 * The SARIF log of an outcome. A run per account; with no account at all (an input error), one
 * unsuccessful run that says why, since GitHub refuses a file with no run.
 */
export function sarifDocument(outcome: Outcome, locator: Locator): SarifLog {
  const accounts: (AccountOutcome | undefined)[] = outcome.accounts.length ? outcome.accounts : [undefined]
  const ids = categories(outcome, accounts)
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: accounts.map((account, i) => accountRun(outcome, account, ids[i], locator))
  }
}

/**
 * Writes `run.sarifPath` whatever the result, and sets the `sarif-path` output to its absolute
 * path; without a `sarif-path` it writes nothing and sets the output empty. Not required: a SARIF
 * file that cannot be written is a warning, and the verdict stands.
 */
export function sarifSink(locator: Locator): Sink {
  return {
    name: 'SARIF file',
    async write(outcome) {
      const file = outcome.run.sarifPath
      if (!file) return
      const absolute = path.resolve(file)
      const log = redactDeep(sarifDocument(outcome, locator))
      await mkdir(path.dirname(absolute), { recursive: true })
      await writeFile(absolute, `${JSON.stringify(log, null, 2)}\n`, 'utf8')
      if (log.runs.length > MAX_RUNS_PER_FILE)
        core.warning(
          `The SARIF file has ${log.runs.length} runs (one per account); GitHub code scanning accepts at ` +
            `most ${MAX_RUNS_PER_FILE} per upload, so gate at most ${MAX_RUNS_PER_FILE} accounts per SARIF file.`
        )
      return { [Output.sarifPath]: absolute }
    }
  }
}
