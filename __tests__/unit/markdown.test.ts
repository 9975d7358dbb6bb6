import { describe, expect, it } from '@jest/globals'
import { bytes, characters, trimMarkdown } from '../../src/publish/markdown.js'

describe('trimming Markdown to a budget', () => {
  it('leaves text within the budget alone', () => {
    expect(trimMarkdown('short', 1200)).toBe('short')
  })

  it('cuts by bytes, not characters, on a line boundary, and says so', () => {
    const text = Array.from({ length: 100 }, (_, i) => `${i} ${'€'.repeat(20)}`).join('\n') // 3 bytes each
    const cut = trimMarkdown(text, 1200)
    expect(bytes(cut)).toBeLessThanOrEqual(1200)
    expect(cut).toContain('Truncated to fit')
    expect(cut).not.toContain('\uFFFD')
    const body = cut.slice(0, cut.indexOf('\n\n*Truncated'))
    expect(text.startsWith(body)).toBe(true)
    expect(text.slice(body.length).startsWith('\n')).toBe(true)
  })

  it('counts characters when asked (a comment), so multi-byte text is not cut early', () => {
    const text = `${'éé\n'.repeat(600)}end`
    expect(trimMarkdown(text, 2000, characters)).toBe(text)
    expect(bytes(text)).toBeGreaterThan(2000)
  })

  it('closes an open code fence, ends a table and closes <details> before the notice', () => {
    const table = ['| a | b |', '|---|---|', ...Array.from({ length: 200 }, (_, i) => `| ${i} | x |`)]
    const fenced = [
      '```mermaid',
      'pie title T',
      ...Array.from({ length: 200 }, (_, i) => `    "s${i}" : ${i}`),
      '```'
    ]
    const details = [
      '<details><summary>many</summary>',
      ...Array.from({ length: 200 }, (_, i) => `line ${i}`),
      '</details>'
    ]
    for (const lines of [table, fenced, details]) {
      const cut = trimMarkdown(['# T', '', ...lines, '', 'after'].join('\n'), 600)
      expect(bytes(cut)).toBeLessThanOrEqual(600)
      const fences = cut.split('\n').filter(l => /^\s*```/.test(l)).length
      expect(fences % 2).toBe(0)
      expect(cut.split('<details>').length).toBe(cut.split('</details>').length)
      // the notice is its own paragraph: a blank line ends any table before it
      expect(cut).toMatch(/\n\n\*Truncated[^\n]*\*\n$/)
    }
  })
})
