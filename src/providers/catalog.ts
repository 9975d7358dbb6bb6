import type { SeverityScale } from '../severity.js'

/**
 * What input parsing needs to know about each provider before any network call. The provider
 * implementations live in their own folders; registry.ts wires them to these ids.
 */
export type ProviderId = 'cloudneeti' | 'conformity'
export type Mode = 'scan' | 'audit' | 'onboard'

export const MODES: readonly Mode[] = ['scan', 'audit', 'onboard']

export interface ProviderFacts {
  readonly label: string
  readonly severities: SeverityScale
  readonly defaultBenchmark: string
  /** Headers every request to the service carries. */
  requestHeaders(apiKey: string): Record<string, string>
}

export const PROVIDERS: Record<ProviderId, ProviderFacts> = {
  cloudneeti: {
    label: 'Cloudneeti',
    severities: { names: ['VeryLow', 'Low', 'Moderate', 'High', 'Critical'] },
    defaultBenchmark: 'CSBP',
    requestHeaders: apiKey => ({ 'Ocp-Apim-Subscription-Key': apiKey, 'Content-Type': 'application/json' })
  },
  conformity: {
    label: 'Cloud Conformity',
    severities: { names: ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH', 'EXTREME'] },
    defaultBenchmark: '',
    requestHeaders: apiKey => ({
      Authorization: `ApiKey ${apiKey}`,
      'Content-Type': 'application/vnd.api+json'
    })
  }
}

export const CLOUDNEETI_DEFAULT_URL = 'https://api.cloudneeti.com'

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
