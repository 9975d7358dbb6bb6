import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { Logger } from '../log.js'
import { writeAnnotations } from './annotations.js'
import { formatScore, type Outcome } from './outcome.js'
import { writeOutputs } from './outputs.js'
import { writeReportFile } from './report-file.js'
import { writeSummary } from './summary.js'

/** Writes every artifact first, then decides how the step ends. */
export async function publish(outcome: Outcome, softFail: boolean, log: Logger): Promise<void> {
  const softFailed = outcome.result === 'fail' && softFail
  writeOutputs(outcome)
  for (const [what, write] of [
    ['report file', () => writeReportFile(outcome)],
    ['job summary', () => writeSummary(outcome, softFailed)]
  ] as const) {
    try {
      await write()
    } catch (err) {
      log.warning(`Could not write the ${what}: ${errorMessage(err)}`)
    }
  }
  writeAnnotations(outcome, softFailed)

  const score = outcome.report ? ` Score ${formatScore(outcome.report.score)}.` : ''
  if (outcome.result === 'pass') {
    log.info(`Compliance gate passed: promote.${score}`)
  } else if (outcome.result === 'fail' && softFailed) {
    log.warning(`Compliance gate failed (soft-fail, the step succeeds): ${outcome.reason}.${score}`)
  } else if (outcome.result === 'fail') {
    core.setFailed(`Compliance gate failed: ${outcome.reason}.${score} Decision: rollback.`)
  } else {
    core.setFailed(outcome.reason)
  }
}
