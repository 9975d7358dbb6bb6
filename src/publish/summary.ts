import { appendFile } from 'node:fs/promises'
import { EOL } from 'node:os'
import { countedMostSevereFirst, type RuleResult } from '../gate.js'
import { decisionFor, type AccountOutcome, type Outcome } from '../outcome.js'
import type { Control } from '../providers/types.js'
import { formatScore } from '../score.js'
import { mostSevereFirst } from '../severity.js'
import { markdown } from '../text.js'
import { waiverScope, type Waiver } from '../waivers.js'
import { code, trimMarkdown } from './markdown.js'
import type { Sink } from './sink.js'

/** GitHub caps a step summary at 1 MiB: stay inside it, with room for other steps' summaries. */
const SUMMARY_BUDGET_BYTES = 1024 * 1024 - 64 * 1024
/** Failed controls listed in the summary; the report file has them all. */
export const SUMMARY_MAX_ROWS = 100

const HEADLINE: Record<Outcome['result'], string> = {
  pass: '✅ Compliance gate passed',
  fail: '❌ Compliance gate failed',
  error: '⚠️ Compliance gate could not evaluate the results'
}

const RULE_LABEL: Record<RuleResult['rule'], string> = {
  'min-score': 'Score at least min-score',
  'fail-on-severity': 'No failed control at fail-on-severity or higher',
  'max-failures': 'Failed controls at most max-failures',
  'max-score-drop': 'Score drop at most max-score-drop'
}

// Links only to the services' own sites: a link from an answer could otherwise point anywhere.
const SERVICE_HOSTS = /(^|\.)(cloudconformity\.com|trendmicro\.com|cloudneeti\.com|zscaler\.com)$/i

