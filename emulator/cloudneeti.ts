/**
 * Cloudneeti (Zscaler CSPM) Customer API: APIM key, API-application tokens, rescan jobs,
 * benchmark reports, onboarding. Job states are derived from timestamps at each request,
 * so no timers run and the service is safe to drop at any moment.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import {
  type Reply,
  type Route,
  type ServiceRequest,
  type Params,
  ReplyError,
  jsonReply,
  headerValue,
  route,
  findRoute,
  parseJson,
  isRecord,
  dotnetIso
} from './http.ts'
import type { WorldConfig, PolicySpec, FailedAssetSpec, Severity, CLOUDNEETI_PERMISSIONS } from './world.ts'

type Permission = (typeof CLOUDNEETI_PERMISSIONS)[number]
type Quirks = WorldConfig['cloudneeti']['quirks']
type Connector = 'AWS' | 'Azure' | 'Office365'
type JobOutcome = 'Success' | 'Failed'
type JobStatus = 'Pending' | 'Running' | JobOutcome
type Compliance = 'Green' | 'Red' | 'Amber' | 'Gray'

interface Job {
  jobId: string
  createdAt: number
  outcome: JobOutcome
  /** which policy set the finished job reports: the world's `before` (the pre-existing scan) or `after` */
  source: 'before' | 'after'
}

interface Benchmark {
  id: string
  name: string
  before?: PolicySpec[]
  after?: PolicySpec[]
}

interface Account {
  accountId: string
  accountName: string
  connectorType: Connector
  scanOutcome: JobOutcome
  awsAccountId?: string
  subscriptionId?: string
  tenantId?: string
  failedAssetsEndpoint: 'ok' | 'forbidden' | 'missing'
  benchmarks: Map<string, Benchmark>
  jobs: Job[]
}

interface App {
  applicationId: string
  secret: string
  permissions: Permission[]
  scope: Set<string>
  tokenLifetimeMs: number
}

interface License {
  licenseId: string
  name: string
  apps: Map<string, App>
  accounts: Map<string, Account>
}

interface Token {
  licenseId: string
  accountId: string | null
  applicationId: string
  permissions: ReadonlySet<string>
  expiresAt: number
}

interface Ctx {
  req: ServiceRequest
}

const MISSING_KEY =
  'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.'
const INVALID_KEY =
  'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.'
const OK_MESSAGE = 'Request Successful'
/** the pre-existing scan ended this long before the world loaded: clearly before any request */
const PREEXISTING_SCAN_AGE_MS = 3_600_000
const FAILED_ASSETS_PAGE_SIZE = 100
/** the real client (api S16) asks for 1000 a page; more is refused so paging stays exercised */
const FAILED_ASSETS_MAX_PAGE_SIZE = 1000

// ------------------------------------------------------------ report derivation (api/cloudneeti.md "Derived rules")

export function complianceOf(passed: number, total: number): Compliance {
  if (total === 0) return 'Gray'
  if (passed === total) return 'Green'
  if (passed === 0) return 'Red'
  return 'Amber'
}

export function riskProbabilityOf(compliance: Compliance, passed: number, total: number): string {
  switch (compliance) {
    case 'Gray':
      return ' '
    case 'Green':
      return 'NotLikely'
    case 'Red':
      return 'Certain'
    case 'Amber': {
      const failedShare = (total - passed) / total
      if (failedShare < 0.6) return 'Moderate'
      if (failedShare < 0.9) return 'High'
      return 'Certain'
    }
  }
}

// Observed pairs from the S5 sample; the unobserved cells are filled in the same spirit.
const RISK_MATRIX: Record<Severity, Record<string, string>> = {
  Critical: { Certain: 'Red', High: 'Red', Moderate: 'Red', NotLikely: 'Amber' },
  High: { Certain: 'Red', High: 'Red', Moderate: 'Amber', NotLikely: 'Amber' },
  Moderate: { Certain: 'Red', High: 'Amber', Moderate: 'Amber', NotLikely: 'Green' },
  Low: { Certain: 'Amber', High: 'Amber', Moderate: 'Green', NotLikely: 'Green' },
  VeryLow: { Certain: 'Amber', High: 'Amber', Moderate: 'Green', NotLikely: 'Green' }
}

export function riskLevelOf(severity: Severity, probability: string): string {
  return RISK_MATRIX[severity][probability] ?? ''
}

