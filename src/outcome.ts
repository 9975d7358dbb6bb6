import type { Comparison } from './baseline.js'
import type { ActionError } from './errors.js'
import type { GateDecision, GatePolicy } from './gate.js'
import type { WaiverEffect } from './judge.js'
import type { Report } from './providers/types.js'
import { plain } from './text.js'
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
  /** The policy the account was judged with, when it is not the run's (aggregate mode). */
  policy?: GatePolicy
  /** The provider's name for people, when the run has no single provider (aggregate mode). */
  providerLabel?: string
}

/** What was asked of the run, as plain data for the sinks (they never read the inputs). */
export interface RunInfo {
  provider?: { id: string; label: string }
  /** SARIF `security-severity` by provider id, then severity name (GitHub's bands). */
  securitySeverity?: Readonly<Record<string, Readonly<Record<string, string>>>>
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

const WORST_FIRST: Result[] = ['error', 'fail', 'pass']

/** The accounts' results as one (contract §12): error when any is, else fail when any is, else pass. */
export function worstResult(results: Result[]): Result {
  return WORST_FIRST.find(r => results.includes(r)) ?? 'error'
}

/** The run's outcome from its accounts' (or from the error that stopped it before any account). */
export function combine(parts: {
  run: RunInfo
  accounts: AccountOutcome[]
  error?: ActionError
  startedAt: number
  clock: { now(): number }
}): Outcome {
  const { accounts, error } = parts
  const result = error ? 'error' : worstResult(accounts.map(a => a.result))
  return {
    result,
    decision: decisionFor(result),
    reason: error ? plain(error.message, 2000) : combinedReason(accounts),
    run: parts.run,
    accounts,
    error,
    startedAt: parts.startedAt,
    durationMs: parts.clock.now() - parts.startedAt
  }
}

/** One account: its reason. Several: how many fell short, then each one's reason, worst first. */
function combinedReason(accounts: AccountOutcome[]): string {
  if (accounts.length === 1) return accounts[0].reason
  const short = accounts.filter(a => a.result !== 'pass')
  if (short.length === 0) return ''
  const head = `${short.length} of ${accounts.length} accounts did not pass`
  const each = [...short]
    .sort((a, b) => WORST_FIRST.indexOf(a.result) - WORST_FIRST.indexOf(b.result))
    .map(a => `${a.accountId ?? 'new account'}: ${a.reason}`)
  return plain(`${head}: ${each.join('; ')}`, 2000)
}

/** A failed gate under soft-fail: reported as a warning, and the step succeeds. */
export function softFailed(outcome: Outcome): boolean {
  return outcome.result === 'fail' && outcome.run.softFail
}
