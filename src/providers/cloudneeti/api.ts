import { z } from 'zod'
import type { ErrorClassifier, AuthProvider, HttpClient, Method } from '../../http/client.js'
import { parseResponse } from '../parse.js'
import type { RunContext } from '../types.js'
import type { CloudneetiCredentials, CloudneetiOnboardAccount } from './definition.js'
import {
  envelope,
  failedAssetsPage,
  licenseAccountsResult,
  jobResult,
  jobStatusResult,
  lowerKeys,
  onboardResult,
  reportResult,
  tokenResult,
  type FailedAssetsPage,
  type RawReport
} from './schemas.js'

const enc = encodeURIComponent

/** The API-application permission each call needs (the names of the License Admin's checklist). */
function permissionHint(permission: string): ErrorClassifier {
  return status => {
    if (status === 403) {
      return {
        kind: 'permission',
        hint: `Grant the API application the ${permission} permission (and keep the account in its access scope), then re-run; tokens carry the permissions they were issued with.`
      }
    }
    return undefined
  }
}

const tokenClassifier: ErrorClassifier = (status, message) => {
  if (status === 401 && message && /subscription key/i.test(message)) {
    return {
      kind: 'auth',
      hint: 'Check the api-key input (the APIM primary key from the Cloudneeti developer portal).'
    }
  }
  if (status === 401) {
    return {
      kind: 'auth',
      hint: 'Check application-id and application-secret (secrets expire; regenerate it in the portal).'
    }
  }
  if (status === 403) {
    return {
      kind: 'permission',
      hint: "Add the account to the API application's access scope (License → Configuration → Cloudneeti API Access), then re-run."
    }
  }
  if (status === 404) return { kind: 'not-found', hint: 'Check license-id and account-id.' }
  return undefined
}

/** The failed-assets endpoint may be forbidden or missing; the caller falls back to whole controls. */
const failedAssetsClassifier: ErrorClassifier = status =>
  status === 403 || status === 404 ? { kind: status === 403 ? 'permission' : 'not-found' } : undefined

const reportClassifier: ErrorClassifier = (status, message, body) => {
  if (status === 404) {
    return {
      kind: 'not-found',
      hint: 'The account has no successful scan for this benchmark yet, or the benchmark is not enabled for it; check benchmark, or run mode scan.'
    }
  }
  return permissionHint('Account.Audit')(status, message, body)
}

/** A bearer token, fetched on first use and renewed when the service says it expired. */
class Token implements AuthProvider {
  private value: Promise<string> | undefined
  private readonly fetch: () => Promise<string>
  constructor(fetch: () => Promise<string>) {
    this.fetch = fetch
  }
  async headers(): Promise<Record<string, string>> {
    this.value ??= this.fetch()
    try {
      return { Authorization: `Bearer ${await this.value}` }
    } catch (err) {
      this.value = undefined
      throw err
    }
  }
  async renew(): Promise<void> {
    this.value = this.fetch()
    await this.value
  }
}

interface CallSpec {
  method: Method
  path: string
  operation: string
  idempotent: boolean
  deadline: number
  auth?: AuthProvider
  query?: Record<string, string | number | undefined>
  body?: unknown
  classify?: ErrorClassifier
}

/** The Cloudneeti Customer API endpoints this action calls (api/cloudneeti.md E1–E6, E10–E14). */
export class CloudneetiApi {
  private readonly http: HttpClient
  private readonly creds: CloudneetiCredentials
  private readonly run: RunContext

  constructor(run: RunContext, creds: CloudneetiCredentials) {
    this.run = run
    this.http = run.http
    this.creds = creds
  }

  private get license(): string {
    return `/license/${enc(this.creds.licenseId)}`
  }

  private async call<T extends z.ZodType>(schema: T, spec: CallSpec): Promise<z.output<T>> {
    return (await this.callWithDate(schema, spec)).result
  }

  /** The result, and the service's clock when it answered (its Date header), when it sent one. */
  private async callWithDate<T extends z.ZodType>(
    schema: T,
    spec: CallSpec
  ): Promise<{ result: z.output<T>; serverTime: number | undefined }> {
    const response = await this.http.request(spec)
    const body = parseResponse(envelope, lowerKeys(response.body), spec.operation)
    const date = Date.parse(String(response.headers.date ?? ''))
    return {
      result: parseResponse(schema, body.result, spec.operation),
      serverTime: Number.isNaN(date) ? undefined : date
    }
  }

