import type { Settings } from '../inputs.js'
import type { ProviderId } from './catalog.js'
import { createCloudneetiProvider } from './cloudneeti/index.js'
import { createConformityProvider } from './conformity/index.js'
import type { OnboardAccount } from './onboard.js'
import type { Progress, Provider, ProviderFactory, Report } from './types.js'

/** One line per provider. */
export const PROVIDER_FACTORIES: Record<ProviderId, ProviderFactory> = {
  cloudneeti: createCloudneetiProvider,
  conformity: createConformityProvider
}

/** Runs the mode the settings ask for; the account is on record before anything can fail. */
export function runMode(provider: Provider, settings: Settings, progress: Progress): Promise<Report> {
  // parseInputs requires onboard-account in mode onboard and account-id in the others
  if (settings.mode === 'onboard') return provider.onboard(settings.onboardAccount as OnboardAccount)
  const accountId = settings.accountId as string
  progress.accountId = accountId
  return settings.mode === 'scan' ? provider.scan(accountId) : provider.audit(accountId)
}
