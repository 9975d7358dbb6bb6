import * as core from '@actions/core'
import { Output } from '../constants.js'
import type { Outcome } from '../outcome.js'
import { formatScore } from '../score.js'
import { plain } from '../text.js'

/** The step's outputs of contract §3. */
export function outputValues(outcome: Outcome): Record<string, string> {
  const account = outcome.accounts.at(0)
  const report = account?.report
  const failed = account?.gate?.failedControls.length
  return {
    [Output.result]: outcome.result,
    [Output.decision]: outcome.decision,
    [Output.score]: formatScore(report?.score),
    [Output.failedControls]: failed === undefined ? '' : String(failed),
    [Output.scanId]: report?.scanId ?? account?.scanId ?? '',
    [Output.accountId]: report?.accountId ?? account?.accountId ?? '',
    [Output.reportPath]: outcome.run.reportPath,
    [Output.reason]: outcome.reason,
    [Output.newFailures]: account?.comparison ? String(account.comparison.regressions.length) : '',
    [Output.fixed]: account?.comparison ? String(account.comparison.fixed.length) : '',
    [Output.scoreChange]: formatScore(account?.comparison?.scoreChange),
    [Output.waived]: report ? String(account?.waivers?.waived.length ?? 0) : ''
  }
}

/** The outputs sinks set themselves, empty unless their sink wrote something. */
const SINK_OUTPUTS = [Output.checkRunUrl, Output.commentUrl, Output.sarifPath]

/** Writes every output: the contract's, and the sinks' own (empty when a sink made nothing). */
export function writeOutputs(outcome: Outcome, fromSinks: Record<string, string>): void {
  const empty = Object.fromEntries(SINK_OUTPUTS.map(name => [name, '']))
  const values = { ...outputValues(outcome), ...empty, ...fromSinks }
  // values can hold API text (an account id, a reason): one plain line each, never a command
  for (const [name, value] of Object.entries(values)) core.setOutput(name, plain(value, 8000))
}
