/**
 * A local GitHub REST API for tests: the action's Octokit calls (check runs with annotations, one PR
 * comment kept up to date) are sent here, and every request is checked against GitHub's official
 * OpenAPI description (__tests__/fixtures/github-openapi.json, cut out of @octokit/openapi by
 * scripts/extract-github-openapi.mjs) and against the limits GitHub enforces that the description
 * does not encode. Whatever does not conform is a recorded problem; tests assert `problems()` is [].
 *
 * Valid requests are answered as GitHub answers them, from state the server keeps: check runs
 * (annotations accumulate across updates) and issue comments (paginated with Link headers).
 */
import { Ajv, type AnySchemaObject, type ErrorObject, type Plugin, type ValidateFunction } from 'ajv'
import formatsModule from 'ajv-formats'
import { readFileSync } from 'node:fs'
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  /** The path as received, base path included, without the query string. */
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  /** The parsed JSON body; undefined when there was none (or the raw text when it was not JSON). */
  body: unknown
  /** The fixture operation the request matched (e.g. 'checks/create'); undefined for an unknown route. */
  operationId: string | undefined
  /** The token of the Authorization header ('token X' or 'Bearer X'). */
  token: string | undefined
  valid: boolean
  problems: string[]
  /** The status answered; 0 when the socket was reset. */
  status: number
  /** True when failNext chose the answer. */
  injected: boolean
}

export interface Annotation {
  path: string
  start_line: number
  end_line: number
  start_column?: number
  end_column?: number
  annotation_level: 'notice' | 'warning' | 'failure'
  message: string
  title?: string
  raw_details?: string
}

export interface CheckRunState {
  id: number
  owner: string
  repo: string
  name: string
  head_sha: string
  status: string
  conclusion: string | null
  started_at: string | null
  completed_at: string | null
  details_url: string | null
  external_id: string | null
  output: { title: string | null; summary: string | null; text: string | null; annotations_count: number }
  /** Every annotation of the create and update requests, in order (output.annotations_count counts them). */
  annotations: Annotation[]
  images: unknown[]
  actions: unknown[]
  /** How many requests (the create and each update) changed this run. */
  requests: number
}

export interface Comment {
  id: number
  issue: number
  body: string
  /** The author's login. */
  user: string
  created_at: string
  updated_at: string
}

export interface GitHubServer {
  /** http://127.0.0.1:PORT, plus the base path when one was given (http://127.0.0.1:PORT/api/v3 for GHES). */
  url: string
  requests: RecordedRequest[]
  /** Every problem seen, request by request, in order. */
  problems(): string[]
  state: { checkRuns: Map<number, CheckRunState>; comments: Map<number, Comment[]> }
  seedComments(issue: number, comments: { body: string; user?: string }[]): void
  /** The next `times` (default 1) matching requests get `status` and `body` ('reset': the socket is destroyed). */
  failNext(
    match: { method?: string; pathPattern?: RegExp },
    status: number | 'reset',
    body?: unknown,
    times?: number
  ): void
  close(): Promise<void>
}

export interface GitHubServerOptions {
  /** A prefix every path must carry: '/api/v3' for GitHub Enterprise Server. */
  basePath?: string
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI description, as JSON Schema for ajv
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>

export const FIXTURE_PATH = new URL('../fixtures/github-openapi.json', import.meta.url)
const DOC_ID = 'https://fixture.invalid/github-openapi.json'

/** GitHub's own limits that the OpenAPI description does not encode (or encodes in characters). */
export const LIMITS = {
  annotationsPerRequest: 50,
  outputBytes: 65_535,
  commentCharacters: 65_536,
  annotationTitleCharacters: 255,
  annotationDetailBytes: 65_536,
  perPage: 100
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function absoluteRef(ref: string): string {
  return ref.startsWith('#') ? `${DOC_ID}${ref}` : ref
}

const SCHEMA_MAPS = new Set(['properties', 'patternProperties'])
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf'])
const SCHEMA_SINGLES = new Set(['items', 'additionalProperties', 'not'])

/** OpenAPI 3.0 schema → JSON Schema: `nullable` becomes a null type (or a null branch), refs become absolute. */
function convertSchema(schema: unknown): unknown {
  if (!isObject(schema)) return schema
  const out: Json = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = absoluteRef(value)
    else if (SCHEMA_MAPS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertSchema(v)]))
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map(convertSchema)
    else if (SCHEMA_SINGLES.has(key) && isObject(value)) out[key] = convertSchema(value)
    else if (key !== 'nullable') out[key] = value
  }
  if (schema.nullable !== true) return out
  const composite = '$ref' in out || 'allOf' in out || 'anyOf' in out || 'oneOf' in out
  if (typeof out.type === 'string' && !composite) {
    out.type = [out.type, 'null']
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
    return out
  }
  return { anyOf: [{ type: 'null' }, out] }
}

