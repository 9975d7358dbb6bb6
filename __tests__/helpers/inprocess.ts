/**
 * Runs the action in the test's own process through `run()`, the way `dist/index.js` does, but
 * with the waits cut short: retries back off for milliseconds, and every wait that goes through
 * the clock (backoff, Retry-After, polling) lasts a fiftieth of what the action asked for.
 * Deadlines still use the real time, and so does the per-request timeout.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Clock } from '../../src/clock.js'
import type { RetryPolicy } from '../../src/http/retry.js'
import { run } from '../../src/main.js'
import type { Outcome } from '../../src/outcome.js'
import { outputValues } from '../../src/publish/outputs.js'
import { sleep } from '../../src/sleep.js'
import { actionYaml } from '../../scripts/local-runner.ts'

/** As many retries as the action makes, with backoff in milliseconds instead of seconds. */
export const FAST_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 100 }

/** The real time, with every wait `factor` times shorter. */
export function fastClock(factor = 50): Clock {
  return { now: () => Date.now(), sleep: (ms, signal) => sleep(ms / factor, signal) }
}

/**
 * A clock of the run's own: it starts at `start` and moves only when the run waits, by as much as
 * the run asked for, so the waits can be checked to the millisecond. Each wait lasts a `factor`th
 * of that in real time, so a service's state (which follows the real time) moves on meanwhile.
 */
export function virtualClock(start: number, factor = 50): Clock & { waits: number[] } {
  let now = start
  const waits: number[] = []
  return {
    waits,
    now: () => now,
    sleep: async (ms, signal) => {
      waits.push(ms)
      await sleep(ms / factor, signal)
      now += ms
    }
  }
}

export interface InProcessRun {
  /** The exit code the step would end with: 1 when the action called setFailed. */
  code: number
  /** The step's outputs, as the outputs sink would set them. */
  outputs: Record<string, string>
  /** What the action wrote to stdout itself: the workflow commands (add-mask, error). */
  stdout: string
  /** Every line the action logged, as `info: …`, `warning: …` or `debug: …`. */
  log: string[]
  outcome: Outcome
}

export interface InProcessOptions {
  retry?: RetryPolicy
  clock?: Clock
  signal?: AbortSignal
}

/**
 * The input reader the runner gives the action: action.yml defaults applied to what the step
 * leaves out, values trimmed as `core.getInput` does, '' when there is neither.
 */
export function inputReader(inputs: Record<string, string>): (name: string) => string {
  for (const name of Object.keys(inputs)) {
    if (!(name in actionYaml.inputs)) throw new Error(`input '${name}' is not declared in action.yml`)
  }
  return name => (inputs[name] ?? actionYaml.inputs[name]?.default ?? '').trim()
}

/** One run of the action in this process, its outputs and what it printed; nothing is written. */
export async function runInProcess(
  inputs: Record<string, string>,
  options: InProcessOptions = {}
): Promise<InProcessRun> {
  const workspace = mkdtempSync(path.join(tmpdir(), 'gate-inprocess-'))
  const log: string[] = []
  const chunks: string[] = []
  // setSecret and setFailed print workflow commands and set the exit code: keep both to this run
  const write = process.stdout.write
  const exitCode = process.exitCode
  process.exitCode = undefined
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  }) as typeof process.stdout.write
  let code: number
  let outcome: Outcome
  try {
    outcome = await run({
      read: inputReader(inputs),
      env: { GITHUB_WORKSPACE: workspace },
      log: {
        info: m => log.push(`info: ${m}`),
        warning: m => log.push(`warning: ${m}`),
        notice: m => log.push(`notice: ${m}`),
        debug: m => log.push(`debug: ${m}`)
      },
      sinks: [],
      signal: options.signal,
      retry: options.retry ?? FAST_RETRY,
      clock: options.clock ?? fastClock()
    })
    code = Number(process.exitCode ?? 0)
  } finally {
    process.stdout.write = write
    process.exitCode = exitCode
    rmSync(workspace, { recursive: true, force: true })
  }
  return { code, outputs: outputValues(outcome), stdout: chunks.join(''), log, outcome }
}
