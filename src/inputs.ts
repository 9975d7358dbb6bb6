import { statSync } from 'node:fs'
import path from 'node:path'
import type { z } from 'zod'
import { Input } from './constants.js'
import { InputError } from './errors.js'
import type { GatePolicy } from './gate.js'
import { parseIacPaths } from './iac.js'
import { headerSafe, pathSegment, required } from './input-rules.js'
import type { ProviderDefinition } from './providers/definition.js'
import { PROVIDERS, PROVIDER_IDS, definitionOf, type Settings } from './providers/registry.js'
import { severityRank } from './severity.js'
import {
  MODES,
  type AccountSelection,
  type AggregateSettings,
  type CommonSettings,
  type InputReader,
  type Mode,
  type Target
} from './settings.js'

export type { InputReader } from './settings.js'

export const DEFAULT_REPORT_PATH = 'compliance-report.json'

/**
 * Every secret the inputs carry, found before anything is validated or printed, so they can be
 * masked first. A malformed `onboard-account` is masked line by line, since its secrets can't be found.
 */
export function secretsInInputs(read: InputReader): string[] {
  const secrets = [read(Input.apiKey), read(Input.githubToken)]
  for (const provider of PROVIDERS) secrets.push(...provider.secretInputs.map(read))
  const onboard = read(Input.onboardAccount)
  if (onboard) {
    try {
      const parsed: unknown = JSON.parse(onboard)
      if (parsed && typeof parsed === 'object') {
        for (const key of PROVIDERS.flatMap(p => p.onboarding.secretKeys)) {
          const value = (parsed as Record<string, unknown>)[key]
          if (typeof value === 'string') secrets.push(value)
        }
      }
    } catch {
      secrets.push(...onboard.split(/\r?\n/))
    }
  }
  return secrets.map(s => s.trim()).filter(s => s.length > 0)
}

/** The report path as the user gave it, or the default, resolved against the workspace. */
export function reportPathFrom(read: InputReader, env: NodeJS.ProcessEnv): string {
  return path.resolve(env.GITHUB_WORKSPACE || process.cwd(), read(Input.reportPath) || DEFAULT_REPORT_PATH)
}

function oneOf<T extends string>(input: string, raw: string, allowed: readonly T[]): T {
  const value = raw.toLowerCase()
  if ((allowed as readonly string[]).includes(value)) return value as T
  const shown = raw === '' ? 'is required' : `has '${raw}'`
  throw new InputError(input, `${shown}; expected one of: ${allowed.join(', ')}`)
}

const NUMBER = /^\d+(\.\d+)?$/

