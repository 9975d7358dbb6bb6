import * as core from '@actions/core'
import { PROVIDERS } from '../providers/catalog.js'
import type { Control } from '../providers/types.js'
import { markdown } from '../text.js'
import { failedControls, formatScore, type Outcome } from './outcome.js'

/** GitHub caps a step summary at 1 MiB; stay well inside it. */
const SUMMARY_BUDGET_BYTES = 512 * 1024
const MAX_ROWS = 100

const HEADLINE: Record<Outcome['result'], string> = {
  pass: '✅ Compliance gate passed',
  fail: '❌ Compliance gate failed',
  error: '⚠️ Compliance gate could not evaluate the results'
}

function controlRows(controls: Control[]): string[] {
  const rows = ['| Severity | Control | Title | Failed |', '|---|---|---|---|']
  for (const c of controls.slice(0, MAX_ROWS)) {
    const failed =
      c.failedItems === undefined
        ? ''
        : `${c.failedItems}${c.totalItems === undefined ? '' : ` of ${c.totalItems}`}`
    rows.push(
      `| ${markdown(c.severity, 40)} | \`${markdown(c.id, 80).replace(/`/g, '')}\` | ${markdown(c.title, 200)} | ${failed} |`
    )
  }
  if (controls.length > MAX_ROWS)
    rows.push(`| | | …and ${controls.length - MAX_ROWS} more in the report file | |`)
  return rows
}

/** The job summary as Markdown: result, decision, score, why, and the failed controls. */
export function summaryMarkdown(
  outcome: Outcome,
  softFailed: boolean,
  budgetBytes = SUMMARY_BUDGET_BYTES
): string {
  const { report, gate, settings } = outcome
  const label = outcome.provider ? PROVIDERS[outcome.provider].label : 'Compliance'
  const lines: string[] = []
  const tail = softFailed ? ' (soft-fail: the step succeeds)' : ''
  lines.push(`## ${HEADLINE[outcome.result]} — ${outcome.decision}${tail}`, '')
  lines.push('| | |', '|---|---|')
  lines.push(`| Result | **${outcome.result}** |`)
  lines.push(`| Decision | **${outcome.decision}** |`)
  const minScore = settings ? ` (min-score ${settings.policy.minScore})` : ''
  lines.push(`| Score | ${report ? `${formatScore(report.score)}${minScore}` : 'not available'} |`)
  if (report) {
    const failed = failedControls(outcome)?.length ?? 0
    lines.push(
      `| Failed controls | ${failed}${settings?.policy.maxFailures != null ? ` (max-failures ${settings.policy.maxFailures})` : ''} |`
    )
    if (report.checks)
      lines.push(`| Checks | ${report.checks.success} passed, ${report.checks.failure} failed |`)
  }
  if (settings) {
    lines.push(
      `| Fail on severity | ${markdown(settings.policy.failOnSeverity?.name ?? 'none')} and higher |`
    )
  }
  const account = report?.accountId ?? outcome.progress.accountId
  if (outcome.provider) lines.push(`| Provider | ${label}${outcome.mode ? `, mode ${outcome.mode}` : ''} |`)
  if (account)
    lines.push(
      `| Account | ${markdown(report?.accountName ? `${report.accountName} (${account})` : account)} |`
    )
  const benchmark = report?.benchmark.name ?? report?.benchmark.id ?? settings?.benchmark
  if (benchmark) lines.push(`| Benchmark | ${markdown(benchmark)} |`)
  const scanId = report?.scanId ?? outcome.progress.scanId
  if (scanId) lines.push(`| Scan job | ${markdown(scanId)} |`)
  lines.push('')

  if (outcome.result === 'fail' && gate) {
    lines.push('**Why the gate failed:**', '')
    for (const reason of gate.reasons) lines.push(`- ${markdown(reason)}`)
    lines.push('')
  }
  if (outcome.error) {
    lines.push(
      `**Error** (${outcome.error.kind}, while trying to ${markdown(outcome.progress.phase)}): ${markdown(outcome.reason, 1000)}`,
      ''
    )
  }
  for (const note of report?.notes ?? []) lines.push(`> ${markdown(note)}`, '')

  const failed = failedControls(outcome) ?? []
  if (failed.length) {
    const sorted = [...failed].sort((a, b) => b.severityRank - a.severityRank || a.id.localeCompare(b.id))
    lines.push(`### Failed controls (${failed.length})`, '', ...controlRows(sorted), '')
  }

  return fitToBudget(lines.join('\n'), budgetBytes)
}

/** Cuts Markdown to a byte budget (GitHub's limit is in bytes), with a visible notice. */
export function fitToBudget(text: string, budgetBytes: number): string {
  const notice = "\n\n*Summary truncated to fit GitHub's limit; the report file has everything.*\n"
  const bytes = Buffer.from(text)
  if (bytes.length <= budgetBytes) return text
  // drop a partial character at the cut rather than emit a broken one
  const kept = bytes
    .subarray(0, budgetBytes - Buffer.byteLength(notice))
    .toString('utf8')
    .replace(/\uFFFD$/, '')
  return `${kept}${notice}`
}

export async function writeSummary(outcome: Outcome, softFailed: boolean): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(summaryMarkdown(outcome, softFailed), true).write()
}
