/**
 * Cloud Conformity REST API (legacy /v1 and Cloud One /api): API-key users with the Users.md
 * privilege matrix, accounts with a Conformity Bot run queue, checks with filters and paging.
 * Bot runs are derived from timestamps at each request; no timers run.
 */
import { randomUUID } from 'node:crypto'
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
  randomId
} from './http.ts'
import {
  type WorldConfig,
  type CheckSpec,
  type RiskLevel,
  type Role,
  type AccessLevel,
  ACCESS_LEVELS,
  CHECK_STATUSES,
  RISK_LEVELS,
  ROLES
} from './world.ts'

type Level = AccessLevel | 'ADMIN'
type CloudType = 'aws' | 'azure'
type BotStatus = 'PENDING' | 'RUNNING' | null

interface CheckRecord {
  id: string
  accountId: string
  rule: string
  status: 'SUCCESS' | 'FAILURE'
  risk: RiskLevel
  region: string
  service: string
  resource: string
  title: string
  message: string
  suppressed: boolean
  compliances: string[]
  categories: string[]
  /** `key::value` */
  tags: string[]
  provider: CloudType
  /** last status change (epoch ms) */
  modified: number
  /** when the bot last evaluated it */
  updated: number
}

interface BotRun {
  /** when the run left the queue (NaN while it waits behind the current run) */
  start: number
}

interface Account {
  id: string
  name: string
  environment: string
  cloudType: CloudType
  awsAccountId?: string
  subscriptionId?: string
  activeDirectoryId?: string
  createdDate: number
  lastCheckedDate: number | null
  checks: CheckRecord[]
  checksAfterScan?: CheckSpec[]
  /** runs[0] is the current run, runs[1] the one queued behind it */
  runs: BotRun[]
}

interface ApiKey {
  id: string
  key: string
  status: 'ENABLED' | 'DISABLED'
  createdDate: number
  lastUsedDate: number | null
  user: User
}

interface User {
  id: string
  firstName: string
  lastName: string
  email: string
  role: Role
  status: 'ACTIVE' | 'INVITED'
  access: Map<string, AccessLevel>
  keys: ApiKey[]
  createdDate: number
  lastLoginDate: number | null
  sso: boolean
}

interface Ctx {
  req: ServiceRequest
  user: User
}

interface AccessEntry {
  account: string
  level: AccessLevel
}

const DAY_MS = 86_400_000
const GATEWAY_DENY = { Message: 'User is not authorized to access this resource with an explicit deny' }
const NOT_AUTHORIZED = 'You are not authorized to perform such actions'
const PAGE_LIMIT = 10_000
const PRETTY_RISK: Record<RiskLevel, string> = {
  LOW: 'Low',
  MEDIUM: 'Medium',
  HIGH: 'High',
  VERY_HIGH: 'Very High',
  EXTREME: 'Extreme'
}

export function conformityNotFound(): Reply {
  return jsonReply(404, { Message: 'Not Found' })
}

/** "S3-001" → "S3", "StorageAccounts-002" → "StorageAccounts" */
export function serviceOfRule(rule: string): string {
  return rule.replace(/-\d+$/, '')
}

function expandChecks(account: Account, specs: CheckSpec[], activatedAt: number): CheckRecord[] {
  const defaultRegion = account.cloudType === 'azure' ? 'eastus' : 'us-east-1'
  return specs.map((s, i) => {
    const service = s.service ?? serviceOfRule(s.rule)
    const region = s.region ?? defaultRegion
    const resource = s.resource ?? `${service.toLowerCase()}-${i + 1}`
    const title = s.title ?? `Rule ${s.rule}`
    return {
      id: `ccc:${account.id}:${s.rule}:${service}:${region}:${resource}`,
      accountId: account.id,
      rule: s.rule,
      status: s.status,
      risk: s.risk,
      region,
      service,
      resource,
      title,
      message:
        s.message ?? `${title}: ${resource || service} ${s.status === 'SUCCESS' ? 'passed' : 'failed'}`,
      suppressed: s.suppressed ?? false,
      compliances: s.compliances ?? [],
      categories: s.categories ?? ['security'],
      tags: s.tags ?? [],
      provider: account.cloudType,
      modified: activatedAt - (s.ageDays ?? 0) * DAY_MS,
      updated: activatedAt
    }
  })
}

