import * as core from '@actions/core'
import type { RuleResult } from '../gate.js'
import type { AccountOutcome, Outcome } from '../outcome.js'
import type { Control } from '../providers/types.js'
import { formatScore } from '../score.js'
import { mostSevereFirst } from '../severity.js'
import { markdown } from '../text.js'
import type { Waiver } from '../waivers.js'
import type { Sink } from './sink.js'

/** GitHub caps a step summary at 1 MiB; stay well inside it. */
const SUMMARY_BUDGET_BYTES = 512 * 1024
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

function controlRows(controls: Control[], waived: ReadonlySet<string>): string[] {
  const rows = ['| Severity | Control | Title | Failed |', '|---|---|---|---|']
  for (const c of controls.slice(0, SUMMARY_MAX_ROWS)) {
    const failed =
      c.failedItems === undefined
        ? ''
        : `${c.failedItems}${c.totalItems === undefined ? '' : ` of ${c.totalItems}`}`
    const note = waived.has(c.id) ? ' (waived)' : ''
    rows.push(
      `| ${markdown(c.severity, 40)} | \`${markdown(c.id, 80).replace(/`/g, '')}\` | ${markdown(c.title, 200)} | ${failed}${note} |`
    )
  }
  if (controls.length > SUMMARY_MAX_ROWS)
    rows.push(`| | | …and ${controls.length - SUMMARY_MAX_ROWS} more in the report file | |`)
  return rows
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
  const source =
    base.source === 'previous'
      ? 'the results before this scan'
      : `\`${markdown(base.source, 200).replace(/`/g, '')}\``
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
    for (const r of [...c.regressions]
      .sort((a, b) => b.severityRank - a.severityRank)
      .slice(0, SUMMARY_MAX_ROWS)) {
      const what = r.newlyFailed ? 'newly failed' : findingList(r.findings)
      lines.push(
        `| ${markdown(r.severity, 40)} | \`${markdown(r.control.id, 80).replace(/`/g, '')}\` | ${markdown(r.control.title, 200)} | ${what} |`
      )
    }
    lines.push('')
  }
  if (c.fixed.length) {
    const fixed = c.fixed
      .slice(0, SUMMARY_MAX_ROWS)
      .map(f => `\`${markdown(f.id, 80).replace(/`/g, '')}\` ${markdown(f.title, 120)}`)
    lines.push(`Fixed: ${fixed.join('; ')}${c.fixed.length > SUMMARY_MAX_ROWS ? '; …' : ''}`, '')
  }
  return lines
}

function waiverLine(w: Waiver): string {
  const scope = [
    w.account && `account ${w.account}`,
    w.resource && `resource ${w.resource}`,
    w.region && `region ${w.region}`
  ]
    .filter(Boolean)
    .join(', ')
  const owner = w.owner ? `, owner ${w.owner}` : ''
  return `- \`${markdown(w.control, 80).replace(/`/g, '')}\`${scope ? ` (${markdown(scope, 200)})` : ''}: expires ${markdown(w.expires, 12)}${markdown(owner, 80)} — ${markdown(w.reason, 200)}`
}

function waiverSection(outcome: Outcome, account: AccountOutcome): string[] {
  const run = outcome.run.waivers
  const effect = account.waivers
  if (!run || !effect) return []
  const lines = [
    `**Waivers** (\`${markdown(run.file, 200).replace(/`/g, '')}\`): ${effect.waived.length} failed control${effect.waived.length === 1 ? '' : 's'} waived`,
    ''
  ]
  if (effect.waived.length) {
    lines.push(
      `Waived (still failed, not counted): ${effect.waived.map(c => `\`${markdown(c.id, 80).replace(/`/g, '')}\``).join(', ')}`,
      ''
    )
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

function accountSection(outcome: Outcome, account: AccountOutcome): string[] {
  const { report, gate } = account
  const policy = outcome.run.policy
  const lines: string[] = ['| | |', '|---|---|']
  lines.push(`| Result | **${outcome.result}** |`)
  lines.push(`| Decision | **${outcome.decision}** |`)
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

  const failed = gate?.failedControls ?? []
  const waivedIds = new Set(account.waivers?.waived.map(c => c.id))
  if (failed.length) {
    lines.push(
      `### Failed controls (${failed.length})`,
      '',
      ...controlRows([...failed].sort(mostSevereFirst), waivedIds),
      ''
    )
  }
  return lines
}

/** The job summary as Markdown: result, decision, score, the rules, and the failed controls. */
export function summaryMarkdown(outcome: Outcome, budgetBytes = SUMMARY_BUDGET_BYTES): string {
  const tail = outcome.result === 'fail' && outcome.run.softFail ? ' (soft-fail: the step succeeds)' : ''
  const lines: string[] = [`## ${HEADLINE[outcome.result]} — ${outcome.decision}${tail}`, '']
  for (const account of outcome.accounts) lines.push(...accountSection(outcome, account))
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
  return fitToBudget(lines.join('\n'), budgetBytes)
}

/** Cuts Markdown to a byte budget (GitHub's limit is in bytes) on a line boundary, with a visible notice. */
export function fitToBudget(text: string, budgetBytes: number): string {
  const notice = "\n\n*Summary truncated to fit GitHub's limit; the report file has everything.*\n"
  if (Buffer.byteLength(text) <= budgetBytes) return text
  const room = budgetBytes - Buffer.byteLength(notice)
  const kept: string[] = []
  let used = 0
  for (const line of text.split('\n')) {
    const size = Buffer.byteLength(line) + 1
    if (used + size > room) break
    kept.push(line)
    used += size
  }
  return `${kept.join('\n')}${notice}`
}

export const summarySink: Sink = {
  name: 'job summary',
  async write(outcome) {
    if (!process.env.GITHUB_STEP_SUMMARY) return
    await core.summary.addRaw(summaryMarkdown(outcome), true).write()
  }
}
