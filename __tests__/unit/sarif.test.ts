import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import ajvDraft04 from 'ajv-draft-04'
import ajvFormats from 'ajv-formats'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ACTION_NAME, ACTION_VERSION } from '../../src/constants.js'
import { ActionError } from '../../src/errors.js'
import { evaluateGate, type GatePolicy } from '../../src/gate.js'
import { createLocator, type LocatedSource, type Locator } from '../../src/iac.js'
import { judge } from '../../src/judge.js'
import type { Outcome, RunInfo } from '../../src/outcome.js'
import { cloudneeti } from '../../src/providers/cloudneeti/definition.js'
import { conformity } from '../../src/providers/conformity/definition.js'
import { CONFORMITY_SEVERITIES } from '../../src/providers/conformity/normalize.js'
import type { Control, Finding, Report } from '../../src/providers/types.js'
import {
  fingerprint,
  MAX_RESULTS_PER_RUN,
  sarifDocument,
  sarifSink,
  syntheticUri,
  UNKNOWN_SECURITY_SEVERITY,
  type SarifLog,
  type SarifResult
} from '../../src/publish/sarif.js'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const SCHEMA_COPY = path.join(ROOT, '__tests__', 'fixtures', 'sarif-schema-2.1.0.json')
/** The vendored original: beside the repository here and in CI, absent in a lone checkout. */
const SCHEMA_SHARED = path.join(ROOT, '..', 'shared', 'schemas', 'sarif-schema-2.1.0.json')
const IAC = path.join(ROOT, '__tests__', 'fixtures', 'iac')

const schema = JSON.parse(readFileSync(SCHEMA_COPY, 'utf8')) as object
// strict, but the schema's anyOf branches require properties they declare elsewhere (OASIS's choice)
// both are CommonJS modules whose export is also their own `default`: `.default` is the class under
// TypeScript's NodeNext view and at run time alike
const ajv = new ajvDraft04.default({ allErrors: true, strict: true, strictRequired: false })
ajvFormats.default(ajv)
const validateSarif = ajv.compile(schema)

/** Every document a test makes goes through here: valid against the OASIS schema, or the test fails. */
function valid(log: SarifLog): SarifLog {
  const ok = validateSarif(JSON.parse(JSON.stringify(log)))
  expect(ok ? [] : validateSarif.errors).toEqual([])
  return log
}

const HIGH: GatePolicy = { minScore: 0, failOnSeverity: { name: 'HIGH', rank: 2 }, maxFailures: null }
const ACCOUNT = 'H19NxMi5A'

const control = (
  id: string,
  severity: string,
  rank: number,
  findings?: Finding[],
  extra: Partial<Control> = {}
) =>
  ({
    id,
    title: `Title of ${id}`,
    status: 'failed',
    severity,
    severityRank: rank,
    findings,
    ...extra
  }) as Control

function conformityReport(controls: Control[], accountId = ACCOUNT): Report {
  return {
    provider: 'conformity',
    accountId,
    benchmark: { id: 'CISAWSF' },
    scanId: null,
    score: 62.5,
    controls: [...controls, { ...control('RDS-001', 'LOW', 0), status: 'passed' }],
    notes: []
  }
}

const conformityControls = (): Control[] => [
  control(
    'S3-001',
    'VERY_HIGH',
    3,
    [
      { resource: 'acme-public-site', region: 'us-east-1', severity: 'VERY_HIGH' },
      { resource: 'arn:aws:s3:::acme-logs', region: 'us-east-1', severity: 'MEDIUM', name: 'acme-logs' }
    ],
    { link: 'https://www.cloudconformity.com/knowledge-base/aws/S3/public.html', service: 'S3' }
  ),
  control('EC2-012', 'LOW', 0, [{ resource: 'sg-0abc', region: 'eu-west-1', severity: 'LOW' }]),
  control('IAM-001', 'EXTREME', 4, []),
  control('CT/002 ..', 'MEDIUM', 1, undefined)
]

