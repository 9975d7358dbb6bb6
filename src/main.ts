import * as core from '@actions/core'
import { runAggregate } from './aggregate.js'
import { emptyBaseline, baselineFromResults, type Baseline } from './baseline.js'
import { systemClock, type Clock } from './clock.js'
import { Input } from './constants.js'
import { ActionError, errorMessage, toActionError } from './errors.js'
import { HttpClient } from './http/client.js'
import type { RetryPolicy } from './http/retry.js'
import {
  parseAggregateInputs,
  parseInputs,
  reportPathFrom,
  secretsInInputs,
  type InputReader
} from './inputs.js'
import { judge } from './judge.js'
import { actionsLogger, type Logger } from './log.js'
import { combine, type AccountOutcome, type Outcome, type RunInfo } from './outcome.js'
import { Poller } from './poll.js'
import { pooled } from './pool.js'
import { prepare, type Prepared } from './prepare.js'
import { publish } from './publish/index.js'
import type { Sink } from './publish/sink.js'
import { PROVIDERS, definitionOf, type Settings } from './providers/registry.js'
import { AccountProgress, type AccountContext, type Provider, type Report } from './providers/types.js'
import { sinksFor } from './surfaces.js'
import { plain, registerSecret } from './text.js'

export interface RunOptions {
  read?: InputReader
  env?: NodeJS.ProcessEnv
  log?: Logger
  /** Aborts the run (the runner's SIGINT/SIGTERM on cancel). */
  signal?: AbortSignal
  /** Where the outcome goes; the report file, summary, annotations and GitHub surfaces by default. */
  sinks?: readonly Sink[]
  /** Test seams: how long retries wait, and the clock every wait and deadline uses. */
  retry?: RetryPolicy
  clock?: Clock
}

/** Every provider's SARIF bands, by provider id: an aggregate may hold reports of both. */
const SECURITY_SEVERITY = Object.fromEntries(PROVIDERS.map(p => [p.id, p.securitySeverity]))

/** The one line the step prints when run() itself throws: a bug, never a verdict. */
export function unexpectedFailure(err: unknown): string {
  return `::error::${plain(`Unexpected failure: ${errorMessage(err)}`)}\n`
}

/** read inputs → each account's run (a bounded pool) → gate → sinks; the step's end is decided last. */
export async function run(options: RunOptions = {}): Promise<Outcome> {
  const clock = options.clock ?? systemClock
  const startedAt = clock.now()
  const read = options.read ?? ((name: string) => core.getInput(name))
  const env = options.env ?? process.env
  const log = options.log ?? actionsLogger
  const mask = (secret: string): void => {
    core.setSecret(secret)
    registerSecret(secret)
  }
  for (const secret of secretsInInputs(read)) mask(secret)
  if (read(Input.mode).toLowerCase() === 'aggregate')
    return aggregate(read, env, log, clock, startedAt, options)

  let settings: Settings | undefined
  let prepared: Prepared = {}
  let runError: ActionError | undefined
  try {
    settings = parseInputs(read, env)
    announce(settings, log)
    prepared = await prepare(settings, new Date(clock.now()), log)
  } catch (err) {
    runError = toActionError(err)
  }

  let accounts: AccountOutcome[] = []
  if (settings && !runError) {
    const http = new HttpClient({
      baseUrl: settings.apiUrl,
      headers: definitionOf(settings.provider).requestHeaders(settings.apiKey),
      requestTimeoutMs: settings.requestTimeoutMs,
      log,
      signal: options.signal,
      retry: options.retry,
      clock
    })
    try {
      const provider = definitionOf(settings.provider).create(
        { http, log, signal: options.signal, mask },
        settings
      )
      const ids = await accountIds(provider, settings, startedAt + settings.timeoutMs)
      // one account keeps the whole run's deadline (from the action's start); with several, each
      // account's wait counts from its own start, so a long queue does not eat the later ones' time
      const fixedDeadline = ids.length === 1 ? startedAt + settings.timeoutMs : undefined
      const context = { log, clock, signal: options.signal }
      accounts = await pooled(
        ids.map(id => () => runAccount(provider, settings!, prepared, id, fixedDeadline, context)),
        settings.maxParallel
      )
    } catch (err) {
      runError = toActionError(err)
    } finally {
      http.dispose()
    }
  }

  const outcome = combine({
    run: runInfo(settings, prepared, read, env),
    accounts,
    error: runError,
    startedAt,
    clock
  })
  return publish(outcome, options.sinks ?? (await sinksFor(runError ? undefined : settings, env, log)), log)
}

