import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ACTION_NAME, ACTION_VERSION, REPORT_SCHEMA_VERSION } from '../constants.js'
import type { Control } from '../providers/types.js'
import type { Outcome } from './outcome.js'

function countBy(controls: Control[], status: Control['status']): number {
  return controls.filter(c => c.status === status).length
}

/** The normalized JSON report, written whatever the result so later steps can read it. */
export function reportDocument(outcome: Outcome): Record<string, unknown> {
  const report = outcome.report
  const controls = report?.controls ?? []
  const failedBySeverity: Record<string, number> = {}
  for (const c of controls)
    if (c.status === 'failed') failedBySeverity[c.severity] = (failedBySeverity[c.severity] ?? 0) + 1
  const policy = outcome.settings?.policy
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: ACTION_NAME, version: ACTION_VERSION },
    generatedAt: new Date().toISOString(),
    provider: outcome.provider ?? null,
    mode: outcome.mode ?? null,
    accountId: report?.accountId ?? outcome.progress.accountId ?? null,
    accountName: report?.accountName ?? null,
    benchmark: report?.benchmark ?? (outcome.settings ? { id: outcome.settings.benchmark } : null),
    scanId: report?.scanId ?? outcome.progress.scanId ?? null,
    scannedAt: report?.scannedAt ?? null,
    result: outcome.result,
    decision: outcome.decision,
    reasons: outcome.gate?.reasons ?? [],
    error: outcome.error
      ? { kind: outcome.error.kind, message: outcome.reason, phase: outcome.progress.phase }
      : null,
    score: report ? report.score : null,
    policy: policy
      ? {
          minScore: policy.minScore,
          failOnSeverity: policy.failOnSeverity?.name ?? 'none',
          maxFailures: policy.maxFailures
        }
      : null,
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
    notes: report?.notes ?? [],
    durationMs: outcome.durationMs
  }
}

export async function writeReportFile(outcome: Outcome): Promise<void> {
  await mkdir(path.dirname(outcome.reportPath), { recursive: true })
  await writeFile(outcome.reportPath, `${JSON.stringify(reportDocument(outcome), null, 2)}\n`, 'utf8')
}
