import * as core from '@actions/core'
import type { RuleResult } from '../gate.js'
import type { AccountOutcome, Outcome } from '../outcome.js'
import type { Control } from '../providers/types.js'
import { formatScore } from '../score.js'
import { mostSevereFirst } from '../severity.js'
import { markdown } from '../text.js'
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
  'max-failures': 'Failed controls at most max-failures'
}

function controlRows(controls: Control[]): string[] {
  const rows = ['| Severity | Control | Title | Failed |', '|---|---|---|---|']
  for (const c of controls.slice(0, SUMMARY_MAX_ROWS)) {
    const failed =
      c.failedItems === undefined
        ? ''
        : `${c.failedItems}${c.totalItems === undefined ? '' : ` of ${c.totalItems}`}`
    rows.push(
      `| ${markdown(c.severity, 40)} | \`${markdown(c.id, 80).replace(/`/g, '')}\` | ${markdown(c.title, 200)} | ${failed} |`
    )
  }
  if (controls.length > SUMMARY_MAX_ROWS)
    rows.push(`| | | …and ${controls.length - SUMMARY_MAX_ROWS} more in the report file | |`)
  return rows
}

function ruleRows(rules: RuleResult[]): string[] {
  const rows = ['| Rule | Threshold | Actual | |', '|---|---|---|---|']
  for (const r of rules) {
    rows.push(
      `| ${RULE_LABEL[r.rule]} | ${markdown(String(r.threshold))} | ${r.actual} | ${r.passed ? '✅ passed' : '❌ failed'} |`
    )
  }
  return rows
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

  if (gate?.rules.length) lines.push('**Rules**', '', ...ruleRows(gate.rules), '')
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
  if (failed.length) {
    lines.push(
      `### Failed controls (${failed.length})`,
      '',
      ...controlRows([...failed].sort(mostSevereFirst)),
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
