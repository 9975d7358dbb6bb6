import * as core from '@actions/core'
import { ActionError, errorMessage } from '../errors.js'
import type { Logger } from '../log.js'
import { softFailed, type Outcome } from '../outcome.js'
import { formatScore } from '../score.js'
import { plain } from '../text.js'
import { annotationsSink } from './annotations.js'
import { writeOutputs } from './outputs.js'
import { reportFileSink } from './report-file.js'
import type { Sink, SinkOutputs } from './sink.js'
import { summarySink } from './summary.js'

/** Where every outcome goes, in order: required sinks first, so their failure reaches the rest. */
export const DEFAULT_SINKS: readonly Sink[] = [reportFileSink, summarySink, annotationsSink]

/**
 * A required sink that failed makes the run an error, whatever the verdict was; a run that is an
 * error already keeps its own reason, which says more (a bad report-path names its input).
 */
function failedRequired(outcome: Outcome, sink: Sink, err: unknown): Outcome {
  if (outcome.result === 'error') return outcome
  const error = new ActionError('report', `Could not write the ${sink.name}: ${errorMessage(err)}`)
  const reason = plain(error.message, 2000)
  return { ...outcome, result: 'error', decision: 'rollback', reason, error }
}

/**
 * Writes the outcome to every sink (a failing one is a warning), then every output, then decides
 * how the step ends.
 */
export async function publish(initial: Outcome, sinks: readonly Sink[], log: Logger): Promise<Outcome> {
  let outcome = initial
  const fromSinks: SinkOutputs = {}
  const ordered = [...sinks.filter(s => s.required), ...sinks.filter(s => !s.required)]
  for (const sink of ordered) {
    try {
      Object.assign(fromSinks, await sink.write(outcome))
    } catch (err) {
      if (sink.required) outcome = failedRequired(outcome, sink, err)
      const message = errorMessage(err)
      log.warning(message.startsWith('Could not') ? message : `Could not write the ${sink.name}: ${message}`)
    }
  }
  try {
    writeOutputs(outcome, fromSinks)
  } catch (err) {
    log.warning(`Could not write the step outputs: ${errorMessage(err)}`)
  }
  end(outcome, log)
  return outcome
}

/** The step's end, decided last: a pass and a soft-failed gate succeed, anything else fails it. */
function end(outcome: Outcome, log: Logger): void {
  const scores = outcome.accounts.flatMap(a => (a.report ? [a.report.score] : []))
  const score = scores.length ? ` Score ${formatScore(Math.min(...scores))}.` : ''
  if (outcome.result === 'pass') {
    log.info(`Compliance gate passed: promote.${score}`)
  } else if (softFailed(outcome)) {
    log.warning(`Compliance gate failed (soft-fail, the step succeeds): ${outcome.reason}.${score}`)
  } else if (outcome.result === 'fail') {
    core.setFailed(plain(`Compliance gate failed: ${outcome.reason}.${score} Decision: rollback.`, 4000))
  } else {
    core.setFailed(plain(outcome.reason, 4000))
  }
}