/** The control's title, linked to the service's page about it when that page is on the service's site. */
export function controlTitle(control: Control): string {
  const title = markdown(control.title, 200)
  if (!control.link) return title
  try {
    const url = new URL(control.link)
    if (url.protocol !== 'https:' || !SERVICE_HOSTS.test(url.hostname) || url.username || url.password)
      return title
    // percent-encode what could end the link target early or break out of the table cell
    const href = url.href.replace(/[()<>|\s"'`\\]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    return `[${title}](${href})`
  } catch {
    return title
  }
}

/** A failed control's failing resources: inline when few, collapsed when many. */
function resourceCell(control: Control): string {
  const findings = control.findings
  if (findings === undefined) {
    return control.failedItems === undefined
      ? ''
      : `${control.failedItems}${control.totalItems === undefined ? '' : ` of ${control.totalItems}`}`
  }
  const shown = findings.map(
    f => `${markdown(f.name ?? f.resource, 120)}${f.region ? ` (${markdown(f.region, 40)})` : ''}`
  )
  if (shown.length <= 3) return shown.join(', ')
  const listed = shown.slice(0, 50).join('<br>')
  const more = shown.length > 50 ? `<br>…and ${shown.length - 50} more in the report file` : ''
  return `<details><summary>${shown.length} resources</summary>${listed}${more}</details>`
}

/** The failed controls, grouped by severity, most severe first, each with its failing resources. */
function failedControlsSection(failed: Control[], waived: ReadonlySet<string>): string[] {
  const sorted = [...failed].sort(mostSevereFirst)
  const lines: string[] = []
  let listed = 0
  for (const severity of [...new Set(sorted.map(c => c.severity))]) {
    const group = sorted.filter(c => c.severity === severity)
    const room = Math.max(0, SUMMARY_MAX_ROWS - listed)
    if (room === 0) break
    lines.push(
      `#### ${markdown(severity, 40)} (${group.length})`,
      '',
      '| Control | Title | Failing resources |',
      '|---|---|---|'
    )
    for (const c of group.slice(0, room)) {
      const note = waived.has(c.id) ? ' *(waived)*' : ''
      lines.push(`| ${code(c.id)}${note} | ${controlTitle(c)} | ${resourceCell(c)} |`)
    }
    listed += Math.min(group.length, room)
    lines.push('')
  }
  if (failed.length > listed)
    lines.push(`…and ${failed.length - listed} more failed controls in the report file.`, '')
  return lines
}

/** A Mermaid pie of what was evaluated: controls, or for Conformity (which lists failed rules only) checks. */
function pie(account: AccountOutcome): string[] {
  const report = account.report
  if (!report) return []
  const slices: [string, number][] = report.checks
    ? [
        ['Passed checks', report.checks.success],
        ['Failed checks', report.checks.failure]
      ]
    : [
        ['Passed', report.controls.filter(c => c.status === 'passed').length],
        ['Failed', report.controls.filter(c => c.status === 'failed').length],
        ['Not applicable', report.controls.filter(c => c.status === 'not-applicable').length]
      ]
  if (slices.every(([, n]) => n === 0)) return []
  // only our own labels and numbers go into the diagram: no text from the service
  return [
    '```mermaid',
    `pie showData title ${report.checks ? 'Checks' : 'Controls'}`,
    ...slices.map(([label, n]) => `    "${label}" : ${n}`),
    '```',
    ''
  ]
}

function ruleRows(rules: RuleResult[], gateOn: 'all' | 'new'): string[] {
  const rows = ['| Rule | Threshold | Actual | |', '|---|---|---|---|']
  for (const r of rules) {
    // with gate-on new the count rules count regressions only: say so
    const label =
      gateOn === 'new'
        ? RULE_LABEL[r.rule].replace('ailed control', 'ailed control new since the baseline')
        : RULE_LABEL[r.rule]
    rows.push(
      `| ${label} | ${markdown(String(r.threshold))} | ${r.actual} | ${r.passed ? '✅ passed' : '❌ failed'} |`
    )
  }
  return rows
}

function findingList(findings: { resource: string; region: string }[] | undefined): string {
  if (!findings?.length) return ''
  const shown = findings
    .slice(0, 5)
    .map(f => `${markdown(f.resource, 120)}${f.region ? ` (${markdown(f.region, 40)})` : ''}`)
  return `${shown.join(', ')}${findings.length > 5 ? `, …and ${findings.length - 5} more` : ''}`
}

function comparisonSection(account: AccountOutcome): string[] {
  const c = account.comparison
  if (!c) return []
  const base = c.baseline
  const source = base.source === 'previous' ? 'the results before this scan' : code(base.source, 200)
  const lines = [
    `**Compared with** ${source}${base.scannedAt ? ` (scanned ${markdown(base.scannedAt, 40)})` : ''}`,
    ''
  ]
  lines.push('| | |', '|---|---|')
  lines.push(
    `| Baseline score | ${base.score === null ? 'none (no results yet)' : formatScore(base.score)} |`
  )
  const change =
    c.scoreChange === null ? 'n/a' : `${c.scoreChange > 0 ? '+' : ''}${formatScore(c.scoreChange)}`
  lines.push(`| Score change | ${change} |`)
  lines.push(`| New failures (regressions) | ${c.regressions.length} |`)
  lines.push(`| Fixed controls | ${c.fixed.length} |`, '')
  if (c.regressions.length) {
    lines.push('| Severity | Control | Title | New failing resources |', '|---|---|---|---|')
    for (const r of countedMostSevereFirst(c.regressions).slice(0, SUMMARY_MAX_ROWS)) {
      const what = r.newlyFailed ? 'newly failed' : findingList(r.findings)
      lines.push(
        `| ${markdown(r.severity, 40)} | ${code(r.control.id)} | ${markdown(r.control.title, 200)} | ${what} |`
      )
    }
    lines.push('')
  }
  if (c.fixed.length) {
    const fixed = c.fixed.slice(0, SUMMARY_MAX_ROWS).map(f => `${code(f.id)} ${markdown(f.title, 120)}`)
    lines.push(`Fixed: ${fixed.join('; ')}${c.fixed.length > SUMMARY_MAX_ROWS ? '; …' : ''}`, '')
  }
  return lines
}

function waiverLine(w: Waiver): string {
  const scope = waiverScope(w)
  const owner = w.owner ? `, owner ${w.owner}` : ''
  return `- ${code(w.control)}${scope ? ` (${markdown(scope, 200)})` : ''}: expires ${markdown(w.expires, 12)}${markdown(owner, 80)} — ${markdown(w.reason, 200)}`
}

function waiverSection(outcome: Outcome, account: AccountOutcome): string[] {
  const run = outcome.run.waivers
  const effect = account.waivers
  if (!run || !effect) return []
  const lines = [
    `**Waivers** (${code(run.file, 200)}): ${effect.waived.length} failed control${effect.waived.length === 1 ? '' : 's'} waived`,
    ''
  ]
  if (effect.waived.length) {
    lines.push(`Waived (still failed, not counted): ${effect.waived.map(c => code(c.id)).join(', ')}`, '')
  }
  for (const [title, list] of [
    ['Expired (ignored)', run.expired],
    ['Expiring within 14 days', run.expiringSoon],
    ['Unused (matched no failed control)', effect.unused]
  ] as const) {
    if (list.length) lines.push(`${title}:`, '', ...list.map(waiverLine), '')
  }
  return lines
}

/** One account's verdict: the table of facts, the rules, the baseline and waivers, why, notes. */
export function accountSummary(outcome: Outcome, account: AccountOutcome): string[] {
  const { report, gate } = account
  const policy = outcome.run.policy
  const lines: string[] = ['| | |', '|---|---|']
  lines.push(`| Result | **${account.result}** |`)
  lines.push(`| Decision | **${decisionFor(account.result)}** |`)
  const minScore = policy ? ` (min-score ${policy.minScore})` : ''
  lines.push(`| Score | ${report ? `${formatScore(report.score)}${minScore}` : 'not available'} |`)
  if (report) {
    const failed = gate?.failedControls.length ?? 0
    const limit = policy?.maxFailures != null ? ` (max-failures ${policy.maxFailures})` : ''
    lines.push(`| Failed controls | ${failed}${limit} |`)
    if (report.checks)
      lines.push(`| Checks | ${report.checks.success} passed, ${report.checks.failure} failed |`)
  }
  if (policy)
    lines.push(`| Fail on severity | ${markdown(policy.failOnSeverity?.name ?? 'none')} and higher |`)
  const provider = outcome.run.provider
  if (provider)
    lines.push(`| Provider | ${provider.label}${outcome.run.mode ? `, mode ${outcome.run.mode}` : ''} |`)
  const id = report?.accountId ?? account.accountId
  if (id) lines.push(`| Account | ${markdown(report?.accountName ? `${report.accountName} (${id})` : id)} |`)
  const benchmark = report?.benchmark.name ?? report?.benchmark.id ?? outcome.run.benchmark
  if (benchmark) lines.push(`| Benchmark | ${markdown(benchmark)} |`)
  const scanId = report?.scanId ?? account.scanId
  if (scanId) lines.push(`| Scan job | ${markdown(scanId)} |`)
  lines.push('')

  if (gate?.rules.length) lines.push('**Rules**', '', ...ruleRows(gate.rules, policy?.gateOn ?? 'all'), '')
  lines.push(...comparisonSection(account), ...waiverSection(outcome, account))
  if (account.result === 'fail' && gate) {
    lines.push('**Why the gate failed:**', '')
    for (const reason of gate.reasons) lines.push(`- ${markdown(reason)}`)
    lines.push('')
  }
  if (account.error) {
    lines.push(
      `**Error** (${account.error.kind}, while trying to ${markdown(account.phase)}): ${markdown(account.reason, 1000)}`,
      ''
    )
  }
  for (const note of report?.notes ?? []) lines.push(`> ${markdown(note)}`, '')
  return lines
}

/** One account's failed controls: the pie, then the controls by severity with their resources. */
export function failedControlsMarkdown(account: AccountOutcome): string[] {
  const failed = account.gate?.failedControls ?? []
  const waivedIds = new Set(account.waivers?.waived.map(c => c.id))
  const lines = [...pie(account)]
  if (failed.length) {
    lines.push(`### Failed controls (${failed.length})`, '', ...failedControlsSection(failed, waivedIds))
  }
  return lines
}

const ORDER: Record<AccountOutcome['result'], number> = { error: 0, fail: 1, pass: 2 }

/** Worst first: errors, then failures, then passes; within each, the lowest score first. */
function worstFirst(a: AccountOutcome, b: AccountOutcome): number {
  return (
    ORDER[a.result] - ORDER[b.result] ||
    (a.report?.score ?? -1) - (b.report?.score ?? -1) ||
    (a.accountId ?? '').localeCompare(b.accountId ?? '')
  )
}

/** One row per account: the table a many-account summary opens with. */
function accountRows(outcome: Outcome, accounts: AccountOutcome[]): string[] {
  const rows = [
    '| Account | Provider | Result | Score | Failed controls | Why |',
    '|---|---|---|---|---|---|'
  ]
  for (const a of accounts.slice(0, 500)) {
    const label = a.providerLabel ?? outcome.run.provider?.label ?? ''
    const score = a.report ? formatScore(a.report.score) : ''
    const failed = a.gate ? String(a.gate.failedControls.length) : ''
    rows.push(
      `| ${code(a.accountId ?? 'new account')} | ${markdown(label, 40)} | **${a.result}** | ${score} | ${failed} | ${markdown(a.reason, 300)} |`
    )
  }
  if (accounts.length > 500) rows.push(`| …and ${accounts.length - 500} more in the report file | | | | | |`)
  return rows
}

/** The job summary as Markdown: result, decision, score, the rules, and the failed controls. */
export function summaryMarkdown(outcome: Outcome, budgetBytes = SUMMARY_BUDGET_BYTES): string {
  const tail = outcome.result === 'fail' && outcome.run.softFail ? ' (soft-fail: the step succeeds)' : ''
  const lines: string[] = [`## ${HEADLINE[outcome.result]} — ${outcome.decision}${tail}`, '']
  if (outcome.accounts.length > 1) {
    // many accounts: one row each, worst first, then the details of those that did not pass
    const worst = [...outcome.accounts].sort(worstFirst)
    lines.push(...accountRows(outcome, worst), '')
    for (const account of worst.filter(a => a.result !== 'pass')) {
      const label = account.providerLabel ?? outcome.run.provider?.label ?? ''
      lines.push(`### ${code(account.accountId ?? 'new account')} ${markdown(label, 40)}`, '')
      lines.push(...accountSummary(outcome, account), ...failedControlsMarkdown(account))
    }
  } else {
    for (const account of outcome.accounts) {
      lines.push(...accountSummary(outcome, account), ...failedControlsMarkdown(account))
    }
  }
  if (outcome.error) {
    lines.push(
      '| | |',
      '|---|---|',
      `| Result | **${outcome.result}** |`,
      `| Decision | **${outcome.decision}** |`,
      ''
    )
    lines.push(`**Error** (${outcome.error.kind}): ${markdown(outcome.reason, 1000)}`, '')
  }
  return trimMarkdown(lines.join('\n'), budgetBytes)
}

export const summarySink: Sink = {
  name: 'job summary',
  // appended as core.summary would, but to the file the environment names now: core.summary
  // remembers the first file it wrote for the rest of the process
  async write(outcome) {
    const file = process.env.GITHUB_STEP_SUMMARY
    if (!file) return
    await appendFile(file, summaryMarkdown(outcome) + EOL)
  }
}