function checkResource(c: CheckRecord) {
  const provider = c.provider
  // an account-level rule has no resource (its id ends in ":"): no resource, link or link title
  const resource = c.resource
    ? {
        resource: c.resource,
        link: `https://emulator.invalid/${provider}/${c.service}/${encodeURIComponent(c.resource)}`,
        'link-title': c.resource
      }
    : {}
  return {
    type: 'checks',
    id: c.id,
    attributes: {
      region: c.region,
      status: c.status,
      'risk-level': c.risk,
      'pretty-risk-level': PRETTY_RISK[c.risk],
      message: c.message,
      ...resource,
      service: c.service,
      provider,
      categories: c.categories,
      compliances: c.compliances,
      suppressed: c.suppressed,
      'suppressed-until': null,
      'not-scored': false,
      excluded: false,
      ignored: false,
      'rule-title': c.title,
      'resolution-page-url': `https://www.trendmicro.com/cloudoneconformity/knowledge-base/${provider}/${c.service}/${c.rule}.html`,
      ccrn: `ccrn:${provider}:${c.accountId}:${c.service}:${c.region}:${c.resource}`,
      tags: c.tags,
      'created-date': c.modified,
      'last-modified-date': c.modified,
      'last-updated-date': c.updated,
      'failure-discovery-date': c.status === 'FAILURE' ? c.modified : null,
      'last-updated-by': 'SYSTEM'
    },
    relationships: {
      rule: { data: { type: 'rules', id: c.rule } },
      account: { data: { type: 'accounts', id: c.accountId } }
    }
  }
}

export class ConformityService {
  private readonly organisationId: string
  private readonly externalId: string
  private readonly temporaryExternalIds = new Map<string, number>()
  private readonly ssoEnabled: boolean
  private readonly errorKey: 'detail' | 'details' | 'message'
  private readonly quirks: WorldConfig['conformity']['quirks']
  private readonly onboardChecks: CheckSpec[]
  private readonly pendingMs: number
  private readonly scanMs: number
  private readonly accounts = new Map<string, Account>()
  private readonly users = new Map<string, User>()
  /** revoked users by lower-case email: re-adding one restores its account levels */
  private readonly formerUsers = new Map<string, User>()
  private readonly keys = new Map<string, ApiKey>()
  private readonly routes: Route<Ctx>[]

