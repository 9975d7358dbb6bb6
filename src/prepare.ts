import { baselineFromAccountReport, type Baseline } from './baseline.js'
import { ActionError } from './errors.js'
import type { Logger } from './log.js'
import { definitionOf, type Settings } from './providers/registry.js'
import { readReportFile } from './report/read.js'
import { loadWaivers, waiverScope, waiverStatus, type Waiver, type WaiverStatus } from './waivers.js'

/** What the run reads from the workspace before it asks the service anything. */
export interface Prepared {
  waivers?: { file: string; status: WaiverStatus }
  /** The baseline report file's entry for an account, by account id; checked against the inputs. */
  baselineFor?: (accountId: string) => Baseline
}

function describe(w: Waiver): string {
  const where = waiverScope(w)
  return `control ${w.control}${where ? ` (${where})` : ''}`
}

/**
 * Reads the waiver file and the baseline file, before any request: a file that cannot be read,
 * is malformed, or was written for another provider, account or benchmark is an error here.
 */
export async function prepare(settings: Settings, now: Date, log: Logger): Promise<Prepared> {
  const prepared: Prepared = {}
  if (settings.waiversPath) {
    const status = waiverStatus(await loadWaivers(settings.waiversPath), now)
    for (const w of status.expired) {
      log.warning(
        `Waiver for ${describe(w)} expired on ${w.expires} (line ${w.line} of ${settings.waiversPath}); it is ignored. Renew it or remove it.`
      )
    }
    for (const w of status.expiringSoon) {
      log.warning(
        `Waiver for ${describe(w)}${w.owner ? `, owned by ${w.owner},` : ''} expires on ${w.expires} (line ${w.line}); renew it or fix the finding before then.`
      )
    }
    prepared.waivers = { file: settings.waiversPath, status }
  }
  if (settings.compareTo?.kind === 'file') {
    const file = settings.compareTo.path
    const document = await readReportFile(file)
    const definition = definitionOf(settings.provider)
    const mismatch = (what: string): ActionError =>
      new ActionError(
        'input',
        `Baseline ${file} ${what}; compare-to needs a report of the same provider, account and benchmark.`
      )
    if (document.provider !== settings.provider) {
      throw mismatch(`is a report of provider ${document.provider ?? 'none'}, not ${settings.provider}`)
    }
    const benchmark = definition.reportBenchmark(settings.benchmark)
    const entries = document.accounts.filter(a => a.score !== null && a.counts !== null)
    const baselineFor = (accountId: string): Baseline => {
      const entry = entries.find(a => a.accountId === accountId)
      if (!entry) {
        const held = document.accounts.map(a => a.accountId ?? 'unknown').join(', ') || 'no account'
        throw mismatch(`holds no results for account ${accountId} (it has ${held})`)
      }
      if ((entry.benchmark?.id ?? '').toLowerCase() !== benchmark.toLowerCase()) {
        throw mismatch(`is for benchmark ${entry.benchmark?.id ?? 'none'}, not ${benchmark}`)
      }
      return baselineFromAccountReport(file, entry)
    }
    // the accounts named are known before any request (not those of `*`, nor the one onboarding creates)
    if (settings.mode !== 'onboard' && settings.accounts !== '*')
      for (const id of settings.accounts) baselineFor(id)
    prepared.baselineFor = baselineFor
  }
  return prepared
}
