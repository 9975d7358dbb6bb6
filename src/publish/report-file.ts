import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ACTION_NAME, ACTION_VERSION } from '../constants.js'
import type { AccountOutcome, Outcome } from '../outcome.js'
import type { Control } from '../providers/types.js'
import {
  REPORT_SCHEMA_VERSION,
  reportDocumentSchema,
  type AccountReport,
  type ReportDocument
} from '../report/schema.js'
import { decisionFor } from '../outcome.js'
import { redactDeep } from '../text.js'
import type { Sink } from './sink.js'

function countBy(controls: Control[], status: Control['status']): number {
  return controls.filter(c => c.status === status).length
}

function accountReport(outcome: Outcome, account: AccountOutcome): AccountReport {
  const report = account.report
  const controls = report?.controls ?? []
  const failedBySeverity: Record<string, number> = {}
  for (const c of controls)
    if (c.status === 'failed') failedBySeverity[c.severity] = (failedBySeverity[c.severity] ?? 0) + 1
  return {
    provider: report?.provider ?? outcome.run.provider?.id ?? 'unknown',
    accountId: report?.accountId ?? account.accountId ?? null,
    accountName: report?.accountName ?? null,
    benchmark:
      report?.benchmark ?? (outcome.run.benchmark !== undefined ? { id: outcome.run.benchmark } : null),
    scanId: report?.scanId ?? account.scanId ?? null,
    scannedAt: report?.scannedAt ?? null,
    result: account.result,
    decision: decisionFor(account.result),
    reason: account.reason,
    rules: (account.gate?.rules ?? []).map(({ rule, threshold, actual, passed, reason }) => ({
      rule,
      threshold,
      actual,
      passed,
      reason
    })),
    error: account.error ? { kind: account.error.kind, message: account.reason, phase: account.phase } : null,
    score: report ? report.score : null,
    counts: report
      ? {
          controls: controls.length,
          passed: countBy(controls, 'passed'),
          failed: countBy(controls, 'failed'),
          notApplicable: countBy(controls, 'not-applicable'),
          failedBySeverity,
          ...(report.checks ? { checks: report.checks } : {})
        }
      : null,
    controls,
    counted: (account.gate?.counted ?? []).map(c => ({
      id: c.control.id,
      severity: c.severity,
      severityRank: c.severityRank,
      ...(c.findings ? { findings: c.findings } : {})
    })),
    notes: report?.notes ?? [],
    comparison: account.comparison
      ? {
          baseline: {
            ...account.comparison.baseline,
            scannedAt: account.comparison.baseline.scannedAt ?? null
          },
          regressions: account.comparison.regressions.map(r => ({
            id: r.control.id,
            title: r.control.title,
            severity: r.severity,
            newlyFailed: r.newlyFailed,
            ...(r.findings ? { findings: r.findings } : {})
          })),
          fixed: account.comparison.fixed,
          scoreChange: account.comparison.scoreChange
        }
      : null,
    waivers: account.waivers
      ? {
          waived: account.waivers.waived.map(c => c.id),
          used: account.waivers.used,
          unused: account.waivers.unused
        }
      : null
  }
}

/** The JSON report, checked against the schema its readers use. */
export function reportDocument(outcome: Outcome): ReportDocument {
  const accounts = outcome.accounts.map(a => accountReport(outcome, a))
  const scores = accounts.flatMap(a => (a.score === null ? [] : [a.score]))
  const counted = accounts.filter(a => a.counts !== null)
  const policy = outcome.run.policy
  return reportDocumentSchema.parse({
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: ACTION_NAME, version: ACTION_VERSION },
    generatedAt: new Date(outcome.startedAt + outcome.durationMs).toISOString(),
    provider: outcome.run.provider?.id ?? null,
    mode: outcome.run.mode ?? null,
    result: outcome.result,
    decision: outcome.decision,
    reason: outcome.reason,
    score: scores.length ? Math.min(...scores) : null,
    failedControls: counted.length ? counted.reduce((n, a) => n + (a.counts?.failed ?? 0), 0) : null,
    policy: policy
      ? {
          minScore: policy.minScore,
          failOnSeverity: policy.failOnSeverity?.name ?? 'none',
          maxFailures: policy.maxFailures
        }
      : null,
    error: outcome.error
      ? { kind: outcome.error.kind, message: outcome.reason, phase: 'read the inputs' }
      : accounts.length === 1
        ? accounts[0].error
        : null,
    waivers: outcome.run.waivers ?? null,
    accounts,
    durationMs: outcome.durationMs
  })
}

export const reportFileSink: Sink = {
  name: 'report file',
  required: true,
  async write(outcome) {
    const file = outcome.run.reportPath
    await mkdir(path.dirname(file), { recursive: true })
    // a service that echoes a key or token into a title must not put it in an uploaded artifact
    await writeFile(file, `${JSON.stringify(redactDeep(reportDocument(outcome)), null, 2)}\n`, 'utf8')
  }
}
