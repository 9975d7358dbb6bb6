import * as core from '@actions/core'
import path from 'node:path'
import { Input } from './constants.js'
import { toActionError, type ActionError } from './errors.js'
import { evaluateGate, type GateDecision } from './gate.js'
import { HttpClient } from './http/client.js'
import { parseInputs, secretsInInputs, type InputReader, type Settings } from './inputs.js'
import { actionsLogger, type Logger } from './log.js'
import { Poller } from './poll.js'
import { PROVIDERS } from './providers/catalog.js'
import { PROVIDER_FACTORIES, runMode } from './providers/registry.js'
import type { Progress, Report } from './providers/types.js'
import { publish } from './publish/index.js'
import type { Outcome } from './publish/outcome.js'
import { plain, registerSecret } from './text.js'

export interface RunOptions {
  read?: InputReader
  env?: NodeJS.ProcessEnv
  log?: Logger
  /** Aborts the run (the runner's SIGINT/SIGTERM on cancel). */
  signal?: AbortSignal
}

/** read inputs → provider flow → gate → outputs and reporters; the step fails last. */
export async function run(options: RunOptions = {}): Promise<Outcome> {
  const started = Date.now()
  const read = options.read ?? ((name: string) => core.getInput(name))
  const env = options.env ?? process.env
  const log = options.log ?? actionsLogger
  const mask = (secret: string): void => {
    core.setSecret(secret)
    registerSecret(secret)
  }
  for (const secret of secretsInInputs(read)) mask(secret)

  const progress: Progress = { phase: 'read the inputs' }
  let settings: Settings | undefined
  let report: Report | undefined
  let gate: GateDecision | undefined
  let error: ActionError | undefined
  let http: HttpClient | undefined

  try {
    settings = parseInputs(read, env)
    announce(settings, log)
    http = new HttpClient({
      baseUrl: settings.apiUrl,
      headers: PROVIDERS[settings.provider].requestHeaders(settings.apiKey),
      requestTimeoutMs: settings.requestTimeoutMs,
      log,
      signal: options.signal
    })
    const poller = new Poller({
      maxIntervalMs: settings.pollIntervalMs,
      deadline: started + settings.timeoutMs,
      timeoutSeconds: settings.timeoutMs / 1000,
      log,
      signal: options.signal
    })
    const provider = PROVIDER_FACTORIES[settings.provider]({
      settings,
      http,
      log,
      poller,
      progress,
      mask
    })
    report = await runMode(provider, settings, progress)
    gate = evaluateGate(report, settings.policy)
  } catch (err) {
    error = toActionError(err)
  } finally {
    http?.dispose()
  }

  const result = error ? 'error' : (gate?.result ?? 'error')
  const outcome: Outcome = {
    result,
    decision: result === 'pass' ? 'promote' : 'rollback',
    provider: settings?.provider,
    mode: settings?.mode,
    settings,
    report,
    gate,
    error,
    progress,
    reportPath: settings?.reportPath ?? fallbackReportPath(read, env),
    reason: plain(error ? error.message : gate?.result === 'fail' ? gate.reasons.join('; ') : '', 2000),
    durationMs: Date.now() - started
  }
  await publish(outcome, settings?.softFail ?? false, log)
  return outcome
}

function fallbackReportPath(read: InputReader, env: NodeJS.ProcessEnv): string {
  return path.resolve(
    env.GITHUB_WORKSPACE || process.cwd(),
    read(Input.reportPath) || 'compliance-report.json'
  )
}

/** Says what will happen, and warns about inputs that do not apply or an unencrypted api-url. */
function announce(settings: Settings, log: Logger): void {
  for (const name of settings.ignoredInputs) {
    log.warning(
      `Input '${name}' is not used with provider ${settings.provider} in mode ${settings.mode}; it was ignored`
    )
  }
  if (/^http:/.test(settings.apiUrl) && !/^http:\/\/(localhost|127\.|\[::1\])/.test(settings.apiUrl)) {
    log.warning(`api-url ${settings.apiUrl} is plain http: the API key crosses the network unencrypted`)
  }
  const account = settings.accountId ? `, account ${settings.accountId}` : ''
  log.info(`${PROVIDERS[settings.provider].label}: mode ${settings.mode}${account} at ${settings.apiUrl}`)
}
