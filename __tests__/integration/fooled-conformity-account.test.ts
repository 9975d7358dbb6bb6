/**
 * CONTRACT §13 "Not what was asked for": a Conformity account object whose id is not the account
 * asked for is an error, whenever it comes (the first read, a poll while the bot runs), in either
 * accepted shape (an object, a one-element array).
 */
import { describe, expect, it } from '@jest/globals'
import { runActionInProcess } from '../helpers/inprocess.js'
import { CC, conformityReal, errorKind, expectError, requests } from '../helpers/hostile.js'
import { conformityInputs, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
const { prod: PROD, dev: DEV } = CC.accounts

describe('an account object of another account', () => {
  async function otherAccount(asArray = false): Promise<string> {
    const dev = await conformityReal(emu, `/accounts/${DEV}`)
    return JSON.stringify(asArray ? { data: [dev.data] } : dev)
  }

  it.each([
    ['scan', false],
    ['audit', false],
    ['audit', true]
  ])(
    'mode %s (as an array: %s): GET /accounts/prod answers dev → error before any check is read',
    async (mode, asArray) => {
      emu.addFault({ method: 'GET', path: `/accounts/${PROD}$`, body: await otherAccount(asArray), times: 0 })
      const run = await runActionInProcess(conformityInputs(emu.url, { mode }))
      expectError(run, new RegExp(`request for account ${PROD} with account ${DEV}`))
      expect(errorKind(run)).toBe('bad-response')
      expect(requests(emu, /\/checks$/)).toEqual([])
      expect(requests(emu, /\/scan$/)).toEqual([])
    }
  )

  it('the right account at first, another one while the bot runs → error, no verdict', async () => {
    emu.addFault({
      method: 'GET',
      path: `/accounts/${PROD}$`,
      body: await otherAccount(),
      after: 1,
      times: 0
    })
    const run = await runActionInProcess(conformityInputs(emu.url))
    expectError(run, new RegExp(`with account ${DEV}`))
    expect(requests(emu, /\/scan$/)).toHaveLength(1)
    expect(requests(emu, /\/checks$/)).toEqual([])
  })

  it('the real account with only its id changed → error', async () => {
    const real = await conformityReal(emu, `/accounts/${PROD}`)
    real.data.id = `${PROD}-2`
    emu.addFault({ method: 'GET', path: `/accounts/${PROD}$`, body: JSON.stringify(real), times: 0 })
    const run = await runActionInProcess(conformityInputs(emu.url, { mode: 'audit' }))
    expectError(run, new RegExp(`with account ${PROD}-2`))
  })
})
