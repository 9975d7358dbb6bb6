import { glob } from 'node:fs/promises'
import path from 'node:path'
import type { Comparison } from './baseline.js'
import { ActionError } from './errors.js'
import type { CountedControl, GateDecision, GatePolicy, RuleResult } from './gate.js'
import type { Logger } from './log.js'
import type { AccountOutcome } from './outcome.js'
import { PROVIDERS } from './providers/registry.js'
import type { Control, Report } from './providers/types.js'
import { readReportFile } from './report/read.js'
import type { AccountReport, ReportDocument } from './report/schema.js'
import { severityRank, type SeverityScale } from './severity.js'
import type { AggregateSettings } from './settings.js'

/** The report files the globs match, in path order; a glob outside the workspace is refused. */
async function reportFiles(settings: AggregateSettings): Promise<string[]> {
  const files = new Set<string>()
  for (const pattern of settings.reports) {
    if (path.isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..')) {
      throw new ActionError(
        'input',
        `Input 'reports' has '${pattern}', outside the workspace; name files in it`
      )
    }
    for await (const file of glob(pattern, { cwd: settings.workspace }))
      files.add(path.resolve(settings.workspace, file))
  }
  if (files.size === 0) {
    throw new ActionError(
      'input',
      `Input 'reports' matched no file (${settings.reports.join(', ')} in ${settings.workspace}); download the report artifacts first (actions/download-artifact with merge-multiple: true).`
    )
  }
  return [...files].sort()
}

/** The policy a report was judged with, its severity resolved on its provider's scale. */
function policyOf(document: ReportDocument, provider: string): GatePolicy | undefined {
  const p = document.policy
  if (!p) return undefined
  const scale = scaleOf(provider)
  const rank = scale && p.failOnSeverity !== 'none' ? severityRank(scale, p.failOnSeverity) : undefined
  return {
    minScore: p.minScore,
    failOnSeverity: rank === undefined ? null : { name: p.failOnSeverity, rank },
    maxFailures: p.maxFailures
  }
}

/** An account as its run recorded it: the verdict is kept, never evaluated again. */
function accountOutcome(document: ReportDocument, entry: AccountReport): AccountOutcome {
  const policy = policyOf(document, entry.provider)
  const label = known(entry.provider)?.label ?? entry.provider
  const base = {
    accountId: entry.accountId ?? undefined,
    result: entry.result,
    phase: entry.error?.phase ?? 'done',
    scanId: entry.scanId ?? undefined,
    reason: entry.reason,
    providerLabel: label,
    ...(policy ? { policy } : {})
  }
  if (entry.error || entry.score === null || entry.result === 'error') {
    return {
      ...base,
      error: new ActionError((entry.error?.kind ?? 'api') as never, entry.error?.message ?? entry.reason)
    }
  }
  const controls = entry.controls as Control[]
  const report: Report = {
    provider: entry.provider,
    accountId: entry.accountId ?? '',
    ...(entry.accountName ? { accountName: entry.accountName } : {}),
    benchmark: entry.benchmark ?? { id: '' },
    scanId: entry.scanId,
    ...(entry.scannedAt ? { scannedAt: entry.scannedAt } : {}),
    score: entry.score,
    controls,
    ...(entry.counts?.checks ? { checks: entry.counts.checks } : {}),
    notes: entry.notes
  }
  const byId = new Map(controls.map(c => [c.id, c]))
  const counted: CountedControl[] = entry.counted.flatMap(c => {
    const control = byId.get(c.id)
    return control
      ? [{ control, severity: c.severity, severityRank: c.severityRank, findings: c.findings }]
      : []
  })
  const rules: RuleResult[] = entry.rules
  const threshold = policy?.failOnSeverity
  const gate: GateDecision = {
    result: entry.result === 'pass' ? 'pass' : 'fail',
    rules,
    reasons: rules.filter(r => !r.passed).map(r => r.reason),
    failedControls: controls.filter(c => c.status === 'failed'),
    counted,
    blocking: threshold ? counted.filter(c => c.severityRank >= threshold.rank) : []
  }
  const comparison: Comparison | undefined = entry.comparison
    ? {
        baseline: {
          ...entry.comparison.baseline,
          scannedAt: entry.comparison.baseline.scannedAt ?? undefined
        },
        regressions: entry.comparison.regressions.flatMap(r => {
          const control = byId.get(r.id)
          return control
            ? [
                {
                  control,
                  severity: r.severity,
                  severityRank: severityRankOf(entry.provider, r.severity),
                  findings: r.findings,
                  newlyFailed: r.newlyFailed
                }
              ]
            : []
        }),
        fixed: entry.comparison.fixed,
        scoreChange: entry.comparison.scoreChange
      }
    : undefined
  const waived = entry.waivers?.waived.flatMap(id => (byId.has(id) ? [byId.get(id)!] : [])) ?? []
  return {
    ...base,
    report,
    gate,
    ...(comparison ? { comparison } : {}),
    ...(entry.waivers ? { waivers: { waived, used: entry.waivers.used, unused: entry.waivers.unused } } : {})
  }
}

/** A provider's severity scale, by id; undefined for a provider this version does not know. */
function scaleOf(provider: string): SeverityScale | undefined {
  return known(provider)?.severities
}

/** The definition of a provider a report names, if this version has it. */
function known(provider: string) {
  return PROVIDERS.find(d => d.id === provider)
}

function severityRankOf(provider: string, severity: string): number {
  const scale = scaleOf(provider)
  return (scale && severityRank(scale, severity)) ?? 0
}

/**
 * Every account of every matched report, as its run recorded it. A file that is not a report of
 * this action is an error naming it; so is an account that two reports both hold.
 */
export async function runAggregate(settings: AggregateSettings, log: Logger): Promise<AccountOutcome[]> {
  const accounts: AccountOutcome[] = []
  const seen = new Map<string, string>()
  for (const file of await reportFiles(settings)) {
    const document = await readReportFile(file)
    if (document.mode === 'aggregate') {
      log.info(`${file} is itself an aggregate: its accounts are taken as they are`)
    }
    for (const entry of document.accounts) {
      const key = `${entry.provider}/${entry.accountId}/${entry.benchmark?.id ?? ''}`
      const other = seen.get(key)
      if (other) {
        throw new ActionError(
          'input',
          `Account ${entry.accountId} (${entry.provider}, ${entry.benchmark?.id ?? 'no benchmark'}) is in both ${other} and ${file}; give each matrix job its own account, or its own report name.`
        )
      }
      seen.set(key, file)
      accounts.push(accountOutcome(document, entry))
    }
    if (document.accounts.length === 0) {
      // a run that stopped before any account (bad input) still failed: keep that
      accounts.push({
        result: 'error',
        phase: document.error?.phase ?? 'read the inputs',
        reason: `${file}: ${document.reason}`,
        error: new ActionError('input', document.reason)
      })
    }
  }
  log.info(`Combined ${accounts.length} account(s) from the report files`)
  return accounts
}
