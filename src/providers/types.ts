import type { HttpClient } from '../http/client.js'
import type { Settings } from '../inputs.js'
import type { Logger } from '../log.js'
import type { Poller } from '../poll.js'
import type { ProviderId } from './catalog.js'
import type { OnboardAccount } from './onboard.js'

export type ControlStatus = 'passed' | 'failed' | 'not-applicable'

/** One control of the benchmark: a Cloudneeti policy or a Conformity rule. */
export interface Control {
  id: string
  title: string
  status: ControlStatus
  /** The provider's own severity name, as the service wrote it. */
  severity: string
  /** Rank on the provider's scale, 0 = lowest; an unknown name ranks highest (fail closed). */
  severityRank: number
  category?: string
  service?: string
  /** Resources (Cloudneeti) or checks (Conformity) that failed for this control. */
  failedItems?: number
  /** Resources evaluated for this control, where the service says. */
  totalItems?: number
}

/** The normalized report every provider produces and every reporter reads. */
export interface Report {
  provider: ProviderId
  accountId: string
  accountName?: string
  benchmark: { id: string; name?: string }
  /** Cloudneeti job id; null for Conformity, which has no run id. */
  scanId: string | null
  /** When the results were produced (ISO 8601), when the service says. */
  scannedAt?: string
  /** 0–100, at most two decimals. */
  score: number
  controls: Control[]
  /** Conformity evaluates checks: the raw counts behind the score. */
  checks?: { success: number; failure: number }
  /** Anything the action noticed while reading the report that a reader should know. */
  notes: string[]
}

/** What a provider can report while it works, so an error or a cancel still says what is known. */
export interface Progress {
  accountId?: string
  scanId?: string
  phase: string
}

export interface ProviderContext {
  settings: Settings
  http: HttpClient
  log: Logger
  poller: Poller
  progress: Progress
  /** Masks a secret the API handed out (a token, an external id) before anything can print it. */
  mask(secret: string): void
}

/** The three use cases of a service, each ending in the report the gate reads. */
export interface Provider<Onboard extends OnboardAccount = OnboardAccount> {
  readonly id: ProviderId
  /** Starts a scan of the account, waits for it, reads its results. */
  scan(accountId: string): Promise<Report>
  /** Reads the latest completed results, no scan. */
  audit(accountId: string): Promise<Report>
  /** Onboards a new account, waits for its first scan, reads its results. */
  onboard(account: Onboard): Promise<Report>
}

export type ProviderFactory = (ctx: ProviderContext) => Provider