  constructor(world: WorldConfig, now: number) {
    const cc = world.conformity
    this.organisationId = cc.organisationId
    this.externalId = cc.externalId
    this.ssoEnabled = cc.ssoEnabled
    this.errorKey = cc.errorKey
    this.quirks = cc.quirks
    this.onboardChecks = cc.onboardChecks
    this.pendingMs = world.timing.pendingSeconds * 1000
    this.scanMs = world.timing.scanSeconds * 1000

    for (const a of cc.accounts) {
      const account: Account = {
        id: a.id,
        name: a.name,
        environment: a.environment,
        cloudType: a.cloudType,
        awsAccountId: a.awsAccountId,
        subscriptionId: a.subscriptionId,
        createdDate: a.createdDate ?? now - 90 * DAY_MS,
        lastCheckedDate: a.lastCheckedDate,
        checks: [],
        checksAfterScan: a.checksAfterScan,
        runs: []
      }
      account.checks = expandChecks(account, a.checks, a.lastCheckedDate ?? now)
      if (a.botStatus === 'PENDING') account.runs.push({ start: now })
      if (a.botStatus === 'RUNNING') account.runs.push({ start: now - this.pendingMs })
      this.accounts.set(a.id, account)
    }
    for (const u of cc.users) {
      const user: User = {
        id: u.id,
        firstName: u.firstName,
        lastName: u.lastName,
        email: u.email,
        role: u.role,
        status: u.status,
        access: new Map(u.accessList.map(e => [e.account, e.level])),
        keys: [],
        createdDate: now - 30 * DAY_MS,
        lastLoginDate: u.status === 'ACTIVE' ? now - DAY_MS : null,
        sso: false
      }
      for (const k of u.apiKeys) {
        const key: ApiKey = { ...k, createdDate: now - 30 * DAY_MS, lastUsedDate: null, user }
        user.keys.push(key)
        this.keys.set(k.key, key)
      }
      this.users.set(u.id, user)
    }

    this.routes = [
      route('GET', '/users/whoami', c => this.whoami(c)),
      route('GET', '/users', c => this.listUsers(c)),
      route('POST', '/users', c => this.addUser(c, false)),
      route('POST', '/users/sso', c => this.addUser(c, true)),
      route('GET', '/users/:id', (c, p) => this.getUser(c, p)),
      route('PATCH', '/users/:id', (c, p) => this.updateUser(c, p)),
      route('DELETE', '/users/:id', (c, p) => this.revokeUser(c, p)),
      route('GET', '/api-keys', c => this.listKeys(c)),
      route('GET', '/api-keys/:id', (c, p) => this.getKey(c, p)),
      route('GET', '/accounts', c => this.listAccounts(c)),
      route('POST', '/accounts', c => this.createAwsAccount(c)),
      route('POST', '/accounts/azure', c => this.createAzureAccount(c)),
      route('GET', '/accounts/:id', (c, p) => this.getAccount(c, p)),
      route('POST', '/accounts/:id/scan', (c, p) => this.scan(c, p)),
      route('GET', '/organisation/external-id', c => this.getExternalId(c)),
      route('POST', '/external-ids', c => this.createExternalId(c)),
      route('GET', '/checks', c => this.listChecks(c))
    ]
  }

  /** `req.pathname` has the /v1 or /api prefix already removed. */
  handle(req: ServiceRequest): Reply {
    const found = findRoute(this.routes, req.method, req.pathname)
    if (!found) return conformityNotFound()
    try {
      const user = this.authenticate(req)
      const contentType = headerValue(req.headers, 'content-type')
      if (req.body.trim() !== '' && contentType && !/json/i.test(contentType)) {
        return jsonReply(415, { Message: 'Unsupported media type.' })
      }
      for (const account of this.accounts.values()) this.advance(account, req.now)
      return found.route.handler({ req, user }, found.params)
    } catch (err) {
      if (err instanceof ReplyError) return err.reply
      throw err
    }
  }

  // ---------------------------------------------------------- errors, auth, privileges

  private error(status: number, text: string, pointer?: string): ReplyError {
    const entry: Record<string, unknown> = { status }
    if (pointer !== undefined) entry.source = { pointer }
    entry[this.errorKey] = text
    return new ReplyError(jsonReply(status, { errors: [entry] }))
  }

  private denied(): ReplyError {
    return new ReplyError(jsonReply(401, { errors: [{ status: 401, details: NOT_AUTHORIZED }] }))
  }

  private authenticate(req: ServiceRequest): User {
    const header = headerValue(req.headers, 'authorization') ?? ''
    const match = /^ApiKey\s+(\S+)\s*$/i.exec(header)
    const key = match ? this.keys.get(match[1]!) : undefined
    if (!key || key.status !== 'ENABLED' || this.users.get(key.user.id) !== key.user) {
      throw new ReplyError(jsonReply(403, GATEWAY_DENY))
    }
    key.lastUsedDate = req.now
    return key.user
  }

  private levelOf(user: User, accountId: string): Level {
    switch (user.role) {
      case 'ADMIN':
        return 'ADMIN'
      case 'POWER_USER':
        return 'FULL'
      case 'READ_ONLY':
        return 'READONLY'
      case 'USER':
        return user.access.get(accountId) ?? 'NONE'
    }
  }

  private requireAdmin(ctx: Ctx): void {
    if (ctx.user.role !== 'ADMIN') throw this.denied()
  }

  private account(accountId: string): Account {
    const account = this.accounts.get(accountId)
    if (!account) throw this.error(404, `Account ${accountId} not found`)
    return account
  }

