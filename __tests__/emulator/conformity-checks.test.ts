import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import {
  startEmulator,
  sampleWorld,
  type EmulatorHandle,
  type World,
  type CheckSpec
} from '../../emulator/server.ts'
import { CC, Conformity } from './helpers.ts'

const { prod: PROD, dev: DEV } = CC.accounts
const RISKS = ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH', 'EXTREME'] as const
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2']

interface Check {
  id: string
  attributes: Record<string, unknown>
  relationships: { rule: { data: { id: string } }; account: { data: { id: string } } }
}

function generated(count: number): CheckSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    rule: `EC2-${String(i % 50).padStart(3, '0')}`,
    status: i % 3 === 0 ? ('FAILURE' as const) : ('SUCCESS' as const),
    risk: RISKS[i % 5]!,
    region: REGIONS[i % 4],
    resource: `i-${i}`,
    suppressed: i % 10 === 0,
    compliances: i % 2 === 0 ? ['CISAWSF'] : []
  }))
}

function bigWorld(): World {
  const world = sampleWorld()
  world.conformity!.accounts!.push(
    { id: 'big-12k', name: 'big', checks: generated(12_000) },
    { id: 'huge-100k', name: 'huge', checks: generated(100_000) }
  )
  return world
}

describe('Conformity GET /checks', () => {
  let emu: EmulatorHandle
  let admin: Conformity
  const list = async (query: string) => {
    const res = await admin.get(`/checks?${query}`)
    expect(res.status).toBe(200)
    return { data: res.json.data as Check[], total: res.json.meta.total as number }
  }
  const rules = async (query: string) =>
    (await list(query)).data.map(c => c.relationships.rule.data.id).sort()

  beforeAll(async () => {
    emu = await startEmulator({ world: bigWorld() })
    admin = new Conformity(emu.url, CC.keys.admin)
  })
  afterAll(() => emu.close())

  it('requires accountIds (400) and known accounts (422)', async () => {
    const missing = await admin.get('/checks')
    expect(missing.status).toBe(400)
    expect(missing.json).toEqual({
      errors: [{ status: 400, detail: 'query parameter accountIds is required' }]
    })
    const unknown = await admin.get('/checks?accountIds=nope')
    expect(unknown.status).toBe(422)
  })

  it('serves check objects with the documented id, attributes and relationships', async () => {
    const { data, total } = await list(`accountIds=${PROD}&filter[ruleIds]=S3-001`)
    expect(total).toBe(1)
    expect(data[0]).toMatchObject({
      type: 'checks',
      id: `ccc:${PROD}:S3-001:S3:us-east-1:prod-assets`,
      attributes: {
        status: 'SUCCESS',
        'risk-level': 'MEDIUM',
        'pretty-risk-level': 'Medium',
        region: 'us-east-1',
        resource: 'prod-assets',
        service: 'S3',
        provider: 'aws',
        categories: ['security'],
        compliances: ['CISAWSF', 'PCI'],
        suppressed: false,
        'rule-title': "Bucket Public 'READ' Access",
        message: expect.any(String),
        'created-date': expect.any(Number),
        'last-modified-date': expect.any(Number)
      },
      relationships: {
        rule: { data: { type: 'rules', id: 'S3-001' } },
        account: { data: { type: 'accounts', id: PROD } }
      }
    })
  })

  it('carries the findings data: resource, region, tags (key::value), link', async () => {
    const failing = (await list(`accountIds=${PROD}&filter[statuses]=FAILURE`)).data
    expect(failing.map(c => [c.id, c.attributes.resource, c.attributes.region])).toEqual([
      [`ccc:${PROD}:S3-006:S3:us-east-1:prod-logs`, 'prod-logs', 'us-east-1'],
      [`ccc:${PROD}:IAM-017:IAM:global:deploy-bot`, 'deploy-bot', 'global'],
      [`ccc:${PROD}:EBS-001:EBS:us-east-1:vol-0f00ba4`, 'vol-0f00ba4', 'us-east-1']
    ])
    expect(failing[0]!.attributes).toMatchObject({
      tags: [
        'aws:cloudformation:logical-id::ProdLogsBucket',
        'aws:cloudformation:stack-name::prod-storage',
        'Environment::production'
      ],
      link: 'https://emulator.invalid/aws/S3/prod-logs',
      'link-title': 'prod-logs',
      ccrn: `ccrn:aws:${PROD}:S3:us-east-1:prod-logs`
    })
    expect(failing[2]!.attributes.tags).toEqual([])
    // only attributes the API documents: no resource-name / resourceName invented
    expect(failing[0]!.attributes).not.toHaveProperty('resource-name')
    expect(failing[0]!.attributes).not.toHaveProperty('resourceName')
  })

  it('filter[tags]: key::value, OR within', async () => {
    expect(await rules(`accountIds=${PROD}&filter[tags]=Team::platform`)).toEqual(['IAM-017'])
    expect(
      await rules(
        `accountIds=${PROD}&filter[tags]=aws:cloudformation:logical-id::ProdLogsBucket,Team::platform`
      )
    ).toEqual(['IAM-017', 'S3-006'])
    expect((await list(`accountIds=${PROD}&filter[tags]=Team::nobody`)).total).toBe(0)
  })

  it('filters: OR within a filter, AND across filters', async () => {
    expect((await list(`accountIds=${PROD}`)).total).toBe(10)
    expect(await rules(`accountIds=${PROD}&filter[statuses]=FAILURE`)).toEqual([
      'EBS-001',
      'IAM-017',
      'S3-006'
    ])
    expect(await rules(`accountIds=${PROD}&filter[riskLevels]=LOW,VERY_HIGH`)).toEqual([
      'EBS-001',
      'EC2-002',
      'S3-006'
    ])
    expect(await rules(`accountIds=${PROD}&filter[statuses]=FAILURE&filter[compliances]=CISAWSF`)).toEqual([
      'IAM-017'
    ])
    expect((await list(`accountIds=${PROD}&filter[compliances]=PCI`)).total).toBe(5)
    expect(await rules(`accountIds=${PROD}&filter[regions]=global`)).toEqual(['IAM-001', 'IAM-017'])
    expect(await rules(`accountIds=${PROD}&filter[services]=S3,RDS`)).toEqual([
      'RDS-001',
      'S3-001',
      'S3-002',
      'S3-006'
    ])
    expect(await rules(`accountIds=${PROD}&filter[categories]=cost-optimisation`)).toEqual(['EBS-001'])
    expect((await list(`accountIds=${PROD},${DEV}&filter[ruleIds]=S3-001,IAM-001`)).total).toBe(4)
    const bad = await admin.get(`/checks?accountIds=${PROD}&filter[riskLevels]=CRITICAL`)
    expect(bad.status).toBe(422)
  })

  it('filter[suppressed] with suppressedFilterMode v1 (default) and v2', async () => {
    // us-east-1: every 4th of 12,000 checks; every 10th of all is suppressed → 600 of these 3000
    const q = 'accountIds=big-12k&filter[regions]=us-east-1'
    const count = async (extra: string) => (await list(`${q}${extra}`)).total
    expect(await count('')).toBe(3000)
    expect(await count('&filter[suppressed]=false')).toBe(2400)
    expect(await count('&filter[suppressed]=true')).toBe(3000)
    expect(await count('&filter[suppressedFilterMode]=v2&filter[suppressed]=true')).toBe(600)
    expect(await count('&filter[suppressedFilterMode]=v2&filter[suppressed]=false')).toBe(2400)
    expect(await count('&filter[suppressedFilterMode]=v2')).toBe(3000)
    expect((await admin.get(`/checks?${q}&filter[suppressed]=maybe`)).status).toBe(422)
  })

  it('filter[newerThanDays] / filter[olderThanDays] against the last status change', async () => {
    // the sample checks changed 5 days before the account was last checked
    expect((await list(`accountIds=${PROD}&filter[newerThanDays]=1`)).total).toBe(0)
    expect((await list(`accountIds=${PROD}&filter[newerThanDays]=36500`)).total).toBe(10)
    expect((await list(`accountIds=${PROD}&filter[olderThanDays]=1`)).total).toBe(10)
    expect((await admin.get(`/checks?accountIds=${PROD}&filter[newerThanDays]=soon`)).status).toBe(422)
  })

  it('pages 0-based with a default size of 100, in a stable order, meta.total counting all matches', async () => {
    const all = await list(`accountIds=${PROD}`)
    expect(all.data).toHaveLength(10)
    const pages = await Promise.all(
      [0, 1, 2, 3].map(n => list(`accountIds=${PROD}&page[size]=3&page[number]=${n}`))
    )
    expect(pages.map(p => p.data.length)).toEqual([3, 3, 3, 1])
    expect(pages.every(p => p.total === 10)).toBe(true)
    expect(pages.flatMap(p => p.data.map(c => c.id))).toEqual(all.data.map(c => c.id))
    expect((await list(`accountIds=big-12k`)).data).toHaveLength(100)
  })

  it('rejects page sizes over 1000 or under 1 and negative page numbers with 422', async () => {
    for (const q of ['page[size]=1001', 'page[size]=0', 'page[size]=ten', 'page[number]=-1']) {
      const res = await admin.get(`/checks?accountIds=${PROD}&${q}`)
      expect(res.status).toBe(422)
      expect(res.json.errors[0].status).toBe(422)
    }
    expect((await list(`accountIds=${PROD}&page[size]=1000`)).data).toHaveLength(10)
  })

  it('refuses pages reaching past the first 10,000 matches; filters segment the set', async () => {
    const last = await list('accountIds=big-12k&page[size]=1000&page[number]=9')
    expect(last.total).toBe(12_000)
    expect(last.data).toHaveLength(1000)
    const past = await admin.get('/checks?accountIds=big-12k&page[size]=1000&page[number]=10')
    expect(past.status).toBe(422)
    expect(past.json.errors[0].detail).toMatch(/10000/)
    const straddling = await admin.get('/checks?accountIds=big-12k&page[size]=300&page[number]=33')
    expect(straddling.status).toBe(422)

    // segmenting by risk level brings every segment under the limit and covers the whole set
    let covered = 0
    for (const risk of RISKS) {
      const first = await list(`accountIds=big-12k&filter[riskLevels]=${risk}&page[size]=1000&page[number]=2`)
      expect(first.total).toBe(2400)
      expect(first.data).toHaveLength(400)
      covered += first.total
    }
    expect(covered).toBe(12_000)
  })

  it('filters and pages 100,000 checks in one account', async () => {
    const page = await list(
      'accountIds=huge-100k&page[size]=1000&filter[statuses]=FAILURE&filter[riskLevels]=HIGH,EXTREME'
    )
    const unfiltered = await list('accountIds=huge-100k&page[size]=1000&page[number]=5')
    expect(unfiltered.total).toBe(100_000)
    expect(unfiltered.data[0]!.attributes.resource).toBe('i-5000')
    expect(page.data).toHaveLength(1000)
    expect(page.data.every(c => c.attributes.status === 'FAILURE')).toBe(true)
  })
})

