/**
 * Shared by the "fooled" integration tests (CONTRACT §13): hostile answers built from the
 * emulator's real ones, and the checks every hostile run must pass — no workflow command from API
 * text, no piece of a secret, no Markdown that links, mentions or reorders.
 */
import { expect } from '@jest/globals'
import { readFileSync } from 'node:fs'
import type { EmulatorHandle, RequestLogEntry, World } from '../../emulator/server.ts'
import type { ActionRun } from '../../scripts/local-runner.ts'
import { Cloudneeti, Conformity, accountPath } from '../emulator/helpers.ts'
import { linksAndMentions, renderedText, unescapedSpecials } from '../unit/markdown-text.ts'
import { runnerCommands, type RunnerCommand } from './runner-commands.js'
import { SAMPLE } from './world.js'

export const CN = SAMPLE.cloudneeti
export const CC = SAMPLE.conformity

/**
 * One attack, ending command processing or forging a command, in the disguises the runner still
 * reads as a command (see runner-commands.ts): zero-width and combining characters inside the
 * marker, a long s that upper-cases to S, an extra #, line breaks of every kind, a bidi override.
 */
export const COMMAND_DISGUISES = [
  '##[stop-commands]tok1',
  '#\u200b#[stop-commands]tok2',
  '##\u0301[stop-commands]tok3',
  '##[\u017Ftop-commands]tok4',
  '###[stop-commands]tok5',
  'x\n::stop-commands::tok6',
  'x\r##[set-output name=result;]pass',
  'x\u2028::add-mask::forged',
  '##[error]forged error',
  '\u202e##[warning]reversed'
]

/** The commands the action itself prints, each at the start of its own line. */
const OWN_COMMANDS = new Set(['add-mask', 'error', 'warning', 'notice', 'debug'])

/**
 * The commands the runner would act on in a stdout, checked against what the action may print:
 * only its own `::name::` lines, no legacy `##[` command anywhere, no `stop-commands`, and
 * `::add-mask::` only for the given secrets (when given).
 */
export function expectOnlyOwnCommands(stdout: string, maskable?: readonly string[]): RunnerCommand[] {
  const commands = runnerCommands(stdout)
  expect(commands.filter(c => c.form === '##[')).toEqual([])
  expect(commands.filter(c => c.name === 'stop-commands')).toEqual([])
  expect(commands.filter(c => !OWN_COMMANDS.has(c.name))).toEqual([])
  if (maskable) {
    const masks = commands.filter(c => c.name === 'add-mask').map(c => c.data)
    expect(masks.filter(m => !maskable.includes(m))).toEqual([])
  }
  return commands
}

/** stdout's lines with a 0-based index, for "printed before / after" checks. */
export function lineOf(stdout: string, predicate: (line: string) => boolean): number {
  return stdout.split('\n').findIndex(predicate)
}

/** Everything a run leaves that a person or a later step can read. */
export function everythingPrinted(run: ActionRun): string {
  const reportPath = run.outputs['report-path']
  let report = ''
  try {
    report = reportPath ? readFileSync(reportPath, 'utf8') : ''
  } catch {
    // a run whose report could not be written
  }
  return [
    run.stdout,
    run.stderr,
    run.summary,
    report,
    readFileSync(`${run.workspace}/.github_output`, 'utf8')
  ].join('\n')
}

/**
 * No piece of the secret that a cut could leave: neither the secret nor its first three characters
 * anywhere the run wrote, except the `::add-mask::` line that hands it to the runner.
 */
export function expectNoSecretPrefix(run: ActionRun, secret: string): void {
  const prefix = secret.slice(0, 3)
  const leaks = everythingPrinted(run)
    .split('\n')
    .filter(line => line !== `::add-mask::${secret}`)
    .filter(line => line.includes(prefix))
  expect(leaks).toEqual([])
}

/** The cells of the summary table rows whose first cell is `label` (cells split at unescaped `|`). */
export function summaryRows(summary: string, label?: string): string[][] {
  return summary
    .split('\n')
    .filter(line => line.startsWith('|'))
    .map(line =>
      line
        .slice(1, line.endsWith('|') ? -1 : undefined)
        .split(/(?<!\\)\|/)
        .map(cell => cell.trim())
    )
    .filter(cells => label === undefined || cells[0] === label)
}