  private readableAccount(ctx: Ctx, accountId: string): Account {
    const account = this.account(accountId)
    if (this.levelOf(ctx.user, accountId) === 'NONE') throw this.denied()
    return account
  }

  private body(ctx: Ctx): Record<string, unknown> {
    const parsed = parseJson(ctx.req.body)
    if (!parsed.ok) throw this.error(400, `Request body is not valid JSON: ${parsed.error}`)
    if (!isRecord(parsed.value)) throw this.error(422, 'Request body must be a JSON object', '/data')
    return parsed.value
  }

  private record(value: unknown, pointer: string): Record<string, unknown> {
    if (!isRecord(value)) throw this.error(422, `${pointer.split('/').pop()} is required`, pointer)
    return value
  }

  private text(obj: Record<string, unknown>, field: string, pointer: string, label = field): string {
    const value = obj[field]
    if (typeof value !== 'string' || value.trim() === '')
      throw this.error(422, `${label} is required`, pointer)
    return value
  }

  // ---------------------------------------------------------- bot runs

  /** Completes every run that has ended by `now`; a completed run advances last-checked-date. */
  private advance(account: Account, now: number): void {
    while (account.runs.length > 0) {
      const end = account.runs[0]!.start + this.scanMs
      if (end > now) return
      account.runs.shift()
      account.lastCheckedDate = end
      if (account.checksAfterScan) account.checks = expandChecks(account, account.checksAfterScan, end)
      else for (const c of account.checks) c.updated = end
      if (account.runs.length > 0) account.runs[0]!.start = end
    }
  }

  private botStatus(account: Account, now: number): BotStatus {
    const run = account.runs[0]
    if (!run) return null
    return now - run.start < this.pendingMs ? 'PENDING' : 'RUNNING'
  }

  // ---------------------------------------------------------- resources

  private fullAccessList(user: User): AccessEntry[] {
    return [...this.accounts.keys()].map(id => ({ account: id, level: user.access.get(id) ?? 'NONE' }))
  }

  private userResource(user: User, accessList?: AccessEntry[]) {
    const relationships: Record<string, unknown> = {
      organisation: { data: { type: 'organisations', id: this.organisationId } }
    }
    if (accessList && user.role === 'USER') relationships.accountAccessList = accessList
    return {
      type: 'users',
      id: user.id,
      attributes: {
        'first-name': user.firstName,
        'last-name': user.lastName,
        role: user.role,
        email: user.email,
        status: user.status,
        mfa: false,
        'last-login-date': user.lastLoginDate,
        'created-date': user.createdDate,
        'has-credentials': user.status === 'ACTIVE' && !user.sso
      },
      relationships
    }
  }

  private accountResource(a: Account, now: number) {
    const attributes: Record<string, unknown> = {
      name: a.name,
      environment: a.environment,
      'cloud-type': a.cloudType,
      status: 'ACTIVE',
      'subscription-type': 'advanced',
      'security-package': true,
      'created-date': a.createdDate,
      'last-checked-date': a.lastCheckedDate,
      'last-notified-date': a.lastCheckedDate,
      'bot-status': this.botStatus(a, now),
      tags: []
    }
    if (a.cloudType === 'aws') attributes['awsaccount-id'] = a.awsAccountId ?? null
    if (a.cloudType === 'azure') {
      attributes['cloud-data'] = {
        azure: { subscriptionId: a.subscriptionId ?? null, activeDirectoryId: a.activeDirectoryId ?? null }
      }
    }
    return {
      type: 'accounts',
      id: a.id,
      attributes,
      relationships: { organisation: { data: { type: 'organisations', id: this.organisationId } } }
    }
  }

  private keyResource(k: ApiKey) {
    return {
      type: 'api-keys',
      id: k.id,
      attributes: { 'created-date': k.createdDate, status: k.status, 'last-used-date': k.lastUsedDate },
      relationships: {}
    }
  }

  // ---------------------------------------------------------- users

