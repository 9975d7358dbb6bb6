import * as core from '@actions/core'
import { Output } from '../constants.js'
import type { AccountOutcome, Outcome } from '../outcome.js'
import { formatScore } from '../score.js'
import { plain } from '../text.js'

type PerAccount = (a: AccountOutcome) => number | undefined | null

/** A number per account, combined; undefined when no account has one. */
function across(accounts: readonly AccountOutcome[], value: PerAccount, combine: (ns: number[]) => number) {
  const known = accounts.map(value).filter((n): n is number => typeof n === 'number')
  return known.length ? combine(known) : undefined
}
const sum = (ns: number[]): number => ns.reduce((a, b) => a + b, 0)
const lowest = (ns: number[]): number => Math.min(...ns)
const count = (n: number | undefined): string => (n === undefined ? '' : String(n))
const accountIdOf = (a: AccountOutcome): string => a.report?.accountId ?? a.accountId ?? ''
const scanIdOf = (a: AccountOutcome): string => a.report?.scanId ?? a.scanId ?? ''

/** The step's outputs (contract §3, §9–§12); with several accounts, combined as §12 says. */
export function outputValues(outcome: Outcome): Record<string, string> {
  const accounts = outcome.accounts
  const totalOf = (value: PerAccount): string => count(across(accounts, value, sum))
  const lowestOf = (value: PerAccount): number | undefined => across(accounts, value, lowest)
  const scanIds = accounts.map(scanIdOf)
  const perAccount = accounts.map(a => ({
    'account-id': accountIdOf(a),
    result: a.result,
    score: formatScore(a.report?.score),
    'failed-controls': count(a.gate?.failedControls.length),
    'scan-id': scanIdOf(a),
    reason: a.reason
  }))
  return {
    [Output.result]: outcome.result,
    [Output.decision]: outcome.decision,
    [Output.score]: formatScore(lowestOf(a => a.report?.score)),
    [Output.failedControls]: totalOf(a => a.gate?.failedControls.length),
    [Output.scanId]: scanIds.some(id => id !== '') ? scanIds.join(',') : '',
    [Output.accountId]: accounts.map(accountIdOf).join(','),
    [Output.reportPath]: outcome.run.reportPath,
    [Output.reason]: outcome.reason,
    [Output.newFailures]: totalOf(a => a.comparison?.regressions.length),
    [Output.fixed]: totalOf(a => a.comparison?.fixed.length),
    [Output.scoreChange]: formatScore(lowestOf(a => a.comparison?.scoreChange)),
    [Output.waived]: totalOf(a => (a.report ? (a.waivers?.waived.length ?? 0) : undefined)),
    [Output.accounts]: JSON.stringify(perAccount)
  }
}

/** The outputs sinks set themselves, empty unless their sink wrote something. */
const SINK_OUTPUTS = [Output.checkRunUrl, Output.commentUrl, Output.sarifPath]

/** Writes every output: the contract's, and the sinks' own (empty when a sink made nothing). */
export function writeOutputs(outcome: Outcome, fromSinks: Record<string, string>): void {
  const empty = Object.fromEntries(SINK_OUTPUTS.map(name => [name, '']))
  const values = { ...outputValues(outcome), ...empty, ...fromSinks }
  // values can hold API text (an account id, a reason): one plain line each, never a command
  // `accounts` is JSON for every account: cut, it would no longer parse
  for (const [name, value] of Object.entries(values))
    core.setOutput(name, plain(value, name === Output.accounts ? 10_000_000 : 8000))
}