/** Inputs that mean nothing in mode aggregate (those with no action.yml default, so set by someone). */
const AGGREGATE_IGNORES = [
  Input.provider,
  Input.apiUrl,
  Input.apiKey,
  Input.applicationId,
  Input.applicationSecret,
  Input.licenseId,
  Input.accountId,
  Input.benchmark,
  Input.onboardAccount,
  Input.compareTo,
  Input.maxScoreDrop,
  Input.maxFailures,
  Input.waivers
]

/** `mode: aggregate`: one verdict over report files of earlier runs, with no request to any service. */
async function aggregate(
  read: InputReader,
  env: NodeJS.ProcessEnv,
  log: Logger,
  clock: Clock,
  startedAt: number,
  options: RunOptions
): Promise<Outcome> {
  let settings
  let accounts: AccountOutcome[] = []
  let runError: ActionError | undefined
  try {
    settings = parseAggregateInputs(read, env)
    // each report keeps the verdict its run recorded: service and gate inputs decide nothing here
    for (const input of AGGREGATE_IGNORES) {
      if (read(input))
        log.warning(
          `Input '${input}' was ignored: mode aggregate asks no service and keeps each report's verdict`
        )
    }
    accounts = await runAggregate(settings, log)
  } catch (err) {
    runError = toActionError(err)
  }
  const run: RunInfo = {
    mode: 'aggregate',
    softFail: settings?.softFail ?? false,
    reportPath: settings?.reportPath ?? reportPathFrom(read, env),
    securitySeverity: SECURITY_SEVERITY,
    ...(settings?.sarifPath ? { sarifPath: settings.sarifPath } : {})
  }
  const outcome = combine({ run, accounts, error: runError, startedAt, clock })
  return publish(outcome, options.sinks ?? (await sinksFor(runError ? undefined : settings, env, log)), log)
}

/** The accounts to work on: those named, or for `*` every one the credentials can work on. */
async function accountIds(
  provider: Provider,
  settings: Settings,
  deadline: number
): Promise<(string | undefined)[]> {
  if (settings.mode === 'onboard') return [undefined]
  if (settings.accounts !== '*') return [...settings.accounts]
  const listed = await provider.listAccounts(deadline)
  if (listed.length === 0) {
    throw new ActionError(
      'permission',
      `account-id is '*', but the credentials can work on no ${definitionOf(settings.provider).label} account; check the key's access (or the API application's scope).`
    )
  }
  return [...new Set(listed)]
}

/** The baseline for one account: its results before the scan (`compare-to: previous`). */
async function previousResults(
  provider: Provider,
  settings: Settings,
  account: AccountContext,
  accountId: string,
  log: Logger
): Promise<Baseline | undefined> {
  if (settings.compareTo?.kind !== 'previous') return undefined
  account.progress.step('read the results before the scan')
  const latest = await provider.latest(account, accountId)
  if (latest) return baselineFromResults('previous', latest)
  const drop = settings.policy.maxScoreDrop != null ? ', and max-score-drop has no score to compare with' : ''
  log.warning(
    `Account ${accountId} has no completed results yet, so the baseline is empty: every failed control counts as new${drop}.`
  )
  return emptyBaseline('previous')
}

