import { InputError } from './errors.js'
import type { InputReader } from './settings.js'

/** Reads an input that must be set; the error says why it is needed. */
export function required(read: InputReader, input: string, why: string): string {
  const value = read(input)
  if (!value) throw new InputError(input, `is required ${why}`)
  return value
}

/** An id that becomes a URL path segment: `.` and `..` would change which endpoint is called. */
export function pathSegment(input: string, value: string): string {
  if (/^\.+$/.test(value))
    throw new InputError(input, `must be an id, got '${value}' (a path segment, not an id)`)
  return value
}

// What Node lets an HTTP header value carry: tab, printable ASCII and Latin-1, nothing else.
const HEADER_UNSAFE = /[^\t\x20-\x7e\x80-\xff]/

/**
 * A credential must fit in an HTTP header (or a JSON body the service parses like one): a stray
 * newline or a non-Latin-1 character would otherwise fail at request time as a "network" error.
 * The message never shows the value, only where the bad character is.
 */
export function headerSafe(input: string, value: string): string {
  const at = value.search(HEADER_UNSAFE)
  if (at >= 0) {
    const code = value.codePointAt(at)!.toString(16).toUpperCase().padStart(4, '0')
    throw new InputError(
      input,
      `has a character an HTTP header cannot carry (U+${code} at position ${at + 1}); copy the secret again without line breaks or other invisible characters`
    )
  }
  return value
}