/** The whole description with every schema converted; `$ref`s of parameters and responses made absolute. */
function convertDocument(node: unknown, parentKey?: string): unknown {
  if (Array.isArray(node)) return node.map(item => convertDocument(item))
  if (!isObject(node)) return node
  const out: Json = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === 'schema') out[key] = convertSchema(value)
    else if (key === 'schemas' && parentKey === 'components' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertSchema(v)]))
    } else if (key === '$ref' && typeof value === 'string') out[key] = absoluteRef(value)
    else out[key] = convertDocument(value, key)
  }
  return out
}

interface Parameter {
  name: string
  in: string
  required: boolean
  schema: unknown
}

interface Operation {
  method: string
  template: string
  operationId: string
  pattern: RegExp
  pathNames: string[]
  literalSegments: number
  parameters: Parameter[]
  validatePath: ValidateFunction
  validateQuery: ValidateFunction
  body: { required: boolean; schema: unknown; validate: ValidateFunction } | undefined
  responses: Map<number, unknown>
}

function addFormats(ajv: Ajv): void {
  const plugin = ((formatsModule as unknown as { default?: Plugin<unknown> }).default ??
    formatsModule) as unknown as Plugin<unknown>
  plugin(ajv, undefined)
}

class Description {
  readonly doc: Json
  readonly source: Json
  readonly operations: Operation[] = []
  private readonly ajv: Ajv
  private readonly responseValidators = new Map<unknown, ValidateFunction>()

  constructor(raw: Json) {
    this.source = isObject(raw['x-extracted-from']) ? raw['x-extracted-from'] : {}
    this.doc = { ...(convertDocument(raw) as Json), $id: DOC_ID }
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false })
    addFormats(this.ajv)
    this.ajv.addSchema(this.doc as AnySchemaObject)
    // Path and query values arrive as strings: a second instance coerces them to the declared types.
    const coercing = new Ajv({ strict: false, allErrors: true, logger: false, coerceTypes: true })
    addFormats(coercing)
    coercing.addSchema(this.doc as AnySchemaObject)

    for (const [template, item] of Object.entries(this.doc.paths as Json)) {
      if (!isObject(item)) continue
      const shared = Array.isArray(item.parameters) ? item.parameters : []
      for (const [method, operation] of Object.entries(item)) {
        if (!isObject(operation) || typeof operation.operationId !== 'string') continue
        const own = Array.isArray(operation.parameters) ? operation.parameters : []
        const parameters = [...shared, ...own].map(p => this.deref(p) as unknown as Parameter)
        const objectOf = (where: string): AnySchemaObject => {
          const list = parameters.filter(p => p.in === where)
          return {
            type: 'object',
            properties: Object.fromEntries(list.map(p => [p.name, p.schema ?? {}])),
            required: list.filter(p => p.required).map(p => p.name)
          }
        }
        const pathNames: string[] = []
        const source = template
          .split(/(\{[^}]+\})/)
          .map(part => {
            const name = /^\{(.+)\}$/.exec(part)?.[1]
            if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            pathNames.push(name)
            return '([^/]+)'
          })
          .join('')
        const requestBody =
          operation.requestBody === undefined ? undefined : this.deref(operation.requestBody)
        const bodySchema = isObject(requestBody)
          ? (this.deref(requestBody.content) as Json | undefined)?.['application/json']
          : undefined
        const responses = new Map<number, unknown>()
        for (const [status, response] of Object.entries((operation.responses as Json | undefined) ?? {})) {
          const resolved = this.deref(response)
          const media = isObject(resolved) && isObject(resolved.content) ? resolved.content : undefined
          const schema =
            media && isObject(media['application/json']) ? media['application/json'].schema : undefined
          if (schema !== undefined) responses.set(Number(status), schema)
        }
        this.operations.push({
          method: method.toUpperCase(),
          template,
          operationId: operation.operationId,
          pattern: new RegExp(`^${source}$`),
          pathNames,
          literalSegments: template.split('/').filter(s => s && !s.startsWith('{')).length,
          parameters,
          validatePath: coercing.compile(objectOf('path')),
          validateQuery: coercing.compile(objectOf('query')),
          body:
            isObject(requestBody) && isObject(bodySchema)
              ? {
                  required: requestBody.required === true,
                  schema: bodySchema.schema,
                  validate: this.ajv.compile(bodySchema.schema as AnySchemaObject)
                }
              : undefined,
          responses
        })
      }
    }
    // The most specific template first: literal segments beat parameters.
    this.operations.sort((a, b) => b.literalSegments - a.literalSegments)
  }

  /** Follows `$ref`s (absolute, into this document) until a value that is not a reference. */
  deref(value: unknown): unknown {
    let current = value
    for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
      if (hops > 32) throw new Error(`$ref loop at ${current.$ref}`)
      const ref: string = current.$ref
      if (!ref.startsWith(`${DOC_ID}#/`)) throw new Error(`unsupported $ref ${ref}`)
      let target: unknown = this.doc
      for (const part of ref.slice(DOC_ID.length + 2).split('/')) {
        const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')
        target = isObject(target) ? target[key] : undefined
      }
      if (target === undefined) throw new Error(`$ref ${ref} points nowhere`)
      current = target
    }
    return current
  }

  /** The response schema's validator for an operation and status (undefined when the description has none). */
  responseValidator(operation: Operation, status: number): ValidateFunction | undefined {
    const schema = operation.responses.get(status)
    if (schema === undefined) return undefined
    let validate = this.responseValidators.get(schema)
    if (!validate) {
      validate = this.ajv.compile(schema as AnySchemaObject)
      this.responseValidators.set(schema, validate)
    }
    return validate
  }

  byId(operationId: string): Operation {
    const operation = this.operations.find(o => o.operationId === operationId)
    if (!operation) throw new Error(`no operation ${operationId} in the fixture`)
    return operation
  }

  /** Every branch a schema stands for: itself and its allOf/anyOf/oneOf members, references followed. */
  private branches(schema: unknown, into: Json[] = []): Json[] {
    const resolved = this.deref(schema)
    if (!isObject(resolved)) return into
    into.push(resolved)
    for (const key of SCHEMA_LISTS) {
      const list = resolved[key]
      if (Array.isArray(list)) for (const member of list) this.branches(member, into)
    }
    return into
  }

  /**
   * GitHub's request schemas rarely say additionalProperties: false, so a misspelt field would pass
   * ajv. This walk flags every key of an object that none of its schema's branches declares, where
   * the schema declares properties at all and allows no other keys by an additionalProperties schema.
   */
  undeclared(schema: unknown, data: unknown, at: string, out: string[]): void {
    const branches = this.branches(schema)
    if (Array.isArray(data)) {
      const items = branches.map(b => b.items).filter(isObject)
      if (items.length > 0)
        data.forEach((item, i) => this.undeclared({ allOf: items }, item, `${at}/${i}`, out))
      return
    }
    if (!isObject(data)) return
    const declared = new Map<string, unknown[]>()
    let open = false
    for (const branch of branches) {
      if (isObject(branch.properties)) {
        for (const [key, sub] of Object.entries(branch.properties))
          declared.set(key, [...(declared.get(key) ?? []), sub])
      }
      if (isObject(branch.additionalProperties) || isObject(branch.patternProperties)) open = true
    }
    if (declared.size === 0) return
    for (const [key, value] of Object.entries(data)) {
      const subs = declared.get(key)
      if (subs) this.undeclared({ allOf: subs }, value, `${at}/${key}`, out)
      else if (!open) out.push(`${at}/${key} is not a property the schema declares`)
    }
  }
}

