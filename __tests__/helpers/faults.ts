import { beforeEach, describe, expect, it } from '@jest/globals'
import type { EmulatorHandle, Fault, World } from '../../emulator/server.ts'
import { runAction } from '../../scripts/local-runner.ts'
import { runInProcess } from './inprocess.js'
import { SAMPLE, cloudneetiInputs, conformityInputs, fastWorld } from './world.js'

/** Every fault of the table, as the emulator injects it. */
export const FAULTS = {
  '429 with Retry-After': {
    status: 429,
    headers: { 'Retry-After': '1' },
    body: '{"message":"Too many requests"}',
    contentType: 'application/json'
  },
  '429 without Retry-After': {
    status: 429,
    // the emulator adds `Retry-After: 1` to a canned 429 unless the fault sets it: an empty one
    // is a header the client cannot read, so it backs off on its own as with no header at all
    headers: { 'Retry-After': '' },
    body: '{"message":"Too many requests"}',
    contentType: 'application/json'
  },
  '500': { status: 500, body: '{"message":"Internal Server Error"}', contentType: 'application/json' },
  '502': { status: 502, action: 'html' },
  '503': { status: 503, body: '{"message":"Service Unavailable"}', contentType: 'application/json' },
  '504': { status: 504, body: '', contentType: 'text/plain' },
  'connection reset': { action: 'reset' },
  'hang past the request timeout': { action: 'hang' },
  'truncated JSON': { action: 'truncate' },
  'HTML body with 200': {
    status: 200,
    contentType: 'text/html',
    body: '<!doctype html><html><body>Please sign in to the proxy</body></html>'
  },
  'empty body': { action: 'empty' },
  'wrong content type': { action: 'wrong-content-type' }
} satisfies Record<string, Omit<Fault, 'method' | 'path'>>

export type FaultName = keyof typeof FAULTS
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[]

/** What a fault on a request that must not be repeated (it creates something) ends in. */
export const RECOVERS_WITHOUT_REPEAT = new Set<FaultName>([
  '429 with Retry-After',
  '429 without Retry-After',
  'wrong content type'
])

export type Mode = 'scan' | 'audit' | 'onboard'

export interface Endpoint {
  name: string
  method: string
  path: string
  mode: Mode
  /** False for requests that create something: only faults the service certainly did not act on recover. */
  repeatable: boolean
}

/** A provider's requests, the inputs of a run in each mode, and the error of a request not repeated. */
export interface ProviderFaults {
  provider: 'cloudneeti' | 'conformity'
  endpoints: Endpoint[]
  inputsFor(url: string, mode: Mode): Record<string, string>
  /** How the one error line of a fault on a request that is not repeated must start. */
  unrepeatableError(url: string): RegExp
}

/** Inputs that keep fault runs quick: hangs end after 1 s, polls are frequent. */
export const FAST = { 'request-timeout': '1', 'poll-interval': '1', timeout: '30' }

const cc = SAMPLE.conformity

export const CLOUDNEETI: ProviderFaults = {
  provider: 'cloudneeti',
  endpoints: [
    { name: 'account token', method: 'POST', path: '/token$', mode: 'scan', repeatable: true },
    { name: 'rescan', method: 'GET', path: '/rescan$', mode: 'scan', repeatable: true },
    { name: 'job status', method: 'GET', path: '/status$', mode: 'scan', repeatable: true },
    { name: 'job report', method: 'GET', path: '/job/.*/summary$', mode: 'scan', repeatable: true },
    {
      name: 'latest report',
      method: 'GET',
      path: '/benchmark/CSBP/summary$',
      mode: 'audit',
      repeatable: true
    },
    {
      name: 'onboard',
      method: 'POST',
      path: '/onboarding/.*/account/aws$',
      mode: 'onboard',
      repeatable: false
    },
    { name: 'scope update', method: 'PUT', path: '/config$', mode: 'onboard', repeatable: true }
  ],
  inputsFor: (url, mode) =>
    cloudneetiInputs(url, {
      ...FAST,
      mode,
      ...(mode === 'onboard'
        ? {
            'onboard-account': JSON.stringify({
              cloudType: 'aws',
              AccountName: 'faulty',
              AWSAccountId: '123456789012',
              AWSRoleName: 'Role'
            })
          }
        : {})
    }),
  unrepeatableError: url =>
    new RegExp(`^Could not onboard the aws account faulty: POST ${url}/onboarding/\\S+ (answered|failed)`)
}

export const CONFORMITY: ProviderFaults = {
  provider: 'conformity',
  endpoints: [
    { name: 'whoami', method: 'GET', path: '/users/whoami$', mode: 'scan', repeatable: true },
    {
      name: 'account',
      method: 'GET',
      path: `/accounts/${cc.accounts.prod}$`,
      mode: 'scan',
      repeatable: true
    },
    { name: 'scan', method: 'POST', path: '/scan$', mode: 'scan', repeatable: true },
    { name: 'checks', method: 'GET', path: '/checks$', mode: 'audit', repeatable: true },
    {
      name: 'external id',
      method: 'GET',
      path: '/organisation/external-id$',
      mode: 'onboard',
      repeatable: true
    },
    { name: 'create account', method: 'POST', path: '/v1/accounts$', mode: 'onboard', repeatable: false }
  ],
  inputsFor: (url, mode) =>
    conformityInputs(url, {
      ...FAST,
      mode,
      ...(mode === 'onboard'
        ? {
            'onboard-account': JSON.stringify({
              cloudType: 'aws',
              name: 'faulty',
              environment: 'test',
              roleArn: 'arn:aws:iam::123456789012:role/CC'
            })
          }
        : {})
    }),
  unrepeatableError: url =>
    new RegExp(`^Could not create the aws account faulty: POST ${url}/v1/accounts (answered|failed)`)
}