/**
 * A piece of the summary that carries API text: nothing in it is Markdown syntax, and what GitHub
 * shows of it links nothing, mentions no one and holds no bidirectional control. Returns the text
 * shown, for checking that the API text is still there to read.
 */
export function expectInertMarkdown(source: string): string {
  expect(unescapedSpecials(source)).toEqual([])
  const shown = renderedText(source)
  expect(linksAndMentions(shown)).toEqual([])
  expect(shown).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/)
  return shown.replace(/\u200b/g, '')
}

/** The requests a fault hit whose pathname (without the query) matches. */
export const faulted = (emu: EmulatorHandle, pattern: RegExp): RequestLogEntry[] =>
  emu.log.filter(e => e.fault && pattern.test(e.path.split('?')[0]))

/** The requests whose pathname (without the query) matches. */
export const requests = (emu: EmulatorHandle, pattern: RegExp): RequestLogEntry[] =>
  emu.log.filter(e => pattern.test(e.path.split('?')[0]))

/** A Cloudneeti answer in its envelope. */
export function cloudneetiBody(result: unknown): string {
  return JSON.stringify({ result, statusCode: 200, message: 'Request Successful' })
}

/** The real answer of a Cloudneeti account endpoint (`/audit/...` or `/compliance/...` below the account). */
export async function cloudneetiReal(
  emu: EmulatorHandle,
  root: 'audit' | 'compliance',
  accountId: string,
  below: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  const cn = new Cloudneeti(emu.url)
  const token = await cn.token({ accountId })
  const res = await cn.get(`${accountPath(root, accountId)}${below}`, token)
  if (res.status !== 200) throw new Error(`${below}: ${res.status} ${res.text}`)
  return res.json
}

/** The real answer of a Conformity GET, with the admin key. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function conformityReal(emu: EmulatorHandle, path: string): Promise<any> {
  const res = await new Conformity(emu.url, CC.keys.admin).get(path)
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`)
  return res.json
}

/** The failing, unsuppressed checks of a Conformity account, as one page the action would read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function conformityFailures(emu: EmulatorHandle, accountId: string): Promise<any> {
  return conformityReal(
    emu,
    `/checks?accountIds=${accountId}&filter[statuses]=FAILURE&filter[suppressed]=false&page[size]=1000`
  )
}

/** Lines of stdout carrying a `::warning::` whose text matches. */
export function warnings(stdout: string, pattern: RegExp): string[] {
  return stdout.split('\n').filter(line => line.startsWith('::warning') && pattern.test(line))
}

/** The error kind the report file recorded. */
export function errorKind(run: ActionRun): string | undefined {
  return (run.report?.error as { kind?: string } | null | undefined)?.kind
}

/** A run that ended in `error`, never a verdict: exit 1, rollback, no gate result. */
export function expectError(run: ActionRun, reason?: RegExp): void {
  expect([run.code, run.outputs.result, run.outputs.decision]).toEqual([1, 'error', 'rollback'])
  expect(run.report).toMatchObject({ result: 'error', decision: 'rollback' })
  if (reason) expect(run.outputs.reason).toMatch(reason)
  // @actions/core escapes `%`, CR and LF in a command's data
  expect(run.stdout).toContain(`::error::${run.outputs.reason.replace(/%/g, '%25')}`)
}

/** A Cloudneeti account of the (first license of the) world, to change its policies or name. */
export function cloudneetiAccount(world: World, accountId: string) {
  return world.cloudneeti!.licenses![0].accounts!.find(a => a.accountId === accountId)!
}

/** A Conformity account of the world. */
export function conformityAccount(world: World, id: string) {
  return world.conformity!.accounts!.find(a => a.id === id)!
}

/** Every bearer token the action sent, in order: the tokens it received and had to mask. */
export function bearerTokens(emu: EmulatorHandle): string[] {
  const tokens = emu.log
    .map(e => String(e.headers.authorization ?? ''))
    .filter(h => h.startsWith('Bearer '))
    .map(h => h.slice('Bearer '.length))
  return [...new Set(tokens)]
}
