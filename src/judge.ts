import { compare, type Baseline, type Comparison } from './baseline.js'
import { evaluateGate, type GateDecision, type GatePolicy } from './gate.js'
import type { Control, Report } from './providers/types.js'
import type { SeverityScale } from './severity.js'
import { applyWaivers, type Waiver } from './waivers.js'

/** What the waivers did to one account's failed controls. */
export interface WaiverEffect {
  /** Failed controls the waivers cover entirely: they stay failed in the report, and count for nothing. */
  waived: Control[]
  used: Waiver[]
  unused: Waiver[]
}

export interface Judgement {
  gate: GateDecision
  comparison?: Comparison
  waivers?: WaiverEffect
}

/**
 * One account's verdict: waivers first (what still counts), then the baseline (what is new),
 * then the gate's rules over what counts — every failed control with `gate-on: all`, the
 * regressions with `gate-on: new`. Pure.
 */
export function judge(
  report: Report,
  policy: GatePolicy,
  scale: SeverityScale,
  options: { baseline?: Baseline; waivers?: Waiver[] }
): Judgement {
  const failed = report.controls.filter(c => c.status === 'failed')
  const applied = applyWaivers(report.accountId, failed, options.waivers ?? [], scale)
  const comparison = options.baseline
    ? compare(applied.counted, failed, report.score, options.baseline, scale)
    : undefined
  const counted = policy.gateOn === 'new' && comparison ? comparison.regressions : applied.counted
  const gate = evaluateGate(report, policy, { counted, scoreChange: comparison?.scoreChange ?? null })
  return {
    gate,
    comparison,
    waivers: options.waivers
      ? { waived: applied.waived, used: applied.used, unused: applied.unused }
      : undefined
  }
}
