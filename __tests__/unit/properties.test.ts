import { describe, expect, it, jest } from '@jest/globals'
import fc from 'fast-check'
import { ActionError } from '../../src/errors.js'
import { evaluateGate } from '../../src/gate.js'
import { redactUrl, serviceMessage } from '../../src/http/messages.js'
import { parseInputs } from '../../src/inputs.js'
import { actionsLogger } from '../../src/log.js'
import { normalizeCloudneetiReport } from '../../src/providers/cloudneeti/normalize.js'
import { envelope, lowerKeys, reportResult } from '../../src/providers/cloudneeti/schemas.js'
import { normalizeConformityResults } from '../../src/providers/conformity/normalize.js'
import { checksPage } from '../../src/providers/conformity/schemas.js'
import { parseResponse } from '../../src/providers/parse.js'
import { forgetSecrets, markdown, plain, registerSecret } from '../../src/text.js'
import { RUNNER_COMMAND_NAMES, runnerCommands } from '../helpers/runner-commands.js'
import { linksAndMentions, renderedText, unescapedSpecials } from './markdown-text.js'

/**
 * The test command runs a pinned seed so CI is repeatable; `npm run fuzz` explores new seeds with
 * many more runs (FC_SEED replays one). A counterexample found that way becomes a fixed case below.
 */
const SEED = process.env.FC_SEED ?? '20261123'
const RUNS = {
  numRuns: Number(process.env.FC_RUNS ?? 300),
  // `random` lets fast-check draw a seed; it prints the seed with any counterexample
  ...(SEED === 'random' ? {} : { seed: Number(SEED) })
}
/** Pieces that, joined, folded, cut or escaped, could become a command, markup, a link or a mention. */
const hostilePiece = fc.constantFrom(
  ...[
    ':',
    '::',
    ':::',
    '#',
    '##',
    '##[',
    '###[',
    '##[##[',
    '[',
    ']',
    'add-mask',
    'ADD-MASK',
    'stop-commands'
  ],
  ...[' ', '\t', '\n', '\r', '\r\n', '\u2028', '\u0085', '\u0000', '%0A', '\ud800', 'x', '1. ', '- '],
  ...['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u0301', '\u0591'],
  ...['\u202a', '\u202e', '\u2066', '\u2069', '\u200e', '\u200f', '\u061c'],
  ...['&#64;', '&#x40;', '&commat;', '&amp;', '&', ';', '@', '@octocat', 'a@b.co', 'mailto:', '#1', 'GH-1'],
  ...['www.', 'WWW.', 'example.com', 'http://', 'https://', 'ftp://', '/'],
  ...['<', '>', '`', '\\', '|', '*', '_', '(', ')', '~', '$', '!', '"']
)
/** A command in either form, placed anywhere in random text. */
const embeddedCommand = fc
  .tuple(fc.string(), fc.constantFrom(...RUNNER_COMMAND_NAMES), fc.boolean(), fc.string())
  .map(([before, name, legacy, after]) =>
    legacy ? `${before}##[${name}]${after}` : `${before}\n  ::${name} name=x::${after}`
  )
const hostileText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '::stop-commands::x',
    '::add-mask::y',
    '\n::set-output name=result::pass',
    '%0A::error::',
    '<script>',
    '@admin',
    '[a](b)',
    // a counterexample from a CI run: three colons once left `::` behind
    ':::',
    '::::add-mask:::x',
    'Running ##[stop-commands]tok'
  ),
  fc.array(hostilePiece, { maxLength: 30 }).map(a => a.join('')),
  embeddedCommand
)
/** Mostly well-formed, sometimes wrong: weight 4 for the right shape, 1 for a wrong one. */
function mostly<T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 })
}

/** A policy whose fields are usually right, sometimes the wrong type, sometimes missing. */
const policy = fc.record(
  {
    PolicyId: mostly(fc.string({ minLength: 1, maxLength: 12 }), fc.integer()),
    ShortTitle: hostileText,
    Compliance: mostly(fc.constantFrom('Green', 'Red', 'Amber', 'Gray', 'green', 'RED'), fc.string()),
    Severity: mostly(
      fc.constantFrom('VeryLow', 'Low', 'Moderate', 'High', 'Critical', 'very low'),
      fc.oneof(fc.string(), fc.constant(null))
    ),
    PassedResourceCount: mostly(fc.nat(50), fc.oneof(fc.string(), fc.constant(null))),
    TotalResourceCount: mostly(fc.nat(50), fc.constant(null))
  },
  { requiredKeys: ['PolicyId', 'Compliance'] }
)
const report = fc.record(
  {
    BenchmarkId: mostly(fc.constantFrom('CSBP', 'csbp'), fc.constant('PCI3_2')),
    AccountId: mostly(fc.constant('acc'), fc.constant('other')),
    JobId: fc.oneof(fc.string(), fc.constant('"j"')),
    ResourceCategories: mostly(
      fc.array(fc.record({ CategoryName: hostileText, Policies: fc.array(policy, { maxLength: 6 }) }), {
        minLength: 1,
        maxLength: 3
      }),
      fc.anything()
    ),
    Posture: mostly(
      fc.record({ CompliancePercent: fc.double({ min: 0, max: 100, noNaN: true }) }),
      fc.record({ CompliancePercent: fc.oneof(fc.double(), fc.integer({ min: -10, max: 200 }), fc.string()) })
    )
  },
  { requiredKeys: ['ResourceCategories', 'Posture'] }
)
const body = fc.oneof(
  fc.record({ result: fc.oneof(report, fc.array(report, { maxLength: 2 })), statusCode: fc.constant(200) }),
  fc.anything()
)

