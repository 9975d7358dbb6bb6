/**
 * What GitHub shows for a piece of inline Markdown, and what in it GitHub would turn into a link,
 * a mention or reordered text. Used by the Markdown tests; not a test file itself.
 */

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", commat: '@' }

/** CommonMark: a backslash before ASCII punctuation shows that character; references are decoded. */
export function renderedText(source: string): string {
  return source.replace(
    /\\([!-/:-@[-`{-~])|&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g,
    (whole, escaped?: string, dec?: string, hex?: string, name?: string) => {
      if (escaped) return escaped
      if (dec || hex) return String.fromCodePoint(parseInt(dec ?? hex!, dec ? 10 : 16))
      return NAMED[name!] ?? whole
    }
  )
}

/**
 * Markdown punctuation left unescaped in the source: a backslash escapes the next character, and a
 * character reference is one unit.
 */
export function unescapedSpecials(source: string): string[] {
  const found: string[] = []
  for (let i = 0; i < source.length; i++) {
    const reference = /^&(?:#\d+|#[xX][\da-fA-F]+|[A-Za-z][A-Za-z\d]*);/.exec(source.slice(i, i + 40))
    if (reference) i += reference[0].length - 1
    else if (source[i] === '\\') i++
    else if ('`*_{}[]()#+!|~$<>'.includes(source[i])) found.push(source[i])
  }
  return found
}

/**
 * In the rendered text: an @ that could start a mention or an e-mail address (GitHub finds both
 * in rendered text), www. and scheme:// autolinks, #123 and GH-123 references, and invisible or
 * bidirectional characters other than the zero-width space that breaks the others.
 */
export function linksAndMentions(shown: string): string[] {
  const patterns = [
    /@(?!\u200b)/g,
    /www\./gi,
    /:\/\//g,
    /#\d/g,
    /GH-\d/gi,
    /(?!\u200b)[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu
  ]
  return patterns.flatMap(p => shown.match(p) ?? [])
}
