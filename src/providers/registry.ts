import { cloudneeti, type CloudneetiSettings } from './cloudneeti/definition.js'
import { conformity, type ConformitySettings } from './conformity/definition.js'
import type { ProviderDefinition } from './definition.js'

/** Every provider's settings: a union discriminated by `provider`, and within each by `mode`. */
export type Settings = CloudneetiSettings | ConformitySettings

/** The providers, one line each. */
export const PROVIDERS: readonly ProviderDefinition<Settings>[] = [cloudneeti, conformity]

export const PROVIDER_IDS: readonly string[] = PROVIDERS.map(p => p.id)

/** The definition for a provider id; the settings it reads were made by that same definition. */
export function definitionOf(id: string): ProviderDefinition<Settings> {
  const definition = PROVIDERS.find(p => p.id === id)
  if (!definition) throw new Error(`no provider '${id}'`)
  return definition
}
