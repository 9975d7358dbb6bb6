import { plain, redact } from '../text.js'

/** How much of a body that is not JSON is worth quoting in an error. */
const MAX_BODY_QUOTE = 200

/**
 * The service's own words from an error body, whatever key it puts them under, with registered
 * secrets masked. A body that is not JSON is quoted in part, so it goes through plain(), which
 * masks secrets (also in the forms folding gives them) before it shortens: cutting first could
 * leave the start of a secret that no longer matches it, and so would be printed.
 */
export function serviceMessage(body: unknown, text: string): string | undefined {
  const found = findMessage(body)
  if (found) return redact(found)
  if (!text.trim()) return undefined
  if (/<html|<!doctype/i.test(text)) return 'an HTML error page'
  // not trimmed first: plain() trims after masking, and trimming could cut a secret's edge
  return plain(text, MAX_BODY_QUOTE)
}

const MESSAGE_KEYS = ['message', 'Message', 'detail', 'details', 'title', 'error_description', 'error']

function findMessage(body: unknown, depth = 0): string | undefined {
  if (depth > 3 || body === null || typeof body !== 'object') return undefined
  if (Array.isArray(body)) {
    const parts = body.map(item => findMessage(item, depth + 1)).filter((m): m is string => !!m)
    return parts.length ? parts.join('; ') : undefined
  }
  const record = body as Record<string, unknown>
  for (const key of MESSAGE_KEYS) {
    const value = record[key]
    if (typeof value === 'string' && value.trim()) return value.trim()
  }
  if (record.errors !== undefined) return findMessage(record.errors, depth + 1)
  return undefined
}

const SECRET_PARAM = /(key|token|secret|password|signature|sig|code)/i

/**
 * A URL fit to print: no user info, no fragment (OAuth puts tokens there), query values whose
 * names look secret replaced, registered secrets masked. A URL that does not parse gets the same
 * by pattern rather than being printed as it came.
 */
export function redactUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return redact(maskQuery(raw.replace(/#.*$/s, '')))
  }
  url.username = ''
  url.password = ''
  url.hash = ''
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) url.searchParams.set(name, '***')
  }
  return redact(readable(url.toString()))
}

function maskQuery(raw: string): string {
  return raw.replace(/([?&])([^=&]*)=([^&]*)/g, (pair, sep: string, name: string) =>
    SECRET_PARAM.test(name) ? `${sep}${name}=***` : pair
  )
}

/** Percent-escapes decoded for reading; a malformed escape leaves the URL as it is, not unmasked. */
function readable(href: string): string {
  try {
    return decodeURI(href)
  } catch {
    return href
  }
}
