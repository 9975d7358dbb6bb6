import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CloudneetiSettings } from '../../src/providers/cloudneeti/definition.js'
import type { ConformitySettings } from '../../src/providers/conformity/definition.js'
import type { Settings } from '../../src/providers/registry.js'

/**
 * The data flows one way: inputs → provider → Report → decision → sinks. Each module sits in a
 * layer and imports only from its own layer or the ones below; a provider's folder imports no
 * other provider's.
 */
const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src')

const LAYERS: [layer: string, files: RegExp][] = [
  ['base', /^(constants|errors|text|clock|sleep|score|severity|pool|log)\.ts$/],
  ['http', /^(http|github)\/|^poll\.ts$/],
  ['report model', /^providers\/(types|single|parse)\.ts$|^report\//],
  ['locations', /^iac\.ts$/],
  ['gate', /^gate\.ts$/],
  ['judgement', /^(baseline|waivers|judge)\.ts$/],
  ['settings', /^(settings|input-rules)\.ts$/],
  ['providers', /^providers\/(definition\.ts|[^/]+\/)/],
  ['registry', /^providers\/registry\.ts$/],
  ['inputs', /^(inputs|prepare)\.ts$/],
  ['outcome', /^(outcome|aggregate)\.ts$/],
  ['sinks', /^publish\//],
  ['main', /^(main|index|surfaces)\.ts$/]
]

function layerOf(file: string): number {
  const i = LAYERS.findIndex(([, pattern]) => pattern.test(file))
  if (i < 0) throw new Error(`src/${file} is in no layer: add it to LAYERS`)
  return i
}

const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter(f => f.endsWith('.ts'))
  .map(f => f.split(path.sep).join('/'))

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(SRC, file), 'utf8')
  return [...text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)].map(m =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])).replace(/\.js$/, '.ts')
  )
}

describe('module layers', () => {
  it.each(files)('src/%s imports nothing from a layer above it', file => {
    const own = layerOf(file)
    const upward = importsOf(file).filter(target => layerOf(target) > own)
    expect(upward.map(t => `${t} (${LAYERS[layerOf(t)][0]})`)).toEqual([])
  })

  it('no provider folder imports another provider', () => {
    const folder = (f: string) => /^providers\/([^/]+)\//.exec(f)?.[1]
    const crossing = files.flatMap(file =>
      importsOf(file)
        .filter(target => folder(file) && folder(target) && folder(file) !== folder(target))
        .map(target => `${file} → ${target}`)
    )
    expect(crossing).toEqual([])
  })

  it('the settings union holds every provider, and nothing else', () => {
    const both: [
      CloudneetiSettings extends Settings ? true : false,
      ConformitySettings extends Settings ? true : false
    ] = [true, true]
    const notNever: [Settings] extends [never] ? false : true = true
    expect([...both, notNever]).toEqual([true, true, true])
  })
})
