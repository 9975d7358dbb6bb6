import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ActionError } from '../../src/errors.js'
import { baselineFromResults } from '../../src/baseline.js'
import { evaluateGate, type GatePolicy } from '../../src/gate.js'
import { judge } from '../../src/judge.js'
import { CONFORMITY_SEVERITIES } from '../../src/providers/conformity/normalize.js'
import type { Outcome } from '../../src/outcome.js'
import type { Report } from '../../src/providers/types.js'
import { reportDocument, reportFileSink } from '../../src/publish/report-file.js'
import { summaryMarkdown } from '../../src/publish/summary.js'
import { readReportFile } from '../../src/report/read.js'

/**
 * Golden files show a renderer's output whole. After an intended change, regenerate them with
 * `UPDATE_GOLDEN=1 npm run jest -- __tests__/unit/golden.test.ts` and review the diff.
 */
const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'golden')

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name)
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual)
  expect(actual).toBe(readFileSync(file, 'utf8'))
}

const policy: GatePolicy = { minScore: 80, failOnSeverity: { name: 'HIGH', rank: 2 }, maxFailures: null }

const conformityReport: Report = {
  provider: 'conformity',
  accountId: 'H19NxMi5A',
  accountName: 'payments <prod> @ops',
  benchmark: { id: 'CISAWSF' },
  scanId: null,
  scannedAt: '2026-11-30T10:00:00.000Z',
  score: 62.5,
  controls: [
    {
      id: 'S3-001',
      title: 'Bucket public [read](https://evil.example) access',
      status: 'failed',
      severity: 'VERY_HIGH',
      severityRank: 3,
      service: 'S3',
      link: 'https://www.cloudconformity.com/knowledge-base/aws/S3/bucket-public-read-access.html',
      failedItems: 2,
      findings: [
        { resource: 'acme-public-site', region: 'us-east-1', severity: 'VERY_HIGH' },
        {
          resource: 'acme-logs',
          region: 'us-east-1',
          severity: 'MEDIUM',
          tags: { 'aws:cloudformation:logical-id': 'LogsBucket' }
        }
      ]
    },
    {
      id: 'EC2-012',
      title: 'Default security group allows traffic',
      status: 'failed',
      severity: 'LOW',
      severityRank: 0,
      service: 'EC2',
      // a link off the service's site is shown as plain text
      link: 'javascript:alert(1)//www.cloudconformity.com',
      failedItems: 5,
      findings: ['sg-0abc', 'sg-1def', 'sg-2ghi', 'sg-3jkl', 'sg-4mno'].map(resource => ({
        resource,
        region: 'eu-west-1',
        severity: 'LOW'
      }))
    }
  ],
  checks: { success: 5, failure: 3 },
  notes: ['1 suppressed check(s) came back despite the filter and were left out.']
}

function outcomeOf(report: Report): Outcome {
  const gate = evaluateGate(report, policy)
  return {
    result: gate.result,
    decision: gate.result === 'pass' ? 'promote' : 'rollback',
    reason: gate.reasons.join('; '),
    run: {
      provider: { id: 'conformity', label: 'Cloud Conformity' },
      mode: 'scan',
      benchmark: 'CISAWSF',
      policy,
      softFail: false,
      reportPath: '/ws/compliance-report.json'
    },
    accounts: [
      {
        accountId: report.accountId,
        result: gate.result,
        phase: 'done',
        report,
        gate,
        reason: gate.reasons.join('; ')
      }
    ],
    startedAt: Date.parse('2026-11-30T10:00:00.000Z'),
    durationMs: 4321
  }
}

const errorOutcome: Outcome = {
  result: 'error',
  decision: 'rollback',
  reason: 'Timed out after 60 s waiting for scan job j-1; last status: Running. Raise the timeout input.',
  run: {
    provider: { id: 'cloudneeti', label: 'Cloudneeti' },
    mode: 'scan',
    benchmark: 'CSBP',
    policy,
    softFail: false,
    reportPath: '/ws/compliance-report.json'
  },
  accounts: [
    {
      accountId: 'acc-1',
      result: 'error',
      phase: 'wait for the scan',
      scanId: 'j-1',
      error: new ActionError('timeout', 'Timed out'),
      reason: 'Timed out after 60 s waiting for scan job j-1; last status: Running. Raise the timeout input.'
    }
  ],
  startedAt: Date.parse('2026-11-30T10:00:00.000Z'),
  durationMs: 60000
}

