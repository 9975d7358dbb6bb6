/**
 * CONTRACT §2, §13 "Inputs": inputs that cannot work are input errors that name the input, through
 * the bundle and before ANY request (the emulator's log stays empty). Two are warnings, not errors:
 * a plain-http api-url off the loopback (whatever the case of its scheme), and a region that an
 * api-url overrides.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import { errorKind, expectError } from '../helpers/hostile.js'
import { cloudneetiInputs, conformityInputs, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

type Inputs = (url: string, extra?: Record<string, string>) => Record<string, string>
const cloudneeti: Inputs = cloudneetiInputs
const conformity: Inputs = conformityInputs

describe('input errors before any request', () => {
  it.each<[string, Inputs, (url: string) => Record<string, string>, string]>([
    ['poll-interval 0', cloudneeti, () => ({ 'poll-interval': '0' }), 'poll-interval'],
    ['poll-interval 0.5', conformity, () => ({ 'poll-interval': '0.5' }), 'poll-interval'],
    ['request-timeout 601', cloudneeti, () => ({ 'request-timeout': '601' }), 'request-timeout'],
    ['request-timeout 0', conformity, () => ({ 'request-timeout': '0' }), 'request-timeout'],
    ['request-timeout 0.5', conformity, () => ({ 'request-timeout': '0.5' }), 'request-timeout'],
    ['api-url with a query', cloudneeti, url => ({ 'api-url': `${url}?tenant=a` }), 'api-url'],
    ['api-url with an empty query', cloudneeti, url => ({ 'api-url': `${url}/?` }), 'api-url'],
    ['api-url with a fragment', conformity, url => ({ 'api-url': `${url}/v1#frag` }), 'api-url'],
    ['api-url with an empty fragment', conformity, url => ({ 'api-url': `${url}/v1#` }), 'api-url'],
    ['api-key with a line break inside', conformity, () => ({ 'api-key': 'cc-admin\nZq7Kx9Pm' }), 'api-key'],
    [
      'api-key with a non-Latin-1 character',
      conformity,
      () => ({ 'api-key': 'cc-admin\u2013key' }),
      'api-key'
    ],
    ['api-key with an emoji', cloudneeti, () => ({ 'api-key': 'cn-demo-api-key\u{1F511}' }), 'api-key'],
    ['api-key with a DEL', cloudneeti, () => ({ 'api-key': 'cn-demo\u007fapi-key' }), 'api-key'],
    [
      'application-secret with a line break inside',
      cloudneeti,
      () => ({ 'application-secret': 'cn-demo-app\r\nWn6Rt8Ys' }),
      'application-secret'
    ],
    [
      'application-secret with a non-Latin-1 character',
      cloudneeti,
      () => ({ 'application-secret': 'cn-demo-app-s\u0113cret' }),
      'application-secret'
    ],
    ['benchmark ..', cloudneeti, () => ({ benchmark: '..' }), 'benchmark'],
    ['benchmark .', cloudneeti, () => ({ benchmark: '.' }), 'benchmark'],
    ['benchmark ... (still only dots)', cloudneeti, () => ({ benchmark: '...' }), 'benchmark'],
    ['Conformity benchmark ..', conformity, () => ({ benchmark: '..' }), 'benchmark'],
    ['benchmark with a slash', cloudneeti, () => ({ benchmark: 'CSBP/../PCI3_2' }), 'benchmark'],
    [
      'report-path naming a directory (trailing slash)',
      conformity,
      () => ({ 'report-path': 'reports/' }),
      'report-path'
    ],
    [
      'region neither AWS-style nor Cloud One, no api-url',
      conformity,
      () => ({ 'api-url': '', region: 'evil.example#' }),
      'region'
    ]
  ])('%s → an error naming the input, no request', async (_name, inputs, extra, input) => {
    const run = await runActionInProcess(inputs(emu.url, extra(emu.url)))
    expectError(run, new RegExp(`^Input '${input}' `))
    expect(errorKind(run)).toBe('input')
    expect(emu.log).toEqual([])
  })

  it('an api-key with a line break is not printed in the error, not even in part', async () => {
    // this case through the bundle, as the runner runs it; the others in process
    const run = await runAction(conformityInputs(emu.url, { 'api-key': 'Zq7Kx9Pm2V\nb4Wn6Rt8Ys' }))
    expectError(
      run,
      /^Input 'api-key' has a character an HTTP header cannot carry \(U\+000A at position 11\)/
    )
    expect(run.stdout.split('\n').filter(l => /Zq7|b4W/.test(l) && !l.startsWith('::add-mask::'))).toEqual([])
    expect(emu.log).toEqual([])
  })
})
