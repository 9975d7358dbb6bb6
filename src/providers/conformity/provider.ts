import { ActionError } from '../../errors.js'
import type { Mode } from '../../settings.js'
import type { AccountContext, Provider, Report, RunContext } from '../types.js'
import { ConformityApi, whoamiOf } from './api.js'
import { ChecksFetcher } from './checks.js'
import type { ConformitySettings } from './definition.js'
import { normalizeConformityResults } from './normalize.js'
import { keyUser, requirePrivilege } from './privileges.js'
import type { Account } from './schemas.js'

/** Cloud Conformity: whoami preflight (once per run) → bot run (scan) → bot-status → checks. */
export function createConformityProvider(run: RunContext, settings: ConformitySettings): Provider {
  const { log } = run
  let identified: Promise<ConformityApi> | undefined

  /** Who the key belongs to, asked once however many accounts the run works on. */
  function identify(deadline: number): Promise<ConformityApi> {
    identified ??= whoamiOf(run.http, deadline).then(who => {
      const user = keyUser(who)
      log.info(`Conformity API key belongs to user ${user.id} (role ${user.role})`)
      return new ConformityApi(run.http, user)
    })
    return identified
  }

  async function preflight(account: AccountContext, mode: Mode, accountId?: string): Promise<ConformityApi> {
    account.progress.step('check the API key')
    const api = await identify(account.deadline)
    requirePrivilege(api.user, mode, accountId)
    return api
  }

  /** The account, refused when the service answers for another one. */
  async function readAccount(
    api: ConformityApi,
    account: AccountContext,
    accountId: string
  ): Promise<Account> {
    const found = await api.account(accountId, account.deadline)
    if (found.id !== accountId) {
      throw new ActionError(
        'bad-response',
        `Conformity answered the request for account ${accountId} with account ${found.id}; refusing to gate on another account.`
      )
    }
    return found
  }

  /**
   * Waits until the bot is idle and its last check is newer than `since` (epoch ms; null when the
   * account never ran): only then are the checks those of a run that ended after the request.
   */
  function waitForBot(
    api: ConformityApi,
    account: AccountContext,
    accountId: string,
    since: number | null
  ): Promise<Account> {
    return account.poller.waitFor(`the Conformity bot on account ${accountId}`, async () => {
      const found = await readAccount(api, account, accountId)
      const status = found.attributes['bot-status']
      const checked = found.attributes['last-checked-date'] ?? null
      const finishedAfter = checked !== null && (since === null || checked > since)
      if (!status && finishedAfter) return { done: true, value: found, status: 'finished' }
      return {
        done: false,
        status: status ? `bot ${status}` : 'bot idle, waiting for the run to be recorded'
      }
    })
  }

  async function evaluate(api: ConformityApi, account: AccountContext, found: Account): Promise<Report> {
    account.progress.step('read the checks')
    const fetcher = new ChecksFetcher(api, found.id, account.deadline)
    const scope: Record<string, string> = { 'filter[suppressed]': 'false' }
    if (settings.benchmark) scope['filter[compliances]'] = settings.benchmark
    // one after the other: side by side, a count that failed ended the run while the failures'
    // requests went on (retrying, logging, keeping the step alive) after the outcome was published
    const successCount = await fetcher.count({ ...scope, 'filter[statuses]': 'SUCCESS' })
    const failures = await fetcher.fetchAll({ ...scope, 'filter[statuses]': 'FAILURE' })
    log.debug(`Read ${failures.length} failing checks in ${fetcher.stats.requests} requests`)
    return normalizeConformityResults({
      accountId: found.id,
      accountName: found.attributes.name ?? undefined,
      benchmark: settings.benchmark,
      successCount,
      failures,
      scannedAt: found.attributes['last-checked-date'] ?? undefined
    })
  }

  return {
    async scan(account, accountId) {
      const api = await preflight(account, 'scan', accountId)
      account.progress.step('read the account')
      const before = await readAccount(api, account, accountId)
      account.progress.step('start the scan')
      const { status, serverTime } = await api.startScan(accountId, account.deadline)
      // A run that ends after the request is checked after it by the service's own clock (the
      // Date header has whole seconds), so a service slow to show the bot busy cannot pass off a
      // run that ended just before the deploy.
      const lastChecked = before.attributes['last-checked-date'] ?? null
      const since = serverTime === undefined ? lastChecked : Math.max(lastChecked ?? 0, serverTime - 1000)
      if (status.toUpperCase() !== 'STARTED')
        log.warning(
          `Conformity answered the scan request with status '${status}'; waiting for the bot anyway`
        )
      log.info(`Conformity bot run requested for account ${accountId}`)
      account.progress.step('wait for the scan')
      return evaluate(api, account, await waitForBot(api, account, accountId, since))
    },

    async audit(account, accountId) {
      const api = await preflight(account, 'audit', accountId)
      account.progress.step('read the account')
      const found = await readAccount(api, account, accountId)
      if (found.attributes['last-checked-date'] == null) {
        throw new ActionError(
          'not-found',
          `Conformity account ${accountId} has no completed bot run yet, so there are no results to audit; run mode scan first.`
        )
      }
      if (found.attributes['bot-status']) {
        log.warning(
          `The Conformity bot is ${found.attributes['bot-status']} on account ${accountId}; auditing the results of the last completed run`
        )
      }
      return evaluate(api, account, found)
    },

    async latest(account, accountId) {
      const api = await preflight(account, 'scan', accountId)
      account.progress.step('read the results before the scan')
      const found = await readAccount(api, account, accountId)
      // never checked: no results to compare with
      if (found.attributes['last-checked-date'] == null) return undefined
      return evaluate(api, account, found)
    },

    async listAccounts(deadline) {
      return (await identify(deadline)).accounts(deadline)
    },

    async onboard(account) {
      if (settings.mode !== 'onboard') throw new Error('onboard needs onboard settings')
      const spec = settings.onboardAccount
      const api = await preflight(account, 'onboard')
      let external: string | undefined
      if (spec.cloudType === 'aws') {
        external = spec.externalId
        if (!external) {
          account.progress.step('read the external id')
          external = await api.externalId(account.deadline)
          run.mask(external)
        }
      }
      account.progress.step('create the account')
      const created = await api.createAccount(spec, external, account.deadline)
      account.progress.accountId = created.id
      log.info(`Created Conformity ${spec.cloudType} account ${created.id}; waiting for its first bot run`)
      account.progress.step('wait for the first scan')
      return evaluate(api, account, await waitForBot(api, account, created.id, null))
    }
  }
}
