import type { Comparison } from './baseline.js'
import type { ActionError } from './errors.js'
import type { GateDecision, GatePolicy } from './gate.js'
import type { WaiverEffect } from './judge.js'
import type { Report } from './providers/types.js'
import type { Waiver } from './waivers.js'

export type Result = 'pass' | 'fail' | 'error'
export type Decision = 'promote' | 'rollback'

/** One account's part of the run: what was found and decided, or what went wrong and when. */
export interface AccountOutcome {
  accountId?: string
  result: Result
  /** The step the account's run was at when it ended (for errors: what it was trying to do). */
  phase: string
  scanId?: string
  report?: Report
  gate?: GateDecision
  /** Against the baseline (`compare-to`): regressions, fixed controls, score change. */
  comparison?: Comparison
  /** What the waivers covered (`waivers`). */
  waivers?: WaiverEffect
  error?: ActionError
  /** One line: why the gate failed or what went wrong; empty on pass. */
  reason: string
}

/** What was asked of the run, as plain data for the sinks (they never read the inputs). */
export interface RunInfo {
  provider?: {
    id: string
    label: string
    /** SARIF `security-severity` for each of the provider's severity names (GitHub's bands). */
    securitySeverity: Readonly<Record<string, string>>
  }
  mode?: string
  benchmark?: string
  policy?: GatePolicy
  softFail: boolean
  reportPath: string
  /** `sarif-path`, absolute; absent when no SARIF is wanted. */
  sarifPath?: string
  /** The waiver file, and the waivers in it that have expired or expire soon. */
  waivers?: { file: string; expired: Waiver[]; expiringSoon: Waiver[] }
}

/** Everything the sinks need: what was asked, what was found, what was decided. */
export interface Outcome {
  result: Result
  decision: Decision
  /** One line: why the gate failed or what went wrong; empty on pass. */
  reason: string
  run: RunInfo
  accounts: AccountOutcome[]
  /** An error before any account was worked on (bad input). */
  error?: ActionError
  startedAt: number
  durationMs: number
}

export function decisionFor(result: Result): Decision {
  return result === 'pass' ? 'promote' : 'rollback'
}

/** A failed gate under soft-fail: reported as a warning, and the step succeeds. */
export function softFailed(outcome: Outcome): boolean {
  return outcome.result === 'fail' && outcome.run.softFail
}
