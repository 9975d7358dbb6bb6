import * as core from '@actions/core'
import { Output } from '../constants.js'
import type { Outcome } from '../outcome.js'
import { formatScore } from '../score.js'
import { plain } from '../text.js'

/** A number per account, combined; '' when no account has one. */
function across(
  values: (number | undefined | null)[],
  combine: (ns: number[]) => number
): number | undefined {
  const known = values.filter((n): n is number => typeof n === 'number')
  return known.length ? combine(known) : undefined
}
const sum = (ns: number[]): number => ns.reduce((a, b) => a + b, 0)
const lowest = (ns: number[]): number => Math.min(...ns)
const count = (n: number | undefined): string => (n === undefined ? '' : String(n))

/** The step's outputs (contract §3, §9–§12); with several accounts, combined as §12 says. */
export function outputValues(outcome: Outcome): Record<string, string> {
  const accounts = outcome.accounts
  const scanIds = accounts.map(a => a.report?.scanId ?? a.scanId ?? '')
  const perAccount = accounts.map(a => ({
    'account-id': a.report?.accountId ?? a.accountId ?? '',
    result: a.result,
    score: formatScore(a.report?.score),
    'failed-controls': count(a.gate?.failedControls.length),
    'scan-id': a.report?.scanId ?? a.scanId ?? '',
    reason: a.reason
  }))
  return {
    [Output.result]: outcome.result,
    [Output.decision]: outcome.decision,
    [Output.score]: formatScore(
      across(
        accounts.map(a => a.report?.score),
        lowest
      )
    ),
    [Output.failedControls]: count(
      across(
        accounts.map(a => a.gate?.failedControls.length),
        sum
      )
    ),
    [Output.scanId]: scanIds.some(id => id !== '') ? scanIds.join(',') : '',
    [Output.accountId]: accounts.map(a => a.report?.accountId ?? a.accountId ?? '').join(','),
    [Output.reportPath]: outcome.run.reportPath,
    [Output.reason]: outcome.reason,
    [Output.newFailures]: count(
      across(
        accounts.map(a => a.comparison?.regressions.length),
        sum
      )
    ),
    [Output.fixed]: count(
      across(
        accounts.map(a => a.comparison?.fixed.length),
        sum
      )
    ),
    [Output.scoreChange]: formatScore(
      across(
        accounts.map(a => a.comparison?.scoreChange),
        lowest
      )
    ),
    [Output.waived]: count(
      across(
        accounts.map(a => (a.report ? (a.waivers?.waived.length ?? 0) : undefined)),
        sum
      )
    ),
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
