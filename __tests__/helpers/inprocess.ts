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
import { run, unexpectedFailure } from '../../src/main.js'
import type { Outcome } from '../../src/outcome.js'
import { outputValues } from '../../src/publish/outputs.js'
import { sleep } from '../../src/sleep.js'
import { forgetSecrets } from '../../src/text.js'
import {
  actionYaml,
  prepareStep,
  finishedStep,
  type ActionRun,
  type RunOptions
} from '../../scripts/local-runner.ts'

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

/** What a run printed and the exit code it set, with the process's stdout, stderr and exit code its own meanwhile. */
async function captured<T>(
  body: () => Promise<T>
): Promise<{ value: T; code: number; stdout: string; stderr: string }> {
  const streams = { stdout: [] as string[], stderr: [] as string[] }
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write }
  const exitCode = process.exitCode
  process.exitCode = undefined
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].write = ((chunk: string | Uint8Array) => {
      streams[name].push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      return true
    }) as typeof process.stdout.write
  }
  try {
    const value = await body()
    return {
      value,
      code: Number(process.exitCode ?? 0),
      stdout: streams.stdout.join(''),
      stderr: streams.stderr.join('')
    }
  } finally {
    process.stdout.write = writes.stdout
    process.stderr.write = writes.stderr
    process.exitCode = exitCode
  }
}

/** One run of the action in this process, its outputs and what it printed; nothing is written. */
export async function runInProcess(
  inputs: Record<string, string>,
  options: InProcessOptions = {}
): Promise<InProcessRun> {
  const workspace = mkdtempSync(path.join(tmpdir(), 'gate-inprocess-'))
  const log: string[] = []
  try {
    const {
      value: outcome,
      code,
      stdout
    } = await captured(() =>
      run({
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
    )
    return { code, outputs: outputValues(outcome), stdout, log, outcome }
  } finally {
    rmSync(workspace, { recursive: true, force: true })
  }
}

function replaceEnv(env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(process.env)) delete process.env[name]
  Object.assign(process.env, env)
}

/**
 * The step `runAction` runs as a child process (`dist/index.js` with INPUT_ variables,
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, the workspace as working directory), run instead from the
 * sources in this process: the same inputs, logging, workflow commands, sinks and files, and the
 * same waits unless `retry` or `clock` say otherwise. What it leaves behind is read the same way,
 * so a test's assertions hold for both. Each run starts as a new process would: no secret
 * registered, no exit code set. Proxy variables are refused: `@actions/github` picks its proxy
 * once, when it is first loaded (and its `context` too, which the action does not use).
 */
export async function runActionInProcess(
  inputs: Record<string, string>,
  options: Pick<RunOptions, 'env' | 'files'> & Omit<InProcessOptions, 'signal'> = {}
): Promise<ActionRun> {
  const proxy = Object.keys(options.env ?? {}).find(name => /^(https?|no)_proxy$/i.test(name))
  if (proxy)
    throw new Error(
      `runActionInProcess: ${proxy} needs the bundle (runAction); Octokit's proxy is set once per process`
    )
  const step = prepareStep(inputs, options.env, options.files)
  const savedEnv = { ...process.env }
  const savedCwd = process.cwd()
  // the run sees the step's environment and nothing else, as the child process does
  replaceEnv(step.env)
  process.chdir(step.workspace)
  forgetSecrets()
  const started = Date.now()
  try {
    const { code, stdout, stderr } = await captured(async () => {
      // what dist/index.js does around run(): an unexpected failure is one error line and exit 1
      await run({ retry: options.retry, clock: options.clock }).catch(err => {
        process.stdout.write(unexpectedFailure(err))
        process.exitCode = 1
      })
    })
    return finishedStep(step, { code, stdout, stderr }, started)
  } finally {
    process.chdir(savedCwd)
    replaceEnv(savedEnv)
    forgetSecrets()
  }
}
