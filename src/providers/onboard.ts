import { z } from 'zod'

/**
 * The `onboard-account` input, per provider and cloud type (contract §5). Strict: a misspelt
 * key is an error, not a field silently dropped.
 */
const nonEmpty = z.string().trim().min(1, 'must be a non-empty string')

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

export type CloudneetiOnboardAccount = z.infer<typeof cloudneetiOnboardSchema>
export type ConformityOnboardAccount = z.infer<typeof conformityOnboardSchema>
export type OnboardAccount = CloudneetiOnboardAccount | ConformityOnboardAccount

/** Keys whose values are secrets wherever they appear in `onboard-account`. */
export const ONBOARD_SECRET_KEYS = ['ADApplicationClientSecret', 'externalId']
