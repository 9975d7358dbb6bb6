import { describe, it, expect } from '@jest/globals'
import {
  parseWorld,
  sampleWorld,
  startEmulator,
  WorldValidationError,
  type World
} from '../../emulator/server.ts'

function issuesOf(world: unknown): string[] {
  try {
    parseWorld(world)
  } catch (err) {
    expect(err).toBeInstanceOf(WorldValidationError)
    return (err as WorldValidationError).issues
  }
  throw new Error('expected the world to be rejected')
}

describe('world validation', () => {
  it('accepts the sample world and an empty world (every section has defaults)', () => {
    const sample = parseWorld(sampleWorld())
    expect(sample.timing).toEqual({ pendingSeconds: 0.5, scanSeconds: 3, tokenLifetimeSeconds: 3600 })
    const empty = parseWorld({})
    expect(empty.cloudneeti.licenses).toEqual([])
    expect(empty.conformity.errorKey).toBe('detail')
    expect(empty.timing.pendingSeconds).toBe(0.5)
    expect(parseWorld({ timing: { scanSeconds: 0.3 } }).timing.pendingSeconds).toBe(0.15)
  })

  it('names the bad path of every problem', () => {
    const world = sampleWorld()
    const lic = world.cloudneeti!.licenses![0]!
    delete (lic.apps![0] as { secret?: string }).secret
    lic.accounts![0]!.benchmarks!.CSBP!.after![0]!.passed = 5 // total is 1
    world.conformity!.users![0]!.role = 'OWNER' as 'ADMIN'
    expect(issuesOf(world)).toEqual([
      expect.stringMatching(/^cloudneeti\.licenses\[0\]\.apps\[0\]\.secret: /),
      'cloudneeti.licenses[0].accounts[0].benchmarks.CSBP.after[0].passed: passed must not exceed total',
      expect.stringMatching(/^conformity\.users\[0\]\.role: /)
    ])
  })

  it('rejects unknown keys, broken references and duplicates', () => {
    expect(issuesOf({ timing: { scanSecs: 1 } })).toEqual([expect.stringMatching(/^timing: .*scanSecs/)])
    const world = sampleWorld()
    world.cloudneeti!.licenses![0]!.apps![0]!.scope!.push('not-an-account')
    world.conformity!.users![1]!.apiKeys![0]!.key = 'cc-admin-key'
    world.conformity!.users![3]!.accessList!.push({ account: 'cc-acc-missing', level: 'FULL' })
    expect(issuesOf(world)).toEqual([
      'cloudneeti.licenses[0].apps[0].scope[3]: account "not-an-account" is not in this license',
      'conformity.users[1].apiKeys[0].key: duplicate API key "cc-admin-key"',
      'conformity.users[3].accessList[3].account: unknown account "cc-acc-missing"'
    ])
    expect(issuesOf({ timing: { pendingSeconds: 2, scanSeconds: 1 } })).toEqual([
      'timing.pendingSeconds: pendingSeconds (2) must not exceed scanSeconds (1)'
    ])
  })

  it('takes check tags as key::value only', () => {
    const world = (tags: string[]) => ({
      conformity: {
        accounts: [{ id: 'a', name: 'a', checks: [{ rule: 'S3-001', status: 'FAILURE', risk: 'LOW', tags }] }]
      }
    })
    expect(
      parseWorld(world(['aws:cloudformation:logical-id::MyBucket', 'Empty::'])).conformity.accounts[0]!
        .checks[0]!.tags
    ).toEqual(['aws:cloudformation:logical-id::MyBucket', 'Empty::'])
    expect(issuesOf(world(['Name=x', '::value']))).toEqual([
      'conformity.accounts[0].checks[0].tags[0]: a tag is "key::value"',
      'conformity.accounts[0].checks[0].tags[1]: a tag is "key::value"'
    ])
  })

  it('gives the sample world findings to point at: resources and a CloudFormation logical id', () => {
    const accounts = parseWorld(sampleWorld()).conformity.accounts
    const failing = accounts
      .flatMap(a => [...a.checks, ...(a.checksAfterScan ?? [])])
      .filter(c => c.status === 'FAILURE')
    expect(failing.every(c => c.resource)).toBe(true)
    expect(failing.flatMap(c => c.tags ?? [])).toContain('aws:cloudformation:logical-id::MyBucket')
  })

  it('refuses to start with an invalid world', async () => {
    const world = { conformity: { users: [{ id: 'u' }] } } as unknown as World
    await expect(startEmulator({ world })).rejects.toThrow(/conformity\.users\[0\]\.email/)
  })

  it('returns a fresh sample world on every call', () => {
    const a = sampleWorld()
    a.cloudneeti!.apiKeys!.push('mutated')
    expect(sampleWorld().cloudneeti!.apiKeys).toEqual(['cn-demo-api-key'])
  })
})
