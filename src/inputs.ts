import path from 'node:path'
import { z } from 'zod'
import { Input } from './constants.js'
import { InputError } from './errors.js'
import {
  CLOUDNEETI_DEFAULT_URL,
  MODES,
  PROVIDERS,
  conformityUrlForRegion,
  type Mode,
  type ProviderId
} from './providers/catalog.js'
import {
  ONBOARD_SECRET_KEYS,
  cloudneetiOnboardSchema,
  conformityOnboardSchema,
  type OnboardAccount
} from './providers/onboard.js'
import { severityRank } from './severity.js'

/** Reads one input as the runner passes it (trimmed, '' when unset). */
export type InputReader = (name: string) => string

export interface GatePolicy {
  /** The gate fails when the score is below this. */
  minScore: number
  /** The gate fails on a failed control at or above this rank; null turns the rule off. */
  failOnSeverity: { name: string; rank: number } | null
  /** The gate fails when more controls than this failed; null means no limit. */
  maxFailures: number | null
}

export interface CloudneetiCredentials {
  applicationId: string
  applicationSecret: string
  licenseId: string
}

export interface Settings {
  provider: ProviderId
  mode: Mode
  apiUrl: string
  apiKey: string
  cloudneeti?: CloudneetiCredentials
  accountId?: string
  benchmark: string
  onboardAccount?: OnboardAccount
  pollIntervalMs: number
  timeoutMs: number
  requestTimeoutMs: number
  policy: GatePolicy
  softFail: boolean
  reportPath: string
  /** Inputs that were set but mean nothing in this mode: reported as warnings, never silently. */
  ignoredInputs: string[]
}

/**
 * Every secret the inputs carry, found before anything is validated or printed, so they can be
 * masked first. A malformed `onboard-account` is masked whole, since its secrets can't be found.
 */
