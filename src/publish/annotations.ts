import * as core from '@actions/core'
import { plain } from '../text.js'
import type { Outcome } from './outcome.js'

/** GitHub shows at most 10 annotations of a kind per step. */
const MAX_ANNOTATIONS = 9

/** The controls that blocked the gate, as annotations on the run (and on the PR's checks). */
export function writeAnnotations(outcome: Outcome, softFailed: boolean): void {
  const blocking = outcome.gate?.blockingControls ?? []
  if (outcome.result !== 'fail' || blocking.length === 0) return
  const annotate = softFailed ? core.warning : core.error
  const sorted = [...blocking].sort((a, b) => b.severityRank - a.severityRank)
  for (const control of sorted.slice(0, MAX_ANNOTATIONS)) {
    annotate(plain(`${control.severity} control failed: ${control.title}`, 300), {
      title: plain(`Compliance: ${control.id}`, 100)
    })
  }
  if (sorted.length > MAX_ANNOTATIONS) {
    core.notice(
      `${sorted.length - MAX_ANNOTATIONS} more blocking controls are listed in the job summary and the report file.`
    )
  }
}
