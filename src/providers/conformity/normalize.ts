import { roundScore } from '../../gate.js'
import { severityRank } from '../../severity.js'
import { PROVIDERS } from '../catalog.js'
import type { Control, Report } from '../types.js'
import type { Check } from './schemas.js'

const SCALE = PROVIDERS.conformity.severities

export interface ConformityResults {
  accountId: string
  accountName?: string
  benchmark: string
  /** Unsuppressed checks in scope with status SUCCESS, counted by the service. */
  successCount: number
  /** Every unsuppressed FAILURE check in scope. */
  failures: Check[]
  scannedAt?: number
}

/** Score = 100 × SUCCESS / (SUCCESS + FAILURE), two decimals, 100 when nothing is in scope. */
export function conformityScore(success: number, failure: number): number {
  return success + failure === 0 ? 100 : roundScore((100 * success) / (success + failure))
}

/** Failing checks → one failed control per rule, at the highest risk level among its failing checks. */
export function normalizeConformityResults(results: ConformityResults): Report {
  const notes: string[] = []
  const controls = new Map<string, Control>()
  let unknownRisk = 0
  let suppressedDropped = 0
  let failureCount = 0

  for (const check of results.failures) {
    if (check.attributes.status.toUpperCase() !== 'FAILURE') continue
    if (check.attributes.suppressed === true) {
      suppressedDropped++
      continue
    }
    failureCount++
    const ruleId = check.relationships.rule.data.id
    const risk = check.attributes['risk-level'] ?? ''
    let rank = severityRank(SCALE, risk)
    if (rank === undefined) {
      unknownRisk++
      rank = SCALE.names.length - 1
    }
    const existing = controls.get(ruleId)
    if (existing) {
      existing.failedItems = (existing.failedItems ?? 0) + 1
      if (rank > existing.severityRank) {
        existing.severityRank = rank
        existing.severity = risk || 'unknown'
      }
    } else {
      controls.set(ruleId, {
        id: ruleId,
        title: check.attributes['rule-title'] ?? ruleId,
        status: 'failed',
        severity: risk || 'unknown',
        severityRank: rank,
        service: check.attributes.service ?? undefined,
        failedItems: 1
      })
    }
  }

  if (unknownRisk)
    notes.push(`${unknownRisk} failing check(s) had an unknown risk level; they were treated as EXTREME.`)
  if (suppressedDropped)
    notes.push(`${suppressedDropped} suppressed check(s) came back despite the filter and were left out.`)

  return {
    provider: 'conformity',
    accountId: results.accountId,
    accountName: results.accountName,
    benchmark: { id: results.benchmark || 'all checks' },
    scanId: null,
    scannedAt: results.scannedAt ? new Date(results.scannedAt).toISOString() : undefined,
    score: conformityScore(results.successCount, failureCount),
    controls: [...controls.values()].sort(
      (a, b) => b.severityRank - a.severityRank || a.id.localeCompare(b.id)
    ),
    checks: { success: results.successCount, failure: failureCount },
    notes
  }
}
