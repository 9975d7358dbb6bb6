import * as core from '@actions/core'
import { softFailed } from '../outcome.js'
import { countedMostSevereFirst } from '../gate.js'
import { plain } from '../text.js'
import type { Sink } from './sink.js'
import { SUMMARY_MAX_ROWS } from './summary.js'

/** GitHub shows at most 10 annotations of a kind per step; one is left for the notice. */
const MAX_ANNOTATIONS = 9

/** The controls that blocked the gate, as annotations on the run (and on the PR's checks). */
export const annotationsSink: Sink = {
  name: 'annotations',
  write(outcome) {
    if (outcome.result !== 'fail') return
    const annotate = softFailed(outcome) ? core.warning : core.error
    for (const account of outcome.accounts) {
      const blocking = countedMostSevereFirst(account.gate?.blocking ?? [])
      if (account.result !== 'fail' || blocking.length === 0) continue
      for (const { control, severity } of blocking.slice(0, MAX_ANNOTATIONS)) {
        annotate(plain(`${severity} control failed: ${control.title}`, 300), {
          title: plain(`Compliance: ${control.id}`, 100)
        })
      }
      const rest = blocking.length - MAX_ANNOTATIONS
      if (rest > 0) {
        // the summary lists the most severe failed controls first, so blocking ones lead it
        const inSummary = Math.min(blocking.length, SUMMARY_MAX_ROWS) - MAX_ANNOTATIONS
        const where =
          inSummary >= rest
            ? 'they are listed in the job summary and the report file'
            : `${inSummary} of them are listed in the job summary, all in the report file`
        core.notice(`${rest} more blocking controls; ${where}.`)
      }
    }
  }
}