let loaded: Description | undefined

function description(): Description {
  loaded ??= new Description(JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Json)
  return loaded
}

/** Where the fixture came from: package, version, file (its x-extracted-from). */
export function fixtureSource(): Record<string, unknown> {
  return description().source
}

function ajvProblems(errors: ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? [])
    .filter(e => e.keyword !== 'if')
    .map(e => {
      const params = e.params as Record<string, unknown>
      const extra = Array.isArray(params.allowedValues)
        ? ` (${params.allowedValues.map(v => JSON.stringify(v)).join(', ')})`
        : typeof params.additionalProperty === 'string'
          ? ` (${params.additionalProperty})`
          : ''
      return `${where}${e.instancePath} ${e.message ?? e.keyword}${extra}`
    })
}

/**
 * What is wrong with a response body for an operation and status, by the fixture's response schema
 * and the undeclared-property walk; [] when it conforms (or the description gives no schema).
 */
export function checkResponse(operationId: string, status: number, body: unknown): string[] {
  const spec = description()
  const operation = spec.byId(operationId)
  const validate = spec.responseValidator(operation, status)
  if (!validate) return []
  const problems = validate(body) ? [] : ajvProblems(validate.errors, 'response')
  spec.undeclared(operation.responses.get(status), body, 'response', problems)
  return problems
}

// ---------------------------------------------------------------------------------------------
// GitHub's answers
// ---------------------------------------------------------------------------------------------

const DOCS = 'https://docs.github.com/rest'
const DOC_PAGES: Record<string, string> = {
  'checks/create': `${DOCS}/checks/runs#create-a-check-run`,
  'checks/update': `${DOCS}/checks/runs#update-a-check-run`,
  'issues/list-comments': `${DOCS}/issues/comments#list-issue-comments`,
  'issues/create-comment': `${DOCS}/issues/comments#create-an-issue-comment`,
  'issues/update-comment': `${DOCS}/issues/comments#update-an-issue-comment`,
  'meta/root': `${DOCS}/meta/meta#github-api-root`
}
const RESOURCES: Record<string, string> = {
  'checks/create': 'CheckRun',
  'checks/update': 'CheckRun',
  'issues/create-comment': 'IssueComment',
  'issues/update-comment': 'IssueComment'
}
const MESSAGES: Record<number, string> = {
  400: 'Problems parsing JSON',
  401: 'Requires authentication',
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  410: 'Gone',
  422: 'Validation Failed',
  500: 'Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable'
}

