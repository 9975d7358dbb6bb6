import { describe, expect, it } from '@jest/globals'
import type { ConformityApi } from '../../src/providers/conformity/api.js'
import { ChecksFetcher } from '../../src/providers/conformity/checks.js'
import type { Check, ChecksPage } from '../../src/providers/conformity/schemas.js'

const RISKS = ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH', 'EXTREME']

function makeChecks(
  n: number,
  shape: (i: number) => { risk: string; region: string; service: string }
): Check[] {
  return Array.from({ length: n }, (_, i) => {
    const { risk, region, service } = shape(i)
    return {
      id: `ccc:a:R-${i % 30}:${service}:${region}:r${i}`,
      attributes: { status: 'FAILURE', 'risk-level': risk, region, service },
      relationships: { rule: { data: { id: `R-${i % 30}` } } }
    }
  })
}

/** An in-memory GET /checks with the real API's rules: filters, 0-based pages, the 10k cap. */
function fakeApi(all: Check[], quirk?: (page: ChecksPage, number: number) => ChecksPage) {
  const calls: Record<string, string>[] = []
  let inFlight = 0
  let maxInFlight = 0
  const api = {
    async checksPage(
      _account: string,
      filters: Record<string, string>,
      size: number,
      number: number
    ): Promise<ChecksPage> {
      calls.push(filters)
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      await new Promise(r => setTimeout(r, 1))
      inFlight--
      const match = all.filter(
        c =>
          (!filters['filter[riskLevels]'] || c.attributes['risk-level'] === filters['filter[riskLevels]']) &&
          (!filters['filter[regions]'] || c.attributes.region === filters['filter[regions]']) &&
          (!filters['filter[services]'] || c.attributes.service === filters['filter[services]'])
      )
      if (match.length > 10000 && (number + 1) * size > 10000)
        throw new Error(`422: page ${number} past the 10k cap`)
      const page = { data: match.slice(number * size, (number + 1) * size), meta: { total: match.length } }
      return quirk ? quirk(page, number) : page
    }
  }
  return { api: api as unknown as ConformityApi, calls, maxInFlight: () => maxInFlight }
}

describe('ChecksFetcher', () => {
  it('reads a small set in parallel pages, at most 4 in flight', async () => {
    const all = makeChecks(5500, i => ({ risk: RISKS[i % 5], region: 'us-east-1', service: 'EC2' }))
    const fake = fakeApi(all)
    const got = await new ChecksFetcher(fake.api, 'a', Infinity).fetchAll({})
    expect(got).toHaveLength(5500)
    expect(fake.calls).toHaveLength(6)
    expect(fake.maxInFlight()).toBeLessThanOrEqual(4)
  })

  it('segments 25,000 checks by risk level, then region, never asking past the cap', async () => {
    const regions = ['us-east-1', 'eu-west-1', 'ap-south-1']
    const all = makeChecks(25000, i => ({
      risk: i < 14000 ? 'HIGH' : RISKS[i % 5],
      region: regions[i % 3],
      service: 'EC2'
    }))
    const fake = fakeApi(all)
    const got = await new ChecksFetcher(fake.api, 'a', Infinity).fetchAll({})
    expect(new Set(got.map(c => c.id)).size).toBe(25000)
    expect(
      fake.calls.some(f => f['filter[riskLevels]'] === 'HIGH' && f['filter[regions]'] === 'eu-west-1')
    ).toBe(true)
  })

  it('counts without downloading', async () => {
    const fake = fakeApi(makeChecks(123, () => ({ risk: 'LOW', region: 'x', service: 'y' })))
    expect(await new ChecksFetcher(fake.api, 'a', Infinity).count({})).toBe(123)
    expect(fake.calls).toHaveLength(1)
  })

  it('fails closed when paging returns duplicates in place of checks', async () => {
    const all = makeChecks(2500, () => ({ risk: 'LOW', region: 'x', service: 'y' }))
    // page 2 repeats page 1: a set that shifted while being paged
    const fake = fakeApi(all, (page, number) =>
      number === 2 ? { ...page, data: all.slice(1000, 1500) } : page
    )
    await expect(new ChecksFetcher(fake.api, 'a', Infinity).fetchAll({})).rejects.toThrow(
      /reported 2500 matching checks .* but 2000 distinct ones could be read/
    )
  })
})
