import type { GatePolicy } from './gate.js'

/** Reads one input as the runner passes it (trimmed, '' when unset). */
export type InputReader = (name: string) => string

export type Mode = 'scan' | 'audit' | 'onboard'
export const MODES: readonly Mode[] = ['scan', 'audit', 'onboard']

/** What a run does to which account: an existing one, or the one it onboards. */
export type Target<Onboard> =
  { mode: 'scan' | 'audit'; accountId: string } | { mode: 'onboard'; onboardAccount: Onboard }

/** The settings every provider shares, read and checked before any request. */
export interface CommonSettings {
  apiUrl: string
  apiKey: string
  benchmark: string
  pollIntervalMs: number
  timeoutMs: number
  requestTimeoutMs: number
  policy: GatePolicy
  softFail: boolean
  reportPath: string
  /** `compare-to`: the account's results before the scan, or a report file an earlier run wrote. */
  compareTo: { kind: 'previous' } | { kind: 'file'; path: string } | null
  /** `waivers`: the absolute path of the waiver file, or null. */
  waiversPath: string | null
  /** Where the verdict goes on GitHub: the token, and which surfaces are on. */
  github: { token: string; checkRun: boolean; prComment: boolean }
  /** `sarif-path`, absolute, or null for no SARIF. */
  sarifPath: string | null
  /** `iac-paths`: globs of IaC files that annotations and SARIF results may point into. */
  iacPaths: string[]
  /** Inputs that were set but mean nothing here, each with why: reported as warnings, never silently. */
  ignoredInputs: { input: string; why: string }[]
}

/** One provider's settings: the common ones, its own (`Extra`), and the target for the mode. */
export type ProviderSettings<Id extends string, Extra, Onboard> = CommonSettings & {
  provider: Id
} & Extra &
  Target<Onboard>
