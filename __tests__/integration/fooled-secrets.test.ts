/**
 * CONTRACT §6, §13 "Secrets are redacted before any text is shortened": a service that echoes the
 * api-key, a token or a secret of onboard-account in an error body, placed so that a cut (200
 * characters of a non-JSON body, 300 of a service message, 120 in a retry line, 60 of a content
 * type) would fall inside it, must not get any piece of it printed: not in stdout, the outputs, the
 * summary or the report. The secrets here are distinctive, so three characters of one are a leak.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import { CC, CN, cloudneetiBody, expectError, expectNoSecretPrefix, faulted } from '../helpers/hostile.js'
import { cloudneetiInputs, conformityInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

const CC_KEY = 'Zq7Kx9Pm2Vb4Wn6Rt8Ys3Lh'
const CN_KEY = 'Qf5Hy8Nc1Bv3Mx6Lk9Jp4Dw'
const CN_SECRET = 'Gu2Ea7Tz5Ro3Wi9Sy1Fk8Hm'
const TOKEN = 'Tk9Qw3Er5Ty7Ui1Op2As4Df6Gh8Jk'
const EXTERNAL_ID = 'Xe4Vr6Bn8Mq1Wz3Ct5Yg7Pl'

/** The sample world with these secrets in place of the sample keys. */
function secretWorld() {
  return fastWorld(w => {
    w.conformity!.users!.find(u => u.id === 'usr-admin')!.apiKeys![0].key = CC_KEY
    w.cloudneeti!.apiKeys = [CN_KEY]
    w.cloudneeti!.licenses![0].apps![0].secret = CN_SECRET
  })
}

const ccInputs = (extra: Record<string, string> = {}) =>
  conformityInputs(emu.url, { 'api-key': CC_KEY, mode: 'audit', ...extra })
const cnInputs = (extra: Record<string, string> = {}) =>
  cloudneetiInputs(emu.url, { 'api-key': CN_KEY, 'application-secret': CN_SECRET, ...extra })

/** A body of `offset` filler characters, the secret, and more filler: the cut falls where the test wants. */
const padded = (secret: string, offset: number) => `${'e'.repeat(offset)}${secret}${' and more'.repeat(10)}`