interface Counts {
  total: number
  green: number
  red: number
  amber: number
  gray: number
  compliancePercent: number
}

function countColours(colours: Compliance[]): Counts {
  const c = { total: colours.length, green: 0, red: 0, amber: 0, gray: 0, compliancePercent: 0 }
  for (const colour of colours) {
    if (colour === 'Green') c.green++
    else if (colour === 'Red') c.red++
    else if (colour === 'Amber') c.amber++
    else c.gray++
  }
  const scored = c.green + c.red + c.amber
  c.compliancePercent = scored === 0 ? 0 : (100 * c.green) / scored
  return c
}

const CATEGORY_PREFIX: Record<Connector, string> = { AWS: 'AWS', Azure: 'AZ', Office365: 'O365' }

function buildCategories(connector: Connector, benchmarkId: string, policies: PolicySpec[]) {
  const groups = new Map<string, PolicySpec[]>()
  for (const p of policies) {
    const group = groups.get(p.category)
    if (group) group.push(p)
    else groups.set(p.category, [p])
  }
  return [...groups].map(([categoryName, specs], index) => {
    const order = index + 1
    const rows = specs.map((p, i) => {
      const compliance = complianceOf(p.passed, p.total)
      const riskProbability = riskProbabilityOf(compliance, p.passed, p.total)
      return {
        policyId: p.policyId,
        shortTitle: p.title,
        serviceName: p.service ?? categoryName,
        complianceNumber: p.complianceNumber ?? `${order}.${i + 1}`,
        passedResourceCount: p.passed,
        totalResourceCount: p.total,
        compliance,
        severity: p.severity,
        riskProbability,
        riskLevel: compliance === 'Gray' ? '' : riskLevelOf(p.severity, riskProbability)
      }
    })
    return {
      categoryName,
      categoryId: `${CATEGORY_PREFIX[connector]}_${benchmarkId}_${categoryName.replace(/\s+/g, '_')}`,
      controlCategoryOrder: order,
      ...countColours(rows.map(r => r.compliance)),
      policies: rows
    }
  })
}

// ------------------------------------------------------------ failed assets (E14)

/** regions synthetic and region-less assets take, by index: stable, so a finding keeps its identity */
const ASSET_REGIONS: Record<Connector, readonly string[]> = {
  AWS: ['us-east-1', 'us-west-2', 'eu-west-1'],
  Azure: ['eastus', 'westeurope', 'southeastasia'],
  Office365: ['global']
}

interface AccountIds {
  accountId: string
  connectorType: Connector
  awsAccountId?: string
  subscriptionId?: string
}

/** the id of a synthetic asset: provider-shaped, and the same for the same policy and index in every scan */
function syntheticResourceId(account: AccountIds, p: PolicySpec, region: string, name: string): string {
  const service = (p.service ?? 'resource').toLowerCase()
  switch (account.connectorType) {
    case 'AWS':
      return `arn:aws:${service}:${region}:${account.awsAccountId ?? '000000000000'}:${name}`
    case 'Azure':
      return `/subscriptions/${account.subscriptionId ?? account.accountId}/resourceGroups/emulator/providers/${p.service ?? 'resource'}/${name}`
    case 'Office365':
      return `${account.accountId}/${p.service ?? 'resource'}/${name}`
  }
}

/**
 * The failing resources of one policy: the world's list, or `total - passed` synthetic ones.
 * Synthetic ids depend on the index only, so a policy failing fewer resources in a later
 * scan lists a subset of the earlier findings; list them in the world to make new ones.
 */
export function failedAssetsOf(account: AccountIds, p: PolicySpec) {
  const failed = p.total - p.passed
  if (p.total === 0 || failed === 0) return []
  const regions = ASSET_REGIONS[account.connectorType]
  const listed: FailedAssetSpec[] =
    p.failedAssets ??
    Array.from({ length: failed }, (_, i) => {
      const region = regions[i % regions.length]!
      const resourceName = `${p.policyId}-${i + 1}`
      return { resourceId: syntheticResourceId(account, p, region, resourceName), resourceName, region }
    })
  return listed.map((a, i) => ({
    resourceName: a.resourceName ?? (a.resourceId.split(/[/:]/).filter(Boolean).at(-1) || a.resourceId),
    accessLevel: 'Private',
    resourceType: a.type ?? p.service ?? p.category,
    resourceId: a.resourceId,
    policyId: p.policyId,
    shortTitle: p.title,
    categoryName: p.category,
    impact: p.severity,
    resourceRegion: a.region ?? regions[i % regions.length]!,
    tags: { ...a.tags }
  }))
}

