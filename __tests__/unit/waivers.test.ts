import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ActionError } from '../../src/errors.js'
import type { Control, Finding } from '../../src/providers/types.js'
import type { SeverityScale } from '../../src/severity.js'
import { applyWaivers, loadWaivers, parseWaivers, waiverStatus, type Waiver } from '../../src/waivers.js'

const FILE = '.github/cspm-waivers.yml'

/** The file as a person writes it: one string per line. */
const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`

/** Parses and returns the one-line input error, so a test can read its line and its words. */
function problemIn(text: string): { line: number; problem: string } {
  let caught: unknown
  try {
    parseWaivers(text, FILE)
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(ActionError)
  const error = caught as ActionError
  expect(error.kind).toBe('input')
  expect(error.message).not.toMatch(/[\r\n]/)
  const match = /^Waiver file \.github\/cspm-waivers\.yml line (\d+): (.+)$/.exec(error.message)
  expect(match).not.toBeNull()
  return { line: Number(match![1]), problem: match![2] }
}

/** One valid entry to vary, starting on line 2. */
const entry = (...extra: string[]): string =>
  yaml(
    'waivers:',
    '  - control: S3-001',
    '    reason: Public website bucket',
    '    expires: 2026-12-31',
    ...extra
  )

describe('parseWaivers: a valid file', () => {
  const full = yaml(
    '# accepted risks, reviewed monthly',
    'waivers:',
    '  - control: S3-001            # the Conformity rule',
    '    account: H19NxMi5A',
    '    resource: acme-public-site',
    '    region: us-east-1',
    '    reason: Public website bucket, reviewed by security',
    '    expires: 2026-12-31',
    '    owner: web-team',
    '',
    '  - control: "0a1b2c3d-policy"',
    "    reason: '  Legacy VPC, decommissioned in Q1  '",
    '    expires: "2027-01-15"',
    '  - {control: EC2-012, region: global, reason: Break-glass role, expires: 2028-02-29}',
    '  - control: IAM-001',
    '    reason: |',
    '      Root account used by the bootstrap pipeline;',
    '      tracked in SEC-1234.',
    '    expires: 2026-07-01'
  )
  const expected: Waiver[] = [
    {
      control: 'S3-001',
      account: 'H19NxMi5A',
      resource: 'acme-public-site',
      region: 'us-east-1',
      reason: 'Public website bucket, reviewed by security',
      expires: '2026-12-31',
      owner: 'web-team',
      line: 3
    },
    {
      control: '0a1b2c3d-policy',
      reason: 'Legacy VPC, decommissioned in Q1',
      expires: '2027-01-15',
      line: 11
    },
    { control: 'EC2-012', region: 'global', reason: 'Break-glass role', expires: '2028-02-29', line: 14 },
    {
      control: 'IAM-001',
      reason: 'Root account used by the bootstrap pipeline;\ntracked in SEC-1234.',
      expires: '2026-07-01',
      line: 15
    }
  ]

  it('reads every field, trims the text, and remembers the line of each entry', () => {
    expect(parseWaivers(full, FILE)).toEqual(expected)
  })

  it('reads a file with Windows line endings the same way, on the same lines', () => {
    expect(parseWaivers(full.replace(/\n/g, '\r\n'), FILE)).toEqual(expected)
    expect(problemIn('waivers:\r\n  - control: S3-001\r\n    expiry: 2026-12-31\r\n').line).toBe(3)
  })

  it('reads a file saved with a byte order mark', () => {
    expect(parseWaivers(`\uFEFF${entry()}`, FILE)).toEqual([
      { control: 'S3-001', reason: 'Public website bucket', expires: '2026-12-31', line: 2 }
    ])
  })

  it('accepts an empty list: no waivers', () => {
    expect(parseWaivers('waivers: []\n', FILE)).toEqual([])
  })

  it('leaves out the optional fields an entry does not name', () => {
    const [waiver] = parseWaivers(entry(), FILE)
    expect(Object.keys(waiver).sort()).toEqual(['control', 'expires', 'line', 'reason'])
  })
})

describe('parseWaivers: the file shape', () => {
  it.each([
    ['an empty file', ''],
    ['a file of comments only', '# nothing yet\n']
  ])('rejects %s on line 1, saying how to write none', (_, text) => {
    const { line, problem } = problemIn(text)
    expect(line).toBe(1)
    expect(problem).toMatch(/the file is empty/)
    expect(problem).toMatch(/waivers: \[\]/)
  })

  it('rejects a top-level list, saying to put waivers: above it', () => {
    const { line, problem } = problemIn(
      yaml('# header', '- control: S3-001', '  reason: r', '  expires: 2026-12-31')
    )
    expect(line).toBe(2)
    expect(problem).toMatch(/the file is a list/)
    expect(problem).toMatch(/put 'waivers:' above the entries/)
  })

  it('rejects a scalar file', () => {
    const { line, problem } = problemIn('S3-001\n')
    expect(line).toBe(1)
    expect(problem).toMatch(/the file holds the text 'S3-001'/)
  })

  it('rejects a misspelt top-level key, suggesting waivers', () => {
    const { line, problem } = problemIn(yaml('# risks', 'waiver:', '  - control: S3-001'))
    expect(line).toBe(2)
    expect(problem).toMatch(/unknown key 'waiver' at the top level \(did you mean 'waivers'\?\)/)
  })

  it('rejects any other top-level key, even beside waivers', () => {
    const { line, problem } = problemIn(entry('version: 1'))
    expect(line).toBe(5)
    expect(problem).toMatch(/unknown key 'version' at the top level;/)
    expect(problem).not.toMatch(/did you mean/)
  })

  it('rejects a mapping without waivers', () => {
    expect(problemIn('{}\n')).toEqual({ line: 1, problem: expect.stringMatching(/no 'waivers:' key/) })
  })

  it.each([
    ['nothing', 'waivers:\n', /'waivers' is empty; .*waivers: \[\]/],
    ['a mapping', 'waivers:\n  control: S3-001\n', /must be a list of entries .*found a mapping/],
    ['text', 'waivers: none\n', /must be a list of entries .*found the text 'none'/]
  ])('rejects waivers holding %s', (_, text, message) => {
    expect(problemIn(text)).toEqual({ line: 1, problem: expect.stringMatching(message) })
  })

  it('rejects an entry that is not a mapping, naming the entry', () => {
    const { line, problem } = problemIn(entry('  - S3-002'))
    expect(line).toBe(5)
    expect(problem).toMatch(/entry 2 of 'waivers' must be a mapping .*found the text 'S3-002'/)
    expect(problemIn(entry('  -')).problem).toMatch(/entry 2 .*found nothing/)
  })
})

describe('parseWaivers: keys', () => {
  it.each([
    ['expiry', 'expires'],
    ['expires_at', 'expires'],
    ['expiration', 'expires'],
    ['resources', 'resource'],
    ['resourceId', 'resource'],
    ['regions', 'region'],
    ['account_id', 'account'],
    ['ownr', 'owner'],
    ['rule', 'control']
  ])('rejects %s, suggesting %s', (key, guess) => {
    const { line, problem } = problemIn(entry(`    ${key}: x`))
    expect(line).toBe(5)
    expect(problem).toContain(`unknown key '${key}' in a waiver (did you mean '${guess}'?)`)
    expect(problem).toContain('the keys are: control, account, resource, region, reason, expires, owner')
  })

  it('rejects an unknown key without a guess when none is obvious', () => {
    const { line, problem } = problemIn(entry('    ticket: SEC-1234'))
    expect(line).toBe(5)
    expect(problem).toMatch(/^unknown key 'ticket' in a waiver; the keys are/)
  })

  it('rejects an unknown key placed before the required ones, on its own line', () => {
    const text = yaml('waivers:', '  - control: S3-001', '    reason: r', '    expiry: 2026-12-31')
    expect(problemIn(text)).toEqual({ line: 4, problem: expect.stringMatching(/^unknown key 'expiry'/) })
  })

  it('rejects a YAML merge key: it would hide where a field came from', () => {
    expect(problemIn(entry('    <<: {owner: x}')).problem).toMatch(/unknown key '<<'/)
  })

  it('rejects a key that is not a name', () => {
    expect(problemIn(entry('    ? [a, b]', '    : x')).problem).toMatch(
      /^unknown key \(a list\) in a waiver;/
    )
  })

  it('rejects a duplicate key on the line of its second occurrence, naming it', () => {
    const text = yaml(
      'waivers:',
      '  - control: S3-001',
      '    reason: r',
      '    control: S3-002',
      '    expires: 2026-12-31'
    )
    expect(problemIn(text)).toEqual({ line: 4, problem: "'control' appears twice in one mapping; keep one" })
    expect(problemIn(yaml('waivers: []', 'waivers: []')).line).toBe(2)
  })
})

describe('parseWaivers: required fields', () => {
  it.each([
    ['control', yaml('waivers:', '  - reason: r', '    expires: 2026-12-31'), /^the waiver has no 'control'/],
    [
      'reason',
      yaml('waivers:', '  - control: S3-001', '    expires: 2026-12-31'),
      /^the waiver for 'S3-001' has no 'reason' \(why the risk is accepted\)/
    ],
    [
      'expires',
      yaml('waivers:', '  - control: S3-001', '    reason: r'),
      /^the waiver for 'S3-001' has no 'expires' \(the last day it holds, YYYY-MM-DD\)/
    ]
  ])('rejects an entry without %s, on the line of the entry', (_, text, message) => {
    expect(problemIn(text)).toEqual({ line: 2, problem: expect.stringMatching(message) })
  })

  it('names the entry that lacks a field, not the first one', () => {
    expect(problemIn(entry('  - control: S3-002', '    reason: r')).line).toBe(5)
  })

  it.each([
    ['blank', "    reason: '   '"],
    ['nothing', '    reason:'],
    ['an empty string', '    reason: ""']
  ])('rejects a reason that is %s', (_, reason) => {
    const text = yaml('waivers:', '  - control: S3-001', reason, '    expires: 2026-12-31')
    expect(problemIn(text)).toEqual({ line: 3, problem: "'reason' is empty (why the risk is accepted)" })
  })

  it('rejects an optional field given without a value', () => {
    expect(problemIn(entry('    owner:'))).toEqual({
      line: 5,
      problem: "'owner' is empty; give it a value or remove the key"
    })
  })
})

describe('parseWaivers: values', () => {
  it.each([
    ['2026-02-30', /'expires' is 2026-02-30, which is not a real day/],
    ['2026-13-01', /'expires' is 2026-13-01, which is not a real day/],
    ['2027-02-29', /which is not a real day/],
    ['2026-00-10', /which is not a real day/],
    ['31/12/2026', /must be a day written YYYY-MM-DD, found '31\/12\/2026'/],
    ['2026-1-5', /must be a day written YYYY-MM-DD, found '2026-1-5'/],
    ['2026-12-31T23:59:59Z', /must be a day written YYYY-MM-DD, found '2026-12-31T23:59:59Z'/],
    ['20261231', /must be a day written YYYY-MM-DD, found the number '20261231'/],
    ['!!timestamp 2026-12-31', /found a YAML timestamp; quote it: expires: "2026-12-31"/],
    ['[2026-12-31]', /must be a day written YYYY-MM-DD, found a list/]
  ])('rejects expires: %s on its line', (value, message) => {
    const text = yaml('waivers:', '  - control: S3-001', '    reason: r', `    expires: ${value}`)
    expect(problemIn(text)).toEqual({ line: 4, problem: expect.stringMatching(message) })
  })

  it('rejects a day a YAML 1.1 file reads as a timestamp, saying to quote it', () => {
    const text = yaml(
      '%YAML 1.1',
      '---',
      'waivers:',
      '  - control: S3-001',
      '    reason: r',
      '    expires: 2026-12-31'
    )
    expect(problemIn(text)).toEqual({ line: 6, problem: expect.stringMatching(/YAML timestamp; quote it/) })
  })

  it('accepts a leap day', () => {
    expect(parseWaivers(entry().replace('2026-12-31', '2028-02-29'), FILE)[0].expires).toBe('2028-02-29')
  })

  it('rejects a control YAML reads as a number, telling to quote it', () => {
    const text = yaml('waivers:', '  - control: 123', '    reason: r', '    expires: 2026-12-31')
    expect(problemIn(text)).toEqual({
      line: 2,
      problem: `'control' must be text, found the number '123'; quote it: control: "123"`
    })
  })

  it('keeps the leading zero of an AWS account id in the quoting advice', () => {
    expect(problemIn(entry('    account: 012345678901')).problem).toContain(
      'quote it: account: "012345678901"'
    )
  })

  it('rejects a boolean where text is expected', () => {
    expect(problemIn(entry('    owner: true')).problem).toMatch(
      /'owner' must be text, found the boolean 'true'; quote it/
    )
  })

  it('rejects a list of resources: one waiver per resource', () => {
    const { line, problem } = problemIn(entry('    resource:', '      - bucket-a', '      - bucket-b'))
    expect(line).toBe(5)
    expect(problem).toBe("'resource' must be a single value, found a list; write one waiver per resource")
  })

  it('rejects a mapping where text is expected, telling to quote it', () => {
    const text = yaml(
      'waivers:',
      '  - control: S3-001',
      '    reason: {ticket: SEC-1}',
      '    expires: 2026-12-31'
    )
    expect(problemIn(text)).toEqual({
      line: 3,
      problem: "'reason' must be text, found a mapping; if it is meant as text, quote it"
    })
  })

  it('rejects an alias: the value is written where it applies', () => {
    const text = yaml(
      'waivers:',
      '  - control: S3-001',
      '    reason: &why Public website',
      '    expires: 2026-12-31',
      '  - control: S3-002',
      '    reason: *why',
      '    expires: 2026-12-31'
    )
    expect(problemIn(text)).toEqual({
      line: 6,
      problem: expect.stringMatching(/'reason' uses an alias \(\*why\)/)
    })
  })
})

describe('parseWaivers: YAML errors name their line', () => {
  it('a colon in an unquoted reason', () => {
    const text = yaml(
      'waivers:',
      '  - control: S3-001',
      '    reason: Public website: reviewed by security',
      '    expires: 2026-12-31'
    )
    expect(problemIn(text)).toEqual({
      line: 3,
      problem: 'not valid YAML: Nested mappings are not allowed in compact mappings'
    })
  })

  it('an unclosed flow list, where yaml notices it', () => {
    const text = yaml('waivers:', '  - control: S3-001', '    resource: [a', '    reason: r')
    expect(problemIn(text)).toEqual({
      line: 4,
      problem: expect.stringMatching(/^not valid YAML: Flow sequence/)
    })
  })

  it('a key indented differently from its siblings', () => {
    const text = yaml('waivers:', '  - control: S3-001', '   reason: r', '    expires: 2026-12-31')
    expect(problemIn(text)).toEqual({ line: 3, problem: expect.stringMatching(/^not valid YAML: /) })
  })

  it('a tab used for indentation', () => {
    expect(problemIn('waivers:\n\t- control: S3-001\n')).toEqual({
      line: 2,
      problem: expect.stringMatching(/Tabs are not allowed/)
    })
  })

  it('an unresolved tag (a warning to yaml, an error here)', () => {
    expect(problemIn(entry('    owner: !team web'))).toEqual({
      line: 5,
      problem: expect.stringMatching(/^not valid YAML: Unresolved tag: !team/)
    })
  })

  it('a second document', () => {
    expect(problemIn(yaml('waivers: []', '---', 'waivers: []'))).toEqual({
      line: 2,
      problem: 'not valid YAML: the file holds more than one YAML document (---); keep one'
    })
  })
})

describe('parseWaivers: messages are safe to print', () => {
  it('folds a key that would start a workflow command onto one harmless line', () => {
    const { problem } = problemIn(entry('    "::error::x\\nnext": y'))
    expect(problem).not.toContain('::')
    expect(problem).toContain("unknown key ': :error: :x next'")
  })
})

describe('loadWaivers', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'waivers-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reads and parses the file', async () => {
    const file = path.join(dir, 'ok.yml')
    await writeFile(file, entry())
    await expect(loadWaivers(file)).resolves.toEqual([
      { control: 'S3-001', reason: 'Public website bucket', expires: '2026-12-31', line: 2 }
    ])
  })

  it('names the file in a parse error', async () => {
    const file = path.join(dir, 'bad.yml')
    await writeFile(file, entry('    expiry: 2027-01-01'))
    await expect(loadWaivers(file)).rejects.toThrow(`Waiver file ${file} line 5: unknown key 'expiry'`)
  })

  it('names a missing file as an input error', async () => {
    const file = path.join(dir, 'missing.yml')
    const error = await loadWaivers(file).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).kind).toBe('input')
    expect((error as ActionError).message).toBe(`Waiver file ${file} does not exist; check the waivers input`)
  })

  it('names a path that cannot be read as a file', async () => {
    const error = await loadWaivers(dir).catch((err: unknown) => err)
    expect((error as ActionError).kind).toBe('input')
    expect((error as ActionError).message).toMatch(
      new RegExp(`^Waiver file ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be read \\(.*EISDIR`)
    )
  })
})

/** A waiver as parseWaivers makes it; the line only tells them apart in failure output. */
const waiver = (fields: Partial<Waiver> & { control?: string } = {}): Waiver => ({
  control: 'S3-001',
  reason: 'accepted',
  expires: '2026-12-31',
  line: 1,
  ...fields
})

describe('waiverStatus', () => {
  const noon = new Date('2026-06-15T12:00:00Z')
  const names = (list: Waiver[]): string[] => list.map(w => w.expires)

  it('expires a waiver whose day has passed and keeps one whose day is today', () => {
    const yesterday = waiver({ expires: '2026-06-14' })
    const today = waiver({ expires: '2026-06-15' })
    const status = waiverStatus([yesterday, today], noon)
    expect(status.expired).toEqual([yesterday])
    expect(status.active).toEqual([today])
  })

  it('holds through the last millisecond of the day in UTC, and not a millisecond longer', () => {
    const today = [waiver({ expires: '2026-06-15' })]
    expect(waiverStatus(today, new Date('2026-06-15T00:00:00.000Z')).active).toHaveLength(1)
    expect(waiverStatus(today, new Date('2026-06-15T23:59:59.999Z')).active).toHaveLength(1)
    expect(waiverStatus(today, new Date('2026-06-16T00:00:00.000Z')).expired).toHaveLength(1)
    expect(waiverStatus(today, new Date('2026-06-16T00:00:00.000Z')).active).toHaveLength(0)
  })

  it('warns about a waiver expiring within 14 days, today and the 14th day included', () => {
    const days = ['2026-06-15', '2026-06-28', '2026-06-29', '2026-06-30', '2027-06-15']
    const status = waiverStatus(
      days.map(expires => waiver({ expires })),
      noon
    )
    expect(names(status.active)).toEqual(days)
    // in 0, 13 and 14 days: soon; in 15 days and a year: not
    expect(names(status.expiringSoon)).toEqual(['2026-06-15', '2026-06-28', '2026-06-29'])
  })

  it('counts days to expiry by the UTC calendar, whatever the hour of the run', () => {
    const inFourteen = waiver({ expires: '2026-06-29' })
    const inFifteen = waiver({ expires: '2026-06-30' })
    for (const hour of ['00:00:00.000', '12:00:00.000', '23:59:59.999']) {
      const now = new Date(`2026-06-15T${hour}Z`)
      expect(waiverStatus([inFourteen, inFifteen], now).expiringSoon).toEqual([inFourteen])
    }
  })

  it('never lists an expired waiver as expiring soon', () => {
    expect(waiverStatus([waiver({ expires: '2026-06-14' })], noon).expiringSoon).toEqual([])
  })

  it('judges the day in UTC: 23:30 on Dec 31 at UTC-2 is already Jan 1', () => {
    const now = new Date('2026-12-31T23:30:00-02:00')
    const newYearsEve = waiver({ expires: '2026-12-31' })
    const newYear = waiver({ expires: '2027-01-01' })
    const in14 = waiver({ expires: '2027-01-15' })
    const in15 = waiver({ expires: '2027-01-16' })
    const status = waiverStatus([newYearsEve, newYear, in14, in15], now)
    expect(status.expired).toEqual([newYearsEve])
    expect(status.active).toEqual([newYear, in14, in15])
    expect(status.expiringSoon).toEqual([newYear, in14])
  })

  it('keeps the order of the file in every list', () => {
    const list = ['2026-06-20', '2026-01-01', '2026-06-16', '2026-05-01'].map(expires => waiver({ expires }))
    const status = waiverStatus(list, noon)
    expect(names(status.active)).toEqual(['2026-06-20', '2026-06-16'])
    expect(names(status.expired)).toEqual(['2026-01-01', '2026-05-01'])
  })
})

describe('applyWaivers', () => {
  const conformity: SeverityScale = { names: ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH', 'EXTREME'] }
  const cloudneeti: SeverityScale = { names: ['VeryLow', 'Low', 'Moderate', 'High', 'Critical'] }
  const ACCOUNT = 'H19NxMi5A'

  const finding = (resource: string, region: string, severity?: string): Finding =>
    severity === undefined ? { resource, region } : { resource, region, severity }

  function control(id: string, severity: string, findings?: Finding[], scale = conformity): Control {
    const severityRank = scale.names.indexOf(severity)
    return { id, title: id, status: 'failed', severity, severityRank, ...(findings ? { findings } : {}) }
  }

  const site = finding('acme-public-site', 'us-east-1', 'VERY_HIGH')
  const logs = finding('acme-logs', 'us-east-1', 'LOW')
  const backup = finding('acme-backup', 'eu-west-1', 'HIGH')
  const s3 = control('S3-001', 'VERY_HIGH', [site, logs, backup])

  it('waives a control whole when a waiver names neither resource nor region', () => {
    const w = waiver()
    expect(applyWaivers(ACCOUNT, [s3], [w], conformity)).toEqual({
      waived: [s3],
      counted: [],
      used: [w],
      unused: []
    })
  })

  it('counts a control no waiver names, whole and as it is', () => {
    const ec2 = control('EC2-001', 'HIGH', [finding('i-1', 'us-east-1', 'HIGH')])
    const outcome = applyWaivers(ACCOUNT, [s3, ec2], [waiver()], conformity)
    expect(outcome.waived).toEqual([s3])
    expect(outcome.counted).toEqual([
      { control: ec2, findings: ec2.findings, severity: 'HIGH', severityRank: 2 }
    ])
  })

  it('a resource waiver covers only the findings of that resource', () => {
    const w = waiver({ resource: 'acme-public-site' })
    const outcome = applyWaivers(ACCOUNT, [s3], [w], conformity)
    expect(outcome.waived).toEqual([])
    expect(outcome.counted).toEqual([
      { control: s3, findings: [logs, backup], severity: 'HIGH', severityRank: 2 }
    ])
    expect(outcome.used).toEqual([w])
  })

  it('a region waiver covers only the findings in that region', () => {
    const outcome = applyWaivers(ACCOUNT, [s3], [waiver({ region: 'us-east-1' })], conformity)
    expect(outcome.counted).toEqual([{ control: s3, findings: [backup], severity: 'HIGH', severityRank: 2 }])
  })

  it('a waiver naming resource and region covers a finding only where both match', () => {
    const elsewhere = waiver({ resource: 'acme-public-site', region: 'eu-west-1' })
    const there = waiver({ resource: 'acme-backup', region: 'eu-west-1' })
    const outcome = applyWaivers(ACCOUNT, [s3], [elsewhere, there], conformity)
    expect(outcome.counted[0].findings).toEqual([site, logs])
    expect(outcome.used).toEqual([there])
    expect(outcome.unused).toEqual([elsewhere])
  })

  it('waives a control when its waivers together cover every finding', () => {
    const byRegion = waiver({ region: 'us-east-1' })
    const byResource = waiver({ resource: 'acme-backup' })
    const outcome = applyWaivers(ACCOUNT, [s3], [byRegion, byResource], conformity)
    expect(outcome.waived).toEqual([s3])
    expect(outcome.counted).toEqual([])
    expect(outcome.used).toEqual([byRegion, byResource])
  })

  it('counts a partly covered control at the highest severity among what is left', () => {
    // the VERY_HIGH finding is waived: what remains is LOW
    const bucket = control('S3-002', 'VERY_HIGH', [site, logs])
    const outcome = applyWaivers(
      ACCOUNT,
      [bucket],
      [waiver({ control: 'S3-002', resource: site.resource })],
      conformity
    )
    expect(outcome.counted).toEqual([{ control: bucket, findings: [logs], severity: 'LOW', severityRank: 0 }])
  })

  it('keeps the severity name as the service wrote it, ranked on the scale', () => {
    const bucket = control('S3-002', 'VERY_HIGH', [site, finding('b', 'us-east-1', 'medium'), logs])
    const outcome = applyWaivers(
      ACCOUNT,
      [bucket],
      [waiver({ control: 'S3-002', resource: site.resource })],
      conformity
    )
    expect(outcome.counted[0]).toMatchObject({ severity: 'medium', severityRank: 1 })
  })

  it('a finding without its own severity counts at the control’s', () => {
    const policy = control(
      'cn-policy-1',
      'High',
      [finding('vm-1', 'eastus'), finding('vm-2', 'westus')],
      cloudneeti
    )
    const outcome = applyWaivers(
      ACCOUNT,
      [policy],
      [waiver({ control: 'cn-policy-1', resource: 'vm-1' })],
      cloudneeti
    )
    expect(outcome.counted).toEqual([
      { control: policy, findings: [finding('vm-2', 'westus')], severity: 'High', severityRank: 3 }
    ])
  })

  it('a severity name the provider does not have ranks highest (fail closed)', () => {
    const bucket = control('S3-002', 'HIGH', [site, finding('odd', 'us-east-1', 'SEVERE')])
    const outcome = applyWaivers(
      ACCOUNT,
      [bucket],
      [waiver({ control: 'S3-002', resource: site.resource })],
      conformity
    )
    expect(outcome.counted[0]).toMatchObject({ severity: 'SEVERE', severityRank: 4 })
  })

  it.each([
    ['no findings list', undefined],
    ['an empty findings list', []]
  ])('a control with %s is waived only by a waiver naming neither resource nor region', (_, findings) => {
    const iam = control('IAM-001', 'EXTREME', findings)
    const byResource = waiver({ control: 'IAM-001', resource: 'root' })
    const byRegion = waiver({ control: 'IAM-001', region: 'global' })
    const partial = applyWaivers(ACCOUNT, [iam], [byResource, byRegion], conformity)
    expect(partial.waived).toEqual([])
    expect(partial.counted).toEqual([{ control: iam, findings, severity: 'EXTREME', severityRank: 4 }])
    expect(partial.unused).toEqual([byResource, byRegion])

    const whole = waiver({ control: 'IAM-001' })
    const outcome = applyWaivers(ACCOUNT, [iam], [byResource, whole], conformity)
    expect(outcome.waived).toEqual([iam])
    expect(outcome.used).toEqual([whole])
    expect(outcome.unused).toEqual([byResource])
  })

  it('a waiver for another account does not apply; one for this account or none does', () => {
    const other = waiver({ account: 'OtherAcct1' })
    expect(applyWaivers(ACCOUNT, [s3], [other], conformity)).toMatchObject({
      waived: [],
      counted: [{ control: s3 }],
      used: [],
      unused: [other]
    })
    const mine = waiver({ account: ACCOUNT })
    expect(applyWaivers(ACCOUNT, [s3], [other, mine], conformity)).toMatchObject({
      waived: [s3],
      used: [mine]
    })
  })

  it('matches ids exactly, case included', () => {
    const lower = waiver({ control: 's3-001' })
    const otherCase = waiver({ account: ACCOUNT.toLowerCase() })
    const resource = waiver({ resource: 'ACME-PUBLIC-SITE' })
    const outcome = applyWaivers(ACCOUNT, [s3], [lower, otherCase, resource], conformity)
    expect(outcome.waived).toEqual([])
    expect(outcome.counted[0].findings).toEqual([site, logs, backup])
    expect(outcome.unused).toEqual([lower, otherCase, resource])
  })

  it('lists the waivers that matched nothing as unused, in the order of the file', () => {
    const gone = waiver({ control: 'RDS-004' })
    const used = waiver({ resource: 'acme-logs' })
    const noSuchResource = waiver({ resource: 'deleted-bucket' })
    const outcome = applyWaivers(ACCOUNT, [s3], [gone, used, noSuchResource], conformity)
    expect(outcome.used).toEqual([used])
    expect(outcome.unused).toEqual([gone, noSuchResource])
  })

  it('a waiver is used once however many controls it covers', () => {
    const a = control('S3-001', 'LOW', [finding('x', 'us-east-1', 'LOW')])
    const w = waiver({ region: 'us-east-1' })
    expect(applyWaivers(ACCOUNT, [a, s3], [w], conformity).used).toEqual([w])
  })

  it('changes neither the controls nor their findings', () => {
    const before = structuredClone(s3)
    applyWaivers(ACCOUNT, [s3], [waiver({ resource: 'acme-logs' })], conformity)
    expect(s3).toEqual(before)
  })

  it('with no waivers, counts every failed control whole', () => {
    const outcome = applyWaivers(ACCOUNT, [s3], [], conformity)
    expect(outcome).toEqual({
      waived: [],
      counted: [{ control: s3, findings: s3.findings, severity: 'VERY_HIGH', severityRank: 3 }],
      used: [],
      unused: []
    })
  })
})
