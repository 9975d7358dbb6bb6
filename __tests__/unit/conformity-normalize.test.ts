import { describe, expect, it } from '@jest/globals'
import { conformityScore, normalizeConformityResults } from '../../src/providers/conformity/normalize.js'
import { account, checksPage, scanStarted, whoami } from '../../src/providers/conformity/schemas.js'
import { parseResponse } from '../../src/providers/parse.js'
import { keyUser, levelOn, requirePrivilege } from '../../src/providers/conformity/privileges.js'

function check(rule: string, risk: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'checks',
    id: `ccc:acc:${rule}:EC2:us-east-1:${Math.random()}`,
    attributes: {
      status: 'FAILURE',
      'risk-level': risk,
      'rule-title': `Title ${rule}`,
      service: 'EC2',
      ...extra
    },
    relationships: { rule: { data: { type: 'rules', id: rule } } }
  }
}

describe('Conformity normalization', () => {
  it('scores 100 × SUCCESS / (SUCCESS + FAILURE), two decimals, 100 when empty', () => {
    expect(conformityScore(2, 1)).toBe(66.67)
    expect(conformityScore(0, 0)).toBe(100)
    expect(conformityScore(0, 5)).toBe(0)
  })

  it('makes one failed control per rule at its highest failing risk level', () => {
    const page = parseResponse(
      checksPage,
      {
        data: [check('EC2-001', 'MEDIUM'), check('EC2-001', 'VERY_HIGH'), check('S3-001', 'LOW')],
        meta: { total: 3 }
      },
      't'
    )
    const report = normalizeConformityResults({
      accountId: 'acc',
      benchmark: '',
      successCount: 7,
      failures: page.data
    })
    expect(report.controls.map(c => [c.id, c.severity, c.severityRank, c.failedItems])).toEqual([
      ['EC2-001', 'VERY_HIGH', 3, 2],
      ['S3-001', 'LOW', 0, 1]
    ])
    expect(report.score).toBe(70)
    expect(report.checks).toEqual({ success: 7, failure: 3 })
    expect(report.scanId).toBeNull()
  })

  it('leaves out suppressed checks even when the service returns them, and says so', () => {
    const page = parseResponse(
      checksPage,
      { data: [check('A', 'EXTREME', { suppressed: true }), check('B', 'LOW')], meta: { total: 2 } },
      't'
    )
    const report = normalizeConformityResults({
      accountId: 'acc',
      benchmark: '',
      successCount: 1,
      failures: page.data
    })
    expect(report.controls.map(c => c.id)).toEqual(['B'])
    expect(report.score).toBe(50)
    expect(report.notes[0]).toContain('suppressed')
  })

  it('accepts an account as an object or a one-element array, and the scan answer as an array or an object', () => {
    const acc = { id: 'a1', attributes: { name: 'prod', 'bot-status': null, 'last-checked-date': 5 } }
    expect(parseResponse(account, { data: acc }, 't').data.id).toBe('a1')
    expect(parseResponse(account, { data: [acc] }, 't').data.id).toBe('a1')
    expect(parseResponse(scanStarted, { data: [{ status: 'STARTED' }] }, 't').data.status).toBe('STARTED')
    expect(parseResponse(scanStarted, { data: { status: 'STARTED' } }, 't').data.status).toBe('STARTED')
  })
})

describe('Conformity results that do not add up (contract §13)', () => {
  const read = (data: unknown[], extra: Partial<Parameters<typeof normalizeConformityResults>[0]> = {}) =>
    normalizeConformityResults({
      accountId: 'acc',
      benchmark: '',
      successCount: 0,
      failures: parseResponse(checksPage, { data, meta: { total: data.length } }, 't').data,
      ...extra
    })

  it.each(['SUCCESS', 'ERROR', 'DENIED', ''])(
    'refuses a check with status %j among the failing checks, instead of skipping it',
    status => {
      expect(() => read([check('A', 'LOW'), check('B', 'EXTREME', { status })])).toThrow(
        /with status '.*' when asked for failing checks of account acc/
      )
    }
  )

  it('refuses a benchmark that no check in scope belongs to, naming it', () => {
    expect(() => read([], { benchmark: 'CISAWSFF' })).toThrow(
      /No check of account acc belongs to the compliance standard CISAWSFF, so nothing was in scope/
    )
  })

  it('without a benchmark, an account with no check scores 100 and says nothing was checked', () => {
    const report = read([])
    expect(report.score).toBe(100)
    expect(report.notes.join(' ')).toContain('nothing was checked')
  })

  it('keeps each failing check as a finding: resource, region, its own risk level, tags', () => {
    const report = read([
      check('S3-001', 'LOW', {
        resource: 'site-bucket',
        region: 'us-east-1',
        tags: ['aws:cloudformation:logical-id::SiteBucket', 'team::web', 'bare']
      }),
      check('S3-001', 'HIGH', { resource: 'logs', region: 'eu-west-1' })
    ])
    expect(report.controls[0]).toMatchObject({ id: 'S3-001', severity: 'HIGH', failedItems: 2 })
    expect(report.controls[0].findings).toEqual([
      {
        resource: 'site-bucket',
        region: 'us-east-1',
        severity: 'LOW',
        tags: { 'aws:cloudformation:logical-id': 'SiteBucket', team: 'web', bare: '' }
      },
      { resource: 'logs', region: 'eu-west-1', severity: 'HIGH' }
    ])
  })

  it('refuses a last-checked date that is no real date, as a bad answer', () => {
    const acc = { id: 'a1', attributes: { 'last-checked-date': 1e17 } }
    expect(() => parseResponse(account, { data: acc }, 'read the account')).toThrow(
      /did not have the expected shape .*last-checked-date: is not a real date/
    )
  })
})

describe('Conformity privileges', () => {
  const who = (role: string, list?: { account: string; level: string }[]) =>
    keyUser(
      parseResponse(
        whoami,
        { data: { id: 'u', attributes: { role }, relationships: { accountAccessList: list } } },
        't'
      )
    )

  it('maps roles to access levels as the matrix says', () => {
    expect(levelOn(who('ADMIN'), 'x')).toBe('FULL')
    expect(levelOn(who('POWER_USER'), 'x')).toBe('FULL')
    expect(levelOn(who('READ_ONLY'), 'x')).toBe('READONLY')
    expect(levelOn(who('USER', [{ account: 'x', level: 'readonly' }]), 'x')).toBe('READONLY')
    expect(levelOn(who('USER'), 'x')).toBe('NONE')
  })

  it('names the role the key has and the one the operation needs', () => {
    expect(() => requirePrivilege(who('READ_ONLY'), 'scan', 'x')).toThrow(
      'The API key belongs to a READ_ONLY user; to start a Conformity bot scan it needs ADMIN, POWER_USER, or USER with FULL access to the account.'
    )
    expect(() => requirePrivilege(who('USER', [{ account: 'x', level: 'READONLY' }]), 'scan', 'x')).toThrow(
      /USER with READONLY access to account x.*This key can run mode audit/
    )
    expect(() => requirePrivilege(who('POWER_USER'), 'onboard', undefined)).toThrow(/needs the ADMIN role/)
    expect(() => requirePrivilege(who('USER'), 'audit', 'x')).toThrow(/USER with NONE access/)
    expect(() => requirePrivilege(who('READ_ONLY'), 'audit', 'x')).not.toThrow()
    expect(() => requirePrivilege(who('USER', [{ account: 'x', level: 'FULL' }]), 'scan', 'x')).not.toThrow()
    expect(() => requirePrivilege(who('ADMIN'), 'onboard', undefined)).not.toThrow()
  })
})