describe('normalization never crashes and never invents a verdict', () => {
  it('Cloudneeti: any body is either a valid report or a classified error', () => {
    let valid = 0
    fc.assert(
      fc.property(body, raw => {
        try {
          const parsed = parseResponse(envelope, lowerKeys(raw), 't')
          const r = normalizeCloudneetiReport(parseResponse(reportResult, parsed.result, 't'), {
            accountId: 'acc',
            benchmark: 'CSBP'
          })
          expect(r.score).toBeGreaterThanOrEqual(0)
          expect(r.score).toBeLessThanOrEqual(100)
          for (const c of r.controls) {
            expect(['passed', 'failed', 'not-applicable']).toContain(c.status)
            expect(c.severityRank).toBeGreaterThanOrEqual(0)
            expect(c.severityRank).toBeLessThanOrEqual(4)
          }
          const decision = evaluateGate(r, {
            minScore: 0,
            failOnSeverity: { name: 'High', rank: 3 },
            maxFailures: null
          })
          expect(decision.result).toBe(
            r.controls.some(c => c.status === 'failed' && c.severityRank >= 3) ? 'fail' : 'pass'
          )
          valid++
        } catch (err) {
          expect(err).toBeInstanceOf(ActionError)
        }
      }),
      RUNS
    )
    // the generator must reach real reports, not only garbage
    expect(valid).toBeGreaterThan(10)
  })

  it('Conformity: any checks page is either evaluated within range or a classified error', () => {
    let valid = 0
    const check = fc.record(
      {
        id: fc.string(),
        attributes: fc.record({
          status: fc.oneof(fc.constantFrom('SUCCESS', 'FAILURE'), fc.string()),
          'risk-level': fc.oneof(
            fc.constantFrom('LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH', 'EXTREME'),
            fc.string(),
            fc.constant(null)
          ),
          'rule-title': hostileText,
          suppressed: fc.oneof(fc.boolean(), fc.constant(null))
        }),
        relationships: fc.record({ rule: fc.record({ data: fc.record({ id: fc.string() }) }) })
      },
      { requiredKeys: ['id'] }
    )
    const page = fc.oneof(
      fc.record({
        data: fc.array(check, { maxLength: 20 }),
        meta: fc.record({ total: fc.oneof(fc.nat(), fc.integer()) })
      }),
      fc.anything()
    )
    fc.assert(
      fc.property(page, fc.nat(1000), (raw, success) => {
        try {
          const parsed = parseResponse(checksPage, raw, 't')
          const r = normalizeConformityResults({
            accountId: 'a',
            benchmark: '',
            successCount: success,
            failures: parsed.data
          })
          expect(r.score).toBeGreaterThanOrEqual(0)
          expect(r.score).toBeLessThanOrEqual(100)
          expect(r.controls.length).toBeLessThanOrEqual(parsed.data.length)
          valid++
        } catch (err) {
          expect(err).toBeInstanceOf(ActionError)
        }
      }),
      RUNS
    )
    expect(valid).toBeGreaterThan(10)
  })
})

