import { describe, expect, it } from '@jest/globals'
import { redactUrl, serviceMessage } from '../../src/http/messages.js'
import { markdown, plain, registerSecret } from '../../src/text.js'

/**
 * Secrets here use only the letters below and the text around them never does, so any of these
 * letters in the output is a piece of a secret. That is stricter than "no prefix of length 3 or
 * more": a cut secret shows its prefix, so it would fail here from the first character.
 */
const SECRET_LETTERS = /[QZXJVKW]/
const SECRET = 'QZXJVKWQZXJVKWQZ'
registerSecret(SECRET)

const around = (cut: number) =>
  Array.from({ length: SECRET.length + 26 }, (_, i) => cut - SECRET.length - 5 + i)
const textWithSecretAt = (offset: number) => `${'a'.repeat(offset)}${SECRET}${'b'.repeat(400)}`

describe('a secret is redacted before any text is shortened', () => {
  it('serviceMessage(): at every offset around its 200-character cut', () => {
    for (const offset of around(200)) {
      const out = serviceMessage(undefined, textWithSecretAt(offset))!
      expect({ offset, leak: SECRET_LETTERS.test(out) }).toEqual({ offset, leak: false })
      expect(out.length).toBeLessThanOrEqual(200)
    }
  })

  it('serviceMessage(): in a JSON message, whatever its length', () => {
    const body = { message: textWithSecretAt(190) }
    expect(serviceMessage(body, JSON.stringify(body))).not.toMatch(SECRET_LETTERS)
  })

  it.each([120, 200, 300, 500, 4000])('plain(): at every offset around a %i-character cut', max => {
    for (const offset of around(max)) {
      const out = plain(textWithSecretAt(offset), max)
      expect({ offset, leak: SECRET_LETTERS.test(out) }).toEqual({ offset, leak: false })
    }
  })

  it.each([40, 80, 200, 300, 1000])('markdown(): at every offset around a %i-character cut', max => {
    for (const offset of around(max)) {
      const out = markdown(textWithSecretAt(offset), max)
      expect({ offset, leak: SECRET_LETTERS.test(out) }).toEqual({ offset, leak: false })
    }
  })
})

describe('a secret is redacted whatever form the text gives it', () => {
  it('when one registered secret contains another', () => {
    registerSecret('ZXJV')
    registerSecret('ZXJVKWWJ')
    expect(plain('a ZXJVKWWJ b')).toBe('a *** b')
  })

  it('when occurrences overlap', () => {
    registerSecret('QZQZQ')
    expect(plain('a QZQZQZQ b')).toBe('a *** b')
  })

  it('when invisible characters sit inside it', () => {
    registerSecret('JQ::XZ##[KW')
    expect(plain('a JQ:\u200b:XZ#\u2060#[KW b')).toBe('a *** b')
    expect(markdown('a JQ:\u200b:XZ##\u00ad[KW b')).toBe('a \\*\\*\\* b')
  })

  it('when its line breaks are echoed differently or folded', () => {
    const pem = '-----BEGIN KEY-----\nQZXJVKWJQZ\nVKWJQZXJVK\n-----END KEY-----'
    registerSecret(pem)
    for (const echoed of [pem, pem.replace(/\n/g, '\r\n'), pem.replace(/\n/g, ' '), pem.split('\n')[2]]) {
      expect(plain(`key: ${echoed}`)).not.toMatch(SECRET_LETTERS)
      expect(serviceMessage({ error: `key: ${echoed}` }, '')).not.toMatch(SECRET_LETTERS)
    }
  })

  it('when masking one secret would break the folded occurrence of another', () => {
    // found by the properties: masking `::W` in the text as it came left `\r\nW` of `W\nW`, folded to `W W`
    registerSecret('::W')
    registerSecret('W\nW')
    expect(plain('a::W\r\nW b')).toBe('a*** b')
  })

  it('when it contains a command marker that plain() breaks', () => {
    registerSecret('VW::JZ')
    expect(plain('x VW: :JZ y')).toBe('x *** y')
  })
})

describe('Markdown source', () => {
  it('masks a secret that escaping completes, without splitting an escape', () => {
    registerSecret('QX\\*ZJ')
    expect(markdown('a QX*ZJ b')).toBe('a \\*\\*\\* b')
    registerSecret('JZ&amp;QX')
    expect(markdown('a JZ&QX [b]')).toBe('a \\*\\*\\* \\[b\\]')
  })
})

describe('URLs', () => {
  it('carry no secret in a fragment, a malformed query or an unparseable URL', () => {
    expect(redactUrl('https://h/cb#access_token=QZXJ')).toBe('https://h/cb')
    expect(redactUrl('https://h/p?token=QZXJ&x=%E0%A4%A')).not.toMatch(SECRET_LETTERS)
    expect(redactUrl('/relative?apiKey=QZXJ&page=2#t=QZ')).toBe('/relative?apiKey=***&page=2')
    expect(redactUrl(`https://h/p?q=${SECRET}`)).toBe('https://h/p?q=***')
  })
})
