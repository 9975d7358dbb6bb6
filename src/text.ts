/**
 * Text that comes from an API is untrusted: it must not become a workflow command in the log
 * nor HTML, a link or an @-mention in Markdown. Everything printed goes through these.
 */

const secrets = new Set<string>()

/**
 * Remembers a secret so no text this module produces can carry it, even when a service echoes a
 * key or token back in an error. Masking by the runner is the first line; this is the second.
 */
export function registerSecret(secret: string): void {
  if (secret.length >= 3) secrets.add(secret)
}

function redact(text: string): string {
  let out = text
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***')
  return out
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
function fold(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replace(INVISIBLE, '').replace(CONTROL_CHARS, ' ')
}

/**
 * Characters left after fold() that an ICU collator may still give no weight (combining marks and
 * a few fillers), so the runner could read `:\u0301:` as `::`.
 */
const WEIGHTLESS = '[\\p{M}\\u0640\\u180A\\uFE73]*'
const COLON_BEFORE_COLON = new RegExp(`(:${WEIGHTLESS})(?=:)`, 'gu')
const HASH_BEFORE_HASH_OR_BRACKET = new RegExp(`(#${WEIGHTLESS})(?=[#[])`, 'gu')

/**
 * The runner reads `::name::` at the start of a line and the legacy `##[name]` anywhere in it (see
 * __tests__/helpers/runner-commands.ts for how it parses). A space after every `:` that precedes
 * another `:` and after every `#` that precedes `#` or `[` leaves neither marker, however long the
 * run, and the result has no pair left to break, so this is idempotent. Since no `#` is followed by
 * `#` or `[`, two outputs side by side cannot form `##[` either.
 */
function neutralize(text: string): string {
  return text.replace(COLON_BEFORE_COLON, '$1 ').replace(HASH_BEFORE_HASH_OR_BRACKET, '$1 ')
}

/**
 * One line, nothing invisible, no workflow command in either form, bounded length: safe to print
 * on its own or after any text that does not itself end a partial marker (`:`, `#`, `##`).
 */
export function plain(text: unknown, max = 500): string {
  const s = neutralize(fold(redact(String(text ?? '')))).trim()
  // again: folding control characters could have joined the pieces of a secret
  return redact(shorten(s, max))
}

/** At most max characters (max ≥ 1), the last an ellipsis when cut; never half a surrogate pair. */
export function shorten(text: string, max: number): string {
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

const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+!|~>]/g

/** Escapes text for Markdown table cells and paragraphs: no HTML, links, emphasis or mentions. */
export function markdown(text: unknown, max = 300): string {
  const escaped = plain(text, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(MARKDOWN_SPECIAL, ch => `\\${ch}`)
    .replace(/@/g, '&#64;')
    .replace(/(https?):\/\//gi, '$1:&#47;&#47;')
  return redact(escaped)
}
