import type { CountedControl } from './gate.js'
import type { Control, Finding } from './providers/types.js'
import type { AccountReport } from './report/schema.js'
import { roundScore } from './score.js'
import { gateRank, type SeverityScale } from './severity.js'

/** What an earlier run found for one account: the results a deployment is compared with. */
export interface Baseline {
  /** `previous` (read before the scan) or the report file it came from. */
  source: string
  /** Null when the account had no results yet: an empty baseline. */
  score: number | null
  scannedAt?: string
  /** The failed controls, by id; findings undefined when the control was compared as a whole. */
  failed: Map<string, { title: string; findings?: Finding[] }>
}

/** A failed control that this deployment made worse, with the findings that are new. */
export interface Regression extends CountedControl {
  /** True when the control did not fail in the baseline at all. */
  newlyFailed: boolean
}

export interface Comparison {
  baseline: { source: string; score: number | null; scannedAt?: string }
  regressions: Regression[]
  /** Controls that failed in the baseline and do not fail now. */
  fixed: { id: string; title: string }[]
  /** Score minus the baseline's, two decimals; null when the baseline has no score. */
  scoreChange: number | null
}

function failedOf(
  controls: readonly Pick<Control, 'id' | 'title' | 'status' | 'findings'>[]
): Baseline['failed'] {
  return new Map(
    controls.filter(c => c.status === 'failed').map(c => [c.id, { title: c.title, findings: c.findings }])
  )
}

export function baselineFromResults(
  source: string,
  results: { score: number; scannedAt?: string; controls: readonly Control[] }
): Baseline {
  return { source, score: results.score, scannedAt: results.scannedAt, failed: failedOf(results.controls) }
}

export function baselineFromAccountReport(source: string, account: AccountReport): Baseline {
  return {
    source,
    score: account.score,
    scannedAt: account.scannedAt ?? undefined,
    failed: failedOf(account.controls)
  }
}

/** The account had no completed results yet: every failure is new, and no score to compare with. */
export function emptyBaseline(source: string): Baseline {
  return { source, score: null, failed: new Map() }
}

const identity = (f: Finding): string => `${f.region}\u0000${f.resource}`

function highest(
  findings: Finding[],
  control: CountedControl,
  scale: SeverityScale
): { severity: string; severityRank: number } {
  let best = { severity: control.control.severity, severityRank: -1 }
  for (const f of findings) {
    if (f.severity === undefined)
      return { severity: control.control.severity, severityRank: control.control.severityRank }
    const { rank } = gateRank(scale, f.severity)
    if (rank > best.severityRank) best = { severity: f.severity, severityRank: rank }
  }
  return best.severityRank < 0 ? { severity: control.severity, severityRank: control.severityRank } : best
}

/**
 * Compares what counts now (after waivers) with the baseline (contract §9): a control is a
 * regression when it did not fail before, or has a finding the baseline does not have; with no
 * findings on either side, only when it did not fail before.
 */
export function compare(
  counted: CountedControl[],
  failedNow: readonly Control[],
  score: number,
  baseline: Baseline,
  scale: SeverityScale
): Comparison {
  const regressions: Regression[] = []
  for (const c of counted) {
    const before = baseline.failed.get(c.control.id)
    if (!before) {
      regressions.push({ ...c, newlyFailed: true })
      continue
    }
    if (!c.findings || !before.findings) continue
    const known = new Set(before.findings.map(identity))
    const added = c.findings.filter(f => !known.has(identity(f)))
    if (added.length)
      regressions.push({ ...c, findings: added, ...highest(added, c, scale), newlyFailed: false })
  }
  const stillFailing = new Set(failedNow.map(c => c.id))
  const fixed = [...baseline.failed]
    .filter(([id]) => !stillFailing.has(id))
    .map(([id, { title }]) => ({ id, title }))
  return {
    baseline: { source: baseline.source, score: baseline.score, scannedAt: baseline.scannedAt },
    regressions,
    fixed,
    scoreChange: baseline.score === null ? null : roundScore(score - baseline.score)
  }
}
