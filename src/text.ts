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

const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g

/** One line, no control characters, no `::` that a runner could read as a command, bounded length. */
export function plain(text: unknown, max = 500): string {
  let s = redact(String(text ?? ''))
    .replace(CONTROL_CHARS, ' ')
    // every colon followed by another gets a space, so a run of three or more cannot leave `::`
    .replace(/:(?=:)/g, ': ')
    .trim()
  if (s.length > max) s = `${s.slice(0, max - 1)}…`
  // again: folding control characters could have joined the pieces of a secret
  return redact(s)
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
