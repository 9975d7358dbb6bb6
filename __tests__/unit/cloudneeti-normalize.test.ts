import { describe, expect, it } from '@jest/globals'
import { parseResponse } from '../../src/providers/parse.js'
import { attachFailedAssets, normalizeCloudneetiReport } from '../../src/providers/cloudneeti/normalize.js'
import {
  envelope,
  failedAssetsPage,
  jobResult,
  jobStatusResult,
  lowerKeys,
  reportResult,
  tokenResult
} from '../../src/providers/cloudneeti/schemas.js'

const ACCOUNT = 'aaaaaaaa-0000-4000-8000-000000000001'

/** A report as the S5 sample prints it: PascalCase. */
function pascalReport() {
  return {
    BenchmarkName: 'Cloud Security Best Practices',
    BenchmarkId: 'CSBP',
    AccountId: ACCOUNT,
    AccountName: 'prod-aws',
    JobId: 'job-1',
    LastScannedDate: '2019-12-31T09:55:14.0315058Z',
    ResourceCategories: [
      {
        CategoryName: 'AWS - Compute',
        Policies: [
          {
            PolicyId: 'P1',
            ShortTitle: 'Backups on',
            Compliance: 'Green',
            Severity: 'High',
            PassedResourceCount: 3,
            TotalResourceCount: 3
          },
          {
            PolicyId: 'P2',
            ShortTitle: 'MFA',
            Compliance: 'Red',
            Severity: 'Critical',
            PassedResourceCount: 0,
            TotalResourceCount: 2
          },
          {
            PolicyId: 'P3',
            ShortTitle: 'Tags',
            Compliance: 'Amber',
            Severity: 'Low',
            PassedResourceCount: 1,
            TotalResourceCount: 4
          },
          {
            PolicyId: 'P4',
            ShortTitle: 'Unused',
            Compliance: 'Gray',
            Severity: 'Moderate',
            PassedResourceCount: 0,
            TotalResourceCount: 0
          }
        ]
      }
    ],
    Posture: { Total: 4, Green: 1, Red: 1, Amber: 1, Gray: 1, CompliancePercent: 33.333333 }
  }
}

function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), camel(v)])
  )
}

function readReport(body: unknown) {
  const result = parseResponse(envelope, lowerKeys(body), 'test').result
  return normalizeCloudneetiReport(parseResponse(reportResult, result, 'test'), {
    accountId: ACCOUNT,
    benchmark: 'CSBP'
  })
}

describe('Cloudneeti report normalization', () => {
  it.each([
    ['PascalCase object', { Result: pascalReport(), StatusCode: 200, Message: 'Request Successful' }],
    ['camelCase object', { result: camel(pascalReport()), statusCode: 200, message: 'Request Successful' }],
    [
      'array holding one object',
      { result: [camel(pascalReport())], statusCode: 200, message: 'Request Successful' }
    ]
  ])('reads a %s', (_name, body) => {
    const report = readReport(body)
    expect(report.score).toBe(33.33)
    expect(report.scanId).toBe('job-1')
    expect(report.accountName).toBe('prod-aws')
    expect(report.controls.map(c => [c.id, c.status, c.severity, c.severityRank])).toEqual([
      ['P1', 'passed', 'High', 3],
      ['P2', 'failed', 'Critical', 4],
      ['P3', 'failed', 'Low', 1],
      ['P4', 'not-applicable', 'Moderate', 2]
    ])
    expect(report.controls[2]).toMatchObject({ failedItems: 3, totalItems: 4 })
  })

  it('counts a policy listed in two categories once, at its worst status', () => {
    const raw = pascalReport()
    raw.ResourceCategories.push({
      CategoryName: 'Again',
      Policies: [{ ...raw.ResourceCategories[0].Policies[0], Compliance: 'Red' }]
    })
    const report = readReport({ result: raw })
    expect(report.controls.filter(c => c.id === 'P1')).toEqual([
      expect.objectContaining({ status: 'failed' })
    ])
  })

  it('treats an unknown severity on a failed policy as the highest, and says so', () => {
    const raw = pascalReport()
    raw.ResourceCategories[0].Policies[2].Severity = 'Severe'
    const report = readReport({ result: raw })
    expect(report.controls.find(c => c.id === 'P3')?.severityRank).toBe(4)
    expect(report.notes[0]).toContain('treated as Critical')
  })

  it('refuses an unknown compliance colour, a report for another account or benchmark, and a bad score', () => {
    const colour = pascalReport()
    colour.ResourceCategories[0].Policies[0].Compliance = 'Blue'
    expect(() => readReport({ result: colour })).toThrow(/Compliance 'Blue'/)
    expect(() => readReport({ result: { ...pascalReport(), AccountId: 'other' } })).toThrow(
      /for account other/
    )
    expect(() => readReport({ result: { ...pascalReport(), BenchmarkId: 'PCI3_2' } })).toThrow(
      /benchmark PCI3_2/
    )
    const score = pascalReport()
    score.Posture.CompliancePercent = 140
    expect(() => readReport({ result: score })).toThrow(/expected shape/)
    expect(() => readReport({ result: null })).toThrow(/expected shape/)
    expect(() => readReport({ result: [pascalReport(), pascalReport()] })).toThrow(/expected shape/)
  })
})