function runInfo(provider: 'conformity' | 'cloudneeti', policy: GatePolicy | undefined = HIGH): RunInfo {
  const definition = provider === 'conformity' ? conformity : cloudneeti
  return {
    provider: { id: definition.id, label: definition.label },
    securitySeverity: { [definition.id]: definition.securitySeverity },
    mode: 'scan',
    benchmark: provider === 'conformity' ? 'CISAWSF' : 'CSBP',
    policy,
    softFail: false,
    reportPath: '/ws/compliance-report.json'
  }
}

function outcomeOf(
  reports: Report[],
  run: RunInfo,
  judged?: (r: Report) => ReturnType<typeof judge>
): Outcome {
  const accounts = reports.map(report => {
    const gate = judged ? judged(report).gate : evaluateGate(report, run.policy!)
    return {
      accountId: report.accountId,
      result: gate.result,
      phase: 'done',
      report,
      gate,
      reason: gate.reasons.join('; ')
    }
  })
  const failed = accounts.some(a => a.result === 'fail')
  return {
    result: failed ? 'fail' : 'pass',
    decision: failed ? 'rollback' : 'promote',
    reason: accounts.map(a => a.reason).join('; '),
    run,
    accounts,
    startedAt: Date.parse('2026-11-30T10:00:00.000Z'),
    durationMs: 4321
  }
}

/** A locator that finds nothing: every result gets the synthetic path. */
const nowhere: Locator = {
  fallback: { path: '.github/workflows/deploy.yml', line: 12, iac: false },
  locate: () => ({ path: '.github/workflows/deploy.yml', line: 12, iac: false })
}

const uriOf = (r: SarifResult): string => r.locations[0].physicalLocation.artifactLocation.uri
const lineOf = (r: SarifResult): number => r.locations[0].physicalLocation.region.startLine

describe('the OASIS schema', () => {
  it('is the vendored copy, unchanged as JSON', () => {
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-04/schema#',
      id: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'
    })
  })

  // runs wherever shared/ sits beside the repository (the main checkout, CI); skipped in a lone one
  ;(existsSync(SCHEMA_SHARED) ? it : it.skip)('equals shared/schemas/sarif-schema-2.1.0.json', () => {
    expect(schema).toEqual(JSON.parse(readFileSync(SCHEMA_SHARED, 'utf8')))
  })

  it('refuses a document that breaks it, so a passing validation means something', () => {
    const log = sarifDocument(
      outcomeOf([conformityReport(conformityControls())], runInfo('conformity')),
      nowhere
    )
    const broken = JSON.parse(JSON.stringify(log))
    delete broken.runs[0].results[0].message
    expect(validateSarif(broken)).toBe(false)
  })
})

