/**
 * CONTRACT §13 "Inputs", the two that are warnings and not errors: a plain-http api-url off the
 * loopback, whatever the case of its scheme (`HTTP://`), and a region that an api-url overrides.
 */
import { describe, expect, it } from '@jest/globals'
import { runActionInProcess } from '../helpers/inprocess.js'
import { errorKind, warnings } from '../helpers/hostile.js'
import { conformityInputs, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

describe('warnings, not errors', () => {
  it.each(['HTTP', 'HtTp', 'http'])(
    'api-url %s://example.invalid (not loopback) warns that the key crosses the network unencrypted',
    async scheme => {
      const run = await runActionInProcess(
        conformityInputs(emu.url, {
          'api-url': `${scheme}://example.invalid/v1`,
          timeout: '1',
          'request-timeout': '1'
        })
      )
      expect(run.outputs.result).toBe('error')
      expect(errorKind(run)).not.toBe('input')
      expect(
        warnings(
          run.stdout,
          /^::warning::api-url http:\/\/example\.invalid\/v1 is plain http: the API key crosses/
        )
      ).toHaveLength(1)
    }
  )

  it.each([
    ['HTTP://127.0.0.1', (url: string) => url.replace('http://', 'HTTP://')],
    ['http://localhost', (url: string) => url.replace('127.0.0.1', 'localhost')]
  ])('%s (loopback, any case) gives no plain-http warning and works', async (_name, rewrite) => {
    const run = await runActionInProcess(
      conformityInputs(emu.url, { 'api-url': `${rewrite(emu.url)}/v1`, mode: 'audit' })
    )
    expect(run.outputs.result).toBe('pass')
    expect(warnings(run.stdout, /plain http/)).toEqual([])
  })

  it('a region together with api-url: a warning naming region, and the run goes to api-url', async () => {
    const run = await runActionInProcess(conformityInputs(emu.url, { region: 'eu-west-1', mode: 'audit' }))
    expect(run.outputs.result).toBe('pass')
    expect(warnings(run.stdout, /^::warning::Input 'region' was ignored: api-url is set/)).toHaveLength(1)
    expect(emu.log.length).toBeGreaterThan(0)
  })

  it('a malformed region together with api-url: the same warning, not an error', async () => {
    const run = await runActionInProcess(conformityInputs(emu.url, { region: 'Not A Region', mode: 'audit' }))
    expect(run.outputs.result).toBe('pass')
    expect(warnings(run.stdout, /^::warning::Input 'region' was ignored/)).toHaveLength(1)
  })
})
