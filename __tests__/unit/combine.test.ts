import { describe, expect, it } from '@jest/globals'
import { ActionError } from '../../src/errors.js'
import { combine, worstResult, type AccountOutcome, type Result } from '../../src/outcome.js'
import type { Control } from '../../src/providers/types.js'
import { outputValues } from '../../src/publish/outputs.js'

const clock = { now: () => 1000 }
const run = { softFail: false, reportPath: '/ws/r.json' }

function account(
  id: string,
  result: Result,
  score?: number,
  failed = 0,
  extra: Partial<AccountOutcome> = {}
): AccountOutcome {
  const controls: Control[] = Array.from({ length: failed }, (_, i) => ({
    id: `${id}-c${i}`,
    title: 't',
    status: 'failed',
    severity: 'LOW',
    severityRank: 0
  }))
  return {
    accountId: id,
    result,
    phase: 'done',
    reason: result === 'pass' ? '' : `${id} ${result}`,
    ...(score === undefined
      ? { error: new ActionError('api', 'down') }
      : {
          report: {
            provider: 'conformity',
            accountId: id,
            benchmark: { id: 'all checks' },
            scanId: null,
            score,
            controls,
            notes: []
          },
          gate: {
            result: result === 'pass' ? 'pass' : 'fail',
            rules: [],
            reasons: [],
            failedControls: controls,
            counted: [],
            blocking: []
          }
        }),
    ...extra
  }
}

describe('combining accounts (contract §12)', () => {
  it.each([
    [['pass', 'pass'], 'pass'],
    [['pass', 'fail'], 'fail'],
    [['fail', 'error', 'pass'], 'error'],
    [[], 'error']
  ] as [Result[], Result][])('%j → %s', (results, expected) => {
    expect(worstResult(results)).toBe(expected)
  })

  it('lowest score, summed failed controls, accounts in input order, JSON per account', () => {
    const outcome = combine({
      run,
      accounts: [account('a', 'pass', 90, 1), account('b', 'fail', 40.5, 3), account('c', 'error')],
      startedAt: 0,
      clock
    })
    const out = outputValues(outcome)
    expect(out).toMatchObject({
      result: 'error',
      decision: 'rollback',
      score: '40.5',
      'failed-controls': '4',
      'account-id': 'a,b,c',
      'scan-id': '',
      'new-failures': '',
      waived: '0'
    })
    expect(JSON.parse(out.accounts)).toEqual([
      { 'account-id': 'a', result: 'pass', score: '90', 'failed-controls': '1', 'scan-id': '', reason: '' },
      {
        'account-id': 'b',
        result: 'fail',
        score: '40.5',
        'failed-controls': '3',
        'scan-id': '',
        reason: 'b fail'
      },
      {
        'account-id': 'c',
        result: 'error',
        score: '',
        'failed-controls': '',
        'scan-id': '',
        reason: 'c error'
      }
    ])
    expect(outcome.reason).toBe('2 of 3 accounts did not pass: c: c error; b: b fail')
  })

  it('scan ids listed when any account has one; baseline figures summed, the lowest score change', () => {
    const comparison = (n: number, change: number) => ({
      baseline: { source: 'previous', score: 50 },
      regressions: Array(n).fill({}),
      fixed: Array(n).fill({}),
      scoreChange: change
    })
    const outcome = combine({
      run,
      accounts: [
        account('a', 'pass', 90, 0, { scanId: 'j1', comparison: comparison(1, 2) as never }),
        account('b', 'pass', 80, 0, { comparison: comparison(2, -1.5) as never })
      ],
      startedAt: 0,
      clock
    })
    expect(outputValues(outcome)).toMatchObject({
      'scan-id': 'j1,',
      'new-failures': '3',
      fixed: '3',
      'score-change': '-1.5'
    })
  })
})
