import type { Control, Finding, Report } from './providers/types.js'
import { roundScore } from './score.js'

/** What the gate holds a report to: the min-score, fail-on-severity and max-failures inputs. */
export interface GatePolicy {
  /** The gate fails when the score is below this. */
  minScore: number
  /** The gate fails on a failed control at or above this rank; null turns the rule off. */
  failOnSeverity: { name: string; rank: number } | null
  /** The gate fails when more controls than this failed; null means no limit. */
  maxFailures: number | null
}

export type GateResult = 'pass' | 'fail'

/**
 * A failed control as it counts against the gate once waivers (and, with `gate-on: new`, the
 * baseline) are applied: the findings that still count, at the severity of those findings.
 */
export interface CountedControl {
  control: Control
  /** The findings that still count; undefined when the control has none (counted as a whole). */
  findings?: Finding[]
  severity: string
  severityRank: number
}

/** One rule as it was evaluated, so every reader sees the threshold and the value it met. */
export interface RuleResult {
  rule: 'min-score' | 'fail-on-severity' | 'max-failures'
  /** The input's value: a score, a severity name, a count. */
  threshold: number | string
  /** What the report had: the score, the failed controls at or above the severity, the failed controls. */
  actual: number
  passed: boolean
  /** One sentence a person reads when the rule failed. */
  reason: string
}

export interface GateDecision {
  result: GateResult
  /** Every rule that is switched on, in the order of the inputs. */
  rules: RuleResult[]
  /** One sentence per rule that failed; empty when the gate passed. */
  reasons: string[]
  failedControls: Control[]
  /** Failed controls at or above the severity threshold. */
  blockingControls: Control[]
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** Report + policy → decision with the rules it evaluated. Pure: no I/O, no provider knowledge. */
export function evaluateGate(report: Report, policy: GatePolicy): GateDecision {
  const failedControls = report.controls.filter(c => c.status === 'failed')
  const score = roundScore(report.score)
  const rules: RuleResult[] = []

  if (policy.minScore > 0) {
    rules.push({
      rule: 'min-score',
      threshold: policy.minScore,
      actual: score,
      passed: score >= policy.minScore,
      reason: `score ${score} is below min-score ${policy.minScore}`
    })
  }

  const threshold = policy.failOnSeverity
  const blockingControls = threshold ? failedControls.filter(c => c.severityRank >= threshold.rank) : []
  if (threshold) {
    const n = blockingControls.length
    rules.push({
      rule: 'fail-on-severity',
      threshold: threshold.name,
      actual: n,
      passed: n === 0,
      reason: `${plural(n, 'failed control')} at severity ${threshold.name} or higher`
    })
  }

  if (policy.maxFailures !== null) {
    const n = failedControls.length
    rules.push({
      rule: 'max-failures',
      threshold: policy.maxFailures,
      actual: n,
      passed: n <= policy.maxFailures,
      reason: `${n} failed controls exceed max-failures ${policy.maxFailures}`
    })
  }

  const reasons = rules.filter(r => !r.passed).map(r => r.reason)
  return { result: reasons.length ? 'fail' : 'pass', rules, reasons, failedControls, blockingControls }
}
