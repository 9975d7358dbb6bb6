/**
 * Text that comes from an API is untrusted: it must not become a workflow command in the log
 * nor HTML, a link or an @-mention in Markdown. Everything printed goes through these.
 */

/**
 * Text with, for each of its UTF-16 units, the span [from, to) of the original text it stands for,
 * so a secret found after the text was transformed can be masked in the original.
 */
interface Traced {
  text: string
  from: number[]
  to: number[]
}

function traced(text: string): Traced {
  const from = Array.from({ length: text.length }, (_, i) => i)
  return { text, from, to: from.map(i => i + 1) }
}

/**
 * String.replace for a global pattern whose matches are never empty, keeping track of origins:
 * each character of a replacement stands for the whole match it replaces.
 */
function replaceTraced(source: Traced, pattern: RegExp, replacement: (match: string) => string): Traced {
  if (source.text.search(pattern) < 0) return source
  const out = { pieces: [] as string[], from: [] as number[], to: [] as number[] }
  const origin = (from: number, to: number) => {
    out.from.push(from)
    out.to.push(to)
  }
  const keep = (start: number, end: number) => {
    out.pieces.push(source.text.slice(start, end))
    for (let i = start; i < end; i++) origin(source.from[i], source.to[i])
  }
  let at = 0
  for (const match of source.text.matchAll(pattern)) {
    keep(at, match.index)
    at = match.index + match[0].length
    const piece = replacement(match[0])
    out.pieces.push(piece)
    for (let i = 0; i < piece.length; i++) origin(source.from[match.index], source.to[at - 1])
  }
  keep(at, source.text.length)
  return { text: out.pieces.join(''), from: out.from, to: out.to }
}

/**
 * Format characters (bidi controls, zero-width characters, BOM, soft hyphen, tags) and other
 * default-ignorable ones are invisible: they can reorder what a reader sees, hide text, or sit
 * between the characters of a command marker, which the runner's culture-aware matching reads
 * through. None is worth keeping in a log line or a summary, so they are removed.
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu
/** Line breaks of every kind and the other control characters; folded into one space. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g
/** In a `u` regex a surrogate class matches only unpaired halves, which no encoder can write. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu

/** Removes what cannot be seen and makes the text one line. */
function fold(text: Traced): Traced {
  const wellFormed = replaceTraced(text, LONE_SURROGATE, () => '\uFFFD')
  return replaceTraced(
    replaceTraced(wellFormed, INVISIBLE, () => ''),
    CONTROL_CHARS,
    () => ' '
  )
}

/**
 * Characters left after fold() that an ICU collator may still give no weight (combining marks and
 * a few fillers), so the runner could read `:\u0301:` as `::`.
 */
const WEIGHTLESS = '[\\p{M}\\u0640\\u180A\\uFE73]*'
const COLON_BEFORE_COLON = new RegExp(`:${WEIGHTLESS}(?=:)`, 'gu')
const HASH_BEFORE_HASH_OR_BRACKET = new RegExp(`#${WEIGHTLESS}(?=[#[])`, 'gu')

/**
 * The runner reads `::name::` at the start of a line and the legacy `##[name]` anywhere in it (see
 * __tests__/helpers/runner-commands.ts for how it parses). A space after every `:` that precedes
 * another `:` and after every `#` that precedes `#` or `[` leaves neither marker, however long the
 * run, and the result has no pair left to break, so this is idempotent. Since no `#` is followed by
 * `#` or `[`, two outputs side by side cannot form `##[` either.
 */
function neutralize(text: Traced): Traced {
  const colons = replaceTraced(text, COLON_BEFORE_COLON, match => `${match} `)
  return replaceTraced(colons, HASH_BEFORE_HASH_OR_BRACKET, match => `${match} `)
}

/** The forms text takes on its way to plain(): as it came, folded, neutralised. */
function stages(text: string): Traced[] {
  const raw = traced(text)
  const folded = fold(raw)
  return [raw, folded, neutralize(folded)]
}

/** Every form a registered secret can take in text this module has folded or neutralised. */
const secrets = new Set<string>()
/** Shorter strings are too common to be secrets; masking them would garble everything. */
const MIN_SECRET_LENGTH = 3

/**
 * Remembers a secret so no text this module produces can carry it, even when a service echoes a
 * key or token back in an error. Masking by the runner is the first line; this is the second.
 * The runner masks the exact value only; this also masks the forms plain() gives it (a secret
 * with a line break, `::` or an invisible character), each line of a multi-line secret, which
 * a service may echo with other line breaks, and each of these without surrounding whitespace.
 */
export function registerSecret(secret: string): void {
  const forms = [...stages(secret).map(stage => stage.text), ...secret.split(/\r\n|\r|\n/)]
  // trimmed too: a service, or this action, may trim a message that starts or ends with a secret
  for (const form of [...forms, ...forms.map(f => f.trim())])
    if (form.trim().length >= MIN_SECRET_LENGTH) secrets.add(form)
}

/** For tests that register many secrets: the action never forgets one. */
export function forgetSecrets(): void {
  secrets.clear()
}

/**
 * Masks every registered secret. Overlapping and nested occurrences (one secret inside another, or
 * `ABA` in `ABABA`) are masked as one span, so no piece of a secret is left beside a mask. Call it
 * before text is shortened: a cut secret is no longer whole, and neither the runner nor this can
 * recognise the piece that is left.
 */
