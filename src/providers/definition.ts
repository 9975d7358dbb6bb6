import type { z } from 'zod'
import type { CommonSettings, InputReader, Target } from '../settings.js'
import type { Provider, ProviderFacts, RunContext } from './types.js'

/** The `onboard-account` object a provider's settings carry in mode onboard. */
export type OnboardOf<S> = S extends { mode: 'onboard'; onboardAccount: infer O } ? O : never

/**
 * Everything the action knows about one provider, in one object: a new provider is one folder
 * with one of these, and one line in the registry.
 */
export interface ProviderDefinition<S extends { provider: string }> extends ProviderFacts {
  readonly id: S['provider']
  readonly defaultBenchmark: string
  /** SARIF `security-severity` per severity name, in GitHub's bands (critical 9–10, high 7–8.9, medium 4–6.9, low 0.1–3.9). */
  readonly securitySeverity: Readonly<Record<string, string>>
  /** What a benchmark id looks like, and an example for the error message. */
  readonly benchmark: { pattern: RegExp; example: string; what: string }
  /** Inputs only this provider reads; set with another provider, they are reported as ignored. */
  readonly inputs: readonly string[]
  /** The defaults action.yml gives its inputs: the runner passes them even when nobody set them. */
  readonly inputDefaults: Readonly<Record<string, string>>
  /** Which of its inputs hold secrets, masked before anything is printed. */
  readonly secretInputs: readonly string[]
  readonly onboarding: {
    schema: z.ZodType<OnboardOf<S>>
    /** The cloudType values, for the error message. */
    cloudTypes: readonly string[]
    /** Keys whose values are secrets wherever they appear in `onboard-account`. */
    secretKeys: readonly string[]
  }
  /** Headers every request to the service carries. */
  requestHeaders(apiKey: string): Record<string, string>
  /** The benchmark id a report of this provider names for the `benchmark` input. */
  reportBenchmark(benchmark: string): string
  /** The base URL when api-url is empty; throws an InputError naming the input that is wrong. */
  defaultApiUrl(read: InputReader): string
  /** Adds this provider's own inputs to the common settings (and inputs it ignores to `ignoredInputs`). */
  settings(common: CommonSettings & Target<OnboardOf<S>>, read: InputReader): S
  /** The provider for one run; each account gets its own context when it is worked on. */
  create(run: RunContext, settings: S): Provider
}
