import { describe, expect, it } from '@jest/globals'
import { markdown, plain } from '../../src/text.js'

describe('untrusted text', () => {
  it('cannot start or end a workflow command in the log', () => {
    expect(plain('::stop-commands::token')).toBe(': :stop-commands: :token')
    expect(plain('ok\n::set-output name=result::pass')).toBe('ok : :set-output name=result: :pass')
    expect(plain('a\r\nb\u2028c')).toBe('a b c')
    expect(plain(':::')).toBe(': : :')
    expect(plain('x::::warning::y')).not.toContain('::')
  })

  it('is bounded in length', () => {
    expect(plain('x'.repeat(1000), 10)).toHaveLength(10)
  })

  it('cannot become HTML, a link, emphasis or a mention in Markdown', () => {
    expect(markdown('<img src=x onerror=alert(1)>')).not.toMatch(/[<>]/)
    expect(markdown('[click](https://evil)')).toBe('\\[click\\]\\(https:&#47;&#47;evil\\)')
    expect(markdown('@octocat **bold** `code` | pipe')).toBe(
      '&#64;octocat \\*\\*bold\\*\\* \\`code\\` \\| pipe'
    )
  })
})