/** One account's part of the run, with its own progress, deadline and poller; never throws. */
async function runAccount(
  provider: Provider,
  settings: Settings,
  prepared: Prepared,
  accountId: string | undefined,
  fixedDeadline: number | undefined,
  run: { log: Logger; clock: Clock; signal: AbortSignal | undefined }
): Promise<AccountOutcome> {
  const { log } = run
  const deadline = fixedDeadline ?? run.clock.now() + settings.timeoutMs
  const progress = new AccountProgress(accountId)
  const poller = new Poller({
    maxIntervalMs: settings.pollIntervalMs,
    deadline,
    timeoutSeconds: settings.timeoutMs / 1000,
    log,
    signal: run.signal,
    clock: run.clock
  })
  const account: AccountContext = { progress, deadline, poller }
  try {
    let report: Report
    let previous: Baseline | undefined
    if (settings.mode === 'onboard' || accountId === undefined) {
      report = await provider.onboard(account)
    } else {
      // `previous` is read before the scan is requested, so it cannot be this deployment's results
      previous =
        settings.mode === 'scan'
          ? await previousResults(provider, settings, account, accountId, log)
          : undefined
      report =
        settings.mode === 'scan'
          ? await provider.scan(account, accountId)
          : await provider.audit(account, accountId)
    }
    for (const note of report.notes) log.warning(note)
    const { gate, comparison, waivers } = judge(
      report,
      settings.policy,
      definitionOf(settings.provider).severities,
      {
        baseline: previous ?? prepared.baselineFor?.(report.accountId),
        waivers: prepared.waivers?.status.active
      }
    )
    for (const w of waivers?.unused ?? []) {
      log.info(
        `Waiver for control ${w.control} (line ${w.line}) matched no failed control of account ${report.accountId}`
      )
    }
    return {
      accountId: report.accountId,
      result: gate.result,
      phase: 'done',
      scanId: report.scanId ?? progress.scanId,
      report,
      gate,
      comparison,
      waivers,
      reason: gate.result === 'fail' ? plain(gate.reasons.join('; '), 2000) : ''
    }
  } catch (err) {
    const error = toActionError(err)
    return {
      accountId: progress.accountId,
      result: 'error',
      phase: progress.phase,
      scanId: progress.scanId,
      error,
      reason: plain(error.message, 2000)
    }
  }
}

function runInfo(
  settings: Settings | undefined,
  prepared: Prepared,
  read: InputReader,
  env: NodeJS.ProcessEnv
): RunInfo {
  if (!settings)
    return { softFail: false, reportPath: reportPathFrom(read, env), securitySeverity: SECURITY_SEVERITY }
  const definition = definitionOf(settings.provider)
  return {
    provider: { id: definition.id, label: definition.label },
    securitySeverity: SECURITY_SEVERITY,
    mode: settings.mode,
    benchmark: settings.benchmark,
    policy: settings.policy,
    softFail: settings.softFail,
    reportPath: settings.reportPath,
    ...(settings.sarifPath ? { sarifPath: settings.sarifPath } : {}),
    ...(prepared.waivers
      ? {
          waivers: {
            file: prepared.waivers.file,
            expired: prepared.waivers.status.expired,
            expiringSoon: prepared.waivers.status.expiringSoon
          }
        }
      : {})
  }
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/

/** Says what will happen, and warns about inputs that do not apply or an unencrypted api-url. */
function announce(settings: Settings, log: Logger): void {
  for (const { input, why } of settings.ignoredInputs) log.warning(`Input '${input}' was ignored: ${why}`)
  const url = new URL(settings.apiUrl)
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    log.warning(`api-url ${settings.apiUrl} is plain http: the API key crosses the network unencrypted`)
  }
  const accounts =
    settings.mode === 'onboard'
      ? ''
      : settings.accounts === '*'
        ? ', every account the credentials can work on'
        : `, account${settings.accounts.length > 1 ? 's' : ''} ${settings.accounts.join(', ')}`
  log.info(`${definitionOf(settings.provider).label}: mode ${settings.mode}${accounts} at ${settings.apiUrl}`)
}
