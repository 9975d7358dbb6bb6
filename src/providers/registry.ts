import type { ProviderId } from './catalog.js'
import { createCloudneetiProvider } from './cloudneeti/index.js'
import { createConformityProvider } from './conformity/index.js'
import type { ProviderFactory } from './types.js'

/** One line per provider. */
export const PROVIDER_FACTORIES: Record<ProviderId, ProviderFactory> = {
  cloudneeti: createCloudneetiProvider,
  conformity: createConformityProvider
}
