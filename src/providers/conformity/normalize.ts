import { ActionError } from '../../errors.js'
import { roundScore } from '../../score.js'
import { gateRank, mostSevereFirst, type SeverityScale } from '../../severity.js'
import type { Control, Finding, Report } from '../types.js'
import type { Check } from './schemas.js'

/** Conformity's risk levels, lowest first (contract §2). */
export const CONFORMITY_SEVERITIES: SeverityScale = {
  names: ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH', 'EXTREME']
}

/** The benchmark a report names when no compliance standard narrows the checks. */
export const ALL_CHECKS = 'all checks'

export interface ConformityResults {
  accountId: string
  accountName?: string
  benchmark: string
  /** Unsuppressed checks in scope with status SUCCESS, counted by the service. */
  successCount: number
  /** Every unsuppressed check the service returned for status FAILURE in scope. */
  failures: Check[]
  scannedAt?: number
}

/** Score = 100 × SUCCESS / (SUCCESS + FAILURE), two decimals, 100 when nothing is in scope. */
export function conformityScore(success: number, failure: number): number {
  return success + failure === 0 ? 100 : roundScore((100 * success) / (success + failure))
}

/** `key::value` tags as a map; a tag without `::` is a key with an empty value. */
function parseTags(tags: readonly string[] | null | undefined): Record<string, string> | undefined {
  if (!tags?.length) return undefined
  const out: Record<string, string> = {}
  for (const tag of tags) {
    const at = tag.indexOf('::')
    if (at < 0) out[tag] = ''
    else out[tag.slice(0, at)] = tag.slice(at + 2)
  }
  return out
}

function findingOf(check: Check, risk: string): Finding {
  const a = check.attributes
  const tags = parseTags(a.tags)
  return {
    // a check about the account as a whole has no resource: its id still tells it apart
    resource: a.resource || check.id,
    region: a.region ?? '',
    severity: risk,
    ...(tags ? { tags } : {})
  }
}

/**
 * Failing checks → one failed control per rule, at the highest risk level among its failing
 * checks, each check a finding. A check that is not what was asked for is an error, not skipped.
 */
export function normalizeConformityResults(results: ConformityResults): Report {
  const scale = CONFORMITY_SEVERITIES
  const notes: string[] = []
  const controls = new Map<string, Control & { findings: Finding[] }>()
  let unknownRisk = 0
  let suppressedDropped = 0
  let failureCount = 0

  for (const check of results.failures) {
    const status = check.attributes.status
    if (status.toUpperCase() !== 'FAILURE') {
      throw new ActionError(
        'bad-response',
        `Conformity returned check ${check.id} with status '${status}' when asked for failing checks of account ${results.accountId}; a check is SUCCESS or FAILURE, so these results cannot be trusted.`
      )
    }
    // a check names its account twice: in its relationships and in its id, ccc:<account>:<rule>:…
    const owner = check.relationships.account?.data?.id ?? /^ccc:([^:]+):/.exec(check.id)?.[1]
    if (owner !== undefined && owner !== results.accountId) {
      throw new ActionError(
        'bad-response',
        `Conformity returned check ${check.id} of account ${owner} when asked for the checks of account ${results.accountId}; refusing to gate on another account's results.`
      )
    }
    if (check.attributes.suppressed === true) {
      suppressedDropped++
      continue
    }
    failureCount++
    const ruleId = check.relationships.rule.data.id
    const risk = check.attributes['risk-level'] || 'unknown'
    const { rank, known } = gateRank(scale, risk)
    if (!known) unknownRisk++
    const finding = findingOf(check, risk)
    const existing = controls.get(ruleId)
    if (existing) {
      existing.findings.push(finding)
      existing.failedItems = existing.findings.length
      if (rank > existing.severityRank) {
        existing.severityRank = rank
        existing.severity = risk
      }
    } else {
      controls.set(ruleId, {
        id: ruleId,
        title: check.attributes['rule-title'] ?? ruleId,
        status: 'failed',
        severity: risk,
        severityRank: rank,
        service: check.attributes.service ?? undefined,
        failedItems: 1,
        findings: [finding],
        ...(check.attributes.link ? { link: check.attributes.link } : {})
      })
    }
  }

  if (results.benchmark && results.successCount + failureCount === 0) {
    throw new ActionError(
      'bad-response',
      `No check of account ${results.accountId} belongs to the compliance standard ${results.benchmark}, so nothing was in scope; check the benchmark input (a standard id such as CISAWSF).`
    )
  }
  if (results.successCount + failureCount === 0) {
    notes.push('Conformity has no check in scope for this account: nothing was checked, so the score is 100.')
  }
  if (unknownRisk)
    notes.push(
      `${unknownRisk} failing check(s) had an unknown risk level; they were treated as ${scale.names.at(-1)}.`
    )
  if (suppressedDropped)
    notes.push(`${suppressedDropped} suppressed check(s) came back despite the filter and were left out.`)

  return {
    provider: 'conformity',
    accountId: results.accountId,
    accountName: results.accountName,
    benchmark: { id: results.benchmark || ALL_CHECKS },
    scanId: null,
    scannedAt: results.scannedAt ? new Date(results.scannedAt).toISOString() : undefined,
    score: conformityScore(results.successCount, failureCount),
    controls: [...controls.values()].sort(mostSevereFirst),
    checks: { success: results.successCount, failure: failureCount },
    notes
  }
}
