import { describe, expect, it } from '@jest/globals'
import { commandSafe, markdown, plain } from '../../src/text.js'
import { runnerCommands } from '../helpers/runner-commands.js'

describe('untrusted text', () => {
  it('cannot start or end a workflow command in the log', () => {
    expect(plain('::stop-commands::token')).toBe(': :stop-commands: :token')
    expect(plain('ok\n::set-output name=result::pass')).toBe('ok : :set-output name=result: :pass')
    expect(plain('a\r\nb\u2028c')).toBe('a b c')
    expect(plain(':::')).toBe(': : :')
    expect(plain('x::::warning::y')).not.toContain('::')
  })

  it.each([
    'Running ##[stop-commands]tok',
    '##[add-mask]x',
    'x ###[add-mask]y',
    '##[##[debug]z',
    '##[ADD-MASK]k',
    // the pieces join once the character between them is removed or folded
    'a #\u200b#[stop-commands]t',
    'a #\u202e#\ufeff[add-mask]t',
    '#\u0000#[add-mask]x',
    '#\n#[add-mask]x',
    // the runner's culture-aware matching reads `::` and `##[` through such characters
    '::add-mask:\u200b:x',
    ':\u00ad:add-mask:\u2060:x',
    'a #\u0301#[add-mask]x'
  ])('never leaves a command in either form: %j', text => {
    const out = plain(text)
    expect(runnerCommands(out)).toEqual([])
    expect(runnerCommands(`Status: ${out}`)).toEqual([])
    expect(out).not.toMatch(/#\p{M}*[#[]|:\p{M}*:/u)
  })

  it('cannot stop command processing, so a later add-mask still works', () => {
    const stdout = `Scan said: ${plain('Running ##[stop-commands]tok')}\n::add-mask::key\n`
    expect(runnerCommands(stdout)).toEqual([{ line: 1, form: '::', name: 'add-mask', data: 'key' }])
  })

  it('is idempotent', () => {
    for (const text of ['::a:::b', '##[x] ###[', 'a\u200b\n:\u0301:b', ' x '.repeat(300)])
      expect(plain(plain(text))).toBe(plain(text))
  })

  it('gives annotation properties and outputs one line with no command', () => {
    const value = commandSafe('line one\n##[stop-commands]t\r\n::set-output name=x::y')
    expect(value).toBe('line one # # [stop-commands]t : :set-output name=x: :y')
    expect(runnerCommands(value)).toEqual([])
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

describe('job summary budget', () => {
  it('cuts by bytes, not characters, and says so', async () => {
    const { fitToBudget } = await import('../../src/publish/summary.js')
    const text = '€'.repeat(1000) // 3 bytes each
    const cut = fitToBudget(text, 1200)
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(1200)
    expect(cut).toContain('Summary truncated')
    expect(cut).not.toContain('\uFFFD')
    expect(fitToBudget('short', 1200)).toBe('short')
  })
})