const PASCAL_SPECIAL: Record<string, string> = { awsAccountId: 'AWSAccountId' }

/** Deep PascalCase of every key (values of `tags` are user data and stay as they are). */
export function pascalKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalKeys)
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const name = PASCAL_SPECIAL[key] ?? key.charAt(0).toUpperCase() + key.slice(1)
    out[name] = key === 'tags' ? v : pascalKeys(v)
  }
  return out
}

// ------------------------------------------------------------ the service

const ONBOARD_FIELDS: Record<string, { connector: Connector; fields: string[] }> = {
  aws: { connector: 'AWS', fields: ['AccountName', 'AWSAccountId', 'AWSRoleName'] },
  azure: {
    connector: 'Azure',
    fields: [
      'AccountName',
      'DomainName',
      'TenantId',
      'ADApplicationClientId',
      'ADApplicationClientSecret',
      'SubscriptionId'
    ]
  },
  office: {
    connector: 'Office365',
    fields: ['AccountName', 'DomainName', 'TenantId', 'ADApplicationClientId', 'ADApplicationClientSecret']
  }
}

function fail(status: number, message: string, headers: Record<string, string> = {}): ReplyError {
  return new ReplyError(jsonReply(status, { result: null, statusCode: status, message }, headers))
}

export function cloudneetiNotFound(): Reply {
  return jsonReply(404, { result: null, statusCode: 404, message: 'Resource not found' })
}

export class CloudneetiService {
  private readonly apiKeys: Set<string>
  private readonly licenses = new Map<string, License>()
  private readonly tokens = new Map<string, Token>()
  private readonly quirks: Quirks
  private readonly onboardPolicies: PolicySpec[]
  private readonly pendingMs: number
  private readonly scanMs: number
  private readonly routes: Route<Ctx>[]

  constructor(world: WorldConfig, now: number) {
    const cn = world.cloudneeti
    this.apiKeys = new Set(cn.apiKeys)
    this.quirks = cn.quirks
    this.onboardPolicies = cn.onboardPolicies
    this.pendingMs = world.timing.pendingSeconds * 1000
    this.scanMs = world.timing.scanSeconds * 1000
    for (const lic of cn.licenses) {
      const accounts = new Map<string, Account>()
      for (const a of lic.accounts) {
        const benchmarks = new Map<string, Benchmark>()
        for (const [id, b] of Object.entries(a.benchmarks)) benchmarks.set(id, { id, ...b })
        const account: Account = { ...a, benchmarks, jobs: [] }
        // an account with results at load has one finished scan, so audit mode works from the start
        if ([...benchmarks.values()].some(b => b.before)) {
          account.jobs.push({
            jobId: randomUUID(),
            createdAt: now - this.scanMs - PREEXISTING_SCAN_AGE_MS,
            outcome: 'Success',
            source: 'before'
          })
        }
        accounts.set(a.accountId, account)
      }
      const apps = new Map<string, App>()
      for (const app of lic.apps) {
        apps.set(app.applicationId, {
          applicationId: app.applicationId,
          secret: app.secret,
          permissions: app.permissions,
          scope: new Set(app.scope),
          tokenLifetimeMs: (app.tokenLifetimeSeconds ?? world.timing.tokenLifetimeSeconds) * 1000
        })
      }
      this.licenses.set(lic.licenseId, { licenseId: lic.licenseId, name: lic.name, apps, accounts })
    }

    const L = '/authorize/license/:licenseId'
    const C = '/compliance/license/:licenseId/account/:accountId'
    const A = '/audit/license/:licenseId/account/:accountId'
    const O = '/onboarding/license/:licenseId'
    this.routes = [
      route('POST', `${L}/token`, (c, p) => this.issueToken(c, p)),
      route('GET', `${C}/rescan`, (c, p) => this.rescan(c, p)),
      route('GET', `${C}/job/:jobId/status`, (c, p) => this.jobStatus(c, p)),
      route('GET', `${A}/job/:jobId/benchmark/:benchmarkId/summary`, (c, p) => this.report(c, p, p.jobId)),
      route('GET', `${A}/benchmark/:benchmarkId/summary`, (c, p) =>
        this.report(c, p, c.req.query.get('jobId') || undefined)
      ),
      route('GET', `${A}/benchmarks`, (c, p) => this.benchmarks(c, p)),
      route('GET', `${A}/healthstatus`, (c, p) => this.health(c, p)),
      route('GET', `${A}/failedassets`, (c, p) => this.failedAssets(c, p)),
      route('GET', `${O}/licenseAccounts`, (c, p) => this.licenseAccounts(c, p)),
      route('POST', `${O}/account/:connector`, (c, p) => this.onboard(c, p)),
      route('PUT', `${O}/config`, (c, p) => this.updateScope(c, p))
    ]
  }

