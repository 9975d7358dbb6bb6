import { plain } from '../text.js'

/**
 * Cuts Markdown to a budget on a line boundary, never inside a construct: an open code fence is
 * closed, open `<details>` blocks are closed and a table is ended before the notice, so what is
 * left still renders. GitHub counts a check run's summary in bytes and a comment in characters,
 * so the measure is the caller's.
 */
export function trimMarkdown(
  text: string,
  budget: number,
  measure: (s: string) => number = bytes,
  notice = "*Truncated to fit GitHub's limit; the report file has everything.*"
): string {
  if (measure(text) <= budget) return text
  const kept: string[] = []
  let used = 0
  let fence: string | undefined
  let details = 0
  const closing = (openFence: string | undefined, openDetails: number): string =>
    `${openFence ? `\n${openFence}` : ''}${'\n</details>'.repeat(openDetails)}\n\n${notice}\n`
  for (const line of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
    const nextFence = marker ? (fence ? undefined : marker) : fence
    let nextDetails = details
    if (!fence && /^\s*<details>/.test(line)) nextDetails++
    if (!fence && /^\s*<\/details>/.test(line)) nextDetails = Math.max(0, nextDetails - 1)
    const cost = measure(`${line}\n`)
    if (used + cost + measure(closing(nextFence, nextDetails)) > budget) break
    kept.push(line)
    used += cost
    fence = nextFence
    details = nextDetails
  }
  return `${kept.join('\n')}${closing(fence, details)}`
}

/** GitHub's own measures: a check run's summary and text in UTF-8 bytes, a comment in characters. */
export const bytes = (s: string): number => Buffer.byteLength(s)
export const characters = (s: string): number => [...s].length

/**
 * Text as inline code: GitHub renders nothing inside a code span (no HTML, links or mentions), so
 * it needs plain text, not escapes; a backtick would end the span and a pipe the table cell.
 */
export const code = (id: string, max = 80): string =>
  `\`${plain(id, max).replace(/`/g, "'").replace(/\|/g, '\\|')}\``