describe('sarifDocument', () => {
  it('a failed Conformity gate: one run for the account, a rule per failed control, a result per counted finding', () => {
    const log = valid(
      sarifDocument(outcomeOf([conformityReport(conformityControls())], runInfo('conformity')), nowhere)
    )
    expect(log.version).toBe('2.1.0')
    expect(log.runs).toHaveLength(1)
    const [run] = log.runs
    expect(run.automationDetails.id).toBe(`cspm/conformity/${ACCOUNT}/`)
    expect(run.tool.driver).toMatchObject({ name: ACTION_NAME, version: ACTION_VERSION })
    expect(run.invocations).toEqual([
      {
        executionSuccessful: true,
        startTimeUtc: '2026-11-30T10:00:00.000Z',
        endTimeUtc: '2026-11-30T10:00:04.321Z'
      }
    ])
    // most severe first, each failed control once, none for the passed one
    expect(run.tool.driver.rules.map(r => r.id)).toEqual(['IAM-001', 'S3-001', 'CT/002 ..', 'EC2-012'])
    const s3 = run.tool.driver.rules[1]
    expect(s3).toMatchObject({
      name: 'Title of S3-001',
      shortDescription: { text: 'Title of S3-001' },
      helpUri: 'https://www.cloudconformity.com/knowledge-base/aws/S3/public.html',
      defaultConfiguration: { level: 'error' }
    })
    expect(s3.properties.tags).toContain('security')
    expect(s3.help.text).not.toBe('')
    expect(s3.fullDescription.text).not.toBe('')
    // S3-001 has two findings; IAM-001 and CT/002 have none listed, so one result each
    expect(run.results.map(r => r.ruleId)).toEqual(['IAM-001', 'S3-001', 'S3-001', 'CT/002 ..', 'EC2-012'])
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId)
  })

  it('says in each message which control failed, for which resource and where', () => {
    const [run] = valid(
      sarifDocument(outcomeOf([conformityReport(conformityControls())], runInfo('conformity')), nowhere)
    ).runs
    const logs = run.results.find(r => r.properties.resource === 'arn:aws:s3:::acme-logs')!
    expect(logs.message.text).toBe(
      'Cloud Conformity control S3-001 failed: Title of S3-001. Resource arn:aws:s3:::acme-logs (acme-logs) in region us-east-1. Severity MEDIUM.'
    )
    expect(logs.locations[0].logicalLocations).toEqual([
      { name: 'acme-logs', fullyQualifiedName: 'arn:aws:s3:::acme-logs', kind: 'resource' }
    ])
    const iam = run.results.find(r => r.ruleId === 'IAM-001')!
    expect(iam.message.text).toMatch(
      /^Cloud Conformity control IAM-001 failed: Title of IAM-001\. .*did not list/
    )
  })

  it('levels: error at or above fail-on-severity (the counted severity), else warning; none means warning', () => {
    const outcome = outcomeOf([conformityReport(conformityControls())], runInfo('conformity'))
    const level = (log: SarifLog) => Object.fromEntries(log.runs[0].results.map(r => [r.ruleId, r.level]))
    expect(level(valid(sarifDocument(outcome, nowhere)))).toEqual({
      'IAM-001': 'error',
      'S3-001': 'error',
      'CT/002 ..': 'warning',
      'EC2-012': 'warning'
    })
    const off = { ...outcome, run: { ...outcome.run, policy: { ...HIGH, failOnSeverity: null } } }
    const log = valid(sarifDocument(off, nowhere))
    expect(new Set(log.runs[0].results.map(r => r.level))).toEqual(new Set(['warning']))
    expect(new Set(log.runs[0].tool.driver.rules.map(r => r.defaultConfiguration.level))).toEqual(
      new Set(['warning'])
    )
  })

  it("security-severity: GitHub's band for every Conformity severity, critical for one it does not know", () => {
    const controls = ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH', 'EXTREME', 'very high', 'SEVERE'].map((s, i) =>
      control(`C-${i}`, s, Math.min(i, 4))
    )
    const log = valid(sarifDocument(outcomeOf([conformityReport(controls)], runInfo('conformity')), nowhere))
    const band = Object.fromEntries(
      log.runs[0].tool.driver.rules.map(r => [r.properties.severity, r.properties['security-severity']])
    )
    expect(band).toEqual({
      LOW: '3.0',
      MEDIUM: '5.5',
      HIGH: '7.5',
      VERY_HIGH: '8.5',
      EXTREME: '9.5',
      'very high': '8.5',
      SEVERE: UNKNOWN_SECURITY_SEVERITY
    })
    expectBands(band, { LOW: 'low', MEDIUM: 'medium', HIGH: 'high', VERY_HIGH: 'high', EXTREME: 'critical' })
  })

  it("security-severity: GitHub's band for every Cloudneeti severity", () => {
    const controls = ['VeryLow', 'Low', 'Moderate', 'High', 'Critical'].map((s, i) => control(`P-${i}`, s, i))
    const report: Report = { ...conformityReport(controls, 'acc-1'), provider: 'cloudneeti', scanId: 'j-1' }
    const policy: GatePolicy = { ...HIGH, failOnSeverity: { name: 'High', rank: 3 } }
    const log = valid(sarifDocument(outcomeOf([report], runInfo('cloudneeti', policy)), nowhere))
    const [run] = log.runs
    expect(run.automationDetails.id).toBe('cspm/cloudneeti/acc-1/')
    const band = Object.fromEntries(
      run.tool.driver.rules.map(r => [r.properties.severity, r.properties['security-severity']])
    )
    expectBands(band, { VeryLow: 'low', Low: 'low', Moderate: 'medium', High: 'high', Critical: 'critical' })
    expect(Object.fromEntries(run.results.map(r => [r.ruleId, r.level]))).toEqual({
      'P-4': 'error',
      'P-3': 'error',
      'P-2': 'warning',
      'P-1': 'warning',
      'P-0': 'warning'
    })
  })

  it('locations: relative URIs with no scheme, cspm/<provider>/<account>/<control> percent-encoded, line 1', () => {
    const log = valid(
      sarifDocument(
        outcomeOf([conformityReport(conformityControls(), 'acc/1:x')], runInfo('conformity')),
        nowhere
      )
    )
    const uris = log.runs[0].results.map(uriOf)
    expect(uris).toEqual([
      'cspm/conformity/acc%2F1%3Ax/IAM-001',
      'cspm/conformity/acc%2F1%3Ax/S3-001',
      'cspm/conformity/acc%2F1%3Ax/S3-001',
      'cspm/conformity/acc%2F1%3Ax/CT%2F002%20..',
      'cspm/conformity/acc%2F1%3Ax/EC2-012'
    ])
    for (const uri of uris) {
      expect(uri).not.toMatch(/^[A-Za-z][A-Za-z0-9+.-]*:/) // no scheme: GitHub refuses arn:, https:, …
      expect(uri.split('/')).toHaveLength(4)
      expect(decodeURIComponent(uri.split('/')[3])).not.toBe('')
    }
    expect(log.runs[0].results.map(lineOf)).toEqual([1, 1, 1, 1, 1])
    expect(syntheticUri('conformity', 'a', '..')).toBe('cspm/conformity/a/%2E%2E')
    expect(syntheticUri('conformity', 'a', 'arn:aws:s3:::b')).toBe(
      'cspm/conformity/a/arn%3Aaws%3As3%3A%3A%3Ab'
    )
  })

  it('points at the IaC line when the locator finds one, and at the synthetic path otherwise (never the workflow)', async () => {
    const locator = await createLocator({
      workspace: IAC,
      iacPaths: ['terraform/*.tf', 'cloudformation/site.yaml'],
      env: { GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/deploy.yml@refs/heads/main' }
    })
    const controls = [
      control('S3-001', 'VERY_HIGH', 3, [
        { resource: 'acme-public-site', region: 'us-east-1' },
        {
          resource: 'arn:aws:s3:::x',
          region: 'us-east-1',
          tags: { 'aws:cloudformation:logical-id': 'LogsBucket' }
        },
        { resource: 'not-in-any-iac', region: 'us-east-1' }
      ])
    ]
    const [run] = valid(
      sarifDocument(outcomeOf([conformityReport(controls)], runInfo('conformity')), locator)
    ).runs
    expect(run.results.map(r => [uriOf(r), lineOf(r)])).toEqual([
      ['cloudformation/site.yaml', 32],
      ['cloudformation/site.yaml', 21],
      [`cspm/conformity/${ACCOUNT}/S3-001`, 1]
    ])
  })

  it('percent-encodes an IaC path that is not a plain URI', () => {
    const at = (loc: LocatedSource): Locator => ({ fallback: nowhere.fallback, locate: () => loc })
    const controls = [control('S3-001', 'HIGH', 2, [{ resource: 'b', region: 'r' }])]
    const log = valid(
      sarifDocument(
        outcomeOf([conformityReport(controls)], runInfo('conformity')),
        at({ path: 'infra/my stack/a:b.yaml', line: 7, iac: true })
      )
    )
    expect(uriOf(log.runs[0].results[0])).toBe('infra/my%20stack/a%3Ab.yaml')
    expect(lineOf(log.runs[0].results[0])).toBe(7)
  })

  it('fingerprints: the same across runs and lines, different for another resource, region, control or account', async () => {
    const outcome = outcomeOf([conformityReport(conformityControls())], runInfo('conformity'))
    const first = valid(sarifDocument(outcome, nowhere))
    const locator = await createLocator({ workspace: IAC, iacPaths: ['terraform/*.tf'], env: {} })
    const second = valid(sarifDocument(structuredClone(outcome), locator))
    const prints = (log: SarifLog) =>
      log.runs[0].results.map(r => r.partialFingerprints.primaryLocationLineHash)
    // the second run found acme-public-site in the Terraform: another location, the same fingerprint
    expect(uriOf(second.runs[0].results[1])).toBe('terraform/main.tf')
    expect(prints(second)).toEqual(prints(first))
    expect(new Set(prints(first)).size).toBe(prints(first).length)
    for (const p of prints(first)) expect(p).toMatch(/^[0-9a-f]{16}:1$/)

    const f: Finding = { resource: 'acme-public-site', region: 'us-east-1' }
    const base = fingerprint('conformity', ACCOUNT, 'S3-001', f)
    expect(fingerprint('conformity', ACCOUNT, 'S3-001', { ...f, name: 'renamed', severity: 'LOW' })).toBe(
      base
    )
    expect(
      fingerprint('conformity', ACCOUNT, 'S3-001', { ...f, resource: 'acme-public-site-logs' })
    ).not.toBe(base)
    expect(fingerprint('conformity', ACCOUNT, 'S3-001', { ...f, region: 'eu-west-1' })).not.toBe(base)
    expect(fingerprint('conformity', ACCOUNT, 'S3-002', f)).not.toBe(base)
    expect(fingerprint('conformity', 'other', 'S3-001', f)).not.toBe(base)
    expect(fingerprint('cloudneeti', ACCOUNT, 'S3-001', f)).not.toBe(base)
  })

  it('leaves waived findings out, and a wholly waived control has a rule but no result', () => {
    const waivers = [
      {
        control: 'S3-001',
        resource: 'acme-public-site',
        reason: 'Public website',
        expires: '2099-12-31',
        line: 2
      },
      { control: 'EC2-012', reason: 'Legacy VPC', expires: '2099-12-31', line: 6 }
    ]
    const outcome = outcomeOf([conformityReport(conformityControls())], runInfo('conformity'), report =>
      judge(report, HIGH, CONFORMITY_SEVERITIES, { waivers })
    )
    const [run] = valid(sarifDocument(outcome, nowhere)).runs
    expect(run.tool.driver.rules.map(r => r.id)).toEqual(['IAM-001', 'S3-001', 'CT/002 ..', 'EC2-012'])
    expect(run.results.map(r => [r.ruleId, r.properties.resource ?? null])).toEqual([
      ['IAM-001', null],
      ['CT/002 ..', null],
      ['S3-001', 'arn:aws:s3:::acme-logs']
    ])
    // S3-001 now counts at MEDIUM, the severity of the finding left (so after CT/002 by id), and
    // MEDIUM is below HIGH: a warning
    expect(run.results[2].level).toBe('warning')
  })

  it('a passing gate with no failed control: a successful run with no rule and no result', () => {
    const report: Report = { ...conformityReport([]), score: 100 }
    const log = valid(sarifDocument(outcomeOf([report], runInfo('conformity')), nowhere))
    expect(log.runs[0]).toMatchObject({
      automationDetails: { id: `cspm/conformity/${ACCOUNT}/` },
      invocations: [{ executionSuccessful: true }],
      results: [],
      tool: { driver: { rules: [] } }
    })
  })

  it('one run per account; an account that errored is an unsuccessful run with the reason and no results', () => {
    const ok = outcomeOf([conformityReport(conformityControls())], runInfo('conformity'))
    const outcome: Outcome = {
      ...ok,
      result: 'error',
      decision: 'rollback',
      accounts: [
        ...ok.accounts,
        {
          accountId: 'broken-1',
          result: 'error',
          phase: 'wait for the scan',
          error: new ActionError('timeout', 'Timed out'),
          reason: 'Timed out after 60 s waiting for the bot run. Raise the timeout input.'
        }
      ]
    }
    const log = valid(sarifDocument(outcome, nowhere))
    expect(log.runs.map(r => r.automationDetails.id)).toEqual([
      `cspm/conformity/${ACCOUNT}/`,
      'cspm/conformity/broken-1/'
    ])
    expect(log.runs[1]).toMatchObject({
      results: [],
      invocations: [
        {
          executionSuccessful: false,
          toolExecutionNotifications: [
            {
              level: 'error',
              message: { text: 'Timed out after 60 s waiting for the bot run. Raise the timeout input.' }
            }
          ]
        }
      ]
    })
    expect(log.runs[0].results).toHaveLength(5)
  })

  it('an error before any account (bad input): one unsuccessful run that says why', () => {
    const outcome: Outcome = {
      result: 'error',
      decision: 'rollback',
      reason: "Input 'min-score' must be a number from 0 to 100, got 'abc'.",
      run: { softFail: false, reportPath: '/ws/compliance-report.json' },
      accounts: [],
      error: new ActionError('input', 'bad'),
      startedAt: Date.parse('2026-11-30T10:00:00.000Z'),
      durationMs: 5
    }
    const log = valid(sarifDocument(outcome, nowhere))
    expect(log.runs).toHaveLength(1)
    expect(log.runs[0]).toMatchObject({
      automationDetails: { id: 'cspm/unknown/unknown/' },
      results: [],
      invocations: [{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error' }] }]
    })
  })

  it('several accounts of both providers: distinct categories, bands from the run provider, unknown provider fails closed', () => {
    const a = conformityReport(conformityControls(), 'A')
    const b = conformityReport(conformityControls(), 'B')
    const c: Report = { ...conformityReport([control('P-1', 'High', 3)], 'C'), provider: 'cloudneeti' }
    const log = valid(sarifDocument(outcomeOf([a, b, c], runInfo('conformity')), nowhere))
    expect(log.runs.map(r => r.automationDetails.id)).toEqual([
      'cspm/conformity/A/',
      'cspm/conformity/B/',
      'cspm/cloudneeti/C/'
    ])
    // the run info carries Conformity's table only: a Cloudneeti severity there counts as critical
    expect(log.runs[2].tool.driver.rules[0].properties['security-severity']).toBe(UNKNOWN_SECURITY_SEVERITY)
  })

  it(`keeps at most ${MAX_RESULTS_PER_RUN} results per run, the most severe, and says how many were left out`, () => {
    const many = (id: string, severity: string, rank: number, n: number) =>
      control(
        id,
        severity,
        rank,
        Array.from({ length: n }, (_, i) => ({ resource: `${id}-r${i}`, region: 'us-east-1' }))
      )
    const report = conformityReport([
      many('LOW-1', 'LOW', 0, 10),
      many('EXT-1', 'EXTREME', 4, MAX_RESULTS_PER_RUN - 5)
    ])
    const [run] = valid(sarifDocument(outcomeOf([report], runInfo('conformity')), nowhere)).runs
    expect(run.results).toHaveLength(MAX_RESULTS_PER_RUN)
    expect(run.results.filter(r => r.ruleId === 'LOW-1')).toHaveLength(5)
    expect(run.invocations[0].toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: {
          text: `5 of ${MAX_RESULTS_PER_RUN + 5} results were left out, the least severe first: GitHub accepts at most ${MAX_RESULTS_PER_RUN} per run. The report file lists every finding.`
        }
      }
    ])
  })

  it('keeps API text on one line and leaves a link that is not http(s) out of helpUri', () => {
    const nasty = control('X-1', 'HIGH', 2, [{ resource: 'r\n::error::boom', region: 'r' }], {
      title: 'Bad\ntitle\u0007 here',
      link: 'javascript:alert(1)'
    })
    const [run] = valid(
      sarifDocument(outcomeOf([conformityReport([nasty])], runInfo('conformity')), nowhere)
    ).runs
    expect(run.tool.driver.rules[0].name).toBe('Bad title here')
    expect(run.tool.driver.rules[0].helpUri).toBeUndefined()
    expect(run.results[0].message.text).not.toMatch(/[\r\n]/)
  })
})