export function redact(text: string, mask = '***'): string {
  return maskSpans(text, merge(occurrences(text)), mask)
}

/** Every string inside a JSON-like value redacted: for files written from API text (the report, SARIF). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map(redactDeep) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v)])) as T
  }
  return value
}

/** Where any form of any registered secret occurs, overlapping occurrences included. */
function occurrences(text: string): Array<[number, number]> {
  const found: Array<[number, number]> = []
  for (const secret of secrets) {
    for (let i = text.indexOf(secret); i >= 0; i = text.indexOf(secret, i + 1))
      found.push([i, i + secret.length])
  }
  return found
}

/** Sorted, with overlapping or touching spans joined. */
function merge(spans: Array<[number, number]>): Array<[number, number]> {
  const merged: Array<[number, number]> = []
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1]
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else merged.push([start, end])
  }
  return merged
}

function maskSpans(text: string, spans: Array<[number, number]>, mask: string): string {
  let out = ''
  let at = 0
  for (const [start, end] of spans) {
    out += `${text.slice(at, start)}${mask}`
    at = end
  }
  return `${out}${text.slice(at)}`
}

/**
 * One line, nothing invisible, no workflow command in either form, bounded length: safe to print
 * on its own, after another plain() result, or after any text that does not end a partial marker.
 */
export function plain(text: unknown, max = 500): string {
  // Secrets are sought in every form the text takes (a zero-width character removed or a line
  // break folded can join a secret's pieces) and masked in the original at once: masking one
  // form before the next is searched could break an occurrence of another secret there and leave
  // its pieces. Then the text is transformed again and only then shortened, so what is cut is
  // already masked. The mask `***` holds no `:`, `#` or `[`, so masking never forms a marker.
  const original = String(text ?? '')
  const forms = stages(original)
  const spans = forms.flatMap(stage =>
    occurrences(stage.text).map(([start, end]): [number, number] => [stage.from[start], stage.to[end - 1]])
  )
  const safe = spans.length ? stages(maskSpans(original, merge(spans), '***'))[2] : forms[2]
  // a last pass for a secret that the mask itself completes (one ending in `*`)
  return redact(shorten(safe.text.trim(), max))
}

/** At most max characters (max ≥ 1), the last an ellipsis when cut; never half a surrogate pair. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, Math.max(0, max - 1))
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`
}

/**
 * For annotation properties (title, file) and step outputs. @actions/core escapes `%`, CR and LF
 * (and `:` and `,` in properties) but knows nothing of the legacy `##[` form or invisible
 * characters. Outputs get this one-line form by decision: a workflow that puts an output into a
 * `run:` script or a log line then gets one line, and no output of this action needs more.
 */
export function commandSafe(text: unknown, max = 1000): string {
  return plain(text, max)
}

/**
 * Markdown's inline punctuation, each shown literally after a backslash (`$` starts math on
 * GitHub), and HTML's, written as references.
 */
const MARKDOWN_SPECIAL = /[&<>"\\`*_{}[\]()#+!|~$]/g
const HTML_SPECIAL: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

/**
 * A zero-width space, written as a character reference. Replacing `@` or `.` by a reference
 * (`&#64;`, `&#46;`) only hides it from what reads the Markdown source: cmark-gfm recognises
 * `www.` and `http://` autolinks there, but finds e-mail autolinks in the rendered text (its
 * autolink extension consolidates text nodes, references decoded, before that pass), and GitHub
 * finds @-mentions in the rendered HTML's text. A zero-width space after the character breaks the
 * pattern in both, and shows nothing; Renovate and Dependabot break mentions the same way.
 * API text cannot forge it: its own `&` is escaped, and its own zero-width spaces are removed.
 */
const BREAK = '&#8203;'

/** What GitHub would link: @-mentions and e-mail addresses, www. and scheme:// autolinks, #1 and GH-1. */
const LINKABLE = /@|www(?=\.)|:(?=\/\/)|\\#(?=\d)|GH-(?=\d)/gi
/** A list marker at the start of a list item or a table cell would start a nested list. */
const LIST_MARKER = /^(?:-|\d+\.)/g

/** Escapes plain() text for Markdown, keeping track of where each character came from. */
function escapeMarkdown(text: string): Traced {
  const escaped = replaceTraced(traced(text), MARKDOWN_SPECIAL, ch => HTML_SPECIAL[ch] ?? `\\${ch}`)
  const listless = replaceTraced(escaped, LIST_MARKER, marker => marker.replace(/[-.]$/, '\\$&'))
  return replaceTraced(listless, LINKABLE, linkable => `${linkable}${BREAK}`)
}

/**
 * Text for a Markdown table cell or paragraph, shown exactly as plain() would show it (zero-width
 * spaces aside): no HTML, emphasis, list, math, link, autolink, @-mention or issue reference, and
 * nothing invisible or reordering. Escaping can complete a registered secret in the source (one
 * with `\*` or `&amp;` in it), so one found there is masked in the text and the text escaped again,
 * rather than masked in the source, where the mask could split an escape.
 */
export function markdown(text: unknown, max = 300): string {
  const shown = plain(text, max)
  const escaped = escapeMarkdown(shown)
  const spans = occurrences(escaped.text).map(([start, end]): [number, number] => [
    escaped.from[start],
    escaped.to[end - 1]
  ])
  return spans.length ? escapeMarkdown(maskSpans(shown, merge(spans), '***')).text : escaped.text
}
