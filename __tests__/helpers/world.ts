import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import { SAMPLE, sampleWorld, startEmulator, type EmulatorHandle, type World } from '../../emulator/server.ts'

export { SAMPLE }
export { expectedCloudneetiScore, expectedConformity } from '../../scripts/expected.ts'

/** The sample world with scans fast enough for tests. */
export function fastWorld(mutate?: (world: World) => void): World {
  const world = sampleWorld()
  world.timing = { pendingSeconds: 0.1, scanSeconds: 0.4, tokenLifetimeSeconds: 3600 }
  mutate?.(world)
  return world
}

/**
 * One emulator for the test file, reset before each test to the fast sample world with no
 * faults and an empty log. The handle is usable in tests and hooks declared after this call.
 */
export function useEmulator(): EmulatorHandle {
  let handle: EmulatorHandle | undefined
  beforeAll(async () => {
    handle = await startEmulator({ world: fastWorld(), port: 0 })
  })
  afterAll(() => handle?.close())
  beforeEach(() => {
    handle!.setWorld(fastWorld())
    handle!.clearFaults()
    handle!.log.length = 0
  })
  return new Proxy({} as EmulatorHandle, {
    get(_target, key) {
      if (!handle) throw new Error('the emulator is used before beforeAll started it')
      const value = Reflect.get(handle, key)
      return typeof value === 'function' ? value.bind(handle) : value
    }
  })
}

export function cloudneetiInputs(url: string, extra: Record<string, string> = {}): Record<string, string> {
  const cn = SAMPLE.cloudneeti
  return {
    provider: 'cloudneeti',
    'api-url': url,
    'api-key': cn.apiKey,
    'application-id': cn.appId,
    'application-secret': cn.appSecret,
    'license-id': cn.licenseId,
    'account-id': cn.accounts.prodAws,
    'poll-interval': '1',
    timeout: '20',
    ...extra
  }
}

export function conformityInputs(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    provider: 'conformity',
    'api-url': `${url}/v1`,
    'api-key': SAMPLE.conformity.keys.admin,
    'account-id': SAMPLE.conformity.accounts.prod,
    'poll-interval': '1',
    timeout: '20',
    ...extra
  }
}
