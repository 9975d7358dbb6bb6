import { z } from 'zod'
import { Input } from '../../constants.js'
import { headerSafe, pathSegment, required } from '../../input-rules.js'
import type { ProviderSettings } from '../../settings.js'
import type { ProviderDefinition } from '../definition.js'
import { CLOUDNEETI_SEVERITIES } from './normalize.js'
import { createCloudneetiProvider } from './provider.js'

const nonEmpty = z.string().trim().min(1, 'must be a non-empty string')

/** `onboard-account` for Cloudneeti (contract §5), strict: a misspelt key is an error, not a field dropped. */
export const cloudneetiOnboardSchema = z.discriminatedUnion('cloudType', [
  z.strictObject({
    cloudType: z.literal('aws'),
    AccountName: nonEmpty,
    AWSAccountId: nonEmpty,
    AWSRoleName: nonEmpty
  }),
  z.strictObject({
    cloudType: z.literal('azure'),
    AccountName: nonEmpty,
    DomainName: nonEmpty,
    TenantId: nonEmpty,
    ADApplicationClientId: nonEmpty,
    ADApplicationClientSecret: nonEmpty,
    SubscriptionId: nonEmpty
  }),
  z.strictObject({
    cloudType: z.literal('office'),
    AccountName: nonEmpty,
    DomainName: nonEmpty,
    TenantId: nonEmpty,
    ADApplicationClientId: nonEmpty,
    ADApplicationClientSecret: nonEmpty
  })
])
export type CloudneetiOnboardAccount = z.infer<typeof cloudneetiOnboardSchema>

export interface CloudneetiCredentials {
  applicationId: string
  applicationSecret: string
  licenseId: string
}

export type CloudneetiSettings = ProviderSettings<
  'cloudneeti',
  { credentials: CloudneetiCredentials },
  CloudneetiOnboardAccount
>

const FOR = 'for cloudneeti'
export const CLOUDNEETI_DEFAULT_URL = 'https://api.cloudneeti.com'

/** Cloudneeti (Zscaler CSPM): license and account tokens, rescan, job status, audit report, onboarding. */
export const cloudneeti: ProviderDefinition<CloudneetiSettings> = {
  id: 'cloudneeti',
  label: 'Cloudneeti',
  severities: CLOUDNEETI_SEVERITIES,
  defaultBenchmark: 'CSBP',
  securitySeverity: { Critical: '9.5', High: '8.0', Moderate: '5.5', Low: '3.0', VeryLow: '1.0' },
  benchmark: {
    pattern: /^[A-Za-z0-9_.-]+$/,
    example: 'CSBP or PCI3_2',
    what: 'a Cloudneeti benchmark id'
  },
  inputs: [Input.applicationId, Input.applicationSecret, Input.licenseId],
  inputDefaults: {},
  secretInputs: [Input.applicationSecret],
  onboarding: {
    schema: cloudneetiOnboardSchema,
    cloudTypes: ['aws', 'azure', 'office'],
    secretKeys: ['ADApplicationClientSecret']
  },
  requestHeaders: apiKey => ({ 'Ocp-Apim-Subscription-Key': apiKey, 'Content-Type': 'application/json' }),
  reportBenchmark: benchmark => benchmark,
  defaultApiUrl: () => CLOUDNEETI_DEFAULT_URL,
  settings: (common, read) => ({
    ...common,
    provider: 'cloudneeti',
    credentials: {
      applicationId: headerSafe(Input.applicationId, required(read, Input.applicationId, FOR)),
      applicationSecret: headerSafe(Input.applicationSecret, required(read, Input.applicationSecret, FOR)),
      licenseId: pathSegment(Input.licenseId, required(read, Input.licenseId, FOR))
    }
  }),
  create: createCloudneetiProvider
}