describe('sarifSink', () => {
  let dir: string
  let outputFile: string
  const saved = process.env.GITHUB_OUTPUT

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sarif-'))
    outputFile = path.join(dir, 'github-output')
    await writeFile(outputFile, '')
    process.env.GITHUB_OUTPUT = outputFile
  })

  afterEach(async () => {
    if (saved === undefined) delete process.env.GITHUB_OUTPUT
    else process.env.GITHUB_OUTPUT = saved
    await rm(dir, { recursive: true, force: true })
  })

  it('writes the file (making its folder) whatever the result, and sets sarif-path to its absolute path', async () => {
    const outcome = outcomeOf([conformityReport(conformityControls())], runInfo('conformity'))
    const file = path.join(dir, 'out', 'nested', 'cspm.sarif')
    const set = await sarifSink(nowhere).write({
      ...outcome,
      result: 'error',
      run: { ...outcome.run, sarifPath: file }
    })
    const written = JSON.parse(await readFile(file, 'utf8')) as SarifLog
    valid(written)
    expect(written.runs[0].results).toHaveLength(5)
    expect(set).toEqual({ 'sarif-path': file })
  })

  it('without sarif-path: writes nothing and sets no output (publish leaves it empty)', async () => {
    const outcome = outcomeOf([conformityReport(conformityControls())], runInfo('conformity'))
    expect(await sarifSink(nowhere).write(outcome)).toBeUndefined()
    expect(await readFile(outputFile, 'utf8')).toBe('')
  })

  it('a file that cannot be written throws (a warning for publish) and leaves the output empty', async () => {
    const outcome = outcomeOf([conformityReport(conformityControls())], runInfo('conformity'))
    const blocker = path.join(dir, 'blocker')
    await writeFile(blocker, 'a file, not a folder')
    const sink = sarifSink(nowhere)
    expect(sink.required).toBeFalsy()
    await expect(
      sink.write({ ...outcome, run: { ...outcome.run, sarifPath: path.join(blocker, 'x.sarif') } })
    ).rejects.toThrow()
    expect(await readFile(outputFile, 'utf8')).toBe('')
  })
})

/** GitHub's bands (docs: over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low). */
function expectBands(
  actual: Record<string, string>,
  expected: Record<string, 'low' | 'medium' | 'high' | 'critical'>
) {
  const band = (score: string) => {
    const n = Number(score)
    return n >= 9 ? 'critical' : n >= 7 ? 'high' : n >= 4 ? 'medium' : n >= 0.1 ? 'low' : 'none'
  }
  expect(Object.fromEntries(Object.keys(expected).map(k => [k, band(actual[k])]))).toEqual(expected)
  for (const k of Object.keys(expected)) expect(actual[k]).toMatch(/^\d+(\.\d+)?$/)
}
