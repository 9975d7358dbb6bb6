import * as core from '@actions/core'
import { Output } from '../constants.js'
import { failedControls, formatScore, type Outcome } from './outcome.js'

/** The step outputs of contract §3. */
export function writeOutputs(outcome: Outcome): void {
  const failed = failedControls(outcome)?.length
  core.setOutput(Output.result, outcome.result)
  core.setOutput(Output.decision, outcome.decision)
  core.setOutput(Output.score, formatScore(outcome.report?.score))
  core.setOutput(Output.failedControls, failed === undefined ? '' : String(failed))
  core.setOutput(Output.scanId, outcome.report?.scanId ?? outcome.progress.scanId ?? '')
  core.setOutput(Output.accountId, outcome.report?.accountId ?? outcome.progress.accountId ?? '')
  core.setOutput(Output.reportPath, outcome.reportPath)
  core.setOutput(Output.reason, outcome.reason)
}
