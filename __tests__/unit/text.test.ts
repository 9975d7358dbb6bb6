import { describe, expect, it } from '@jest/globals'
import { commandSafe, markdown, plain, registerSecret } from '../../src/text.js'
import { runnerCommands } from '../helpers/runner-commands.js'
import { linksAndMentions, renderedText, unescapedSpecials } from './markdown-text.js'

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

  it('forms no command when a secret between the pieces is masked', () => {
    registerSecret('QZXJ')
    expect(runnerCommands(plain('#QZXJ#[add-mask]x ::QZXJ:add-mask::y'))).toEqual([])
    expect(plain('#QZXJ#[add-mask]x')).toBe('#***# [add-mask]x')
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
    expect(markdown('[click](https://evil)')).toBe('\\[click\\]\\(https:&#8203;//evil\\)')
    expect(markdown('@octocat **bold** `code` | pipe')).toBe(
      '@&#8203;octocat \\*\\*bold\\*\\* \\`code\\` \\| pipe'
    )
  })
})

describe('Markdown from API text', () => {
  /** The source is all escaped, shows exactly what plain() would, and nothing in it links. */
  const check = (text: string) => {
    const out = markdown(text)
    const shown = renderedText(out)
    expect(out).not.toMatch(/[<>\n]|&(?!(?:amp|lt|gt|quot|#8203);)/)
    expect(unescapedSpecials(out)).toEqual([])
    expect(out).not.toMatch(/^(?:[-+*]|\d+[.)])/)
    expect(shown.replace(/\u200b/g, '')).toBe(plain(text, 300))
    expect(linksAndMentions(shown)).toEqual([])
    return out
  }

  it.each([
    'see www.example.com',
    'see WWW.Example.COM/path',
    '(www.example.com)',
    '*www.example.com*',
    'https://evil.example/x and http://a.b and ftp://c.d',
    'write to a@b.co or mailto:a@b.co or xmpp:a@b.co/r',
    'h\\ttps://x.y'
  ])('cannot autolink: %j', text => {
    expect(check(text)).not.toMatch(/www\.|:\/\/|@(?!&#8203;)/i)
  })

  it.each([
    '@octocat',
    '@org/team',
    'x @octocat, (@octocat), *@octocat*, _@octocat_, ~@octocat~',
    '\\@octocat',
    '&@octocat',
    '@@octocat',
    '&#64;octocat',
    '&#x40;octocat',
    '&#0064;octocat',
    '&commat;octocat',
    '&amp;#64;octocat'
  ])('cannot mention, also through an entity: %j', text => {
    check(text)
  })

  it('shows API entities literally instead of decoding them', () => {
    const shown = renderedText(markdown('&#64;octocat &commat;x &#x40;y'))
    // a zero-width space follows `#` before digits: `&#64` would otherwise reference issue 64
    expect(shown).toBe('&#\u200b64;octocat &commat;x &#x40;y')
  })

  it.each(['fixed in #123', 'owner/repo#9', 'see GH-42'])('cannot reference an issue: %j', text => {
    check(text)
  })

  it.each([
    ['\u202eevil\u202c', 'evil'],
    ['a\u2066b\u2069c\u200ed\u200fe\u061cf', 'abcdef'],
    ['zero\u200bwidth\u200c\u200d\ufeff', 'zerowidth'],
    ['soft\u00adhyphen', 'softhyphen']
  ])('removes bidirectional and invisible characters: %j', (text, shown) => {
    expect(plain(text)).toBe(shown)
    expect(markdown(text)).toBe(shown)
  })

  it.each(['- item', '1. item', '12) item', '$x^2$', '~~strike~~', '<!-- c -->', '| a | b |'])(
    'starts no list, math, strikethrough, comment or table: %j',
    text => {
      check(text)
    }
  )
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
