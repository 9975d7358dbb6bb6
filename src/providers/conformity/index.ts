import { ActionError } from '../../errors.js'
import type { Mode } from '../catalog.js'
import type { ConformityOnboardAccount } from '../onboard.js'
import type { Provider, ProviderContext, Report } from '../types.js'
import { ConformityApi } from './api.js'
import { ChecksFetcher } from './checks.js'
import { normalizeConformityResults } from './normalize.js'
import { keyUser, requirePrivilege } from './privileges.js'
import type { Account } from './schemas.js'

/** Cloud Conformity: whoami preflight → bot run (scan) → bot-status → checks. */
export function createConformityProvider(ctx: ProviderContext): Provider<ConformityOnboardAccount> {
  const { settings, log, progress } = ctx
  const api = new ConformityApi(ctx.http)

  async function preflight(mode: Mode, accountId: string | undefined): Promise<void> {
    progress.phase = 'check the API key'
    const user = keyUser(await api.whoami())
    api.user = user
    requirePrivilege(user, mode, accountId)
    log.info(`Conformity API key belongs to user ${user.id} (role ${user.role})`)
  }

  /**
   * Waits until the bot is idle and its last check is newer than `since` (epoch ms; null when the
   * account never ran): only then are the checks those of a run that ended after the request.
   */
  function waitForBot(accountId: string, since: number | null): Promise<Account> {
    return ctx.poller.waitFor(`the Conformity bot on account ${accountId}`, async () => {
      const account = await api.account(accountId, ctx.poller.deadline)
      const status = account.attributes['bot-status']
      const checked = account.attributes['last-checked-date'] ?? null
      const finishedAfter = checked !== null && (since === null || checked > since)
      if (!status && finishedAfter) return { done: true, value: account, status: 'finished' }
      return {
        done: false,
        status: status ? `bot ${status}` : 'bot idle, waiting for the run to be recorded'
      }
    })
  }

  async function evaluate(account: Account): Promise<Report> {
    progress.phase = 'read the checks'
    const fetcher = new ChecksFetcher(api, account.id)
    const scope: Record<string, string> = { 'filter[suppressed]': 'false' }
    if (settings.benchmark) scope['filter[compliances]'] = settings.benchmark
    const [successCount, failures] = await Promise.all([
      fetcher.count({ ...scope, 'filter[statuses]': 'SUCCESS' }),
      fetcher.fetchAll({ ...scope, 'filter[statuses]': 'FAILURE' })
    ])
    log.debug(`Read ${failures.length} failing checks in ${fetcher.stats.requests} requests`)
    return normalizeConformityResults({
      accountId: account.id,
      accountName: account.attributes.name ?? undefined,
      benchmark: settings.benchmark,
      successCount,
      failures,
      scannedAt: account.attributes['last-checked-date'] ?? undefined
    })
  }

  async function scan(accountId: string): Promise<Report> {
    await preflight('scan', accountId)
    progress.phase = 'read the account'
    const before = await api.account(accountId)
    progress.phase = 'start the scan'
    const { status, serverTime } = await api.startScan(accountId)
    // A run that ends after the request is checked after it by the service's own clock (the
    // Date header has whole seconds), so a service slow to show the bot busy cannot pass off a
    // run that ended just before the deploy.
    const lastChecked = before.attributes['last-checked-date'] ?? null
    const since = serverTime === undefined ? lastChecked : Math.max(lastChecked ?? 0, serverTime - 1000)
    if (status.toUpperCase() !== 'STARTED')
      log.warning(`Conformity answered the scan request with status '${status}'; waiting for the bot anyway`)
    log.info(`Conformity bot run requested for account ${accountId}`)
    progress.phase = 'wait for the scan'
    return evaluate(await waitForBot(accountId, since))
  }

  async function audit(accountId: string): Promise<Report> {
    await preflight('audit', accountId)
    progress.phase = 'read the account'
    const account = await api.account(accountId)
    if (account.attributes['last-checked-date'] == null) {
      throw new ActionError(
        'not-found',
        `Conformity account ${accountId} has no completed bot run yet, so there are no results to audit; run mode scan first.`
      )
    }
    if (account.attributes['bot-status']) {
      log.warning(
        `The Conformity bot is ${account.attributes['bot-status']} on account ${accountId}; auditing the results of the last completed run`
      )
    }
    return evaluate(account)
  }

  async function onboard(spec: ConformityOnboardAccount): Promise<Report> {
    await preflight('onboard', undefined)
    let external: string | undefined
    if (spec.cloudType === 'aws') {
      external = spec.externalId
      if (!external) {
        progress.phase = 'read the external id'
        external = await api.externalId()
        ctx.mask(external)
      }
    }
    progress.phase = 'create the account'
    const created = await api.createAccount(spec, external)
    progress.accountId = created.id
    log.info(`Created Conformity ${spec.cloudType} account ${created.id}; waiting for its first bot run`)
    progress.phase = 'wait for the first scan'
    return evaluate(await waitForBot(created.id, null))
  }

  return { id: 'conformity', scan, audit, onboard }
}
