import { ActionError } from '../../errors.js'
import type { CloudneetiOnboardAccount } from '../onboard.js'
import type { Provider, ProviderContext, Report } from '../types.js'
import { CloudneetiApi } from './api.js'
import { normalizeCloudneetiReport } from './normalize.js'
import type { AuthProvider } from '../../http/client.js'

const RUNNING = new Set(['pending', 'new', 'running', 'queued', 'inprogress'])
const SUCCEEDED = new Set(['success', 'completed', 'succeeded'])
const FAILED = new Set(['failed', 'failure', 'error', 'cancelled', 'canceled'])

/** Cloudneeti (Zscaler CSPM): tokens → rescan → job status → benchmark audit report. */
export function createCloudneetiProvider(ctx: ProviderContext): Provider<CloudneetiOnboardAccount> {
  const { settings, log, progress } = ctx
  const creds = settings.cloudneeti
  if (!creds) throw new ActionError('input', 'Cloudneeti credentials are missing')
  const api = new CloudneetiApi(ctx, creds)
  const benchmark = settings.benchmark

  async function waitForJob(accountId: string, jobId: string, auth: AuthProvider): Promise<void> {
    await ctx.poller.waitFor(`scan job ${jobId}`, async () => {
      const raw = await api.jobStatus(accountId, jobId, auth, ctx.poller.deadline)
      const status = raw.toLowerCase()
      if (SUCCEEDED.has(status)) return { done: true, status: raw }
      if (FAILED.has(status)) {
        throw new ActionError(
          'scan-failed',
          `Cloudneeti scan job ${jobId} of account ${accountId} ended ${raw}; there are no new results to gate on. Check the account's health (prerequisites, permissions) in Cloudneeti, then re-run.`
        )
      }
      if (!RUNNING.has(status))
        log.warning(`Scan job ${jobId} reports an unknown status '${raw}'; still waiting`)
      return { done: false, status: raw }
    })
  }

  async function jobReport(accountId: string, jobId: string, auth: AuthProvider): Promise<Report> {
    progress.phase = 'download the report'
    const raw = await api.report(accountId, benchmark, jobId, auth)
    const report = normalizeCloudneetiReport(raw, { accountId, benchmark })
    if (report.scanId && report.scanId.toLowerCase() !== jobId.toLowerCase()) {
      throw new ActionError(
        'bad-response',
        `The report Cloudneeti returned is for job ${report.scanId}, not the scan job ${jobId}; refusing to gate on it.`
      )
    }
    return { ...report, scanId: jobId }
  }

  async function scan(accountId: string): Promise<Report> {
    const auth = api.accountToken(accountId)
    progress.phase = 'start the scan'
    const jobId = await api.rescan(accountId, auth)
    progress.scanId = jobId
    log.info(`Cloudneeti scan job ${jobId} started for account ${accountId}`)
    progress.phase = 'wait for the scan'
    await waitForJob(accountId, jobId, auth)
    return jobReport(accountId, jobId, auth)
  }

  async function audit(accountId: string): Promise<Report> {
    const auth = api.accountToken(accountId)
    progress.phase = 'download the latest report'
    const raw = await api.report(accountId, benchmark, undefined, auth)
    const report = normalizeCloudneetiReport(raw, { accountId, benchmark })
    if (report.scanId) progress.scanId = report.scanId
    return report
  }

  async function onboard(account: CloudneetiOnboardAccount): Promise<Report> {
    const license = api.licenseToken()
    progress.phase = 'onboard the account'
    const created = await api.onboard(account, license)
    progress.accountId = created.accountId
    progress.scanId = created.jobId
    log.info(
      `Onboarded ${account.cloudType} account ${created.accountId}; its first scan is job ${created.jobId}`
    )
    progress.phase = "add the account to the API application's scope"
    await api.addToScope(created.accountId, license)
    const auth = api.accountToken(created.accountId)
    progress.phase = 'wait for the first scan'
    await waitForJob(created.accountId, created.jobId, auth)
    return jobReport(created.accountId, created.jobId, auth)
  }

  return { id: 'cloudneeti', scan, audit, onboard }
}