export interface Case {
  endpoint: Endpoint
  fault: FaultName
  expected: 'recovers' | 'error'
}

function faultCase(endpoint: Endpoint, fault: FaultName): Case {
  const recovers = endpoint.repeatable || RECOVERS_WITHOUT_REPEAT.has(fault)
  return { endpoint, fault, expected: recovers ? 'recovers' : 'error' }
}

/** Each of these endpoints × each fault. */
export function faultTable(endpoints: Endpoint[]): Case[] {
  return endpoints.flatMap(endpoint => FAULT_NAMES.map(fault => faultCase(endpoint, fault)))
}

/** Chosen pairs: `[endpoint name, fault]`. */
export function faultCases(provider: ProviderFaults, pairs: [string, FaultName][]): Case[] {
  return pairs.map(([name, fault]) => {
    const endpoint = provider.endpoints.find(e => e.name === name)
    if (!endpoint) throw new Error(`${provider.provider} has no endpoint '${name}'`)
    return faultCase(endpoint, fault)
  })
}

/** What a run left that the table compares: the exit code, the outputs, stdout, the error's kind. */
export interface RunResult {
  code: number | null
  outputs: Record<string, string>
  stdout: string
  errorKind: string | undefined
}

export type Runner = (inputs: Record<string, string>) => Promise<RunResult>

/** The bundle in a child process, as the runner starts it: real backoff, real Retry-After waits. */
export const bundleRunner: Runner = async inputs => {
  const run = await runAction(inputs)
  const error = run.report?.error as { kind?: string } | undefined
  return { code: run.code, outputs: run.outputs, stdout: run.stdout, errorKind: error?.kind }
}

/** `run()` in this process, with retries and waits cut short (see inprocess.ts). */
export const inProcessRunner: Runner = async inputs => {
  const run = await runInProcess(inputs)
  return {
    code: run.code,
    outputs: run.outputs,
    stdout: run.stdout,
    errorKind: run.outcome.accounts[0]?.error?.kind ?? run.outcome.error?.kind
  }
}

/** The verdict a fault must not change: the step's end, result, score, failed controls and reason. */
export function verdict(run: RunResult): unknown[] {
  return [run.code, run.outputs.result, run.outputs.score, run.outputs['failed-controls'], run.outputs.reason]
}

export interface FaultSuite {
  provider: ProviderFaults
  emu: EmulatorHandle
  cases: Case[]
  runner: Runner
  /** How the describe block is named: the cases' runner and which of them. */
  title: string
  /** The world every case starts from; the fast sample world by default. */
  world?: () => World
  /** What makes the clean run of each mode; the cases' runner by default. */
  cleanRunner?: Runner
  /** Another way to run the action that must reach the same verdict in every faulted run. */
  agreesWith?: Runner
}

/**
 * The sample world with scans that end in 30 ms: a run in process takes about as long as its
 * scan and first poll, and the table is 156 runs.
 */
export function quickWorld(): World {
  return fastWorld(w => (w.timing = { pendingSeconds: 0.01, scanSeconds: 0.03, tokenLifetimeSeconds: 3600 }))
}

/**
 * Each case, once: the fault hits its request exactly once, and the run recovers to the clean
 * run's verdict or (for a request that must not be repeated) ends in one classified error line
 * naming the request. The clean run of each mode is made once. With `agreesWith`, each faulted
 * run is made again by that runner too, which must reach the same verdict and error kind.
 */
export function describeFaultTable(suite: FaultSuite): void {
  const { emu, provider, runner } = suite
  const world = suite.world ?? (() => fastWorld())
  const fresh = (): void => {
    emu.setWorld(world())
    emu.log.length = 0
  }

  /** Runs with the fault in place; with `agreesWith`, again, and compares. */
  async function faulted(mode: Mode, fault: Fault): Promise<RunResult> {
    const inputs = provider.inputsFor(emu.url, mode)
    emu.addFault(fault)
    const run = await runner(inputs)
    expect(emu.log.filter(e => e.fault).length).toBe(1)
    if (suite.agreesWith) {
      fresh()
      emu.addFault(fault)
      const again = await suite.agreesWith(inputs)
      expect(emu.log.filter(e => e.fault).length).toBe(1)
      expect([...verdict(again), again.errorKind]).toEqual([...verdict(run), run.errorKind])
    }
    return run
  }

  const baselines = new Map<Mode, RunResult>()
  async function baseline(mode: Mode): Promise<RunResult> {
    const clean = suite.cleanRunner ?? runner
    if (!baselines.has(mode)) baselines.set(mode, await clean(provider.inputsFor(emu.url, mode)))
    fresh()
    return baselines.get(mode)!
  }

  describe(suite.title, () => {
    beforeEach(() => emu.setWorld(world()))
    it.each(suite.cases.map(c => [c.endpoint.name, c.fault, c.expected, c] as const))(
      '%s + %s → %s',
      async (_name, fault, expected, { endpoint }) => {
        const clean = await baseline(endpoint.mode)
        expect(clean.outputs.result).toMatch(/^(pass|fail)$/)
        const run = await faulted(endpoint.mode, {
          method: endpoint.method,
          path: endpoint.path,
          ...FAULTS[fault]
        })
        if (expected === 'recovers') {
          expect(verdict(run)).toEqual(verdict(clean))
        } else {
          expect([run.code, run.outputs.result, run.outputs.decision]).toEqual([1, 'error', 'rollback'])
          expect(run.outputs.reason).toMatch(provider.unrepeatableError(emu.url))
          expect(run.stdout).toContain(`::error::${run.outputs.reason}`)
          expect(['api', 'network', 'bad-response']).toContain(run.errorKind)
        }
      }
    )
  })
}