describe('Conformity checks without a resource', () => {
  it('omit resource, link and link-title, and end their id in ":" (account-level rules)', async () => {
    const world: World = {
      conformity: {
        users: [{ id: 'u', email: 'u@example.com', role: 'ADMIN', apiKeys: [{ id: 'k', key: 'key' }] }],
        accounts: [
          {
            id: 'acc',
            name: 'acc',
            checks: [
              { rule: 'Config-001', status: 'FAILURE', risk: 'MEDIUM', resource: '', region: 'us-west-2' },
              { rule: 'S3-001', status: 'FAILURE', risk: 'LOW', tags: ['Name::x'] }
            ]
          }
        ]
      }
    }
    const emu = await startEmulator({ world })
    try {
      const res = await new Conformity(emu.url, 'key').get('/checks?accountIds=acc')
      const [accountLevel, defaulted] = res.json.data as Check[]
      expect(accountLevel!.id).toBe('ccc:acc:Config-001:Config:us-west-2:')
      for (const key of ['resource', 'link', 'link-title'])
        expect(accountLevel!.attributes).not.toHaveProperty(key)
      expect(accountLevel!.attributes).toMatchObject({ region: 'us-west-2', tags: [], status: 'FAILURE' })
      // no resource given: a default one, so a finding still has an identity
      expect(defaulted!.attributes).toMatchObject({ resource: 's3-2', tags: ['Name::x'] })
    } finally {
      await emu.close()
    }
  })
})