  private token(accountId: string | undefined, deadline: number): Token {
    const what = accountId ? `get an account token for ${accountId}` : 'get a license token'
    return new Token(async () => {
      const result = await this.call(tokenResult, {
        method: 'POST',
        path: `/authorize${this.license}/token`,
        query: { accountId },
        body: { APIApplicationId: this.creds.applicationId, Secret: this.creds.applicationSecret },
        operation: what,
        idempotent: true,
        deadline,
        classify: tokenClassifier
      })
      this.run.mask(result.token)
      return result.token
    })
  }

  licenseToken(deadline: number): Token {
    return this.token(undefined, deadline)
  }

  accountToken(accountId: string, deadline: number): Token {
    return this.token(accountId, deadline)
  }

  /** Starts a scan (or joins the running one); `serverTime` is the service's clock when it answered. */
  async rescan(
    accountId: string,
    auth: AuthProvider,
    deadline: number
  ): Promise<{ jobId: string; serverTime: number | undefined }> {
    const { result, serverTime } = await this.callWithDate(jobResult, {
      method: 'GET',
      path: `/compliance${this.license}/account/${enc(accountId)}/rescan`,
      operation: 'start the scan',
      // A rescan while a job runs returns that job, so repeating it cannot start a second scan.
      idempotent: true,
      auth,
      deadline,
      classify: permissionHint('Account.Rescan')
    })
    return { jobId: result.jobid, serverTime }
  }

  async jobStatus(accountId: string, jobId: string, auth: AuthProvider, deadline: number): Promise<string> {
    const result = await this.call(jobStatusResult, {
      method: 'GET',
      path: `/compliance${this.license}/account/${enc(accountId)}/job/${enc(jobId)}/status`,
      operation: `read the status of scan job ${jobId}`,
      idempotent: true,
      auth,
      deadline,
      classify: permissionHint('Account.GetJobstatus')
    })
    return result.jobstatus
  }

  /** The benchmark report of one job, or of the latest successful scan when no job is given. */
  async report(
    accountId: string,
    benchmark: string,
    jobId: string | undefined,
    auth: AuthProvider,
    deadline: number
  ): Promise<RawReport> {
    const account = `${this.license}/account/${enc(accountId)}`
    const path = jobId
      ? `/audit${account}/job/${enc(jobId)}/benchmark/${enc(benchmark)}/summary`
      : `/audit${account}/benchmark/${enc(benchmark)}/summary`
    return this.call(reportResult, {
      method: 'GET',
      path,
      operation: jobId
        ? `download the ${benchmark} report of job ${jobId}`
        : `download the latest ${benchmark} report`,
      idempotent: true,
      auth,
      deadline,
      classify: reportClassifier
    })
  }

  /** E9: the license's accounts that the API application may work on. */
  async accountsInScope(auth: AuthProvider, deadline: number): Promise<string[]> {
    const result = await this.call(licenseAccountsResult, {
      method: 'GET',
      path: `/onboarding${this.license}/licenseAccounts`,
      operation: "list the license's accounts",
      idempotent: true,
      auth,
      deadline,
      classify: permissionHint('License.GetAPIAccess')
    })
    return result.accounts.filter(a => a.isinapiscope === true).map(a => a.accountid)
  }

  /** One page (1-based) of the failed assets of the account's latest results for a benchmark (E14). */
  failedAssets(
    accountId: string,
    benchmark: string,
    page: number,
    pageSize: number,
    auth: AuthProvider,
    deadline: number
  ): Promise<FailedAssetsPage> {
    return this.call(failedAssetsPage, {
      method: 'GET',
      path: `/audit${this.license}/account/${enc(accountId)}/failedassets`,
      query: { benchmarkId: benchmark, pageNumber: page, pageSize },
      operation: `read the failed assets of account ${accountId} (page ${page})`,
      idempotent: true,
      auth,
      deadline,
      classify: failedAssetsClassifier
    })
  }

  async onboard(
    account: CloudneetiOnboardAccount,
    auth: AuthProvider,
    deadline: number
  ): Promise<{ accountId: string; jobId: string }> {
    const { cloudType, ...body } = account
    const result = await this.call(onboardResult, {
      method: 'POST',
      path: `/onboarding${this.license}/account/${cloudType}`,
      body,
      operation: `onboard the ${cloudType} account ${account.AccountName}`,
      idempotent: false,
      auth,
      deadline,
      classify: permissionHint('License.AddAccount')
    })
    return { accountId: result.accountid, jobId: result.jobid }
  }

  async addToScope(accountId: string, auth: AuthProvider, deadline: number): Promise<void> {
    await this.call(z.unknown(), {
      method: 'PUT',
      path: `/onboarding${this.license}/config`,
      body: { accountId },
      operation: `add account ${accountId} to the API application's access scope`,
      idempotent: true,
      auth,
      deadline,
      classify: permissionHint('License.UpdateAPIAccess')
    })
  }
}