describe('API text never becomes a command, markup or a mention', () => {
  const commandsIn = (stdout: string) => runnerCommands(stdout).map(c => `${c.form}${c.name}`)
  /** Text the action prints before API text: its own words, or other API text, plain()ed. */
  const prefix = fc.oneof(
    fc.constantFrom('', 'Status: ', 'GET https://h/x answered 500: "', '::warning::', '::error title=T::'),
    hostileText.map(s => `${plain(s)} `),
    hostileText.map(s => plain(s))
  )

  it('plain(): one line, nothing invisible, no command in either form, after any prefix', () => {
    fc.assert(
      fc.property(prefix, hostileText, fc.integer({ min: 1, max: 600 }), (before, s, max) => {
        const out = plain(s, max)
        expect(out.length).toBeLessThanOrEqual(max)
        expect(out).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u)
        expect(out).not.toContain('::')
        expect(out).not.toContain('##[')
        expect(commandsIn(`${before}${out}`)).toEqual(commandsIn(before))
        expect(plain(out, max)).toBe(out)
      }),
      RUNS
    )
  })

  // runs before any secret is registered below, so markdown() shows exactly what plain() shows
  it('markdown(): escaped, no link, mention or invisible character, and it shows what plain() shows', () => {
    fc.assert(
      fc.property(hostileText, fc.integer({ min: 1, max: 400 }), (s, max) => {
        const out = markdown(s, max)
        expect(out).not.toMatch(/[<>\r\n]|&(?!(?:amp|lt|gt|quot|#8203);)/)
        expect(out).not.toMatch(/^(?:[-+*]|\d+[.)])/)
        expect(out).not.toMatch(/www\.|:\/\/|@(?!&#8203;)/i)
        expect(unescapedSpecials(out)).toEqual([])
        const shown = renderedText(out)
        expect(linksAndMentions(shown)).toEqual([])
        expect(shown.replace(/\u200b/g, '')).toBe(plain(s, max))
      }),
      RUNS
    )
  })

  it('the logger prints one line per message and no command but its own', () => {
    const writes: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk))
      return true
    })
    try {
      fc.assert(
        fc.property(hostileText, s => {
          writes.length = 0
          actionsLogger.info(`Status: ${s}`)
          actionsLogger.info(s)
          actionsLogger.warning(s)
          const stdout = writes.join('')
          expect(stdout.split(/\r?\n/).filter(l => l !== '').length).toBeLessThanOrEqual(3)
          expect(commandsIn(stdout)).toEqual(['::warning'])
        }),
        RUNS
      )
    } finally {
      spy.mockRestore()
    }
  })
})

describe('secrets are never printed', () => {
  const secret = fc
    .string({ minLength: 8, maxLength: 40 })
    .filter(s => s.trim().length === s.length && !/[\r\n]/.test(s))

  it('a registered secret never survives into printed text, even when a service echoes it', () => {
    fc.assert(
      fc.property(secret, hostileText, hostileText, (key, before, after) => {
        // one registry per run, or thousands of runs would make every later run slower
        forgetSecrets()
        registerSecret(key)
        expect(plain(`${before}${key}${after}`, 10_000)).not.toContain(key)
        expect(markdown(`${before}${key}${after}`, 10_000)).not.toContain(key)
      }),
      RUNS
    )
  })

  it('no piece of a secret is printed, however it is echoed and wherever the text is cut', () => {
    // the secret's letters never occur around it, so any of them in the output is a piece of it
    const letters = /[QZXJVKW]/
    const key = fc
      .array(fc.oneof(fc.constantFrom(...'QZXJVKW'), fc.constantFrom('::', '##[', '\n', ' ', '@', 'www.')), {
        minLength: 3,
        maxLength: 30
      })
      .map(a => a.join(''))
      .filter(k => letters.test(k) && k.trim().length >= 3)
    const echoes = [
      (k: string) => k,
      (k: string) => k.replace(/\n/g, '\r\n'),
      (k: string) => [...k].join('\u200b'),
      (k: string) => k.replace(/:/g, ':\u2060')
    ]
    const around = hostileText.map(t => t.replace(/[QZXJVKW]/g, ''))
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, fc.nat(echoes.length - 1)), { minLength: 1, maxLength: 3 }),
        around,
        around,
        fc.integer({ min: 1, max: 400 }),
        (keys, a, b, max) => {
          // several secrets, echoed side by side: masking one must not leave pieces of another
          forgetSecrets()
          for (const [k] of keys) registerSecret(k)
          const text = `${a}${keys.map(([k, how]) => echoes[how](k)).join('')}${b}`
          expect(plain(text, max)).not.toMatch(letters)
          expect(runnerCommands(plain(text, max))).toEqual([])
          expect(markdown(text, max)).not.toMatch(letters)
          expect(plain(serviceMessage(undefined, text) ?? '', max)).not.toMatch(letters)
        }
      ),
      RUNS
    )
  })

  it('input errors never echo the key or the application secret', () => {
    fc.assert(
      fc.property(
        secret,
        secret,
        fc.constantFrom('provider', 'mode', 'timeout', 'min-score', 'fail-on-severity', 'soft-fail'),
        (key, appSecret, broken) => {
          const inputs: Record<string, string> = {
            provider: 'cloudneeti',
            'api-key': key,
            'application-id': 'app',
            'application-secret': appSecret,
            'license-id': 'lic',
            'account-id': 'acc',
            [broken]: `bad-${broken}`
          }
          try {
            parseInputs(n => inputs[n] ?? '', {})
          } catch (err) {
            expect((err as Error).message).not.toContain(key)
            expect((err as Error).message).not.toContain(appSecret)
          }
        }
      ),
      RUNS
    )
  })

  it('URLs in errors carry no secret query values', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{8,30}$/), value => {
        expect(redactUrl(`https://h/p?apiKey=${value}&token=${value}&client_secret=${value}`)).not.toContain(
          value
        )
      }),
      RUNS
    )
  })
})