  private whoami(ctx: Ctx): Reply {
    const visible = this.fullAccessList(ctx.user).filter(e => e.level !== 'NONE')
    return jsonReply(200, { data: this.userResource(ctx.user, visible) })
  }

  private listUsers(ctx: Ctx): Reply {
    this.requireAdmin(ctx)
    return jsonReply(200, { data: [...this.users.values()].map(u => this.userResource(u)) })
  }

  private userById(id: string): User {
    const user = this.users.get(id)
    if (!user) throw this.error(422, 'No such user', '/data/attributes')
    return user
  }

  /** An ADMIN sees a USER's whole list (NONE included); a user looking at itself sees what whoami shows. */
  private getUser(ctx: Ctx, params: Params): Reply {
    const user = this.userById(params.id!)
    let list: AccessEntry[] | undefined
    if (ctx.user.role === 'ADMIN') list = this.fullAccessList(user)
    else if (ctx.user === user) list = this.fullAccessList(user).filter(e => e.level !== 'NONE')
    return jsonReply(200, { data: this.userResource(user, list) })
  }

  private parseAccessList(value: unknown, pointer: string): AccessEntry[] | undefined {
    if (value === undefined || value === null) return undefined
    if (!Array.isArray(value)) throw this.error(422, 'accessList must be an array', pointer)
    return value.map((entry, i) => {
      const at = `${pointer}/${i}`
      if (!isRecord(entry)) throw this.error(422, 'accessList entries must be objects', at)
      const account = this.text(entry, 'account', `${at}/account`)
      if (!this.accounts.has(account)) {
        throw this.error(422, `Account ${account} does not belong to the organisation`, `${at}/account`)
      }
      const level = entry.level
      if (!ACCESS_LEVELS.includes(level as AccessLevel)) {
        throw this.error(422, `level must be one of ${ACCESS_LEVELS.join(', ')}`, `${at}/level`)
      }
      return { account, level: level as AccessLevel }
    })
  }

  private applyAccessList(user: User, list: AccessEntry[] | undefined): void {
    for (const e of list ?? []) user.access.set(e.account, e.level)
  }

  /** POST /users (invite, status INVITED) and POST /users/sso (status ACTIVE). */
  private addUser(ctx: Ctx, sso: boolean): Reply {
    this.requireAdmin(ctx)
    if (sso && !this.ssoEnabled) {
      throw this.error(
        403,
        'SSO users can only be added by organisations with an external identity provider setup; use POST /users to invite'
      )
    }
    const body = this.body(ctx)
    const data = this.record(body.data, '/data')
    const attrs = this.record(data.attributes, '/data/attributes')
    const firstName = this.text(attrs, 'firstName', '/data/attributes/firstName')
    const lastName = this.text(attrs, 'lastName', '/data/attributes/lastName')
    const email = this.text(attrs, 'email', '/data/attributes/email')
    if (!/^[^@\s]+@[^@\s]+$/.test(email))
      throw this.error(422, 'email is not a valid email address', '/data/attributes/email')
    const role = attrs.role
    if (role !== 'ADMIN' && role !== 'USER')
      throw this.error(422, 'role must be ADMIN or USER', '/data/attributes/role')
    const list = this.parseAccessList(attrs.accessList, '/data/attributes/accessList')
    const status = sso ? 'ACTIVE' : 'INVITED'
    const emailKey = email.toLowerCase()

    let user = [...this.users.values()].find(u => u.email.toLowerCase() === emailKey)
    if (!user) {
      // a user added back keeps its former account levels unless a list is sent
      user = this.formerUsers.get(emailKey) ?? {
        id: randomId(9),
        firstName,
        lastName,
        email,
        role,
        status,
        access: new Map(),
        keys: [],
        createdDate: ctx.req.now,
        lastLoginDate: null,
        sso
      }
      this.formerUsers.delete(emailKey)
      Object.assign(user, { firstName, lastName, status, sso, lastLoginDate: null })
      this.users.set(user.id, user)
    }
    user.role = role
    this.applyAccessList(user, list)
    return jsonReply(200, { data: this.userResource(user) })
  }

