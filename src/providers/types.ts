import type { HttpClient } from '../http/client.js'
import type { Logger } from '../log.js'
import type { Poller } from '../poll.js'
import type { SeverityScale } from '../severity.js'

export type ControlStatus = 'passed' | 'failed' | 'not-applicable'

/** One failing resource of a failed control (contract §8), identified by (control, region, resource). */
export interface Finding {
  resource: string
  region: string
  /** The resource's name, where the service gives one. */
  name?: string
  /** Conformity: the failing check's own risk level; Cloudneeti findings take the control's. */
  severity?: string
  /** The resource's tags (e.g. aws:cloudformation:logical-id), where the service gives them. */
  tags?: Record<string, string>
}

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
  /** The service's page about this control, where the API gives one. */
  link?: string
  /**
   * The failing resources of a failed control. Absent when the service could not list them
   * (Cloudneeti's failed-assets endpoint forbidden or missing): the control counts as a whole.
   */
  findings?: Finding[]
}

/** The normalized report every provider produces and every sink reads. */
export interface Report {
  provider: string
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

/** What one account's run has reached, so an error or a cancel still says what is known. */
export class AccountProgress {
  phase = 'start'
  accountId: string | undefined
  scanId: string | undefined
  constructor(accountId?: string) {
    this.accountId = accountId
  }
  /** Says what the run is doing now; errors name it. */
  step(phase: string): void {
    this.phase = phase
  }
}

/** What a whole run shares: one client, one log, one cancel signal, one way to mask secrets. */
export interface RunContext {
  http: HttpClient
  log: Logger
  signal?: AbortSignal
  /** Masks a secret the API handed out (a token, an external id) before anything can print it. */
  mask(secret: string): void
}

/** What one account's part of the run owns: its progress, its deadline, its poller. */
export interface AccountContext {
  progress: AccountProgress
  /** Epoch ms after which nothing more is asked of the service for this account. */
  deadline: number
  poller: Poller
}

/** The three use cases of a service, each ending in the report the gate reads. */
export interface Provider {
  /** Starts a scan of the account, waits for it, reads its results. */
  scan(account: AccountContext, accountId: string): Promise<Report>
  /** Reads the latest completed results, no scan. */
  audit(account: AccountContext, accountId: string): Promise<Report>
  /**
   * The latest completed results as a baseline (`compare-to: previous`), read before a scan is
   * requested; undefined when the account has none yet.
   */
  latest(account: AccountContext, accountId: string): Promise<Report | undefined>
  /** Every account the credentials can work on (`account-id: *`), in the service's order. */
  listAccounts(deadline: number): Promise<string[]>
  /** Onboards the account the settings describe, waits for its first scan, reads its results. */
  onboard(account: AccountContext): Promise<Report>
}

/** What every provider's settings share; each provider's definition adds its own fields. */
export interface ProviderFacts {
  readonly id: string
  readonly label: string
  readonly severities: SeverityScale
}
