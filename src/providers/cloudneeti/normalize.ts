import { ActionError } from '../../errors.js'
import { roundScore } from '../../score.js'
import { gateRank, type SeverityScale } from '../../severity.js'
import type { Control, ControlStatus, Finding, Report } from '../types.js'
import type { RawFailedAsset, RawReport } from './schemas.js'

const COMPLIANCE: Record<string, ControlStatus> = {
  green: 'passed',
  red: 'failed',
  amber: 'failed',
  gray: 'not-applicable',
  grey: 'not-applicable'
}

/** Cloudneeti's severities, lowest first (contract §2). */
export const CLOUDNEETI_SEVERITIES: SeverityScale = {
  names: ['VeryLow', 'Low', 'Moderate', 'High', 'Critical']
}

const STATUS_ORDER: ControlStatus[] = ['not-applicable', 'passed', 'failed']

/** A policy listed twice counts once: failed if either is, at the higher severity of the two. */
function merge(a: Control, b: Control): Control {
  const worse = STATUS_ORDER.indexOf(b.status) > STATUS_ORDER.indexOf(a.status) ? b : a
  const severer = b.severityRank > a.severityRank ? b : a
  return { ...worse, severity: severer.severity, severityRank: severer.severityRank }
}

/** A benchmark report → the normalized Report: each policy a control, the service's own score. */
export function normalizeCloudneetiReport(
  raw: RawReport,
  expected: { accountId: string; benchmark: string },
  scale: SeverityScale = CLOUDNEETI_SEVERITIES
): Report {
  const notes: string[] = []
  const controls = new Map<string, Control>()
  let unknownSeverities = 0
  let duplicates = 0

  if (raw.accountid && raw.accountid.toLowerCase() !== expected.accountId.toLowerCase()) {
    throw new ActionError(
      'bad-response',
      `The audit report is for account ${raw.accountid}, not ${expected.accountId}; refusing to gate on it.`
    )
  }
  if (raw.benchmarkid && raw.benchmarkid.toLowerCase() !== expected.benchmark.toLowerCase()) {
    throw new ActionError(
      'bad-response',
      `The audit report is for benchmark ${raw.benchmarkid}, not ${expected.benchmark}; refusing to gate on it.`
    )
  }

  for (const category of raw.resourcecategories) {
    for (const policy of category.policies ?? []) {
      const status = COMPLIANCE[policy.compliance.trim().toLowerCase()]
      if (!status) {
        throw new ActionError(
          'bad-response',
          `The audit report is not readable: policy ${policy.policyid} has Compliance '${policy.compliance}', expected Green, Red, Amber or Gray.`
        )
      }
      const severity = (policy.severity ?? '').trim()
      const { rank, known } = gateRank(scale, severity)
      if (!known && status === 'failed') unknownSeverities++
      const passed = policy.passedresourcecount ?? undefined
      const total = policy.totalresourcecount ?? undefined
      const control: Control = {
        id: policy.policyid,
        title: policy.shorttitle ?? policy.title ?? policy.policyid,
        status,
        severity: severity || 'unknown',
        severityRank: rank,
        category: category.categoryname ?? undefined,
        service: policy.servicename ?? undefined,
        failedItems: passed !== undefined && total !== undefined ? Math.max(0, total - passed) : undefined,
        totalItems: total
      }
      const seen = controls.get(control.id)
      if (seen) duplicates++
      controls.set(control.id, seen ? merge(seen, control) : control)
    }
  }

  if (controls.size === 0) {
    throw new ActionError(
      'bad-response',
      `The ${expected.benchmark} report of account ${expected.accountId} lists no policy, so nothing was in scope; its posture cannot be checked against the gate. Check that the benchmark applies to this account (or the report's format changed).`
    )
  }
  if (unknownSeverities) {
    notes.push(
      `${unknownSeverities} failed control(s) had a severity Cloudneeti does not define; they were treated as ${scale.names.at(-1)}.`
    )
  }
  if (duplicates) {
    notes.push(
      `${duplicates} policy listing(s) repeated a policy id; each policy counts once, failed if any listing failed, at the highest severity listed.`
    )
  }

  return {
    provider: 'cloudneeti',
    accountId: expected.accountId,
    accountName: raw.accountname ?? undefined,
    benchmark: { id: raw.benchmarkid ?? expected.benchmark, name: raw.benchmarkname ?? undefined },
    scanId: raw.jobid ?? null,
    scannedAt: raw.lastscanneddate ?? undefined,
    score: roundScore(raw.posture.compliancepercent),
    controls: [...controls.values()],
    notes
  }
}

/**
 * Attaches the failed assets (E14) to the failed controls as findings. An asset of a control the
 * report does not have failed means the two answers describe different results: an error.
 */
export function attachFailedAssets(report: Report, assets: RawFailedAsset[]): Report {
  const byControl = new Map<string, Map<string, Finding>>()
  const failed = new Map(report.controls.filter(c => c.status === 'failed').map(c => [c.id, c]))
  for (const asset of assets) {
    const control = [...failed.keys()].find(id => id.toLowerCase() === asset.policyid.toLowerCase())
    if (!control) {
      throw new ActionError(
        'bad-response',
        `Cloudneeti listed a failed asset of policy ${asset.policyid}, which did not fail in the ${report.benchmark.id} report of account ${report.accountId}; the two answers describe different results. Re-run.`
      )
    }
    const finding: Finding = {
      resource: asset.resourceid,
      region: asset.resourceregion ?? '',
      ...(asset.resourcename ? { name: asset.resourcename } : {}),
      ...(asset.tags && Object.keys(asset.tags).length
        ? { tags: Object.fromEntries(Object.entries(asset.tags).map(([k, v]) => [k, String(v)])) }
        : {})
    }
    const findings = byControl.get(control) ?? new Map<string, Finding>()
    findings.set(`${finding.region}\u0000${finding.resource}`, finding)
    byControl.set(control, findings)
  }
  const mismatched: string[] = []
  const controls = report.controls.map(c => {
    if (c.status !== 'failed') return c
    const findings = [...(byControl.get(c.id)?.values() ?? [])]
    // a list that disagrees with the report's count is not the whole truth: compare the control
    // as a whole rather than let a short list hide a new failing resource
    if (c.failedItems !== undefined && findings.length !== c.failedItems) {
      mismatched.push(c.id)
      return c
    }
    return { ...c, findings }
  })
  const notes = [...report.notes]
  if (mismatched.length) {
    notes.push(
      `For ${mismatched.length} failed control(s) (${mismatched.slice(0, 5).join(', ')}${mismatched.length > 5 ? ', …' : ''}) Cloudneeti listed a different number of failed assets than the report counts; they are compared and waived as a whole.`
    )
  }
  return { ...report, controls, notes }
}
