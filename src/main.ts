import * as core from '@actions/core'
import { systemClock, type Clock } from './clock.js'
import { toActionError, type ActionError } from './errors.js'
import { emptyBaseline, baselineFromResults, type Baseline } from './baseline.js'
import { HttpClient } from './http/client.js'
import type { RetryPolicy } from './http/retry.js'
import { parseInputs, reportPathFrom, secretsInInputs, type InputReader } from './inputs.js'
import { actionsLogger, type Logger } from './log.js'
import { decisionFor, type AccountOutcome, type Outcome, type RunInfo } from './outcome.js'
import { judge } from './judge.js'
import { Poller } from './poll.js'
import { prepare, type Prepared } from './prepare.js'
import { publish } from './publish/index.js'
import type { Sink } from './publish/sink.js'
import { definitionOf, type Settings } from './providers/registry.js'
import { AccountProgress, type AccountContext, type Provider, type Report } from './providers/types.js'
import { sinksFor } from './surfaces.js'
import { plain, registerSecret } from './text.js'

export interface RunOptions {
  read?: InputReader
  env?: NodeJS.ProcessEnv
  log?: Logger
  /** Aborts the run (the runner's SIGINT/SIGTERM on cancel). */
  signal?: AbortSignal
  /** Where the outcome goes; the outputs, report file, summary and annotations by default. */
  sinks?: readonly Sink[]
  /** Test seams: how long retries wait, and the clock every wait and deadline uses. */
  retry?: RetryPolicy
  clock?: Clock
}

/** read inputs → one account's run → gate → sinks; the step's end is decided last. */
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

  let settings: Settings | undefined
  let prepared: Prepared = {}
  let inputError: ActionError | undefined
  try {
    settings = parseInputs(read, env)
    announce(settings, log)
    prepared = await prepare(settings, new Date(clock.now()), log)
  } catch (err) {
    inputError = toActionError(err)
  }

  const accounts: AccountOutcome[] = []
  if (settings && !inputError) {
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
      // one account today; contract §12 makes this a bounded pool of them
      const account = await runAccount(provider, settings, prepared, startedAt + settings.timeoutMs, {
        log,
        clock,
        signal: options.signal
      })
      accounts.push(account)
    } finally {
      http.dispose()
    }
  }

  const result = inputError ? 'error' : (accounts[0]?.result ?? 'error')
  const outcome: Outcome = {
    result,
    decision: decisionFor(result),
    reason: inputError ? plain(inputError.message, 2000) : (accounts[0]?.reason ?? ''),
    run: runInfo(settings, prepared, read, env),
    accounts,
    error: inputError,
    startedAt,
    durationMs: clock.now() - startedAt
  }
  return publish(outcome, options.sinks ?? (await sinksFor(inputError ? undefined : settings, env, log)), log)
}

/** The baseline for one account: its results before the scan (`compare-to: previous`). */
async function previousResults(
  provider: Provider,
  settings: Settings,
  account: AccountContext,
  log: Logger
): Promise<Baseline | undefined> {
  if (settings.compareTo?.kind !== 'previous' || settings.mode === 'onboard') return undefined
  account.progress.step('read the results before the scan')
  const latest = await provider.latest(account, settings.accountId)
  if (latest) return baselineFromResults('previous', latest)
  const drop = settings.policy.maxScoreDrop != null ? ', and max-score-drop has no score to compare with' : ''
  log.warning(
    `Account ${settings.accountId} has no completed results yet, so the baseline is empty: every failed control counts as new${drop}.`
  )
  return emptyBaseline('previous')
}

/** One account's part of the run, with its own progress, deadline and poller; never throws. */
async function runAccount(
  provider: Provider,
  settings: Settings,
  prepared: Prepared,
  deadline: number,
  run: { log: Logger; clock: Clock; signal: AbortSignal | undefined }
): Promise<AccountOutcome> {
  const { log } = run
  const progress = new AccountProgress(settings.mode === 'onboard' ? undefined : settings.accountId)
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
    // `previous` is read before the scan is requested, so it cannot be this deployment's results
    const previous = await previousResults(provider, settings, account, log)
    const report: Report =
      settings.mode === 'onboard'
        ? await provider.onboard(account)
        : settings.mode === 'scan'
          ? await provider.scan(account, settings.accountId)
          : await provider.audit(account, settings.accountId)
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
  if (!settings) return { softFail: false, reportPath: reportPathFrom(read, env) }
  const definition = definitionOf(settings.provider)
  return {
    provider: { id: definition.id, label: definition.label, securitySeverity: definition.securitySeverity },
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
  const account = settings.mode === 'onboard' ? '' : `, account ${settings.accountId}`
  log.info(`${definitionOf(settings.provider).label}: mode ${settings.mode}${account} at ${settings.apiUrl}`)
}
