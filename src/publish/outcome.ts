import type { ActionError } from '../errors.js'
import { roundScore, type GateDecision } from '../gate.js'
import type { Settings } from '../inputs.js'
import type { Mode, ProviderId } from '../providers/catalog.js'
import type { Control, Progress, Report } from '../providers/types.js'

export type Result = 'pass' | 'fail' | 'error'

/** Everything the reporters need: what was asked, what was found, what was decided. */
export interface Outcome {
  result: Result
  decision: 'promote' | 'rollback'
  provider?: ProviderId
  mode?: Mode
  settings?: Settings
  report?: Report
  gate?: GateDecision
  error?: ActionError
  progress: Progress
  reportPath: string
  /** One line: why the gate failed or what went wrong; empty on pass. */
  reason: string
  durationMs: number
}

export function formatScore(score: number | undefined): string {
  return score === undefined ? '' : String(roundScore(score))
}

/** The failed controls, once a report was read (the gate decision lists them). */
export function failedControls(outcome: Outcome): Control[] | undefined {
  return outcome.gate?.failedControls
}
