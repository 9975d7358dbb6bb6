import { ActionError } from '../../errors.js'
import { pooled } from '../../pool.js'
import type { ConformityApi } from './api.js'
import { CONFORMITY_SEVERITIES } from './normalize.js'
import type { Check, ChecksPage } from './schemas.js'

/** Page size and result cap of GET /checks (contract §7). */
export const PAGE_SIZE = 1000
export const RESULT_CAP = 10_000
const CONCURRENCY = 4

const KNOWN_REGIONS = [
  'global',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'eu-south-1',
  'me-south-1',
  'af-south-1',
  'ap-south-1',
  'ap-east-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'eastasia',
  'southeastasia',
  'centralus',
  'eastus',
  'eastus2',
  'westus',
  'westus2',
  'northcentralus',
  'southcentralus',
  'northeurope',
  'westeurope',
  'japanwest',
  'japaneast',
  'brazilsouth',
  'australiaeast',
  'australiasoutheast',
  'southindia',
  'centralindia',
  'westindia',
  'canadacentral',
  'canadaeast',
  'uksouth',
  'ukwest',
  'westcentralus',
  'koreacentral',
  'koreasouth',
  'francecentral'
]

/** The filters that split a set over the 10k cap, in the order the docs advise. */
const DIMENSIONS: { filter: string; values: (seen: Check[]) => string[] }[] = [
  { filter: 'filter[riskLevels]', values: () => [...CONFORMITY_SEVERITIES.names] },
  {
    filter: 'filter[regions]',
    values: seen =>
      union(
        KNOWN_REGIONS,
        seen.map(c => c.attributes.region)
      )
  },
  {
    filter: 'filter[services]',
    values: seen =>
      union(
        [],
        seen.map(c => c.attributes.service)
      )
  }
]

function union(known: string[], seen: (string | null | undefined)[]): string[] {
  return [...new Set([...known, ...seen.filter((s): s is string => !!s)])]
}

export interface CheckStats {
  requests: number
}

/**
 * Fetches every check matching `filters` for one account: counts from `meta.total`, pages in
 * parallel (bounded), sets over the 10,000-result cap split by risk level, then region, then
 * service, and de-duplicated by check id. Fails closed when the pieces do not add up.
 */
export class ChecksFetcher {
  private readonly api: ConformityApi
  private readonly accountId: string
  private readonly deadline: number
  readonly stats: CheckStats = { requests: 0 }

  constructor(api: ConformityApi, accountId: string, deadline: number) {
    this.api = api
    this.accountId = accountId
    this.deadline = deadline
  }

  private page(filters: Record<string, string>, size: number, number: number): Promise<ChecksPage> {
    this.stats.requests++
    return this.api.checksPage(this.accountId, filters, size, number, this.deadline)
  }

  /** How many checks match, without downloading them. */
  async count(filters: Record<string, string>): Promise<number> {
    return (await this.page(filters, 1, 0)).meta.total
  }

  async fetchAll(filters: Record<string, string>): Promise<Check[]> {
    const byId = new Map<string, Check>()
    const first = await this.page(filters, PAGE_SIZE, 0)
    const total = first.meta.total
    await this.collect(filters, first, 0, byId)
    if (byId.size !== total) {
      throw new ActionError(
        'bad-response',
        `Conformity reported ${total} matching checks for account ${this.accountId} but ${byId.size} distinct ones could be read; the results changed while paging (is a bot run in progress?). Re-run.`
      )
    }
    return [...byId.values()]
  }

  private async collect(
    filters: Record<string, string>,
    first: ChecksPage,
    depth: number,
    into: Map<string, Check>
  ): Promise<void> {
    const total = first.meta.total
    if (total <= RESULT_CAP) {
      const pages = Math.ceil(total / PAGE_SIZE)
      const rest = await pooled(
        Array.from({ length: Math.max(0, pages - 1) }, (_, i) => () => this.page(filters, PAGE_SIZE, i + 1)),
        CONCURRENCY
      )
      for (const page of [first, ...rest]) for (const check of page.data) into.set(check.id, check)
      return
    }
    for (let d = depth; d < DIMENSIONS.length; d++) {
      const dimension = DIMENSIONS[d]
      if (filters[dimension.filter]) continue
      const values = dimension.values(first.data)
      const firsts = await pooled(
        values.map(value => () => this.page({ ...filters, [dimension.filter]: value }, PAGE_SIZE, 0)),
        CONCURRENCY
      )
      const covered = firsts.reduce((sum, page) => sum + page.meta.total, 0)
      if (covered !== total) continue // some checks carry a value we did not list: try the next dimension
      for (let i = 0; i < values.length; i++) {
        if (firsts[i].meta.total === 0) continue
        await this.collect({ ...filters, [dimension.filter]: values[i] }, firsts[i], d + 1, into)
      }
      return
    }
    throw new ActionError(
      'api',
      `Account ${this.accountId} has ${total} matching checks in one segment, more than the API's ${RESULT_CAP}-result limit allows to page through; set benchmark to a compliance standard to narrow the scope.`
    )
  }
}
