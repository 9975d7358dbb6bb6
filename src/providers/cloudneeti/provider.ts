import { ActionError, HttpError } from '../../errors.js'
import type { AuthProvider } from '../../http/client.js'
import { pooled } from '../../pool.js'
import type { AccountContext, Provider, Report, RunContext } from '../types.js'
import { CloudneetiApi } from './api.js'
import type { CloudneetiSettings } from './definition.js'
import { CLOUDNEETI_SEVERITIES, attachFailedAssets, normalizeCloudneetiReport } from './normalize.js'
import type { RawFailedAsset } from './schemas.js'

const RUNNING = new Set(['pending', 'new', 'running', 'queued', 'inprogress'])
const SUCCEEDED = new Set(['success', 'completed', 'succeeded'])
const FAILED = new Set(['failed', 'failure', 'error', 'cancelled', 'canceled'])

/** How far the service's clock may be behind this runner's when its Date header cannot be read. */
const CLOCK_SKEW_MS = 10 * 60_000

/** Page size for the failed assets; the public client uses 1,000. */
const ASSETS_PAGE_SIZE = 1000
const ASSETS_CONCURRENCY = 4

/** A report date without an offset is UTC, as the service writes it. */
function parseServiceDate(value: string | undefined): number | undefined {
  if (!value) return undefined
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`
  const ms = Date.parse(withZone)
  return Number.isNaN(ms) ? undefined : ms
}

/** Cloudneeti (Zscaler CSPM): tokens → rescan → job status → benchmark audit report → failed assets. */
export function createCloudneetiProvider(run: RunContext, settings: CloudneetiSettings): Provider {
  const { log } = run
  const api = new CloudneetiApi(run, settings.credentials)
  const benchmark = settings.benchmark
  const scale = CLOUDNEETI_SEVERITIES
  const unknownStatuses = new Set<string>()

  async function waitForJob(
    account: AccountContext,
    accountId: string,
    jobId: string,
    auth: AuthProvider
  ): Promise<void> {
    await account.poller.waitFor(`scan job ${jobId}`, async () => {
      const raw = await api.jobStatus(accountId, jobId, auth, account.deadline)
      const status = raw.toLowerCase()
      if (SUCCEEDED.has(status)) return { done: true, status: raw }
      if (FAILED.has(status)) {
        throw new ActionError(
          'scan-failed',
          `Cloudneeti scan job ${jobId} of account ${accountId} ended ${raw}; there are no new results to gate on. Check the account's health (prerequisites, permissions) in Cloudneeti, then re-run.`
        )
      }
      if (!RUNNING.has(status) && !unknownStatuses.has(status)) {
        unknownStatuses.add(status)
        log.warning(`Scan job ${jobId} reports a status this action does not know, '${raw}'; still waiting`)
      }
      return { done: false, status: raw }
    })
  }

  /** Every failed asset, or undefined when the endpoint is forbidden or missing (§8: a warning). */
  async function failedAssets(
    account: AccountContext,
    accountId: string,
    auth: AuthProvider
  ): Promise<RawFailedAsset[] | undefined> {
    const page = (n: number) =>
      api.failedAssets(accountId, benchmark, n, ASSETS_PAGE_SIZE, auth, account.deadline)
    let first
    try {
      first = await page(1)
    } catch (err) {
      if (err instanceof HttpError && (err.status === 403 || err.status === 404)) {
        log.warning(
          `Cloudneeti did not list the failed assets of account ${accountId} (${err.status}); failed controls are compared and waived as a whole. Grant the API application Account.Audit to see which resources fail.`
        )
        return undefined
      }
      throw err
    }
    if (first.accountid && first.accountid.toLowerCase() !== accountId.toLowerCase()) {
      throw new ActionError(
        'bad-response',
        `Cloudneeti listed the failed assets of account ${first.accountid}, not ${accountId}; refusing to use them.`
      )
    }
    if (first.benchmarkid && first.benchmarkid.toLowerCase() !== benchmark.toLowerCase()) {
      throw new ActionError(
        'bad-response',
        `Cloudneeti listed the failed assets of benchmark ${first.benchmarkid}, not ${benchmark}; refusing to use them.`
      )
    }
    const total = first.failedassetcount
    const pages = Math.ceil(total / ASSETS_PAGE_SIZE)
    const rest = await pooled(
      Array.from({ length: Math.max(0, pages - 1) }, (_, i) => () => page(i + 2)),
      ASSETS_CONCURRENCY
    )
    const assets = [first, ...rest].flatMap(p => p.failedpolicyassetslists ?? [])
    if (assets.length !== total) {
      throw new ActionError(
        'bad-response',
        `Cloudneeti counted ${total} failed assets of account ${accountId} but listed ${assets.length}; the results changed while paging, or the answer is incomplete. Re-run.`
      )
    }
    return assets
  }

  /** The report and its failing resources; `notBefore` is the service's clock at the rescan. */
  async function readResults(
    account: AccountContext,
    accountId: string,
    jobId: string | undefined,
    auth: AuthProvider,
    notBefore?: number
  ): Promise<Report> {
    account.progress.step('download the report')
    const raw = await api.report(accountId, benchmark, jobId, auth, account.deadline)
    if (jobId && raw.jobid && raw.jobid.toLowerCase() !== jobId.toLowerCase()) {
      throw new ActionError(
        'bad-response',
        `The report Cloudneeti returned is for job ${raw.jobid}, not the scan job ${jobId}; refusing to gate on it.`
      )
    }
    let report = normalizeCloudneetiReport(raw, { accountId, benchmark }, scale)
    if (notBefore !== undefined) {
      const scanned = parseServiceDate(report.scannedAt)
      if (scanned === undefined || scanned < notBefore) {
        const when = scanned === undefined ? 'carries no scan date' : `was scanned at ${report.scannedAt}`
        throw new ActionError(
          'bad-response',
          `Cloudneeti answered the scan request with job ${jobId}, but its report ${when}, before the scan was asked for (${new Date(notBefore).toISOString()} by the service's clock): those are older results, not this deployment's. Re-run.`
        )
      }
    }
    if (jobId) report = { ...report, scanId: jobId }
    if (report.scanId) account.progress.scanId = report.scanId
    account.progress.step('read the failed assets')
    const assets = await failedAssets(account, accountId, auth)
    return assets ? attachFailedAssets(report, assets) : report
  }

  return {
    async scan(account, accountId) {
      const auth = api.accountToken(accountId, account.deadline)
      account.progress.step('start the scan')
      const requestedAt = Date.now()
      const { jobId, serverTime } = await api.rescan(accountId, auth, account.deadline)
      account.progress.scanId = jobId
      log.info(`Cloudneeti scan job ${jobId} started for account ${accountId}`)
      account.progress.step('wait for the scan')
      await waitForJob(account, accountId, jobId, auth)
      // without the service's clock, this runner's, allowing for skew: a missing or garbled Date
      // header must not switch off the check that the results are newer than the request
      if (serverTime === undefined) {
        log.warning(
          `Cloudneeti sent no usable Date header with the scan request; the report's date is checked against this runner's clock, allowing ${CLOCK_SKEW_MS / 60_000} minutes of skew.`
        )
      }
      return readResults(account, accountId, jobId, auth, serverTime ?? requestedAt - CLOCK_SKEW_MS)
    },

    async audit(account, accountId) {
      const auth = api.accountToken(accountId, account.deadline)
      return readResults(account, accountId, undefined, auth)
    },

    async latest(account, accountId) {
      const auth = api.accountToken(accountId, account.deadline)
      try {
        return await readResults(account, accountId, undefined, auth)
      } catch (err) {
        // 404: no successful scan of this benchmark yet, so nothing to compare with
        if (err instanceof HttpError && err.status === 404) return undefined
        throw err
      }
    },

    async listAccounts(deadline) {
      return api.accountsInScope(api.licenseToken(deadline), deadline)
    },

    async onboard(account) {
      if (settings.mode !== 'onboard') throw new Error('onboard needs onboard settings')
      const spec = settings.onboardAccount
      const license = api.licenseToken(account.deadline)
      account.progress.step('onboard the account')
      const created = await api.onboard(spec, license, account.deadline)
      account.progress.accountId = created.accountId
      account.progress.scanId = created.jobId
      log.info(
        `Onboarded ${spec.cloudType} account ${created.accountId}; its first scan is job ${created.jobId}`
      )
      account.progress.step("add the account to the API application's scope")
      await api.addToScope(created.accountId, license, account.deadline)
      const auth = api.accountToken(created.accountId, account.deadline)
      account.progress.step('wait for the first scan')
      await waitForJob(account, created.accountId, created.jobId, auth)
      return readResults(account, created.accountId, created.jobId, auth)
    }
  }
}
