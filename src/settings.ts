import type { GatePolicy } from './gate.js'

/** Reads one input as the runner passes it (trimmed, '' when unset). */
export type InputReader = (name: string) => string

export type Mode = 'scan' | 'audit' | 'onboard'
export const MODES: readonly Mode[] = ['scan', 'audit', 'onboard']

/** The accounts a run works on: those named (input order), or every one the credentials can work on. */
export type AccountSelection = readonly string[] | '*'

/** What a run does to which accounts: existing ones, or the one it onboards. */
export type Target<Onboard> =
  { mode: 'scan' | 'audit'; accounts: AccountSelection } | { mode: 'onboard'; onboardAccount: Onboard }

/** The settings every provider shares, read and checked before any request. */
export interface CommonSettings {
  apiUrl: string
  apiKey: string
  benchmark: string
  pollIntervalMs: number
  timeoutMs: number
  requestTimeoutMs: number
  /** How many accounts are worked on at once (`max-parallel`). */
  maxParallel: number
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

/** What the GitHub surfaces and SARIF need, in every mode. */
export type SurfaceSettings = Pick<CommonSettings, 'github' | 'sarifPath' | 'iacPaths'>

/** `mode: aggregate`: report files of earlier runs, combined with no request to any service. */
export interface AggregateSettings extends SurfaceSettings {
  mode: 'aggregate'
  /** Globs, relative to the workspace. */
  reports: string[]
  workspace: string
  softFail: boolean
  reportPath: string
}

/** One provider's settings: the common ones, its own (`Extra`), and the target for the mode. */
export type ProviderSettings<Id extends string, Extra, Onboard> = CommonSettings & {
  provider: Id
} & Extra &
  Target<Onboard>
