import type { ErrorClassifier, HttpClient, Method } from '../../http/client.js'
import type { z } from 'zod'
import { parseResponse } from '../parse.js'
import type { ConformityOnboardAccount } from './definition.js'
import { privilegeHint, type KeyUser, type Need } from './privileges.js'
import {
  account,
  accountList,
  checksPage,
  externalId,
  scanStarted,
  whoami,
  type Account,
  type ChecksPage,
  type WhoAmI
} from './schemas.js'

const enc = encodeURIComponent

interface CallSpec {
  method: Method
  path: string
  operation: string
  idempotent: boolean
  need: Need
  accountId?: string
  query?: Record<string, string | number | undefined>
  body?: unknown
  deadline: number
}

/** Who the API key belongs to (GET /users/whoami): asked once per run, before anything else. */
export async function whoamiOf(http: HttpClient, deadline: number): Promise<WhoAmI> {
  const response = await http.request({
    method: 'GET',
    path: '/users/whoami',
    operation: 'identify the API key (GET /users/whoami)',
    idempotent: true,
    deadline,
    classify: classifier(undefined, 'read', undefined)
  })
  return parseResponse(whoami, response.body, 'identify the API key')
}

function classifier(user: KeyUser | undefined, need: Need, accountId: string | undefined): ErrorClassifier {
  return (status, message) => {
    if (status === 403 && message && /explicit deny/i.test(message)) {
      return {
        kind: 'auth',
        hint: 'The API key is missing, unknown or disabled. Check api-key, and region or api-url: keys belong to one region.'
      }
    }
    if (status === 401 || status === 403)
      return { kind: 'permission', hint: privilegeHint(user, need, accountId) }
    if (status === 404 || (status === 422 && message && /no such|not found/i.test(message))) {
      return { kind: 'not-found', hint: accountId ? `Check account-id (${accountId}).` : undefined }
    }
    return undefined
  }
}

/** The Cloud Conformity endpoints this action calls (api/conformity.md §6–§10), for a known key user. */
export class ConformityApi {
  private readonly http: HttpClient
  /** Whose key this is, so a late 401 can still say which role the key has. */
  readonly user: KeyUser

  constructor(http: HttpClient, user: KeyUser) {
    this.http = http
    this.user = user
  }

  private async call<T extends z.ZodType>(schema: T, spec: CallSpec): Promise<z.output<T>> {
    return (await this.callWithHeaders(schema, spec)).body
  }

  private async callWithHeaders<T extends z.ZodType>(
    schema: T,
    spec: CallSpec
  ): Promise<{ body: z.output<T>; headers: Record<string, string | string[] | undefined> }> {
    const response = await this.http.request({
      ...spec,
      classify: classifier(this.user, spec.need, spec.accountId)
    })
    return { body: parseResponse(schema, response.body, spec.operation), headers: response.headers }
  }

  /** The accounts the key's user can see. */
  async accounts(deadline: number): Promise<string[]> {
    const body = await this.call(accountList, {
      method: 'GET',
      path: '/accounts',
      operation: 'list the accounts',
      idempotent: true,
      need: 'read',
      deadline
    })
    return body.data.map(a => a.id)
  }

  async account(accountId: string, deadline: number): Promise<Account> {
    const body = await this.call(account, {
      method: 'GET',
      path: `/accounts/${enc(accountId)}`,
      operation: `read account ${accountId}`,
      idempotent: true,
      need: 'read',
      accountId,
      deadline
    })
    return body.data
  }

  /** Starts a bot run; `serverTime` is the service's clock when it accepted (its Date header). */
  async startScan(
    accountId: string,
    deadline: number
  ): Promise<{ status: string; serverTime: number | undefined }> {
    const { body, headers } = await this.callWithHeaders(scanStarted, {
      method: 'POST',
      path: `/accounts/${enc(accountId)}/scan`,
      operation: `start the Conformity bot on account ${accountId}`,
      // A repeat queues at most one more bot run; the wait ends only after every queued run, so
      // repeating cannot make the verdict stale, while giving up on a blip would fail the gate.
      idempotent: true,
      need: 'full',
      accountId,
      deadline
    })
    const date = Date.parse(String(headers.date ?? ''))
    return { status: body.data.status, serverTime: Number.isNaN(date) ? undefined : date }
  }

  async externalId(deadline: number): Promise<string> {
    const body = await this.call(externalId, {
      method: 'GET',
      path: '/organisation/external-id',
      operation: "read the organisation's external id",
      idempotent: true,
      need: 'admin',
      deadline
    })
    return body.data.id
  }

  async createAccount(
    spec: ConformityOnboardAccount,
    external: string | undefined,
    deadline: number
  ): Promise<Account> {
    const access =
      spec.cloudType === 'aws'
        ? { keys: { roleArn: spec.roleArn, externalId: external } }
        : { subscriptionId: spec.subscriptionId, activeDirectoryId: spec.activeDirectoryId }
    const body = await this.call(account, {
      method: 'POST',
      path: spec.cloudType === 'aws' ? '/accounts' : '/accounts/azure',
      body: {
        data: { type: 'account', attributes: { name: spec.name, environment: spec.environment, access } }
      },
      operation: `create the ${spec.cloudType} account ${spec.name}`,
      idempotent: false,
      need: 'admin',
      deadline
    })
    return body.data
  }

  checksPage(
    accountId: string,
    filters: Record<string, string>,
    size: number,
    number: number,
    deadline: number
  ): Promise<ChecksPage> {
    return this.call(checksPage, {
      method: 'GET',
      path: '/checks',
      query: { accountIds: accountId, ...filters, 'page[size]': size, 'page[number]': number },
      operation: `read the checks of account ${accountId}`,
      idempotent: true,
      need: 'read',
      accountId,
      deadline
    })
  }
}
