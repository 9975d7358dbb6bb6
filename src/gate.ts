import type { GatePolicy } from './inputs.js'
import type { Control, Report } from './providers/types.js'

export type GateResult = 'pass' | 'fail'

export interface GateDecision {
  result: GateResult
  /** One sentence per rule that failed; empty when the gate passed. */
  reasons: string[]
  failedControls: Control[]
  /** Failed controls at or above the severity threshold. */
  blockingControls: Control[]
}

/** Rounds to two decimals, the precision of the `score` output and of the comparison with min-score. */
export function roundScore(score: number): number {
  return Math.round(score * 100) / 100
}

/** Report + policy → decision with reasons. Pure: no I/O, no provider knowledge. */
export function evaluateGate(report: Report, policy: GatePolicy): GateDecision {
  const failedControls = report.controls.filter(c => c.status === 'failed')
  const reasons: string[] = []
  const score = roundScore(report.score)

  if (score < policy.minScore) {
    reasons.push(`score ${score} is below min-score ${policy.minScore}`)
  }

  const threshold = policy.failOnSeverity
  const blockingControls = threshold ? failedControls.filter(c => c.severityRank >= threshold.rank) : []
  if (threshold && blockingControls.length > 0) {
    const n = blockingControls.length
    reasons.push(`${n} failed control${n === 1 ? '' : 's'} at severity ${threshold.name} or higher`)
  }

  if (policy.maxFailures !== null && failedControls.length > policy.maxFailures) {
    reasons.push(`${failedControls.length} failed controls exceed max-failures ${policy.maxFailures}`)
  }

  return { result: reasons.length ? 'fail' : 'pass', reasons, failedControls, blockingControls }
}
