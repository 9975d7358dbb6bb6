import type { Control, Finding, Report } from './providers/types.js'
import { roundScore } from './score.js'
import { mostSevereFirst } from './severity.js'

/** What the gate holds a report to: the gate inputs of contract §2, §9 and §10. */
export interface GatePolicy {
  /** The gate fails when the score is below this. */
  minScore: number
  /** The gate fails on a counted control at or above this rank; null turns the rule off. */
  failOnSeverity: { name: string; rank: number } | null
  /** The gate fails when more controls than this count; null means no limit. */
  maxFailures: number | null
  /** `all` (the default): every failed control counts; `new`: only regressions against the baseline. */
  gateOn?: 'all' | 'new'
  /** The gate fails when the score dropped by more than this from the baseline's; null or absent: no limit. */
  maxScoreDrop?: number | null
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

/** Counted controls in the one order every sink lists them: most severe first, then by control id. */
export function countedMostSevereFirst<T extends CountedControl>(counted: readonly T[]): T[] {
  const key = (c: T) => ({ severityRank: c.severityRank, id: c.control.id })
  return [...counted].sort((a, b) => mostSevereFirst(key(a), key(b)))
}

/** One rule as it was evaluated, so every reader sees the threshold and the value it met. */
export interface RuleResult {
  rule: 'min-score' | 'fail-on-severity' | 'max-failures' | 'max-score-drop'
  /** The input's value: a score, a severity name, a count, points. */
  threshold: number | string
  /** What the report had: the score, the counted controls at or above the severity, the counted controls, the drop. */
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
  /** Every failed control of the report, waived or not. */
  failedControls: Control[]
  /** What counted against the severity rule and max-failures (after waivers; regressions with gate-on new). */
  counted: CountedControl[]
  /** Counted controls at or above the severity threshold. */
  blocking: CountedControl[]
}

/** What the gate counts besides the report: the controls that count, and the score change. */
export interface GateInput {
  counted: CountedControl[]
  /** Score minus the baseline's; null without a baseline score to compare with. */
  scoreChange: number | null
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** Every failed control counts whole, at its own severity: the gate with no waivers and no baseline. */
export function countEveryFailure(report: Report): GateInput {
  const counted = report.controls
    .filter(c => c.status === 'failed')
    .map(control => ({
      control,
      findings: control.findings,
      severity: control.severity,
      severityRank: control.severityRank
    }))
  return { counted, scoreChange: null }
}

/** Report + policy (+ what counts) → decision with the rules it evaluated. Pure: no I/O, no provider knowledge. */
export function evaluateGate(
  report: Report,
  policy: GatePolicy,
  input: GateInput = countEveryFailure(report)
): GateDecision {
  const failedControls = report.controls.filter(c => c.status === 'failed')
  const score = roundScore(report.score)
  const rules: RuleResult[] = []
  const what = policy.gateOn === 'new' ? 'new failed control' : 'failed control'

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
  const blocking = threshold ? input.counted.filter(c => c.severityRank >= threshold.rank) : []
  if (threshold) {
    const n = blocking.length
    rules.push({
      rule: 'fail-on-severity',
      threshold: threshold.name,
      actual: n,
      passed: n === 0,
      reason: `${plural(n, what)} at severity ${threshold.name} or higher`
    })
  }

  if (policy.maxFailures !== null) {
    const n = input.counted.length
    rules.push({
      rule: 'max-failures',
      threshold: policy.maxFailures,
      actual: n,
      passed: n <= policy.maxFailures,
      reason: `${plural(n, what)} exceed max-failures ${policy.maxFailures}`
    })
  }

  if (policy.maxScoreDrop != null && input.scoreChange !== null) {
    const drop = roundScore(-input.scoreChange)
    rules.push({
      rule: 'max-score-drop',
      threshold: policy.maxScoreDrop,
      actual: drop,
      passed: drop <= policy.maxScoreDrop,
      reason: `the score dropped by ${drop} points, more than max-score-drop ${policy.maxScoreDrop}`
    })
  }

  const reasons = rules.filter(r => !r.passed).map(r => r.reason)
  return {
    result: reasons.length ? 'fail' : 'pass',
    rules,
    reasons,
    failedControls,
    counted: input.counted,
    blocking
  }
}