function errorBody(status: number, operationId?: string, extra: Json = {}): Json {
  return {
    message: MESSAGES[status] ?? http.STATUS_CODES[status] ?? 'Error',
    ...extra,
    documentation_url: (operationId && DOC_PAGES[operationId]) ?? DOCS,
    status: String(status)
  }
}

function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

const BOT = { login: 'github-actions[bot]', id: 41898282, node_id: 'MDM6Qm90NDE4OTgyODI=', type: 'Bot' }

function simpleUser(login: string, api: string): Json {
  const known = login === BOT.login ? BOT : undefined
  let id = known?.id ?? 0
  if (!known) for (const c of login) id = (id * 31 + (c.codePointAt(0) ?? 0)) % 90_000_000
  id = known ? id : id + 1_000_000
  return {
    login,
    id,
    node_id: known?.node_id ?? Buffer.from(`04:User${id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `${api}/users/${encodeURIComponent(login)}`,
    html_url: known ? 'https://github.com/apps/github-actions' : `https://github.com/${login}`,
    followers_url: `${api}/users/${encodeURIComponent(login)}/followers`,
    following_url: `${api}/users/${encodeURIComponent(login)}/following{/other_user}`,
    gists_url: `${api}/users/${encodeURIComponent(login)}/gists{/gist_id}`,
    starred_url: `${api}/users/${encodeURIComponent(login)}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/users/${encodeURIComponent(login)}/subscriptions`,
    organizations_url: `${api}/users/${encodeURIComponent(login)}/orgs`,
    repos_url: `${api}/users/${encodeURIComponent(login)}/repos`,
    events_url: `${api}/users/${encodeURIComponent(login)}/events{/privacy}`,
    received_events_url: `${api}/users/${encodeURIComponent(login)}/received_events`,
    type: known?.type ?? 'User',
    user_view_type: 'public',
    site_admin: false
  }
}

function actionsApp(api: string): Json {
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: {
      ...simpleUser('github', api),
      id: 9919,
      node_id: 'MDEyOk9yZ2FuaXphdGlvbjk5MTk=',
      type: 'Organization'
    },
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: 'https://github.com/apps/github-actions',
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2019-12-10T19:04:12Z',
    permissions: {
      checks: 'write',
      contents: 'read',
      issues: 'write',
      metadata: 'read',
      pull_requests: 'write'
    },
    events: ['check_run', 'check_suite', 'issue_comment', 'pull_request', 'push']
  }
}

function checkRunBody(run: CheckRunState, api: string): Json {
  const repoApi = `${api}/repos/${run.owner}/${run.repo}`
  const htmlUrl = `https://github.com/${run.owner}/${run.repo}/runs/${run.id}`
  return {
    id: run.id,
    name: run.name,
    node_id: Buffer.from(`CR_${run.id}`).toString('base64'),
    head_sha: run.head_sha,
    external_id: run.external_id ?? '',
    url: `${repoApi}/check-runs/${run.id}`,
    html_url: htmlUrl,
    details_url: run.details_url ?? htmlUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: { ...run.output, annotations_url: `${repoApi}/check-runs/${run.id}/annotations` },
    check_suite: { id: 28_000_000_000 + run.id - CHECK_RUN_IDS },
    app: actionsApp(api),
    pull_requests: []
  }
}