  /** PATCH /users/{id}: `{"data":{"role","accessList"?}}`, no attributes wrapper. */
  private updateUser(ctx: Ctx, params: Params): Reply {
    this.requireAdmin(ctx)
    const user = this.userById(params.id!)
    const body = this.body(ctx)
    const data = this.record(body.data, '/data')
    const role = data.role
    if (!ROLES.includes(role as Role)) {
      const hint = isRecord(data.attributes)
        ? ' (send data.role: this endpoint takes no attributes wrapper)'
        : ''
      throw this.error(422, `role must be one of ${ROLES.join(', ')}${hint}`, '/data/role')
    }
    const list = this.parseAccessList(data.accessList, '/data/accessList')
    if (role === 'USER' && !list)
      throw this.error(422, 'accessList is required when role is USER', '/data/accessList')
    user.role = role as Role
    this.applyAccessList(user, list)
    return jsonReply(200, { data: this.userResource(user, this.fullAccessList(user)) })
  }

  private revokeUser(ctx: Ctx, params: Params): Reply {
    this.requireAdmin(ctx)
    const user = this.userById(params.id!)
    this.users.delete(user.id)
    for (const k of user.keys) this.keys.delete(k.key)
    user.keys = []
    this.formerUsers.set(user.email.toLowerCase(), user)
    return jsonReply(200, { meta: { status: 'revoked' } })
  }

  // ---------------------------------------------------------- api keys

  private listKeys(ctx: Ctx): Reply {
    return jsonReply(200, { data: ctx.user.keys.map(k => this.keyResource(k)) })
  }

  private getKey(ctx: Ctx, params: Params): Reply {
    const key = ctx.user.keys.find(k => k.id === params.id)
    if (!key) throw this.error(404, `API key ${params.id} not found`)
    return jsonReply(200, { data: this.keyResource(key) })
  }

  // ---------------------------------------------------------- accounts

  private listAccounts(ctx: Ctx): Reply {
    const visible = [...this.accounts.values()].filter(a => this.levelOf(ctx.user, a.id) !== 'NONE')
    return jsonReply(200, { data: visible.map(a => this.accountResource(a, ctx.req.now)) })
  }

  private getAccount(ctx: Ctx, params: Params): Reply {
    const account = this.readableAccount(ctx, params.id!)
    const resource = this.accountResource(account, ctx.req.now)
    return jsonReply(200, { data: this.quirks.accountAsArray ? [resource] : resource })
  }

  private scan(ctx: Ctx, params: Params): Reply {
    const account = this.account(params.id!)
    const level = this.levelOf(ctx.user, account.id)
    if (level !== 'ADMIN' && level !== 'FULL') throw this.denied()
    // one run at a time; a request during a run queues one more (further requests join that queued run)
    if (account.runs.length === 0) account.runs.push({ start: ctx.req.now })
    else if (account.runs.length === 1) account.runs.push({ start: Number.NaN })
    const started = { status: 'STARTED' }
    return jsonReply(200, { data: this.quirks.scanResponseObject ? started : [started] })
  }

  private newAccount(
    ctx: Ctx,
    fields: Partial<Account> & { name: string; environment: string; cloudType: CloudType }
  ) {
    const account: Account = {
      id: randomUUID(),
      createdDate: ctx.req.now,
      lastCheckedDate: null,
      checks: [],
      checksAfterScan: this.onboardChecks,
      runs: [{ start: ctx.req.now }],
      ...fields
    }
    this.accounts.set(account.id, account)
    return jsonReply(200, { data: this.accountResource(account, ctx.req.now) })
  }

