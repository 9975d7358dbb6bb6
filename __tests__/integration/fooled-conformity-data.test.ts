/**
 * CONTRACT §13: Conformity answers that do not add up are `result: error`, never a verdict. The
 * attacker (or a buggy service) controls the account object, the checks and their counts; the
 * user can misspell the compliance standard.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import {
  CC,
  conformityAccount,
  conformityFailures,
  errorKind,
  expectError,
  warnings
} from '../helpers/hostile.js'
import { conformityInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
const { prod: PROD, dev: DEV } = CC.accounts

describe('a benchmark that no check belongs to: nothing was in scope', () => {
  it.each([
    ['scan', 'CISAWSFF'],
    ['audit', 'CISAWSFF'],
    ['audit', 'cisawsf'],
    ['audit', 'PCI-DSS']
  ])('mode %s, benchmark %s → error naming it, not a score of 100', async (mode, benchmark) => {
    const run = await runActionInProcess(conformityInputs(emu.url, { mode, benchmark }))
    expectError(run, new RegExp(`compliance standard ${benchmark}, so nothing was in scope`))
    expect(errorKind(run)).toBe('bad-response')
    expect(run.outputs.score).toBe('')
    // the filter was really asked for
    expect(emu.log.some(e => decodeURIComponent(e.path).includes(`filter[compliances]=${benchmark}`))).toBe(
      true
    )
  })

  it('the right benchmark on the same account gives a verdict (the tests above fail on the name alone)', async () => {
    const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit', benchmark: 'CISAWSF' }))
    expect(run.outputs.result).toBe('pass')
  })

  it('without a benchmark, an account with no check at all keeps §4: score 100, with a warning', async () => {
    emu.setWorld(fastWorld(w => (conformityAccount(w, PROD).checks = [])))
    const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit' }))
    expect([run.outputs.result, run.outputs.score]).toEqual(['pass', '100'])
    expect(warnings(run.stdout, /nothing was checked/)).toHaveLength(1)
  })
})

describe('checks returned for filter[statuses]=FAILURE that are not failures', () => {
  it.each(['ERROR', 'SUCCESS', 'NOT_SCORED', 'FAILURE ', ''])(
    'a check with status %j among the failures → error',
    async status => {
      const page = await conformityFailures(emu, PROD)
      page.data[1].attributes.status = status
      // every /checks request gets this page: the SUCCESS count reads only meta.total
      emu.addFault({ method: 'GET', path: '/checks$', body: JSON.stringify(page), times: 0 })
      const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit' }))
      expectError(run, new RegExp(`with status '${status}' when asked for failing checks`))
      expect(errorKind(run)).toBe('bad-response')
    }
  )

  it('scan mode: an ERROR check among the failures after the bot run → error', async () => {
    const page = await conformityFailures(emu, DEV)
    page.data[0].attributes.status = 'ERROR'
    emu.addFault({ method: 'GET', path: '/checks$', body: JSON.stringify(page), times: 0 })
    // this case through the bundle, as the runner runs it; the others in process
    const run = await runAction(conformityInputs(emu.url, { 'account-id': DEV }))
    expectError(run, /status 'ERROR'/)
  })

  it('a check without a status → error', async () => {
    const page = await conformityFailures(emu, PROD)
    delete page.data[0].attributes.status
    emu.addFault({ method: 'GET', path: '/checks$', body: JSON.stringify(page), times: 0 })
    const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit' }))
    expectError(run)
    expect(errorKind(run)).toBe('bad-response')
  })
})

describe('a run that ends leaves nothing running', () => {
  it('a count of passing checks that is garbled ends the run before the failing checks are asked for', async () => {
    // the first checks request gets a check without a status; any later one would hang, and
    // a run that had asked for the failures beside the count would leave that request open
    const page = await conformityFailures(emu, PROD)
    delete page.data[0].attributes.status
    emu.log.length = 0
    emu.addFault([
      { method: 'GET', path: '/checks$', body: JSON.stringify(page) },
      { method: 'GET', path: '/checks$', action: 'hang', times: 0 }
    ])
    const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit' }))
    expectError(run)
    expect(emu.log.filter(e => e.path.includes('/checks')).map(e => e.status)).toEqual([200])
  })
})

describe('counts that do not match the checks', () => {
  it('meta.total says one failing check more than the pages hold → error', async () => {
    const page = await conformityFailures(emu, PROD)
    page.meta.total += 1
    emu.addFault({ method: 'GET', path: '/checks$', body: JSON.stringify(page), times: 0 })
    const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit' }))
    expectError(run, /reported 4 matching checks .* but 3 distinct/)
  })

  it('the same failing check listed twice, counted twice → error, not two findings', async () => {
    const page = await conformityFailures(emu, PROD)
    page.data.push(page.data[0])
    page.meta.total = page.data.length
    emu.addFault({ method: 'GET', path: '/checks$', body: JSON.stringify(page), times: 0 })
    const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit' }))
    expectError(run, /reported 4 matching checks .* but 3 distinct/)
  })
})