function commentBody(comment: Comment, owner: string, repo: string, api: string): Json {
  const bot = comment.user === BOT.login
  return {
    id: comment.id,
    node_id: Buffer.from(`IC_${comment.id}`).toString('base64'),
    url: `${api}/repos/${owner}/${repo}/issues/comments/${comment.id}`,
    html_url: `https://github.com/${owner}/${repo}/pull/${comment.issue}#issuecomment-${comment.id}`,
    body: comment.body,
    user: simpleUser(comment.user, api),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    issue_url: `${api}/repos/${owner}/${repo}/issues/${comment.issue}`,
    author_association: bot ? 'NONE' : 'MEMBER',
    performed_via_github_app: bot ? actionsApp(api) : null,
    reactions: {
      url: `${api}/repos/${owner}/${repo}/issues/comments/${comment.id}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      confused: 0,
      heart: 0,
      hooray: 0,
      eyes: 0,
      rocket: 0
    }
  }
}

function rootBody(api: string): Json {
  const t = (path: string): string => `${api}${path}`
  return {
    current_user_url: t('/user'),
    current_user_authorizations_html_url: 'https://github.com/settings/connections/applications{/client_id}',
    authorizations_url: t('/authorizations'),
    code_search_url: t('/search/code?q={query}{&page,per_page,sort,order}'),
    commit_search_url: t('/search/commits?q={query}{&page,per_page,sort,order}'),
    emails_url: t('/user/emails'),
    emojis_url: t('/emojis'),
    events_url: t('/events'),
    feeds_url: t('/feeds'),
    followers_url: t('/user/followers'),
    following_url: t('/user/following{/target}'),
    gists_url: t('/gists{/gist_id}'),
    hub_url: t('/hub'),
    issue_search_url: t('/search/issues?q={query}{&page,per_page,sort,order}'),
    issues_url: t('/issues'),
    keys_url: t('/user/keys'),
    label_search_url: t('/search/labels?q={query}&repository_id={repository_id}{&page,per_page}'),
    notifications_url: t('/notifications'),
    organization_url: t('/orgs/{org}'),
    organization_repositories_url: t('/orgs/{org}/repos{?type,page,per_page,sort}'),
    organization_teams_url: t('/orgs/{org}/teams'),
    public_gists_url: t('/gists/public'),
    rate_limit_url: t('/rate_limit'),
    repository_url: t('/repos/{owner}/{repo}'),
    repository_search_url: t('/search/repositories?q={query}{&page,per_page,sort,order}'),
    current_user_repositories_url: t('/user/repos{?type,page,per_page,sort}'),
    starred_url: t('/user/starred{/owner}{/repo}'),
    starred_gists_url: t('/gists/starred'),
    topic_search_url: t('/search/topics?q={query}{&page,per_page}'),
    user_url: t('/users/{user}'),
    user_organizations_url: t('/user/orgs'),
    user_repositories_url: t('/users/{user}/repos{?type,page,per_page,sort}'),
    user_search_url: t('/search/users?q={query}{&page,per_page,sort,order}')
  }
}

// ---------------------------------------------------------------------------------------------
// Limits GitHub enforces beyond the schema
// ---------------------------------------------------------------------------------------------

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')
const characters = (text: string): number => [...text].length

function checkRunLimits(body: Json, create: boolean, stored: CheckRunState | undefined): string[] {
  const problems: string[] = []
  if (create && (typeof body.name !== 'string' || body.name.trim() === '')) {
    problems.push('body/name is required: a check run needs a name')
  } else if (!create && 'name' in body && (typeof body.name !== 'string' || body.name.trim() === '')) {
    problems.push('body/name must not be blank')
  }
  if (create && typeof body.head_sha === 'string' && !/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(body.head_sha)) {
    problems.push(`body/head_sha: No commit found for SHA: ${body.head_sha}`)
  }
  if (body.conclusion === 'stale') problems.push('body/conclusion: only GitHub can set a check run to stale')
  const completing = body.status === 'completed' || 'completed_at' in body
  if (completing && body.conclusion === undefined && !stored?.conclusion) {
    problems.push('body/conclusion is required when status is completed or completed_at is given')
  }
  const output = body.output
  if (!isObject(output)) return problems
  for (const key of ['summary', 'text'] as const) {
    const value = output[key]
    if (typeof value === 'string' && bytes(value) > LIMITS.outputBytes) {
      problems.push(
        `body/output/${key} is ${bytes(value)} bytes (${characters(value)} characters): GitHub allows ${LIMITS.outputBytes} bytes`
      )
    }
  }
  const annotations = output.annotations
  if (!Array.isArray(annotations)) return problems
  if (annotations.length > LIMITS.annotationsPerRequest) {
    problems.push(
      `body/output/annotations has ${annotations.length} annotations: GitHub takes at most ${LIMITS.annotationsPerRequest} per request`
    )
  }
  annotations.forEach((annotation: unknown, i) => {
    if (!isObject(annotation)) return
    const at = `body/output/annotations/${i}`
    const { start_line: start, end_line: end, start_column: startColumn, end_column: endColumn } = annotation
    if (typeof start === 'number' && start < 1) problems.push(`${at}/start_line must be 1 or more`)
    if (typeof start === 'number' && typeof end === 'number' && end < start) {
      problems.push(`${at}/end_line ${end} is before start_line ${start}`)
    }
    if ((startColumn !== undefined || endColumn !== undefined) && start !== end) {
      problems.push(`${at}: start_column and end_column are only allowed when start_line equals end_line`)
    }
    if (typeof startColumn === 'number' && typeof endColumn === 'number' && endColumn < startColumn) {
      problems.push(`${at}/end_column ${endColumn} is before start_column ${startColumn}`)
    }
    if (
      typeof annotation.title === 'string' &&
      characters(annotation.title) > LIMITS.annotationTitleCharacters
    ) {
      problems.push(`${at}/title is over ${LIMITS.annotationTitleCharacters} characters`)
    }
    for (const key of ['message', 'raw_details']) {
      const value = annotation[key]
      if (typeof value === 'string' && bytes(value) > LIMITS.annotationDetailBytes) {
        problems.push(`${at}/${key} is over 64 KB (${bytes(value)} bytes)`)
      }
    }
  })
  return problems
}

function commentLimits(body: Json): string[] {
  if (typeof body.body !== 'string') return []
  const problems: string[] = []
  if (body.body.trim() === '') problems.push('body/body must not be blank')
  const length = characters(body.body)
  if (length > LIMITS.commentCharacters) {
    problems.push(`body/body is ${length} characters: GitHub allows ${LIMITS.commentCharacters}`)
  }
  return problems
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

const CHECK_RUN_IDS = 30_433_642_000
const COMMENT_IDS = 2_500_000_000
const MAX_BODY = 32 * 1024 * 1024

interface Failure {
  method?: string
  pathPattern?: RegExp
  status: number | 'reset'
  body: unknown
  times: number
}

interface Answer {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

function normalizeBasePath(basePath: string | undefined): string {
  if (!basePath || basePath === '/') return ''
  return `/${basePath.replace(/^\/+|\/+$/g, '')}`
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY) chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const spec = description()
  const basePath = normalizeBasePath(options.basePath)
  const requests: RecordedRequest[] = []
  const checkRuns = new Map<number, CheckRunState>()
  const comments = new Map<number, Comment[]>()
  const failures: Failure[] = []
  let nextCheckRun = CHECK_RUN_IDS + 1
  let nextComment = COMMENT_IDS + 1
  let api = ''

  const findComment = (id: number): Comment | undefined => {
    for (const list of comments.values()) {
      const found = list.find(c => c.id === id)
      if (found) return found
    }
    return undefined
  }

  const addComment = (issue: number, body: string, user: string, at: Date): Comment => {
    const comment: Comment = {
      id: nextComment++,
      issue,
      body,
      user,
      created_at: timestamp(at),
      updated_at: timestamp(at)
    }
    comments.set(issue, [...(comments.get(issue) ?? []), comment])
    return comment
  }

  /** The answer of a valid request, from and into the server's state. */
  const handle = (
    operation: Operation,
    params: Record<string, unknown>,
    query: Record<string, unknown>,
    body: Json
  ): Answer => {
    const owner = String(params.owner ?? '')
    const repo = String(params.repo ?? '')
    switch (operation.operationId) {
      case 'meta/root':
        return { status: 200, body: rootBody(api) }
      case 'checks/create': {
        const now = timestamp()
        const output = isObject(body.output) ? body.output : {}
        const annotations = Array.isArray(output.annotations) ? (output.annotations as Annotation[]) : []
        const conclusion = typeof body.conclusion === 'string' ? body.conclusion : null
        const status = conclusion ? 'completed' : typeof body.status === 'string' ? body.status : 'queued'
        const run: CheckRunState = {
          id: nextCheckRun++,
          owner,
          repo,
          name: String(body.name),
          head_sha: String(body.head_sha),
          status,
          conclusion,
          started_at: typeof body.started_at === 'string' ? body.started_at : now,
          completed_at:
            typeof body.completed_at === 'string' ? body.completed_at : status === 'completed' ? now : null,
          details_url: typeof body.details_url === 'string' ? body.details_url : null,
          external_id: typeof body.external_id === 'string' ? body.external_id : null,
          output: {
            title: typeof output.title === 'string' ? output.title : null,
            summary: typeof output.summary === 'string' ? output.summary : null,
            text: typeof output.text === 'string' ? output.text : null,
            annotations_count: annotations.length
          },
          annotations: [...annotations],
          images: Array.isArray(output.images) ? [...output.images] : [],
          actions: Array.isArray(body.actions) ? [...body.actions] : [],
          requests: 1
        }
        checkRuns.set(run.id, run)
        return { status: 201, body: checkRunBody(run, api) }
      }
      case 'checks/update': {
        const run = checkRuns.get(Number(params.check_run_id))
        if (!run || run.owner !== owner || run.repo !== repo) return { status: 404, body: errorBody(404) }
        for (const key of ['name', 'details_url', 'external_id', 'started_at', 'completed_at'] as const) {
          if (typeof body[key] === 'string') run[key] = body[key]
        }
        if (typeof body.status === 'string') run.status = body.status
        if (typeof body.conclusion === 'string') {
          run.conclusion = body.conclusion
          run.status = 'completed'
        }
        if (run.status === 'completed' && run.completed_at === null) run.completed_at = timestamp()
        if (isObject(body.output)) {
          const output = body.output
          for (const key of ['title', 'summary', 'text'] as const) {
            if (typeof output[key] === 'string') run.output[key] = output[key]
          }
          if (Array.isArray(output.annotations)) run.annotations.push(...(output.annotations as Annotation[]))
          if (Array.isArray(output.images)) run.images.push(...output.images)
          run.output.annotations_count = run.annotations.length
        }
        if (Array.isArray(body.actions)) run.actions = [...body.actions]
        run.requests++
        return { status: 200, body: checkRunBody(run, api) }
      }
      case 'issues/list-comments': {
        const issue = Number(params.issue_number)
        const perPage = Math.min(Number(query.per_page ?? 30), LIMITS.perPage)
        const page = Number(query.page ?? 1)
        const since = typeof query.since === 'string' ? Date.parse(query.since) : undefined
        const all = (comments.get(issue) ?? []).filter(
          c => since === undefined || Date.parse(c.updated_at) >= since
        )
        const slice = all.slice((page - 1) * perPage, page * perPage)
        const last = Math.max(1, Math.ceil(all.length / perPage))
        const link = (n: number): string => {
          const search = new URLSearchParams()
          for (const [key, value] of Object.entries(query)) if (key !== 'page') search.set(key, String(value))
          search.set('page', String(n))
          return `${api}/repos/${owner}/${repo}/issues/${issue}/comments?${search.toString()}`
        }
        const rels: string[] = []
        if (page > 1) rels.push(`<${link(Math.min(page - 1, last))}>; rel="prev"`)
        if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`)
        if (page > 1) rels.push(`<${link(1)}>; rel="first"`)
        return {
          status: 200,
          body: slice.map(c => commentBody(c, owner, repo, api)),
          headers: rels.length > 0 ? { link: rels.join(', ') } : {}
        }
      }
      case 'issues/create-comment': {
        const comment = addComment(Number(params.issue_number), String(body.body), BOT.login, new Date())
        const answer = commentBody(comment, owner, repo, api)
        return { status: 201, body: answer, headers: { location: String(answer.url) } }
      }
      case 'issues/update-comment': {
        const comment = findComment(Number(params.comment_id))
        if (!comment) return { status: 404, body: errorBody(404) }
        comment.body = String(body.body)
        comment.updated_at = timestamp()
        return { status: 200, body: commentBody(comment, owner, repo, api) }
      }
      default:
        return { status: 404, body: errorBody(404) }
    }
  }

  const send = (res: ServerResponse, record: RecordedRequest, answer: Answer): void => {
    record.status = answer.status
    const text =
      answer.body === undefined
        ? ''
        : typeof answer.body === 'string'
          ? answer.body
          : JSON.stringify(answer.body)
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `0000:${requests.length.toString(16).toUpperCase()}:LOCAL`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, 5000 - requests.length)),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': String(requests.length),
      'x-ratelimit-resource': 'core',
      ...answer.headers
    })
    res.end(text)
  }

  const recordOf = new WeakMap<ServerResponse, RecordedRequest>()

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req)
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const method = (req.method ?? 'GET').toUpperCase()
    const problems: string[] = []
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
      operationId: undefined,
      token: undefined,
      valid: true,
      problems,
      status: 0,
      injected: false
    }
    requests.push(record)
    recordOf.set(res, record)
    const label = `${method} ${url.pathname}`

    // The body, when there is one, must be JSON.
    let parseFailed = false
    if (raw.length > 0) {
      const text = raw.toString('utf8')
      try {
        record.body = JSON.parse(text)
      } catch {
        record.body = text
        parseFailed = true
        problems.push(`${label}: the body is not JSON`)
      }
      const type = req.headers['content-type'] ?? ''
      if (!/^application\/(vnd\.github[^;]*\+)?json\b/i.test(type)) {
        problems.push(`${label}: a JSON body needs Content-Type application/json, not '${type}'`)
      }
    }

    // Authorization: GitHub takes 'token X' and 'Bearer X'.
    const authorization = req.headers.authorization
    const auth = /^(token|bearer)\s+(\S+)\s*$/i.exec(authorization ?? '')
    record.token = auth?.[2]
    const unauthorized = !auth
    if (unauthorized) {
      problems.push(
        authorization === undefined
          ? `${label}: no Authorization header`
          : `${label}: Authorization is neither 'token X' nor 'Bearer X'`
      )
    }

    // The route: the base path, then an operation of the description.
    let operation: Operation | undefined
    let pathMatch: RegExpExecArray | null = null
    const inBase = basePath === '' || url.pathname === basePath || url.pathname.startsWith(`${basePath}/`)
    const rest = inBase ? url.pathname.slice(basePath.length) || '/' : undefined
    if (rest !== undefined) {
      for (const candidate of spec.operations) {
        if (candidate.method !== method) continue
        pathMatch = candidate.pattern.exec(rest)
        if (pathMatch) {
          operation = candidate
          break
        }
      }
    }
    record.operationId = operation?.operationId

    let params: Record<string, unknown> = {}
    const query: Record<string, unknown> = { ...record.query }
    let body: Json = {}
    let validationFailed = false
    if (!operation) {
      const others =
        rest === undefined ? [] : spec.operations.filter(o => o.pattern.test(rest)).map(o => o.method)
      problems.push(
        rest === undefined
          ? `${label}: not under the base path ${basePath}`
          : others.length > 0
            ? `${label}: no ${method} operation for this path in the description (it has ${others.join(', ')})`
            : `${label}: no such operation in GitHub's description`
      )
    } else if (pathMatch) {
      const where = `${operation.operationId}`
      const before = problems.length
      params = Object.fromEntries(
        operation.pathNames.map((name, i) => [name, decodeURIComponent(pathMatch?.[i + 1] ?? '')])
      )
      if (!operation.validatePath(params))
        problems.push(...ajvProblems(operation.validatePath.errors, `${where} path`))
      const declared = new Set(operation.parameters.filter(p => p.in === 'query').map(p => p.name))
      for (const key of Object.keys(query)) {
        if (!declared.has(key))
          problems.push(`${where} query/${key} is not a parameter of ${operation.operationId}`)
      }
      if (!operation.validateQuery(query)) {
        problems.push(...ajvProblems(operation.validateQuery.errors, `${where} query`))
      }
      if (typeof query.per_page === 'number' && (query.per_page < 1 || query.per_page > LIMITS.perPage)) {
        problems.push(
          `${where} query/per_page is ${query.per_page}: GitHub pages hold 1 to ${LIMITS.perPage}`
        )
      }
      if (typeof query.page === 'number' && query.page < 1)
        problems.push(`${where} query/page must be 1 or more`)

      if (operation.body) {
        if (record.body === undefined) {
          if (operation.body.required) problems.push(`${where}: the request body is required`)
        } else if (!parseFailed) {
          if (!operation.body.validate(record.body)) {
            problems.push(...ajvProblems(operation.body.validate.errors, `${where} body`))
          }
          spec.undeclared(operation.body.schema, record.body, `${where} body`, problems)
          if (isObject(record.body)) body = record.body
        }
        const stored =
          operation.operationId === 'checks/update' ? checkRuns.get(Number(params.check_run_id)) : undefined
        const limits =
          operation.operationId === 'checks/create' || operation.operationId === 'checks/update'
            ? checkRunLimits(body, operation.operationId === 'checks/create', stored)
            : operation.operationId.endsWith('-comment')
              ? commentLimits(body)
              : []
        problems.push(...limits.map(p => `${where} ${p}`))
      } else if (record.body !== undefined) {
        problems.push(`${where}: takes no request body`)
      }
      validationFailed = problems.length > before
    }
    record.valid = problems.length === 0

    // An injected failure wins, once the request has been checked and recorded.
    const failure = failures.find(
      f =>
        f.times > 0 &&
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.pathPattern === undefined ||
          f.pathPattern.test(url.pathname) ||
          (rest !== undefined && f.pathPattern.test(rest)))
    )
    if (failure) {
      failure.times--
      record.injected = true
      if (failure.status === 'reset') {
        req.socket.destroy()
        return
      }
      send(res, record, {
        status: failure.status,
        body: failure.body ?? errorBody(failure.status, operation?.operationId)
      })
      return
    }

    if (!operation) return send(res, record, { status: 404, body: errorBody(404) })
    if (unauthorized) return send(res, record, { status: 401, body: errorBody(401) })
    if (parseFailed) return send(res, record, { status: 400, body: errorBody(400, operation.operationId) })
    if (validationFailed) {
      const resource = RESOURCES[operation.operationId] ?? operation.operationId
      const errors = problems.map(message => {
        const field = /(?:body|query|path)\/([\w/]+)/.exec(message)?.[1]
        return {
          resource,
          code: / required|must have required/.test(message) ? 'missing_field' : 'custom',
          ...(field ? { field } : {}),
          message
        }
      })
      return send(res, record, { status: 422, body: errorBody(422, operation.operationId, { errors }) })
    }

    const answer = handle(operation, params, query, body)
    // The fake must answer what the description promises: a drift is a problem of the server itself.
    if (typeof answer.body === 'object') {
      const drift = checkResponse(operation.operationId, answer.status, answer.body)
      if (drift.length > 0) {
        problems.push(...drift.map(p => `${operation.operationId} (the test server's own answer) ${p}`))
        record.valid = false
      }
    }
    send(res, record, answer)
  }

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error)
      const record = recordOf.get(res)
      if (record) {
        record.problems.push(`the test server failed: ${message}`)
        record.valid = false
        record.status = 500
      }
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify(errorBody(500)))
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  api = `http://127.0.0.1:${port}${basePath}`

  return {
    url: api,
    requests,
    problems: () => requests.flatMap(r => r.problems),
    state: { checkRuns, comments },
    seedComments(issue, seeded) {
      // Older than anything created later, a minute apart, in order.
      const start = Date.now() - (seeded.length + 1) * 60_000
      seeded.forEach((c, i) => addComment(issue, c.body, c.user ?? BOT.login, new Date(start + i * 60_000)))
    },
    failNext(match, status, body, times = 1) {
      failures.push({ method: match.method, pathPattern: match.pathPattern, status, body, times })
    },
    close() {
      return new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}