describe('a non-JSON error body (quoted up to 200 characters) echoing a secret across the cut', () => {
  it.each([178, 185, 190, 195, 197, 198, 199, 200, 201])(
    'Conformity api-key at offset %i of a text/plain 400: no piece of it printed',
    async offset => {
      emu.setWorld(secretWorld())
      emu.addFault({
        method: 'GET',
        path: '/users/whoami$',
        status: 400,
        contentType: 'text/plain',
        body: padded(CC_KEY, offset)
      })
      const run = await runActionInProcess(ccInputs())
      expectError(run, /answered 400: "e{20,}/)
      expectNoSecretPrefix(run, CC_KEY)
    }
  )

  it.each([190, 197, 199])(
    'a Cloudneeti token received from the service and echoed at offset %i: no piece of it printed',
    async offset => {
      emu.setWorld(secretWorld())
      emu.addFault([
        { method: 'POST', path: '/token$', body: cloudneetiBody({ token: TOKEN }) },
        {
          method: 'GET',
          path: '/rescan$',
          status: 400,
          contentType: 'text/plain',
          body: padded(TOKEN, offset)
        }
      ])
      const run = await runActionInProcess(cnInputs())
      expectError(run, /answered 400/)
      expect(run.stdout).toContain(`::add-mask::${TOKEN}`)
      expectNoSecretPrefix(run, TOKEN)
    }
  )

  it('the api-key and the application secret echoed side by side across the cut: neither printed', async () => {
    emu.setWorld(secretWorld())
    emu.addFault({
      method: 'POST',
      path: '/token$',
      status: 400,
      contentType: 'text/html; charset=utf-8',
      body: `${'e'.repeat(180)}${CN_KEY}${CN_SECRET} is not a valid pair`
    })
    // this case through the bundle, as the runner runs it; the others in process
    const run = await runAction(cnInputs())
    expectError(run, /answered 400/)
    expectNoSecretPrefix(run, CN_KEY)
    expectNoSecretPrefix(run, CN_SECRET)
  })

  it('a secret echoed with a zero-width space inside, across the cut: still recognised, not printed', async () => {
    emu.setWorld(secretWorld())
    const broken = `${CC_KEY.slice(0, 6)}\u200b${CC_KEY.slice(6)}`
    emu.addFault({
      method: 'GET',
      path: '/users/whoami$',
      status: 400,
      contentType: 'text/plain',
      body: padded(broken, 190)
    })
    const run = await runActionInProcess(ccInputs())
    expectError(run, /answered 400/)
    expectNoSecretPrefix(run, CC_KEY)
  })

  it('an onboard-account externalId echoed in a 422 across the cut: not printed', async () => {
    emu.setWorld(secretWorld())
    emu.addFault({
      method: 'POST',
      path: '/accounts$',
      status: 422,
      contentType: 'text/plain',
      body: padded(EXTERNAL_ID, 196)
    })
    const run = await runActionInProcess(
      ccInputs({
        mode: 'onboard',
        'account-id': '',
        'onboard-account': JSON.stringify({
          cloudType: 'aws',
          name: 'new',
          environment: 'prod',
          roleArn: 'arn:aws:iam::123456789012:role/Conformity',
          externalId: EXTERNAL_ID
        })
      })
    )
    expectError(run, /answered 422/)
    expectNoSecretPrefix(run, EXTERNAL_ID)
  })
})

describe('other cuts: a service message (300), a retry line (120), a content type (60)', () => {
  it.each([290, 297, 299])(
    'a JSON error message with the api-key at offset %i: not printed',
    async offset => {
      emu.setWorld(secretWorld())
      emu.addFault({
        method: 'GET',
        path: '/users/whoami$',
        status: 400,
        body: JSON.stringify({ errors: [{ status: 400, detail: padded(CC_KEY, offset) }] })
      })
      const run = await runActionInProcess(ccInputs())
      expectError(run, /answered 400/)
      expectNoSecretPrefix(run, CC_KEY)
    }
  )

  it('503 messages with the api-key at offsets 110 and 117 in retry lines: the run recovers, nothing printed', async () => {
    emu.setWorld(secretWorld())
    emu.addFault(
      [110, 117].map(offset => ({
        method: 'GET',
        path: `/accounts/${CC.accounts.prod}$`,
        status: 503,
        body: JSON.stringify({ errors: [{ status: 503, detail: padded(CC_KEY, offset) }] })
      }))
    )
    const run = await runActionInProcess(ccInputs())
    expect(run.outputs.result).toBe('pass')
    expect(faulted(emu, /./)).toHaveLength(2)
    expect(run.stdout.split('\n').filter(l => /retry \d of/.test(l))).toHaveLength(2)
    expectNoSecretPrefix(run, CC_KEY)
  })

  it('a 200 that is not JSON, its content type carrying the api-key across 60 characters: not printed', async () => {
    emu.setWorld(secretWorld())
    emu.addFault({
      method: 'GET',
      path: '/users/whoami$',
      status: 200,
      contentType: `text/plain; charset=utf-8; profile=${'e'.repeat(20)}${CC_KEY}`,
      body: 'Please sign in',
      times: 0
    })
    const run = await runActionInProcess(ccInputs())
    expectError(run, /not JSON \(text\/plain/)
    expectNoSecretPrefix(run, CC_KEY)
  })

  it('Cloudneeti: the api-key in an APIM 401 message and a job status: not printed', async () => {
    emu.setWorld(secretWorld())
    emu.addFault([
      { method: 'GET', path: '/status$', body: cloudneetiBody({ jobStatus: padded(CN_KEY, 3903) }) },
      {
        method: 'GET',
        path: '/summary$',
        status: 401,
        body: JSON.stringify({ statusCode: 401, message: `Access denied: ${padded(CN_KEY, 280)}` }),
        times: 2
      }
    ])
    const run = await runActionInProcess(cnInputs({ 'account-id': CN.accounts.prodAws }))
    expectError(run, /answered 401/)
    expectNoSecretPrefix(run, CN_KEY)
  })
})