describe('Cloudneeti reports that do not add up (contract §13)', () => {
  it('counts a policy listed twice once: failed if either is, at the higher severity', () => {
    const raw = pascalReport()
    raw.ResourceCategories.push({
      CategoryName: 'Elsewhere',
      // P3 is a Low Amber above; here it is a Critical Red
      Policies: [{ ...raw.ResourceCategories[0].Policies[2], Severity: 'Critical', Compliance: 'Red' }]
    })
    const report = readReport({ result: raw })
    expect(report.controls.filter(c => c.id === 'P3')).toEqual([
      expect.objectContaining({ status: 'failed', severity: 'Critical', severityRank: 4 })
    ])
    expect(report.notes.join(' ')).toContain('repeated a policy id')
  })

  it('takes the higher severity even when the severer listing passed and the other failed', () => {
    const raw = pascalReport()
    raw.ResourceCategories.push({
      CategoryName: 'Elsewhere',
      Policies: [{ ...raw.ResourceCategories[0].Policies[2], Severity: 'Critical', Compliance: 'Green' }]
    })
    expect(readReport({ result: raw }).controls.find(c => c.id === 'P3')).toMatchObject({
      status: 'failed',
      severityRank: 4
    })
  })

  it.each([
    ['no category', { ResourceCategories: [] }],
    ['categories without policies', { ResourceCategories: [{ CategoryName: 'x', Policies: [] }] }],
    ['policies under a key it does not know', { ResourceCategories: [{ CategoryName: 'x', Rules: [{}] }] }]
  ])('refuses a report with %s: nothing was in scope', (_what, change) => {
    expect(() => readReport({ result: { ...pascalReport(), ...change } })).toThrow(
      /CSBP report of account \S+ lists no policy, so nothing was in scope/
    )
  })
})

describe('Cloudneeti failed assets (E14) as findings', () => {
  const asset = (policyId: string, resourceId: string, extra: Record<string, unknown> = {}) => ({
    PolicyId: policyId,
    ResourceId: resourceId,
    ResourceName: `name-${resourceId}`,
    ResourceRegion: 'us-east-1',
    Tags: { Name: 'Web', 'aws:cloudformation:logical-id': 'WebBucket' },
    ...extra
  })
  const page = (assets: unknown[]) =>
    parseResponse(
      failedAssetsPage,
      parseResponse(
        envelope,
        lowerKeys({ result: { FailedAssetCount: assets.length, FailedPolicyAssetsLists: assets } }),
        't'
      ).result,
      't'
    )

  it("lists each failed control's failing resources, tags kept as the service wrote them", () => {
    const report = readReport({ result: pascalReport() })
    const assets = page([
      asset('P2', 'r1'),
      asset('P2', 'r2'),
      asset('p3', 'r3'),
      asset('P3', 'r4'),
      asset('P3', 'r5')
    ])
    const withFindings = attachFailedAssets(report, assets.failedpolicyassetslists ?? [])
    const p2 = withFindings.controls.find(c => c.id === 'P2')
    expect(p2?.findings).toEqual([
      {
        resource: 'r1',
        region: 'us-east-1',
        name: 'name-r1',
        tags: { Name: 'Web', 'aws:cloudformation:logical-id': 'WebBucket' }
      },
      expect.objectContaining({ resource: 'r2' })
    ])
    expect(withFindings.controls.find(c => c.id === 'P3')?.findings).toHaveLength(3)
    expect(withFindings.controls.find(c => c.id === 'P1')?.findings).toBeUndefined()
    expect(withFindings.notes).toEqual(report.notes)
  })

  it('refuses an asset of a policy that did not fail in the report', () => {
    const report = readReport({ result: pascalReport() })
    const assets = page([asset('P1', 'r1')])
    expect(() => attachFailedAssets(report, assets.failedpolicyassetslists ?? [])).toThrow(
      /failed asset of policy P1, which did not fail/
    )
  })

  it('notes a control whose listed assets do not match the count in the report', () => {
    const report = readReport({ result: pascalReport() })
    const withFindings = attachFailedAssets(report, page([asset('P2', 'r1')]).failedpolicyassetslists ?? [])
    expect(withFindings.notes.join(' ')).toMatch(/2 failed control\(s\) \(P2, P3\)/)
  })
})

describe('Cloudneeti small results', () => {
  it.each([
    [{ jobId: 'abc' }, 'abc'],
    [{ jobId: '"abc"' }, 'abc'],
    [{ JobId: '\\"abc\\"'.replace(/\\/g, '') }, 'abc'],
    [[{ jobId: 'abc' }], 'abc']
  ])('reads job id %j', (result, expected) => {
    expect(parseResponse(jobResult, lowerKeys(result), 'test').jobid).toBe(expected)
  })

  it('reads job statuses whatever their case, and tokens', () => {
    expect(parseResponse(jobStatusResult, lowerKeys({ JobStatus: 'Completed' }), 't').jobstatus).toBe(
      'Completed'
    )
    expect(parseResponse(jobStatusResult, lowerKeys({ jobStatus: '"running"' }), 't').jobstatus).toBe(
      'running'
    )
    expect(parseResponse(tokenResult, lowerKeys({ Token: 'tok' }), 't').token).toBe('tok')
    expect(() => parseResponse(tokenResult, lowerKeys({ token: '' }), 't')).toThrow(/expected shape/)
    expect(() => parseResponse(jobResult, lowerKeys({ jobId: '""' }), 't')).toThrow(/expected shape/)
  })
})
