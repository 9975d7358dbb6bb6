import { ActionError } from '../../errors.js'
import { roundScore } from '../../gate.js'
import { severityRank } from '../../severity.js'
import { PROVIDERS } from '../catalog.js'
import type { Control, ControlStatus, Report } from '../types.js'
import type { RawReport } from './schemas.js'

const COMPLIANCE: Record<string, ControlStatus> = {
  green: 'passed',
  red: 'failed',
  amber: 'failed',
  gray: 'not-applicable',
  grey: 'not-applicable'
}

const SCALE = PROVIDERS.cloudneeti.severities
const STATUS_ORDER: ControlStatus[] = ['not-applicable', 'passed', 'failed']

/** A benchmark report → the normalized Report: each policy a control, the service's own score. */
export function normalizeCloudneetiReport(
  raw: RawReport,
  expected: { accountId: string; benchmark: string }
): Report {
  const notes: string[] = []
  const controls = new Map<string, Control>()
  let unknownSeverities = 0

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
      let rank = severityRank(SCALE, severity)
      if (rank === undefined) {
        rank = SCALE.names.length - 1
        if (status === 'failed') unknownSeverities++
      }
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
      // A policy listed under two categories counts once, with its worst status.
      const seen = controls.get(control.id)
      if (!seen || STATUS_ORDER.indexOf(control.status) > STATUS_ORDER.indexOf(seen.status)) {
        controls.set(control.id, control)
      }
    }
  }

  if (unknownSeverities) {
    notes.push(
      `${unknownSeverities} failed control(s) had a severity Cloudneeti does not define; they were treated as Critical.`
    )
  }
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
