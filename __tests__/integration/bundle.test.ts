import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { DIST } from '../../scripts/local-runner.ts'

// undici's HTTP parser: present in any bundle that carries undici
const UNDICI_MARKER = 'llhttp'

describe('the bundle', () => {
  it('is one file with every dependency in it, undici included, beside its licenses', () => {
    expect(readdirSync(path.dirname(DIST)).sort()).toEqual(['index.js', 'licenses.txt', 'package.json'])
    const bundle = readFileSync(DIST, 'utf8')
    expect(bundle).toContain(UNDICI_MARKER)
    expect(bundle).not.toContain('undici/index.cjs')
    expect(readFileSync(path.join(path.dirname(DIST), 'licenses.txt'), 'utf8')).toMatch(/^undici\b/m)
  })
})