  /** Every token issued so far is expired from now on. */
  expireTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0
  }

  handle(req: ServiceRequest): Reply {
    const found = findRoute(this.routes, req.method, req.pathname)
    if (!found) return cloudneetiNotFound()
    const key = headerValue(req.headers, 'ocp-apim-subscription-key')
    if (!key) return jsonReply(401, { statusCode: 401, message: MISSING_KEY })
    if (!this.apiKeys.has(key)) return jsonReply(401, { statusCode: 401, message: INVALID_KEY })
    try {
      return found.route.handler({ req }, found.params)
    } catch (err) {
      if (err instanceof ReplyError) return err.reply
      throw err
    }
  }

  // ---------------------------------------------------------- helpers

  private ok(result: unknown): Reply {
    const shaped = this.quirks.pascalCase ? pascalKeys(result) : result
    return jsonReply(200, { result: shaped, statusCode: 200, message: OK_MESSAGE })
  }

  private jobIdOut(jobId: string): string {
    return this.quirks.quotedJobIds ? `"${jobId}"` : jobId
  }

  private statusOut(status: JobStatus): string {
    const name = status === 'Success' && this.quirks.completedStatus ? 'Completed' : status
    if (this.quirks.statusCase === 'lower') return name.toLowerCase()
    if (this.quirks.statusCase === 'upper') return name.toUpperCase()
    return name
  }

  private jobStatusAt(job: Job, now: number): JobStatus {
    const age = now - job.createdAt
    if (age < this.pendingMs) return 'Pending'
    if (age < this.scanMs) return 'Running'
    return job.outcome
  }

  private license(licenseId: string): License {
    const license = this.licenses.get(licenseId)
    if (!license) throw fail(404, `License ${licenseId} not found.`)
    return license
  }

  private accountOf(license: License, accountId: string): Account {
    const account = license.accounts.get(accountId)
    if (!account) throw fail(404, `Account ${accountId} not found in license ${license.licenseId}.`)
    return account
  }

  private bearer(req: ServiceRequest): Token {
    const challenge = { 'www-authenticate': 'Bearer' }
    const header = headerValue(req.headers, 'authorization')
    if (!header)
      throw fail(401, 'Authorization header missing: send "Authorization: Bearer <token>".', challenge)
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match) throw fail(401, 'Authorization header must be "Bearer <token>".', challenge)
    const token = this.tokens.get(match[1]!)
    if (!token)
      throw fail(401, 'Invalid bearer token.', { 'www-authenticate': 'Bearer error="invalid_token"' })
    if (token.expiresAt <= req.now) {
      throw fail(401, 'The bearer token has expired. Request a new token.', {
        'www-authenticate': 'Bearer error="invalid_token", error_description="The token expired"'
      })
    }
    return token
  }

  private requirePermission(token: Token, permission: Permission): void {
    if (!token.permissions.has(permission)) {
      throw fail(
        403,
        `The API application ${token.applicationId} does not have the '${permission}' permission. ` +
          'Grant it in the API application settings, then request a new token.'
      )
    }
  }

  /** An account-level call: account token of this very license+account, with the permission. */
  private accountCall(ctx: Ctx, params: Params, permission: Permission) {
    const token = this.bearer(ctx.req)
    const license = this.license(params.licenseId!)
    const account = this.accountOf(license, params.accountId!)
    if (token.accountId === null) {
      throw fail(
        403,
        'This operation needs an account token, but a license token was sent. Request a token with ?accountId=.'
      )
    }
    if (token.licenseId !== license.licenseId || token.accountId !== account.accountId) {
      throw fail(
        403,
        `The account token was issued for account ${token.accountId} of license ${token.licenseId}, ` +
          `not for account ${account.accountId} of license ${license.licenseId}.`
      )
    }
    this.requirePermission(token, permission)
    return { token, license, account }
  }

  /** A license-level call: license token of this license, with the permission. */
  private licenseCall(ctx: Ctx, params: Params, permission: Permission) {
    const token = this.bearer(ctx.req)
    const license = this.license(params.licenseId!)
    if (token.accountId !== null) {
      throw fail(
        403,
        'This operation needs a license token, but an account token was sent. Request a token without accountId.'
      )
    }
    if (token.licenseId !== license.licenseId) {
      throw fail(
        403,
        `The license token was issued for license ${token.licenseId}, not for ${license.licenseId}.`
      )
    }
    this.requirePermission(token, permission)
    const app = license.apps.get(token.applicationId)
    if (!app) throw fail(401, 'Invalid bearer token.')
    return { token, license, app }
  }

  private jsonObjectBody(req: ServiceRequest): Record<string, unknown> {
    const parsed = parseJson(req.body)
    if (!parsed.ok) throw fail(400, `Request body is not valid JSON: ${parsed.error}`)
    if (!isRecord(parsed.value)) throw fail(400, 'Request body must be a JSON object.')
    return parsed.value
  }

  private requiredString(body: Record<string, unknown>, field: string): string {
    const value = body[field]
    if (value === undefined || value === null || value === '') throw fail(400, `${field} is required.`)
    if (typeof value !== 'string' || value.trim() === '')
      throw fail(400, `${field} must be a non-empty string.`)
    return value
  }

  private findJob(account: Account, jobId: string): Job {
    const job = account.jobs.find(j => j.jobId === jobId)
    if (!job) throw fail(404, `Job ${jobId} not found for account ${account.accountId}.`)
    return job
  }

  private latestSuccess(account: Account, now: number): Job | undefined {
    let latest: Job | undefined
    for (const job of account.jobs) {
      if (this.jobStatusAt(job, now) !== 'Success') continue
      if (!latest || job.createdAt > latest.createdAt) latest = job
    }
    return latest
  }

  /** The job a report is read from: the one asked for, which must be Success, else the latest Success. */
  private reportJob(account: Account, jobId: string | undefined, now: number): Job {
    if (jobId !== undefined) {
      const job = this.findJob(account, jobId)
      const status = this.jobStatusAt(job, now)
      if (status !== 'Success') throw fail(404, `No report: job ${jobId} is ${status}, not Success.`)
      return job
    }
    const latest = this.latestSuccess(account, now)
    if (!latest) throw fail(404, `No successful scan exists for account ${account.accountId}.`)
    return latest
  }

  private benchmarkOf(account: Account, benchmarkId: string): Benchmark {
    const bench = account.benchmarks.get(benchmarkId)
    if (!bench) throw fail(404, `Benchmark ${benchmarkId} is not enabled for account ${account.accountId}.`)
    return bench
  }

  private policiesOf(bench: Benchmark, job: Job): PolicySpec[] {
    return job.source === 'before' ? (bench.before ?? []) : (bench.after ?? bench.before ?? [])
  }

  private startJob(account: Account, now: number): Job {
    const job: Job = { jobId: randomUUID(), createdAt: now, outcome: account.scanOutcome, source: 'after' }
    account.jobs.push(job)
    return job
  }

  // ---------------------------------------------------------- endpoints

  /** E1 / E2 */
  private issueToken(ctx: Ctx, params: Params): Reply {
    const body = this.jsonObjectBody(ctx.req)
    const applicationId = this.requiredString(body, 'APIApplicationId')
    const secret = this.requiredString(body, 'Secret')
    const license = this.license(params.licenseId!)
    const app = license.apps.get(applicationId)
    if (!app || app.secret !== secret) throw fail(401, 'Invalid API application id or secret.')
    const accountId = ctx.req.query.get('accountId')?.trim() || null
    if (accountId !== null) {
      this.accountOf(license, accountId)
      if (!app.scope.has(accountId)) {
        throw fail(
          403,
          `Account ${accountId} is not in the API application's access scope. ` +
            'Add it with PUT /onboarding/license/{licenseId}/config or in the portal.'
        )
      }
    }
    const token = randomBytes(32).toString('base64url')
    this.tokens.set(token, {
      licenseId: license.licenseId,
      accountId,
      applicationId,
      permissions: new Set(app.permissions),
      expiresAt: ctx.req.now + app.tokenLifetimeMs
    })
    return this.ok({ token })
  }

  /** E3: a job still Pending/Running is returned instead of starting another. */
  private rescan(ctx: Ctx, params: Params): Reply {
    const { account } = this.accountCall(ctx, params, 'Account.Rescan')
    const now = ctx.req.now
    if (this.quirks.staleRescan) {
      // hostile: an old finished job passed off as this scan (none yet: behave, nothing to pass off)
      const stale = this.latestSuccess(account, now)
      if (stale) return this.ok({ jobId: this.jobIdOut(stale.jobId) })
    }
    const active = account.jobs.find(j => {
      const s = this.jobStatusAt(j, now)
      return s === 'Pending' || s === 'Running'
    })
    const job = active ?? this.startJob(account, now)
    return this.ok({ jobId: this.jobIdOut(job.jobId) })
  }

  /** E4 */
  private jobStatus(ctx: Ctx, params: Params): Reply {
    const { account } = this.accountCall(ctx, params, 'Account.GetJobstatus')
    const job = this.findJob(account, params.jobId!)
    return this.ok({ jobStatus: this.statusOut(this.jobStatusAt(job, ctx.req.now)) })
  }

  /** E5 (jobId in the path) and E6 (jobId optional: the latest successful scan). */
  private report(ctx: Ctx, params: Params, jobId: string | undefined): Reply {
    const { license, account } = this.accountCall(ctx, params, 'Account.Audit')
    const job = this.reportJob(account, jobId, ctx.req.now)
    const bench = this.benchmarkOf(account, params.benchmarkId!)
    const policies = this.policiesOf(bench, job)
    const categories = buildCategories(account.connectorType, bench.id, policies)
    const scannedAt = job.createdAt + this.scanMs
    const report = {
      benchmarkName: bench.name,
      benchmarkId: bench.id,
      accountId: account.accountId,
      licenseId: license.licenseId,
      licenseName: license.name,
      accountName: account.accountName,
      connectorType: account.connectorType,
      subscriptionId: account.subscriptionId ?? null,
      awsAccountId: account.awsAccountId ?? null,
      jobId: this.jobIdOut(job.jobId),
      resourceCategories: categories,
      posture: countColours(categories.flatMap(c => c.policies.map(p => p.compliance))),
      lastScannedDateEpochTime: scannedAt / 1000,
      lastScannedDate: dotnetIso(scannedAt),
      title: bench.name,
      longName: null,
      timeToLive: null
    }
    return this.ok(this.quirks.reportAsArray ? [report] : report)
  }

  /** E7 */
  private benchmarks(ctx: Ctx, params: Params): Reply {
    const { account } = this.accountCall(ctx, params, 'Account.Audit')
    return this.ok(
      [...account.benchmarks.values()].map(b => ({
        name: b.name,
        title: null,
        category: null,
        dummyImageUrl: null,
        longName: null,
        benchmarkId: b.id
      }))
    )
  }

  /** E8 */
  private health(ctx: Ctx, params: Params): Reply {
    const { account } = this.accountCall(ctx, params, 'Account.Health')
    const now = ctx.req.now
    const finished = account.jobs.filter(j => now - j.createdAt >= this.scanMs)
    const last = finished.reduce<Job | undefined>(
      (a, j) => (!a || j.createdAt > a.createdAt ? j : a),
      undefined
    )
    const healthy = account.scanOutcome === 'Success'
    return this.ok({
      prerequisites: [
        {
          name: 'Cloud account permissions',
          isHealthy: healthy ? 'complete' : 'incomplete',
          description: healthy
            ? 'Cloudneeti can read the cloud account configuration.'
            : 'Cloudneeti cannot read the cloud account configuration: scans fail. Check the role or service principal.',
          noOfPolicies: 'All',
          required: true,
          category: 'Permissions',
          referLink: ''
        }
      ],
      lastScannedTime: last
        ? new Date(last.createdAt + this.scanMs).toISOString().replace(/\.\d{3}Z$/, 'Z')
        : null,
      accountScanQuotaDetails: { allocatedQuota: 100, consumedQuota: account.jobs.length }
    })
  }

  /**
   * E14: the failed resources of exactly the policies the report (E5/E6) serves for the same
   * job: the latest successful one, or `?jobId=`. 1-based pages; a page past the end is empty.
   */
  private failedAssets(ctx: Ctx, params: Params): Reply {
    const { account } = this.accountCall(ctx, params, 'Account.Audit')
    if (account.failedAssetsEndpoint === 'missing') throw new ReplyError(cloudneetiNotFound())
    if (account.failedAssetsEndpoint === 'forbidden') {
      throw fail(403, `Failed assets are not available for account ${account.accountId} with this license.`)
    }
    const q = ctx.req.query
    const integer = (name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number => {
      const raw = q.get(name)
      if (raw === null || raw.trim() === '') return fallback
      const n = Number(raw)
      if (!Number.isInteger(n) || n < 1 || n > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from 1 to ${max}`
        throw fail(400, `${name} must be ${range}.`)
      }
      return n
    }
    const pageNumber = integer('pageNumber', 1)
    const pageSize = integer('pageSize', FAILED_ASSETS_PAGE_SIZE, FAILED_ASSETS_MAX_PAGE_SIZE)
    const job = this.reportJob(account, q.get('jobId') || undefined, ctx.req.now)
    const bench = this.benchmarkOf(account, q.get('benchmarkId') || 'CSBP')
    const assets = this.policiesOf(bench, job).flatMap(p => failedAssetsOf(account, p))
    return this.ok({
      failedAssetCount: assets.length,
      accountId: account.accountId,
      accountName: account.accountName,
      connectorType: account.connectorType,
      benchMarkId: bench.id,
      benchMarkName: bench.name,
      failedPolicyAssetsLists: assets.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
    })
  }

  /** E9 */
  private licenseAccounts(ctx: Ctx, params: Params): Reply {
    const { token, license, app } = this.licenseCall(ctx, params, 'License.GetAPIAccess')
    return this.ok({
      licenseId: license.licenseId,
      accounts: [...license.accounts.values()].map(a => ({
        accountId: a.accountId,
        accountName: a.accountName,
        isInApiScope: app.scope.has(a.accountId),
        connectorType: a.connectorType
      })),
      apis: [...token.permissions]
    })
  }

  /** E10–E12: the account exists at once and its first scan starts; it is NOT in the app's scope. */
  private onboard(ctx: Ctx, params: Params): Reply {
    const kind = ONBOARD_FIELDS[params.connector!.toLowerCase()]
    if (!kind) throw new ReplyError(cloudneetiNotFound())
    const { license } = this.licenseCall(ctx, params, 'License.AddAccount')
    const body = this.jsonObjectBody(ctx.req)
    const values: Record<string, string> = {}
    for (const field of kind.fields) values[field] = this.requiredString(body, field)
    if (kind.connector === 'AWS' && !/^\d{12}$/.test(values.AWSAccountId!)) {
      throw fail(400, 'AWSAccountId must be a 12-digit AWS account id.')
    }
    const duplicate = [...license.accounts.values()].find(a =>
      kind.connector === 'AWS'
        ? a.awsAccountId === values.AWSAccountId
        : kind.connector === 'Azure'
          ? a.subscriptionId === values.SubscriptionId
          : a.connectorType === 'Office365' && a.tenantId === values.TenantId
    )
    if (duplicate) {
      throw fail(400, `This cloud account is already onboarded in the license as ${duplicate.accountId}.`)
    }
    const account: Account = {
      accountId: randomUUID(),
      accountName: values.AccountName!,
      connectorType: kind.connector,
      scanOutcome: 'Success',
      awsAccountId: values.AWSAccountId,
      subscriptionId: values.SubscriptionId,
      tenantId: values.TenantId,
      failedAssetsEndpoint: 'ok',
      benchmarks: new Map([
        ['CSBP', { id: 'CSBP', name: 'Cloud Security Best Practices', after: this.onboardPolicies }]
      ]),
      jobs: []
    }
    license.accounts.set(account.accountId, account)
    const job = this.startJob(account, ctx.req.now)
    return this.ok({ accountId: account.accountId, jobId: this.jobIdOut(job.jobId) })
  }

  /** E13: idempotent. */
  private updateScope(ctx: Ctx, params: Params): Reply {
    const { license, app } = this.licenseCall(ctx, params, 'License.UpdateAPIAccess')
    const body = this.jsonObjectBody(ctx.req)
    const accountId = this.requiredString(body, 'accountId')
    this.accountOf(license, accountId)
    app.scope.add(accountId)
    return this.ok('Account Added')
  }
}