  private accountAttributes(ctx: Ctx) {
    this.requireAdmin(ctx)
    const body = this.body(ctx)
    const data = this.record(body.data, '/data')
    const attrs = this.record(data.attributes, '/data/attributes')
    const name = this.text(attrs, 'name', '/data/attributes/name', 'Name')
    const environment = this.text(attrs, 'environment', '/data/attributes/environment', 'Environment')
    if (attrs.hasRealTimeMonitoring !== undefined && attrs.subscriptionType !== undefined) {
      throw this.error(
        422,
        'Send either hasRealTimeMonitoring or subscriptionType, not both',
        '/data/attributes'
      )
    }
    if (
      attrs.subscriptionType !== undefined &&
      !['advanced', 'essentials'].includes(attrs.subscriptionType as string)
    ) {
      throw this.error(
        422,
        'subscriptionType must be advanced or essentials',
        '/data/attributes/subscriptionType'
      )
    }
    const access = this.record(attrs.access, '/data/attributes/access')
    return { name, environment, access }
  }

  private externalIdValid(id: string, now: number): boolean {
    if (id === this.externalId) return true
    const validUntil = this.temporaryExternalIds.get(id)
    return validUntil !== undefined && validUntil > now
  }

  private createAwsAccount(ctx: Ctx): Reply {
    const { name, environment, access } = this.accountAttributes(ctx)
    const keys = this.record(access.keys, '/data/attributes/access/keys')
    const roleArn = this.text(keys, 'roleArn', '/data/attributes/access/keys/roleArn')
    const externalId = this.text(keys, 'externalId', '/data/attributes/access/keys/externalId')
    const arn = /^arn:aws:iam::(\d{12}):role\/\S+$/.exec(roleArn)
    if (!arn) {
      throw this.error(
        422,
        'roleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
        '/data/attributes/access/keys/roleArn'
      )
    }
    if (!this.externalIdValid(externalId, ctx.req.now)) {
      throw this.error(
        422,
        "externalId does not match the organisation's external ID (GET /organisation/external-id)",
        '/data/attributes/access/keys/externalId'
      )
    }
    const awsAccountId = arn[1]!
    const existing = [...this.accounts.values()].find(a => a.awsAccountId === awsAccountId)
    if (existing)
      throw this.error(
        422,
        `AWS account ${awsAccountId} is already added as ${existing.id}`,
        '/data/attributes/access'
      )
    return this.newAccount(ctx, { name, environment, cloudType: 'aws', awsAccountId })
  }

  private createAzureAccount(ctx: Ctx): Reply {
    const { name, environment, access } = this.accountAttributes(ctx)
    const subscriptionId = this.text(access, 'subscriptionId', '/data/attributes/access/subscriptionId')
    const activeDirectoryId = this.text(
      access,
      'activeDirectoryId',
      '/data/attributes/access/activeDirectoryId'
    )
    const existing = [...this.accounts.values()].find(a => a.subscriptionId === subscriptionId)
    if (existing) {
      throw this.error(
        422,
        `Subscription ${subscriptionId} is already added as ${existing.id}`,
        '/data/attributes/access'
      )
    }
    return this.newAccount(ctx, { name, environment, cloudType: 'azure', subscriptionId, activeDirectoryId })
  }

  private externalIdResource(id: string, validUntil: number): Reply {
    return jsonReply(200, { data: { type: 'external-ids', id, attributes: { 'valid-until': validUntil } } })
  }

  private getExternalId(ctx: Ctx): Reply {
    return this.externalIdResource(this.externalId, ctx.req.now + 3_600_000)
  }

  private createExternalId(ctx: Ctx): Reply {
    this.requireAdmin(ctx)
    const id = randomUUID()
    const validUntil = ctx.req.now + 3_600_000
    this.temporaryExternalIds.set(id, validUntil)
    return this.externalIdResource(id, validUntil)
  }

  // ---------------------------------------------------------- checks