/** The failed gate again, judged against a baseline and a waiver file. */
function judgedOutcome(): Outcome {
  const before: Report = {
    ...conformityReport,
    score: 70,
    controls: [
      { ...conformityReport.controls[0], findings: [conformityReport.controls[0].findings![0]] },
      {
        id: 'IAM-001',
        title: 'Root account MFA',
        status: 'failed',
        severity: 'EXTREME',
        severityRank: 4,
        findings: []
      }
    ]
  }
  const waivers = [
    {
      control: 'EC2-012',
      reason: 'Legacy VPC, decommissioned in Q1',
      expires: '2026-12-31',
      owner: 'net-team',
      line: 2
    },
    { control: 'KMS-004', reason: 'Rotation handled outside AWS', expires: '2026-12-10', line: 6 }
  ]
  const policyNew: GatePolicy = { ...policy, gateOn: 'new', maxScoreDrop: 5 }
  const j = judge(conformityReport, policyNew, CONFORMITY_SEVERITIES, {
    baseline: baselineFromResults('baseline/compliance-report.json', before),
    waivers
  })
  const base = outcomeOf(conformityReport)
  const reason = j.gate.reasons.join('; ')
  return {
    ...base,
    result: j.gate.result,
    decision: j.gate.result === 'pass' ? 'promote' : 'rollback',
    reason,
    run: {
      ...base.run,
      policy: policyNew,
      waivers: {
        file: '/ws/.github/compliance-waivers.yml',
        expired: [{ control: 'S3-009', reason: 'Old', expires: '2026-11-01', line: 10 }],
        expiringSoon: [waivers[1]]
      }
    },
    accounts: [
      {
        ...base.accounts[0],
        result: j.gate.result,
        gate: j.gate,
        comparison: j.comparison,
        waivers: j.waivers,
        reason
      }
    ]
  }
}

describe('golden files', () => {
  it('the job summary of a gate on what changed, with waivers', () => {
    golden('summary-baseline.md', summaryMarkdown(judgedOutcome()))
  })

  it('the report file of a gate on what changed, with waivers', () => {
    golden('report-baseline.json', `${JSON.stringify(reportDocument(judgedOutcome()), null, 2)}\n`)
  })

  it('the job summary of a failed gate', () => {
    golden('summary-fail.md', summaryMarkdown(outcomeOf(conformityReport)))
  })

  it('the job summary of an error', () => {
    golden('summary-error.md', summaryMarkdown(errorOutcome))
  })

  it('the report file of a failed gate, findings included', () => {
    golden('report-fail.json', `${JSON.stringify(reportDocument(outcomeOf(conformityReport)), null, 2)}\n`)
  })

  it('the report file of an error', () => {
    golden('report-error.json', `${JSON.stringify(reportDocument(errorOutcome), null, 2)}\n`)
  })
})

describe('the summary renders', () => {
  it("has Mermaid blocks that Mermaid's own parser accepts", async () => {
    const { parse } = await import('@mermaid-js/parser')
    for (const outcome of [outcomeOf(conformityReport), judgedOutcome()]) {
      const blocks = [...summaryMarkdown(outcome).matchAll(/```mermaid\n([\s\S]*?)```/g)].map(m => m[1])
      expect(blocks.length).toBeGreaterThan(0)
      for (const block of blocks) await expect(parse('pie', block)).resolves.toBeDefined()
    }
  })

  it("links only to the service's own pages", () => {
    const text = summaryMarkdown(outcomeOf(conformityReport))
    expect(text).toContain(
      '](https://www.cloudconformity.com/knowledge-base/aws/S3/bucket-public-read-access.html)'
    )
    expect(text).not.toContain('](javascript')
  })
})

describe('the report file, written and read with one schema', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'report-'))

  it('reads back what the writer wrote, findings and rules included', async () => {
    const outcome = outcomeOf(conformityReport)
    const file = path.join(dir, 'nested', 'r.json')
    await reportFileSink.write({ ...outcome, run: { ...outcome.run, reportPath: file } })
    const read = await readReportFile(file)
    expect(read.accounts[0].controls[0].findings).toHaveLength(2)
    expect(read.accounts[0].rules.map(r => r.rule)).toEqual(['min-score', 'fail-on-severity'])
    expect(read).toMatchObject({ result: 'fail', score: 62.5, failedControls: 2 })
  })

  it.each([
    ['missing.json', null, /cannot be read \(ENOENT\)/],
    ['garbage.json', 'not json', /is not JSON/],
    [
      'other-tool.json',
      JSON.stringify({ tool: { name: 'trivy' } }),
      /was not written by cspm-compliance-gate/
    ],
    [
      'old.json',
      JSON.stringify({ schemaVersion: 1, tool: { name: 'cspm-compliance-gate' } }),
      /has schemaVersion 1; this version of cspm-compliance-gate reads 2/
    ],
    [
      'broken.json',
      JSON.stringify({ schemaVersion: 2, tool: { name: 'cspm-compliance-gate', version: '1' } }),
      /is not a valid cspm-compliance-gate report: generatedAt/
    ]
  ])('refuses %s, naming the file', async (name, content, message) => {
    const file = path.join(dir, name)
    if (content !== null) writeFileSync(file, content)
    await expect(readReportFile(file)).rejects.toThrow(message)
    await expect(readReportFile(file)).rejects.toThrow(file)
  })
})
