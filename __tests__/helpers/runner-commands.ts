/**
 * The workflow commands the GitHub runner would recognise in a step's stdout: a test oracle for
 * "API text never becomes a command". Modelled on actions/runner (main, read 2026-08, commit 258d6c8):
 *
 * - src/Runner.Sdk/ProcessInvoker.cs reads stdout with StreamReader.ReadLine, so a line ends at
 *   "\n", "\r" or "\r\n"; src/Runner.Worker/Handlers/OutputManager.cs gives every line that contains
 *   "##[" or "::" to ActionCommandManager.TryProcessCommand, which tries TryParseV2, then TryParse.
 * - src/Runner.Common/ActionCommand.cs, TryParseV2: after TrimStart() the line must start with "::";
 *   the command runs from there to the next "::", its name up to the first space.
 * - ActionCommand.TryParse, the legacy form: "##[" ANYWHERE in the line; the name runs from just
 *   after it to the first space before the next "]"; the data is what follows "]".
 * - src/Runner.Worker/ActionCommandManager.cs registers "stop-commands" and the extensions listed in
 *   RUNNER_COMMAND_NAMES in a HashSet with StringComparer.OrdinalIgnoreCase; the data of a
 *   stop-commands command is registered too, as the token that resumes processing.
 * - StartsWith("::"), IndexOf("::") and IndexOf("##[") use the culture-sensitive overloads. On
 *   .NET 5+ with ICU these skip characters without collation weight (controls, format characters,
 *   many combining marks; see "Behavior changes when comparing strings on .NET 5+" on
 *   learn.microsoft.com). The runner then cuts the name out at fixed offsets, so such characters
 *   mostly break a command, but this model reads "::" and "##[" through them anyway, and also
 *   trims them at the start of a line: it errs towards finding a command, the safe side for an
 *   oracle. Whitespace is not skipped (only CompareOptions.IgnoreSymbols would skip it).
 */

/** Every command the runner registers (internal-set-repo-path only while a runner plugin runs). */
export const RUNNER_COMMAND_NAMES: readonly string[] = [
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'internal-set-repo-path',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning'
]

export interface RunnerCommand {
  /** 0-based index of the line in the output */
  line: number
  form: '::' | '##['
  /** the registered name it matched (as registered: lower case, or the stop token) */
  name: string
  data: string
}

/** Characters an ICU collator may give no weight to (a superset, on purpose). */
const WEIGHTLESS = '[\\p{Cc}\\p{Cf}\\p{M}\\p{Default_Ignorable_Code_Point}\\u0640\\u180A\\uFE73]'
/** .NET's Char.IsWhiteSpace, which TrimStart() removes, plus anything weightless. */
const LEADING = new RegExp(`^(?:[\\s\\u0085]|${WEIGHTLESS})*`, 'u')
const V2_MARKER = new RegExp(`:${WEIGHTLESS}*:`, 'u')
/** Lookahead, so overlapping runs such as `##[##[` or `###[` yield every start. */
const LEGACY_MARKER = new RegExp(`(?=(#${WEIGHTLESS}*#${WEIGHTLESS}*\\[))`, 'gu')

/** OrdinalIgnoreCase upper-cases char by char, so `ſ` and `ı` match `S` and `I`; so does this. */
function sameName(a: string, b: string): boolean {
  const fold = (s: string) => [...s].map(ch => ch.toUpperCase()).join('')
  return a.length === b.length && fold(a) === fold(b)
}

/** The registered name a command's info part (up to its first space) starts with, if any. */
function registeredName(info: string, names: readonly string[]): string | undefined {
  const space = info.indexOf(' ')
  const written = space < 0 ? info : info.slice(0, space)
  return names.find(name => sameName(name, written))
}

function v2Command(line: string, names: readonly string[]): Omit<RunnerCommand, 'line'> | undefined {
  const trimmed = line.replace(LEADING, '')
  const start = V2_MARKER.exec(trimmed)
  if (!start || start.index !== 0) return undefined
  const rest = trimmed.slice(start[0].length)
  const end = V2_MARKER.exec(rest)
  if (!end) return undefined
  const name = registeredName(rest.slice(0, end.index), names)
  return name === undefined ? undefined : { form: '::', name, data: rest.slice(end.index + end[0].length) }
}

function legacyCommands(line: string, names: readonly string[]): Array<Omit<RunnerCommand, 'line'>> {
  const found: Array<Omit<RunnerCommand, 'line'>> = []
  for (const match of line.matchAll(LEGACY_MARKER)) {
    const after = line.slice(match.index + match[1].length)
    const close = after.indexOf(']')
    if (close < 0) continue
    const name = registeredName(after.slice(0, close), names)
    if (name !== undefined) found.push({ form: '##[', name, data: after.slice(close + 1) })
  }
  return found
}

/**
 * The commands in a stdout string, in both forms, line by line. The runner acts on the first form
 * that parses; this lists every candidate, and, like the runner, adds each stop-commands token to
 * the names it looks for in later lines.
 */
export function runnerCommands(
  stdout: string,
  names: readonly string[] = RUNNER_COMMAND_NAMES
): RunnerCommand[] {
  const known = [...names]
  const found: RunnerCommand[] = []
  stdout.split(/\r\n|\r|\n/).forEach((text, line) => {
    const v2 = v2Command(text, known)
    for (const command of [...(v2 ? [v2] : []), ...legacyCommands(text, known)]) {
      found.push({ line, ...command })
      if (command.name === 'stop-commands' && command.data) known.push(command.data)
    }
  })
  return found
}