  private listChecks(ctx: Ctx): Reply {
    const q = ctx.req.query
    const ids = [
      ...new Set(
        (q.get('accountIds') ?? '')
          .split(',')
          .map(s => s.trim())
          .filter(Boolean)
      )
    ]
    if (ids.length === 0) throw this.error(400, 'query parameter accountIds is required')
    const unknown = ids.filter(id => !this.accounts.has(id))
    if (unknown.length > 0)
      throw this.error(422, `Account(s) entered is/are invalid: ${unknown.join(', ')}`, '/accountIds')
    if (ids.some(id => this.levelOf(ctx.user, id) === 'NONE')) throw this.denied()

    const predicates = this.checkFilters(q, ctx.req.now)
    const pageSize = this.pageParam(q, 'page[size]', 100, 1, 1000)
    const pageNumber = this.pageParam(q, 'page[number]', 0, 0, Number.MAX_SAFE_INTEGER)

    const wanted = new Set(ids)
    const matches: CheckRecord[] = []
    for (const account of this.accounts.values()) {
      if (!wanted.has(account.id)) continue
      for (const c of account.checks) if (predicates.every(p => p(c))) matches.push(c)
    }
    const total = matches.length
    if (total > PAGE_LIMIT && (pageNumber + 1) * pageSize > PAGE_LIMIT) {
      throw this.error(
        422,
        `Paging past the first ${PAGE_LIMIT} results is not supported (${total} checks match): ` +
          'segment the request with filters such as filter[riskLevels] or filter[regions]',
        '/page[number]'
      )
    }
    const page = matches.slice(pageNumber * pageSize, (pageNumber + 1) * pageSize)
    return jsonReply(200, { data: page.map(checkResource), meta: { total } })
  }

  private pageParam(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
    const raw = q.get(name)
    if (raw === null || raw.trim() === '') return fallback
    const n = Number(raw)
    if (!Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`
      throw this.error(422, `${name} must be an integer ${range}`, `/${name}`)
    }
    return n
  }

  private checkFilters(q: URLSearchParams, now: number): ((c: CheckRecord) => boolean)[] {
    const predicates: ((c: CheckRecord) => boolean)[] = []
    const list = (name: string, allowed?: readonly string[]): Set<string> | null => {
      const raw = q.get(`filter[${name}]`)
      if (raw === null || raw.trim() === '') return null
      const values = new Set(
        raw
          .split(',')
          .map(s => s.trim())
          .filter(Boolean)
      )
      const bad = allowed ? [...values].filter(v => !allowed.includes(v)) : []
      if (bad.length > 0) {
        throw this.error(422, `filter[${name}] has invalid value(s): ${bad.join(', ')}`, `/filter[${name}]`)
      }
      return values
    }
    const one = (set: Set<string> | null, get: (c: CheckRecord) => string) => {
      if (set) predicates.push(c => set.has(get(c)))
    }
    const any = (set: Set<string> | null, get: (c: CheckRecord) => string[]) => {
      if (set) predicates.push(c => get(c).some(v => set.has(v)))
    }
    one(list('statuses', CHECK_STATUSES), c => c.status)
    one(list('riskLevels', RISK_LEVELS), c => c.risk)
    one(list('regions'), c => c.region)
    one(list('services'), c => c.service)
    one(list('ruleIds'), c => c.rule)
    any(list('categories'), c => c.categories)
    any(list('compliances'), c => c.compliances)
    any(list('tags'), c => c.tags)

    const mode = q.get('filter[suppressedFilterMode]') ?? 'v1'
    if (mode !== 'v1' && mode !== 'v2') {
      throw this.error(422, 'filter[suppressedFilterMode] must be v1 or v2', '/filter[suppressedFilterMode]')
    }
    const suppressed = q.get('filter[suppressed]')
    if (suppressed !== null && suppressed !== 'true' && suppressed !== 'false') {
      throw this.error(422, 'filter[suppressed] must be true or false', '/filter[suppressed]')
    }
    if (suppressed === 'false') predicates.push(c => !c.suppressed)
    else if (suppressed === 'true' && mode === 'v2') predicates.push(c => c.suppressed)

    for (const [name, newer] of [
      ['newerThanDays', true],
      ['olderThanDays', false]
    ] as const) {
      const raw = q.get(`filter[${name}]`)
      if (raw === null || raw.trim() === '') continue
      const days = Number(raw)
      if (!Number.isFinite(days) || days < 0) {
        throw this.error(422, `filter[${name}] must be a non-negative number`, `/filter[${name}]`)
      }
      const cutoff = now - days * DAY_MS
      predicates.push(newer ? c => c.modified >= cutoff : c => c.modified < cutoff)
    }
    return predicates
  }
}
