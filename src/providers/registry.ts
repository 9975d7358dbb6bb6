import { cloudneeti } from './cloudneeti/definition.js'
import { conformity } from './conformity/definition.js'
import type { ProviderDefinition } from './definition.js'

/** The providers, one entry each: everything else about a provider is in its own folder. */
const DEFINITIONS = [cloudneeti, conformity] as const

/** Every provider's settings: a union discriminated by `provider`, and within each by `mode`. */
export type Settings = (typeof DEFINITIONS)[number] extends infer D
  ? D extends ProviderDefinition<infer S>
    ? S
    : never
  : never

// seen as definitions of the union, each still picked by the id its own settings carry
export const PROVIDERS: readonly ProviderDefinition<Settings>[] = DEFINITIONS

export const PROVIDER_IDS: readonly string[] = PROVIDERS.map(p => p.id)

/** The definition for a provider id; the settings it reads were made by that same definition. */
export function definitionOf(id: string): ProviderDefinition<Settings> {
  const definition = PROVIDERS.find(p => p.id === id)
  if (!definition) throw new Error(`no provider '${id}'`)
  return definition
}