export function secretsInInputs(read: InputReader): string[] {
  const secrets = [read(Input.apiKey), read(Input.applicationSecret)]
  const onboard = read(Input.onboardAccount)
  if (onboard) {
    try {
      const parsed: unknown = JSON.parse(onboard)
      if (parsed && typeof parsed === 'object') {
        for (const key of ONBOARD_SECRET_KEYS) {
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

function oneOf<T extends string>(input: string, raw: string, allowed: readonly T[]): T {
  const value = raw.toLowerCase()
  if ((allowed as readonly string[]).includes(value)) return value as T
  const shown = raw === '' ? 'is required' : `has '${raw}'`
  throw new InputError(input, `${shown}; expected one of: ${allowed.join(', ')}`)
}

function required(read: InputReader, input: string, why: string): string {
  const value = read(input)
  if (!value) throw new InputError(input, `is required ${why}`)
  return value
}

const DEFAULT_REGION = 'us-west-2'
const NUMBER = /^\d+(\.\d+)?$/

function nonNegativeNumber(read: InputReader, input: string, fallback: number, unit: string): number {
  const raw = read(input)
  if (raw === '') return fallback
  if (!NUMBER.test(raw)) throw new InputError(input, `must be a non-negative number of ${unit}, got '${raw}'`)
  return Number(raw)
}

function booleanInput(read: InputReader, input: string, fallback: boolean): boolean {
  const raw = read(input)
  if (raw === '') return fallback
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  throw new InputError(input, `must be true or false, got '${raw}'`)
}

function baseUrl(read: InputReader, provider: ProviderId): string {
  const override = read(Input.apiUrl)
  if (override) {
    let url: URL
    try {
      url = new URL(override)
    } catch {
      throw new InputError(Input.apiUrl, `must be an absolute http(s) URL, got '${override}'`)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new InputError(Input.apiUrl, `must use https (or http), got '${url.protocol}'`)
    }
    if (url.username || url.password) {
      throw new InputError(Input.apiUrl, 'must not carry credentials; use api-key')
    }
    return override.replace(/\/+$/, '')
  }
  if (provider === 'cloudneeti') return CLOUDNEETI_DEFAULT_URL
  const region = (read(Input.region) || DEFAULT_REGION).toLowerCase()
  const url = conformityUrlForRegion(region)
  if (!url) {
    throw new InputError(
      Input.region,
      `has '${region}'; expected an AWS-style region (us-west-2, eu-west-1, ap-southeast-2, …) or a Cloud One code (us-1, au-1, gb-1, de-1, jp-1, sg-1, in-1, ca-1, trend-us-1)`
    )
  }
  return url
}

function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      const where = issue.path.length ? issue.path.join('.') : 'value'
      if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.join(', ')}`
      if (issue.code === 'invalid_union' && where === 'cloudType')
        return 'cloudType must be one of the supported types'
      return `${where}: ${issue.message}`
    })
    .join('; ')
}

function onboardAccount(read: InputReader, provider: ProviderId): OnboardAccount {
  const raw = read(Input.onboardAccount)
  if (!raw) throw new InputError(Input.onboardAccount, 'is required in mode onboard (a JSON object)')
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new InputError(Input.onboardAccount, 'must be a JSON object; it is not valid JSON')
  }
  const schema = provider === 'cloudneeti' ? cloudneetiOnboardSchema : conformityOnboardSchema
  const types = provider === 'cloudneeti' ? 'aws, azure or office' : 'aws or azure'
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(Input.onboardAccount, 'must be a JSON object')
  }
  const result = schema.safeParse(parsed)
  if (!result.success) {
    const cloudType = (parsed as Record<string, unknown>).cloudType
    if (typeof cloudType !== 'string' || !types.split(/, | or /).includes(cloudType)) {
      throw new InputError(Input.onboardAccount, `needs "cloudType": ${types} for ${provider}`)
    }
    throw new InputError(
      Input.onboardAccount,
      `is not a valid ${provider} ${cloudType} account: ${describeZodIssues(result.error)}`
    )
  }
  return result.data
}

/** Reads, normalises and cross-checks every input; throws an InputError naming the first bad one. */
export function parseInputs(read: InputReader, env: NodeJS.ProcessEnv = process.env): Settings {
  const provider = oneOf<ProviderId>(Input.provider, read(Input.provider), ['cloudneeti', 'conformity'])
  const mode = oneOf<Mode>(Input.mode, read(Input.mode) || 'scan', MODES)
  const facts = PROVIDERS[provider]
  const ignoredInputs: string[] = []

  const apiKey = required(read, Input.apiKey, `for ${provider}`)
  const apiUrl = baseUrl(read, provider)
  // region has a default in action.yml, so only a value someone chose is worth a warning
  const region = read(Input.region)
  if (provider === 'cloudneeti' && region && region !== DEFAULT_REGION) ignoredInputs.push(Input.region)

  let cloudneeti: CloudneetiCredentials | undefined
  if (provider === 'cloudneeti') {
    cloudneeti = {
      applicationId: required(read, Input.applicationId, 'for cloudneeti'),
      applicationSecret: required(read, Input.applicationSecret, 'for cloudneeti'),
      licenseId: required(read, Input.licenseId, 'for cloudneeti')
    }
  } else {
    for (const name of [Input.applicationId, Input.applicationSecret, Input.licenseId]) {
      if (read(name)) ignoredInputs.push(name)
    }
  }

  let accountId: string | undefined
  let onboard: OnboardAccount | undefined
  if (mode === 'onboard') {
    onboard = onboardAccount(read, provider)
    if (read(Input.accountId)) ignoredInputs.push(Input.accountId)
  } else {
    accountId = required(read, Input.accountId, `in mode ${mode}`)
    if (read(Input.onboardAccount)) ignoredInputs.push(Input.onboardAccount)
  }

  const benchmark = read(Input.benchmark) || facts.defaultBenchmark
  if (provider === 'cloudneeti' && !/^[A-Za-z0-9_.-]+$/.test(benchmark)) {
    throw new InputError(
      Input.benchmark,
      `must be a Cloudneeti benchmark id such as CSBP or PCI3_2, got '${benchmark}'`
    )
  }
  if (provider === 'conformity' && benchmark && !/^[A-Za-z0-9_-]+$/.test(benchmark)) {
    throw new InputError(
      Input.benchmark,
      `must be a Conformity compliance standard id such as CISAWSF, got '${benchmark}'`
    )
  }

  const pollInterval = nonNegativeNumber(read, Input.pollInterval, 15, 'seconds')
  const timeout = nonNegativeNumber(read, Input.timeout, 1800, 'seconds')
  const requestTimeout = nonNegativeNumber(read, Input.requestTimeout, 30, 'seconds')
  if (requestTimeout === 0) throw new InputError(Input.requestTimeout, 'must be greater than 0 seconds')

  const minScore = nonNegativeNumber(read, Input.minScore, 0, 'percent')
  if (minScore > 100)
    throw new InputError(Input.minScore, `must be between 0 and 100, got '${read(Input.minScore)}'`)

  const severityRaw = read(Input.failOnSeverity) || 'high'
  let failOnSeverity: GatePolicy['failOnSeverity'] = null
  if (severityRaw.toLowerCase() !== 'none') {
    const rank = severityRank(facts.severities, severityRaw)
    if (rank === undefined) {
      throw new InputError(
        Input.failOnSeverity,
        `has '${severityRaw}', which ${facts.label} does not have; expected one of: ${facts.severities.names.join(', ')}, or none`
      )
    }
    failOnSeverity = { name: facts.severities.names[rank], rank }
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

  const softFail = booleanInput(read, Input.softFail, false)
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const reportPath = path.resolve(workspace, read(Input.reportPath) || 'compliance-report.json')

  return {
    provider,
    mode,
    apiUrl,
    apiKey,
    cloudneeti,
    accountId,
    benchmark,
    onboardAccount: onboard,
    pollIntervalMs: pollInterval * 1000,
    timeoutMs: timeout * 1000,
    requestTimeoutMs: requestTimeout * 1000,
    policy: { minScore, failOnSeverity, maxFailures },
    softFail,
    reportPath,
    ignoredInputs
  }
}