function numberInput(
  read: InputReader,
  input: string,
  fallback: number,
  unit: string,
  range: { min?: number; max?: number } = {}
): number {
  const raw = read(input)
  if (raw === '') return fallback
  if (!NUMBER.test(raw)) throw new InputError(input, `must be a non-negative number of ${unit}, got '${raw}'`)
  const value = Number(raw)
  const { min = 0, max = Infinity } = range
  if (value < min || value > max) {
    const bounds = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`
    throw new InputError(input, `must be ${bounds} ${unit}, got '${raw}'`)
  }
  return value
}

function wholeNumber(
  read: InputReader,
  input: string,
  fallback: number,
  range: { min: number; max: number }
): number {
  const raw = read(input)
  if (raw === '') return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < range.min || value > range.max) {
    throw new InputError(input, `must be a whole number from ${range.min} to ${range.max}, got '${raw}'`)
  }
  return value
}

function booleanInput(read: InputReader, input: string, fallback: boolean): boolean {
  const raw = read(input)
  if (raw === '') return fallback
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  throw new InputError(input, `must be true or false, got '${raw}'`)
}

/** An api-url override: absolute http(s), no credentials, no query or fragment (they would be dropped). */
function apiUrlOverride(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(Input.apiUrl, `must be an absolute http(s) URL, got '${raw}'`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(Input.apiUrl, `must use https (or http), got '${url.protocol}'`)
  }
  if (url.username || url.password)
    throw new InputError(Input.apiUrl, 'must not carry credentials; use api-key')
  if (url.search || url.hash || raw.includes('?') || raw.includes('#')) {
    throw new InputError(
      Input.apiUrl,
      `must be a base URL without a query or fragment (every request path is added to it), got '${raw}'`
    )
  }
  // the parsed form: scheme and host lower-cased, so `HTTP://` is seen as plain http
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      const where = issue.path.length ? issue.path.join('.') : 'value'
      if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.join(', ')}`
      return `${where}: ${issue.message}`
    })
    .join('; ')
}

function onboardAccount<S extends Settings>(read: InputReader, provider: ProviderDefinition<S>): unknown {
  const raw = read(Input.onboardAccount)
  if (!raw) throw new InputError(Input.onboardAccount, 'is required in mode onboard (a JSON object)')
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new InputError(Input.onboardAccount, 'must be a JSON object; it is not valid JSON')
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(Input.onboardAccount, 'must be a JSON object')
  }
  const types = provider.onboarding.cloudTypes
  const cloudType = (parsed as Record<string, unknown>).cloudType
  if (typeof cloudType !== 'string' || !types.includes(cloudType)) {
    const listed = `${types.slice(0, -1).join(', ')} or ${types.at(-1)}`
    throw new InputError(Input.onboardAccount, `needs "cloudType": ${listed} for ${provider.id}`)
  }
  const result = provider.onboarding.schema.safeParse(parsed)
  if (!result.success) {
    throw new InputError(
      Input.onboardAccount,
      `is not a valid ${provider.id} ${cloudType} account: ${describeZodIssues(result.error)}`
    )
  }
  return result.data
}

function target(read: InputReader, mode: Mode, provider: ProviderDefinition<Settings>): Target<never> {
  if (mode === 'onboard') {
    // the definition's own schema made this value, so it is that provider's onboarding account
    return { mode, onboardAccount: onboardAccount(read, provider) as never }
  }
  return { mode, accounts: accountsInput(required(read, Input.accountId, `in mode ${mode}`)) }
}

/** `account-id`: one account, several (commas or newlines), or `*` for every one the credentials can work on. */
function accountsInput(raw: string): AccountSelection {
  if (raw.trim() === '*') return '*'
  const ids = raw
    .split(/[,\r\n]+/)
    .map(id => id.trim())
    .filter(id => id !== '')
  if (ids.length === 0) throw new InputError(Input.accountId, 'names no account')
  const seen = new Set<string>()
  for (const id of ids) {
    if (id === '*')
      throw new InputError(Input.accountId, "has '*' among other accounts; use '*' alone for every account")
    pathSegment(Input.accountId, id)
    if (seen.has(id)) throw new InputError(Input.accountId, `names account ${id} twice`)
    seen.add(id)
  }
  return ids
}

function benchmarkInput(read: InputReader, provider: ProviderDefinition<Settings>): string {
  const benchmark = read(Input.benchmark) || provider.defaultBenchmark
  if (benchmark === '') return benchmark
  // `.` and `..` are path segments: they would change which endpoint is called
  if (!provider.benchmark.pattern.test(benchmark) || /^\.+$/.test(benchmark)) {
    throw new InputError(
      Input.benchmark,
      `must be ${provider.benchmark.what} such as ${provider.benchmark.example}, got '${benchmark}'`
    )
  }
  return benchmark
}

function gatePolicy(read: InputReader, provider: ProviderDefinition<Settings>): GatePolicy {
  const minScore = numberInput(read, Input.minScore, 0, 'percent', { max: 100 })

  const severityRaw = read(Input.failOnSeverity) || 'high'
  let failOnSeverity: GatePolicy['failOnSeverity'] = null
  if (severityRaw.toLowerCase() !== 'none') {
    const rank = severityRank(provider.severities, severityRaw)
    if (rank === undefined) {
      throw new InputError(
        Input.failOnSeverity,
        `has '${severityRaw}', which ${provider.label} does not have; expected one of: ${provider.severities.names.join(', ')}, or none`
      )
    }
    failOnSeverity = { name: provider.severities.names[rank], rank }
  }

  const maxFailuresRaw = read(Input.maxFailures)
  let maxFailures: number | null = null
  if (maxFailuresRaw !== '') {
    if (!/^\d+$/.test(maxFailuresRaw)) {
      throw new InputError(
        Input.maxFailures,
        `must be a whole number of controls (or empty for no limit), got '${maxFailuresRaw}'`
      )
    }
    maxFailures = Number(maxFailuresRaw)
  }
  const gateOn = oneOf<'all' | 'new'>(Input.gateOn, read(Input.gateOn) || 'all', ['all', 'new'])
  const drop = read(Input.maxScoreDrop)
  const maxScoreDrop = drop === '' ? null : numberInput(read, Input.maxScoreDrop, 0, 'points', { max: 100 })
  if (!read(Input.compareTo)) {
    if (gateOn === 'new') {
      throw new InputError(
        Input.gateOn,
        "is 'new', which needs compare-to: previous or a report file to tell what is new"
      )
    }
    if (maxScoreDrop !== null) {
      throw new InputError(
        Input.maxScoreDrop,
        'needs compare-to: previous or a report file to measure the drop from'
      )
    }
  }
  return { minScore, failOnSeverity, maxFailures, gateOn, maxScoreDrop }
}

/** `compare-to`: `previous` (scan mode only: read before the scan) or a report file in the workspace. */
function compareToInput(read: InputReader, mode: Mode, env: NodeJS.ProcessEnv): CommonSettings['compareTo'] {
  const raw = read(Input.compareTo)
  if (!raw) return null
  if (raw === 'previous') {
    if (mode !== 'scan') {
      throw new InputError(
        Input.compareTo,
        `is 'previous', which needs mode scan (it reads the results before the scan); in mode ${mode}, name a report file an earlier run wrote, e.g. compare-to: baseline/compliance-report.json`
      )
    }
    return { kind: 'previous' }
  }
  return { kind: 'file', path: path.resolve(env.GITHUB_WORKSPACE || process.cwd(), raw) }
}

/** A path the action writes must name a file: a directory there would leave the step without it. */
function fileToWrite(input: string, raw: string, resolved: string): string {
  let isDirectory = /[\\/]$/.test(raw)
  try {
    isDirectory ||= statSync(resolved).isDirectory()
  } catch {
    // not there yet: it will be created
  }
  if (isDirectory) throw new InputError(input, `must name a file, but '${raw}' is a directory`)
  return resolved
}

/** `sarif-path`, resolved against the workspace; null when empty. */
function sarifPathInput(read: InputReader, env: NodeJS.ProcessEnv): string | null {
  const raw = read(Input.sarifPath)
  if (!raw) return null
  return fileToWrite(Input.sarifPath, raw, path.resolve(env.GITHUB_WORKSPACE || process.cwd(), raw))
}

/** The GitHub surfaces: a token that must fit a header, and which surfaces are on. */
function githubInputs(read: InputReader): CommonSettings['github'] {
  const token = read(Input.githubToken)
  return {
    token: token ? headerSafe(Input.githubToken, token) : '',
    checkRun: booleanInput(read, Input.checkRun, true),
    prComment: booleanInput(read, Input.prComment, true)
  }
}

/** Inputs set for another provider or mode: warned about, never silently dropped. */
function ignoredInputs(
  read: InputReader,
  provider: ProviderDefinition<Settings>,
  mode: Mode
): CommonSettings['ignoredInputs'] {
  const ignored: CommonSettings['ignoredInputs'] = []
  const others = PROVIDERS.filter(p => p !== provider).flatMap(p => p.inputs)
  for (const input of others) {
    if (provider.inputs.includes(input) || !read(input)) continue
    // action.yml gives some inputs a default, so only a value someone chose is worth a warning
    if (PROVIDERS.some(p => p.inputDefaults[input] === read(input))) continue
    ignored.push({ input, why: `it is not used with provider ${provider.id}` })
  }
  const unused = mode === 'onboard' ? Input.accountId : Input.onboardAccount
  if (read(unused)) ignored.push({ input: unused, why: `it is not used in mode ${mode}` })
  return ignored
}

/** `mode: aggregate`: the report globs and what the sinks need; no service input is read. */
export function parseAggregateInputs(
  read: InputReader,
  env: NodeJS.ProcessEnv = process.env
): AggregateSettings {
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const reports = parseIacPaths(required(read, Input.reports, 'in mode aggregate (globs of report files)'))
  if (reports.length === 0) throw new InputError(Input.reports, 'names no report file')
  return {
    mode: 'aggregate',
    reports,
    workspace,
    softFail: booleanInput(read, Input.softFail, false),
    reportPath: fileToWrite(Input.reportPath, read(Input.reportPath), reportPathFrom(read, env)),
    github: githubInputs(read),
    sarifPath: sarifPathInput(read, env),
    iacPaths: parseIacPaths(read(Input.iacPaths))
  }
}

/** Reads, normalises and cross-checks every input; throws an InputError naming the first bad one. */
export function parseInputs(read: InputReader, env: NodeJS.ProcessEnv = process.env): Settings {
  const provider = definitionOf(oneOf(Input.provider, read(Input.provider), PROVIDER_IDS))
  // aggregate is a mode too (handled before this, with no provider): the error names all four
  const mode = oneOf<Mode | 'aggregate'>(Input.mode, read(Input.mode) || 'scan', [...MODES, 'aggregate'])
  if (mode === 'aggregate') throw new Error('mode aggregate reads its inputs with parseAggregateInputs')
  const apiKey = headerSafe(Input.apiKey, required(read, Input.apiKey, `for ${provider.id}`))
  const apiUrl = read(Input.apiUrl) ? apiUrlOverride(read(Input.apiUrl)) : provider.defaultApiUrl(read)

  const common = {
    apiUrl,
    apiKey,
    benchmark: benchmarkInput(read, provider),
    ...target(read, mode, provider),
    pollIntervalMs: numberInput(read, Input.pollInterval, 15, 'seconds', { min: 1 }) * 1000,
    timeoutMs: numberInput(read, Input.timeout, 1800, 'seconds') * 1000,
    requestTimeoutMs: numberInput(read, Input.requestTimeout, 30, 'seconds', { min: 1, max: 600 }) * 1000,
    maxParallel: wholeNumber(read, Input.maxParallel, 4, { min: 1, max: 256 }),
    policy: gatePolicy(read, provider),
    softFail: booleanInput(read, Input.softFail, false),
    reportPath: fileToWrite(Input.reportPath, read(Input.reportPath), reportPathFrom(read, env)),
    compareTo: compareToInput(read, mode, env),
    github: githubInputs(read),
    sarifPath: sarifPathInput(read, env),
    iacPaths: parseIacPaths(read(Input.iacPaths)),
    waiversPath: read(Input.waivers)
      ? path.resolve(env.GITHUB_WORKSPACE || process.cwd(), read(Input.waivers))
      : null,
    ignoredInputs: ignoredInputs(read, provider, mode)
  }
  return provider.settings(common, read)
}
