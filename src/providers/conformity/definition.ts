import { z } from 'zod'
import { Input } from '../../constants.js'
import { InputError } from '../../errors.js'
import type { ProviderSettings } from '../../settings.js'
import type { ProviderDefinition } from '../definition.js'
import { ALL_CHECKS, CONFORMITY_SEVERITIES } from './normalize.js'
import { createConformityProvider } from './provider.js'

const nonEmpty = z.string().trim().min(1, 'must be a non-empty string')

/** `onboard-account` for Conformity (contract §5), strict: a misspelt key is an error, not a field dropped. */
export const conformityOnboardSchema = z.discriminatedUnion('cloudType', [
  z.strictObject({
    cloudType: z.literal('aws'),
    name: nonEmpty,
    environment: nonEmpty,
    roleArn: nonEmpty,
    externalId: nonEmpty.optional()
  }),
  z.strictObject({
    cloudType: z.literal('azure'),
    name: nonEmpty,
    environment: nonEmpty,
    subscriptionId: nonEmpty,
    activeDirectoryId: nonEmpty
  })
])
export type ConformityOnboardAccount = z.infer<typeof conformityOnboardSchema>

export type ConformitySettings = ProviderSettings<'conformity', object, ConformityOnboardAccount>

/** The region action.yml passes when the workflow sets none. */
export const DEFAULT_REGION = 'us-west-2'
const CLOUD_ONE_REGIONS = ['us-1', 'au-1', 'gb-1', 'de-1', 'jp-1', 'sg-1', 'in-1', 'ca-1', 'trend-us-1']
const AWS_STYLE_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/
const CLOUD_ONE_STYLE_REGION = /^[a-z]{2}-\d+$/

/** Conformity's base URL for a region, or undefined when the region is neither form. */
export function conformityUrlForRegion(region: string): string | undefined {
  if (CLOUD_ONE_REGIONS.includes(region) || CLOUD_ONE_STYLE_REGION.test(region)) {
    return `https://conformity.${region}.cloudone.trendmicro.com/api`
  }
  if (AWS_STYLE_REGION.test(region)) return `https://${region}-api.cloudconformity.com/v1`
  return undefined
}

/** Cloud Conformity (Trend Micro): API keys tied to users and roles, the Conformity bot, checks. */
export const conformity: ProviderDefinition<ConformitySettings> = {
  id: 'conformity',
  label: 'Cloud Conformity',
  severities: CONFORMITY_SEVERITIES,
  defaultBenchmark: '',
  securitySeverity: { EXTREME: '9.5', VERY_HIGH: '8.5', HIGH: '7.5', MEDIUM: '5.5', LOW: '3.0' },
  benchmark: {
    pattern: /^[A-Za-z0-9_-]+$/,
    example: 'CISAWSF',
    what: 'a Conformity compliance standard id'
  },
  inputs: [Input.region],
  inputDefaults: { [Input.region]: DEFAULT_REGION },
  secretInputs: [],
  onboarding: {
    schema: conformityOnboardSchema,
    cloudTypes: ['aws', 'azure'],
    secretKeys: ['externalId']
  },
  requestHeaders: apiKey => ({
    Authorization: `ApiKey ${apiKey}`,
    'Content-Type': 'application/vnd.api+json'
  }),
  reportBenchmark: benchmark => benchmark || ALL_CHECKS,
  defaultApiUrl: read => {
    const region = (read(Input.region) || DEFAULT_REGION).toLowerCase()
    const url = conformityUrlForRegion(region)
    if (!url) {
      throw new InputError(
        Input.region,
        `has '${region}'; expected an AWS-style region (us-west-2, eu-west-1, ap-southeast-2, …) or a Cloud One code (${CLOUD_ONE_REGIONS.join(', ')})`
      )
    }
    return url
  },
  settings: (common, read) => {
    const region = read(Input.region)
    if (read(Input.apiUrl) && region && region !== DEFAULT_REGION) {
      common.ignoredInputs.push({ input: Input.region, why: 'api-url is set and decides where requests go' })
    }
    return { ...common, provider: 'conformity' }
  },
  create: createConformityProvider
}
