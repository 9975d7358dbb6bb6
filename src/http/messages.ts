/** The service's own words from an error body, whatever key it puts them under. */
export function serviceMessage(body: unknown, text: string): string | undefined {
  const found = findMessage(body)
  if (found) return found
  const trimmed = text.trim()
  if (!trimmed) return undefined
  if (/<html|<!doctype/i.test(trimmed)) return 'an HTML error page'
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed
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

/** A URL fit to print: no user info, and query values that look like secrets replaced. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw)
    url.username = ''
    url.password = ''
    for (const name of [...url.searchParams.keys()]) {
      if (SECRET_PARAM.test(name)) url.searchParams.set(name, '***')
    }
    return decodeURI(url.toString())
  } catch {
    return raw
  }
}
