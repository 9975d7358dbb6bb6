/** Runs the bundled action the way the GitHub runner does; shared by the tests, the demo and the benchmark. */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const DIST = path.join(ROOT, 'dist', 'index.js')
const COMPILE_CACHE = path.join(tmpdir(), 'gate-node-compile-cache')

interface ActionYaml {
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: Record<string, unknown>
}

export const actionYaml: ActionYaml = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'))

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** The parsed JSON report at the report-path output, if one was written. */
  report: Record<string, unknown> | undefined
  workspace: string
  durationMs: number
}

export interface RunOptions {
  env?: Record<string, string>
  /** Send this signal after the given delay, as the runner does when a job is cancelled. */
  cancelAfterMs?: number
  /** Files to put in the workspace first, by path relative to it (IaC templates, a waiver file). */
  files?: Record<string, string>
  /** Send the signal once this says so (checked every 50 ms): e.g. once the service saw the wait begin. */
  cancelWhen?: () => boolean
  signal?: NodeJS.Signals
  /** false: start the bundle without Node's compile cache, as the runner does (the benchmark). */
  compileCache?: boolean
}

/** Parses the GITHUB_OUTPUT file format (`name<<delimiter` … `delimiter`). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i])
      outputs[name] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      outputs[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return outputs
}

/**
 * A default as the runner evaluates it: the one expression action.yml uses, `${{ github.token }}`,
 * is the job's token (GITHUB_TOKEN here, empty when the test gives none).
 */
function runnerDefault(value: string | undefined, env: Record<string, string>): string | undefined {
  if (value === undefined || !value.includes('${{')) return value
  if (/^\$\{\{\s*github\.token\s*\}\}$/.test(value)) return env.GITHUB_TOKEN ?? ''
  throw new Error(`action.yml default '${value}' is an expression the local runner does not evaluate`)
}

/** A workspace and the environment the runner gives an action step. */
export interface RunnerStep {
  workspace: string
  env: Record<string, string>
  outputFile: string
  summaryFile: string
}

/**
 * The environment the runner gives `node dist/index.js`: INPUT_ variables (action.yml defaults
 * applied, names upper-cased, hyphens kept), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and friends.
 */
export function prepareStep(
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {},
  files: Record<string, string> = {}
): RunnerStep {
  for (const name of Object.keys(inputs)) {
    if (!(name in actionYaml.inputs)) throw new Error(`input '${name}' is not declared in action.yml`)
  }
  const workspace = mkdtempSync(path.join(tmpdir(), 'gate-run-'))
  const outputFile = path.join(workspace, '.github_output')
  const summaryFile = path.join(workspace, '.step_summary')
  const eventFile = path.join(workspace, '.event.json')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  writeFileSync(eventFile, '{}')

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: workspace,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_API_URL: 'http://127.0.0.1:9',
    ...extraEnv
  }
  for (const [name, spec] of Object.entries(actionYaml.inputs)) {
    const value = inputs[name] ?? runnerDefault(spec.default, env)
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true })
    writeFileSync(path.join(workspace, file), text)
  }
  return { workspace, env, outputFile, summaryFile }
}

/** What a finished step left behind: its outputs, its summary and the report it wrote. */
export function stepResults(step: RunnerStep): Pick<ActionRun, 'outputs' | 'summary' | 'report'> {
  const outputs = parseOutputFile(readFileSync(step.outputFile, 'utf8'))
  const reportPath = outputs['report-path']
  // a report-path that names a directory (a refused input) leaves no report to read
  const report =
    reportPath && existsSync(reportPath) && statSync(reportPath).isFile()
      ? JSON.parse(readFileSync(reportPath, 'utf8'))
      : undefined
  return { outputs, summary: readFileSync(step.summaryFile, 'utf8'), report }
}

/** A finished step as tests read it: how the process ended and what the step left behind. */
export function finishedStep(
  step: RunnerStep,
  ended: Pick<ActionRun, 'code' | 'stdout' | 'stderr'>,
  startedAt: number
): ActionRun {
  return { ...ended, ...stepResults(step), workspace: step.workspace, durationMs: Date.now() - startedAt }
}

/** Runs the bundled action the way the runner does, and collects what it left behind. */
export function runAction(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  const step = prepareStep(inputs, options.env, options.files)
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DIST], {
      cwd: step.workspace,
      // Node keeps the bundle's compiled code between the runs of a test suite (the runner starts
      // each job afresh; only start-up time differs)
      env: options.compileCache === false ? step.env : { ...step.env, NODE_COMPILE_CACHE: COMPILE_CACHE },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    const cancel = (): boolean => child.kill(options.signal ?? 'SIGINT')
    const timer =
      options.cancelAfterMs !== undefined
        ? setTimeout(cancel, options.cancelAfterMs)
        : options.cancelWhen
          ? setInterval(() => {
              if (options.cancelWhen!()) {
                clearInterval(timer)
                cancel()
              }
            }, 50)
          : undefined
    child.on('error', reject)
    child.on('close', code => {
      if (timer) clearInterval(timer)
      resolve(finishedStep(step, { code, stdout, stderr }, started))
    })
  })
}
