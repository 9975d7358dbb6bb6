import { describe, expect, it } from '@jest/globals'
import type { EmulatorHandle, Fault } from '../../emulator/server.ts'
import { runAction, type ActionRun } from '../../scripts/local-runner.ts'
import { fastWorld } from './world.js'

/** Every fault of the table, as the emulator injects it. */
export const FAULTS: Record<string, Omit<Fault, 'method' | 'path'>> = {
  '429 with Retry-After': {
    status: 429,
    headers: { 'Retry-After': '1' },
    body: '{"message":"Too many requests"}',
    contentType: 'application/json'
  },
  '429 without Retry-After': {
    status: 429,
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
}

/** What a fault on a request that must not be repeated (it creates something) ends in. */
export const RECOVERS_WITHOUT_REPEAT = new Set([
  '429 with Retry-After',
  '429 without Retry-After',
  'wrong content type'
])

export interface Endpoint {
  name: string
  method: string
  path: string
  mode: 'scan' | 'audit' | 'onboard'
  /** False for requests that create something: only faults the service certainly did not act on recover. */
  repeatable: boolean
}

export type Case = [endpoint: string, fault: string, expect: 'recovers' | 'error', endpointSpec: Endpoint]

export function faultTable(endpoints: Endpoint[]): Case[] {
  const cases: Case[] = []
  for (const endpoint of endpoints) {
    for (const fault of Object.keys(FAULTS)) {
      const recovers = endpoint.repeatable || RECOVERS_WITHOUT_REPEAT.has(fault)
      cases.push([endpoint.name, fault, recovers ? 'recovers' : 'error', endpoint])
    }
  }
  return cases
}

/** Inputs that keep fault runs quick: hangs end after 1 s, polls are frequent. */
export const FAST = { 'request-timeout': '1', 'poll-interval': '1', timeout: '30' }

export interface FaultSuite {
  provider: string
  emu: EmulatorHandle
  endpoints: Endpoint[]
  inputsFor(mode: Endpoint['mode']): Record<string, string>
  /** How the one error line of a fault on a request that is not repeated must start. */
  unrepeatableError(): RegExp
}

/**
 * Each endpoint × each fault, once: the run recovers to the clean run's verdict, or (for a
 * request that must not be repeated) ends in one classified error line naming the request.
 */
export function describeFaultTable(suite: FaultSuite): void {
  const { emu } = suite
  const baselines = new Map<string, ActionRun>()
  async function baseline(mode: Endpoint['mode']): Promise<ActionRun> {
    if (!baselines.has(mode)) baselines.set(mode, await runAction(suite.inputsFor(mode)))
    emu.setWorld(fastWorld())
    emu.log.length = 0
    return baselines.get(mode)!
  }

  describe(`${suite.provider} under faults`, () => {
    it.each(faultTable(suite.endpoints))('%s + %s → %s', async (_name, fault, expected, endpoint) => {
      const clean = await baseline(endpoint.mode)
      expect(clean.outputs.result).toMatch(/^(pass|fail)$/)
      emu.addFault({ method: endpoint.method, path: endpoint.path, ...FAULTS[fault] })
      const run = await runAction(suite.inputsFor(endpoint.mode))
      expect(emu.log.filter(e => e.fault).length).toBe(1)
      if (expected === 'recovers') {
        const verdict = (r: ActionRun) => [
          r.code,
          r.outputs.result,
          r.outputs.score,
          r.outputs['failed-controls'],
          r.outputs.reason
        ]
        expect(verdict(run)).toEqual(verdict(clean))
      } else {
        expect([run.code, run.outputs.result, run.outputs.decision]).toEqual([1, 'error', 'rollback'])
        expect(run.outputs.reason).toMatch(suite.unrepeatableError())
        expect(run.stdout).toContain(`::error::${run.outputs.reason}`)
        expect(['api', 'network', 'bad-response']).toContain((run.report?.error as { kind: string }).kind)
      }
    })
  })
}
