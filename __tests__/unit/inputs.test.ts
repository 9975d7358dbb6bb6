import { describe, expect, it } from '@jest/globals'
import { parseInputs, secretsInInputs } from '../../src/inputs.js'

const cloudneeti = {
  provider: 'cloudneeti',
  'api-key': 'k',
  'application-id': 'app',
  'application-secret': 's3cret',
  'license-id': 'lic',
  'account-id': 'acc'
}
const conformity = { provider: 'conformity', 'api-key': 'k', 'account-id': 'acc' }

function parse(inputs: Record<string, string>) {
  return parseInputs(name => inputs[name] ?? '', { GITHUB_WORKSPACE: '/ws' })
}

function errorOf(inputs: Record<string, string>): string {
  try {
    parse(inputs)
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected an input error')
}

describe('parseInputs', () => {
  it('applies the contract defaults', () => {
    const s = parse(cloudneeti)
    expect(s).toMatchObject({
      provider: 'cloudneeti',
      mode: 'scan',
      apiUrl: 'https://api.cloudneeti.com',
      benchmark: 'CSBP',
      pollIntervalMs: 15000,
      timeoutMs: 1800000,
      requestTimeoutMs: 30000,
      softFail: false,
      reportPath: '/ws/compliance-report.json',
      policy: { minScore: 0, failOnSeverity: { name: 'High', rank: 3 }, maxFailures: null }
    })
    expect(parse(conformity).benchmark).toBe('')
  })

  it.each([
    ['us-west-2', 'https://us-west-2-api.cloudconformity.com/v1'],
    ['eu-west-1', 'https://eu-west-1-api.cloudconformity.com/v1'],
    ['ap-southeast-2', 'https://ap-southeast-2-api.cloudconformity.com/v1'],
    ['us-gov-west-1', 'https://us-gov-west-1-api.cloudconformity.com/v1'],
    ['au-1', 'https://conformity.au-1.cloudone.trendmicro.com/api'],
    ['trend-us-1', 'https://conformity.trend-us-1.cloudone.trendmicro.com/api'],
    ['', 'https://us-west-2-api.cloudconformity.com/v1']
  ])('derives the Conformity URL for region %p', (region, url) => {
    expect(parse({ ...conformity, region }).apiUrl).toBe(url)
  })

  it('uses api-url over region, without a trailing slash', () => {
    expect(parse({ ...conformity, region: 'au-1', 'api-url': 'http://127.0.0.1:9/v1/' }).apiUrl).toBe(
      'http://127.0.0.1:9/v1'
    )
  })

  it('matches severities case-insensitively, ignoring _, - and spaces', () => {
    expect(parse({ ...conformity, 'fail-on-severity': 'very high' }).policy.failOnSeverity).toEqual({
      name: 'VERY_HIGH',
      rank: 3
    })
    expect(parse({ ...cloudneeti, 'fail-on-severity': 'VERY_LOW' }).policy.failOnSeverity).toEqual({
      name: 'VeryLow',
      rank: 0
    })
    expect(parse({ ...cloudneeti, 'fail-on-severity': 'None' }).policy.failOnSeverity).toBeNull()
  })

  it.each([
    [
      { ...cloudneeti, provider: 'aws' },
      "Input 'provider' has 'aws'; expected one of: cloudneeti, conformity"
    ],
    [{ ...cloudneeti, provider: '' }, "Input 'provider' is required"],
    [{ ...cloudneeti, mode: 'deploy' }, "Input 'mode' has 'deploy'"],
    [{ ...cloudneeti, 'api-key': '' }, "Input 'api-key' is required"],
    [{ ...cloudneeti, 'application-id': '' }, "Input 'application-id' is required for cloudneeti"],
    [{ ...cloudneeti, 'application-secret': '' }, "Input 'application-secret' is required"],
    [{ ...cloudneeti, 'license-id': '' }, "Input 'license-id' is required"],
    [{ ...cloudneeti, 'account-id': '' }, "Input 'account-id' is required in mode scan"],
    [{ ...conformity, mode: 'audit', 'account-id': '' }, "Input 'account-id' is required in mode audit"],
    [{ ...cloudneeti, 'poll-interval': 'fast' }, "Input 'poll-interval' must be a non-negative number"],
    [{ ...cloudneeti, timeout: '-5' }, "Input 'timeout' must be a non-negative number"],
    [{ ...cloudneeti, 'min-score': '101' }, "Input 'min-score' must be between 0 and 100"],
    [{ ...cloudneeti, 'min-score': '-1' }, "Input 'min-score' must be a non-negative number"],
    [{ ...cloudneeti, 'max-failures': '2.5' }, "Input 'max-failures' must be a whole number"],
    [
      { ...cloudneeti, 'fail-on-severity': 'extreme' },
      "Input 'fail-on-severity' has 'extreme', which Cloudneeti does not have"
    ],
    [
      { ...conformity, 'fail-on-severity': 'critical' },
      "Input 'fail-on-severity' has 'critical', which Cloud Conformity does not have"
    ],
    [{ ...cloudneeti, 'soft-fail': 'yes' }, "Input 'soft-fail' must be true or false"],
    [{ ...conformity, region: 'mars' }, "Input 'region' has 'mars'"],
    [{ ...conformity, 'api-url': 'ftp://x' }, "Input 'api-url' must use https"],
    [{ ...conformity, 'api-url': 'not a url' }, "Input 'api-url' must be an absolute http(s) URL"],
    [{ ...conformity, 'request-timeout': '0' }, "Input 'request-timeout' must be between 1 and 600 seconds"],
    [{ ...conformity, mode: 'onboard' }, "Input 'onboard-account' is required in mode onboard"],
    [
      { ...conformity, mode: 'onboard', 'onboard-account': '{bad' },
      "Input 'onboard-account' must be a JSON object; it is not valid JSON"
    ],
    [
      { ...conformity, mode: 'onboard', 'onboard-account': '[1]' },
      "Input 'onboard-account' must be a JSON object"
    ],
    [
      { ...conformity, mode: 'onboard', 'onboard-account': '{"cloudType":"gcp"}' },
      'needs "cloudType": aws or azure'
    ],
    [
      {
        ...conformity,
        mode: 'onboard',
        'onboard-account': '{"cloudType":"aws","name":"n","environment":"e"}'
      },
      'is not a valid conformity aws account: roleArn'
    ],
    [
      {
        ...cloudneeti,
        mode: 'onboard',
        'onboard-account':
          '{"cloudType":"aws","AccountName":"n","AWSAccountId":"1","AWSRoleName":"r","Extra":1}'
      },
      'unknown key(s) Extra'
    ],
    [
      { ...cloudneeti, mode: 'onboard', 'onboard-account': '{"cloudType":"office","AccountName":"n"}' },
      'is not a valid cloudneeti office account'
    ]
  ])('rejects bad input %#, naming it', (inputs, message) => {
    expect(errorOf(inputs as Record<string, string>)).toContain(message)
  })

  // contract §13: inputs that cannot work are errors before any request
  it.each([
    [{ ...conformity, 'poll-interval': '0' }, "Input 'poll-interval' must be at least 1 seconds, got '0'"],
    [{ ...conformity, 'poll-interval': '0.5' }, "Input 'poll-interval' must be at least 1 seconds"],
    [
      { ...conformity, 'request-timeout': '0.5' },
      "Input 'request-timeout' must be between 1 and 600 seconds"
    ],
    [
      { ...conformity, 'request-timeout': '601' },
      "Input 'request-timeout' must be between 1 and 600 seconds"
    ],
    [
      { ...conformity, 'request-timeout': '3000000' },
      "Input 'request-timeout' must be between 1 and 600 seconds"
    ],
    [
      { ...conformity, 'api-url': 'https://h.example/v1?x=1' },
      "Input 'api-url' must be a base URL without a query"
    ],
    [
      { ...conformity, 'api-url': 'https://h.example/v1#frag' },
      "Input 'api-url' must be a base URL without a query"
    ],
    [
      { ...conformity, 'api-url': 'https://h.example/v1?' },
      "Input 'api-url' must be a base URL without a query"
    ],
    [{ ...conformity, 'api-key': 'abc\ndef' }, "Input 'api-key' has a character an HTTP header cannot carry"],
    [
      { ...conformity, 'api-key': 'abc\u2028def' },
      "Input 'api-key' has a character an HTTP header cannot carry"
    ],
    [
      { ...conformity, 'api-key': 'kéy✓' },
      "Input 'api-key' has a character an HTTP header cannot carry (U+2713"
    ],
    [
      { ...cloudneeti, 'application-secret': 'se\u0000cret' },
      "Input 'application-secret' has a character an HTTP header cannot carry"
    ],
    [{ ...cloudneeti, benchmark: '..' }, "Input 'benchmark' must be a Cloudneeti benchmark id"],
    [{ ...cloudneeti, benchmark: '.' }, "Input 'benchmark' must be a Cloudneeti benchmark id"],
    [{ ...cloudneeti, benchmark: 'a/b' }, "Input 'benchmark' must be a Cloudneeti benchmark id"],
    [{ ...conformity, benchmark: '..' }, "Input 'benchmark' must be a Conformity compliance standard id"],
    [
      { ...conformity, 'report-path': 'out/' },
      "Input 'report-path' must name a file, but 'out/' is a directory"
    ],
    [
      { ...conformity, 'report-path': '/tmp' },
      "Input 'report-path' must name a file, but '/tmp' is a directory"
    ],
    [{ ...conformity, region: 'Not A Region' }, "Input 'region' has 'not a region'"]
  ])('refuses input that cannot work %#, before any request', (inputs, message) => {
    expect(errorOf(inputs as Record<string, string>)).toContain(message)
  })

  it('never shows a credential that has a bad character, only where the character is', () => {
    const message = errorOf({ ...conformity, 'api-key': 'supersecretkey\n' })
    expect(message).toContain('position 15')
    expect(message).not.toContain('supersecret')
  })

  it('reads an upper-case HTTP scheme as the plain http it is', () => {
    expect(parse({ ...conformity, 'api-url': 'HTTP://Example.COM/v1/' }).apiUrl).toBe('http://example.com/v1')
  })

  it('warns about a region that api-url makes meaningless, and only about one someone chose', () => {
    const ignored = (inputs: Record<string, string>) => parse(inputs).ignoredInputs.map(i => i.input)
    expect(ignored({ ...conformity, 'api-url': 'https://h.example/v1', region: 'eu-west-1' })).toEqual([
      'region'
    ])
    expect(ignored({ ...conformity, 'api-url': 'https://h.example/v1', region: 'us-west-2' })).toEqual([])
    // without api-url the region decides the host, so a bad one is an error, not a warning
    expect(errorOf({ ...conformity, region: 'mars-1x' })).toContain("Input 'region' has 'mars-1x'")
  })

  it('never echoes a secret in an error', () => {
    const secret = 'AzureClientSecret-123'
    const raw = JSON.stringify({ cloudType: 'azure', AccountName: 'a', ADApplicationClientSecret: secret })
    expect(errorOf({ ...cloudneeti, mode: 'onboard', 'onboard-account': raw })).not.toContain(secret)
  })

  it('parses valid onboarding accounts for both providers', () => {
    const aws = { cloudType: 'aws', name: 'n', environment: 'prod', roleArn: 'arn:aws:iam::1:role/r' }
    expect(parse({ ...conformity, mode: 'onboard', 'onboard-account': JSON.stringify(aws) })).toMatchObject({
      mode: 'onboard',
      onboardAccount: aws
    })
    const azure = {
      cloudType: 'azure',
      AccountName: 'a',
      DomainName: 'd',
      TenantId: 't',
      ADApplicationClientId: 'c',
      ADApplicationClientSecret: 's',
      SubscriptionId: 'sub'
    }
    expect(parse({ ...cloudneeti, mode: 'onboard', 'onboard-account': JSON.stringify(azure) })).toMatchObject(
      {
        mode: 'onboard',
        onboardAccount: azure
      }
    )
  })

  it('reports inputs that do not apply instead of ignoring them silently', () => {
    const ignored = (inputs: Record<string, string>) => parse(inputs).ignoredInputs.map(i => i.input)
    expect(ignored({ ...conformity, 'license-id': 'x' })).toEqual(['license-id'])
    expect(ignored({ ...cloudneeti, region: 'eu-west-1' })).toEqual(['region'])
    expect(ignored({ ...cloudneeti, region: 'us-west-2' })).toEqual([])
  })

  it('accepts fractional seconds and whole-number limits', () => {
    const s = parse({
      ...cloudneeti,
      'poll-interval': '1.5',
      timeout: '2.5',
      'max-failures': '0',
      'soft-fail': 'TRUE'
    })
    expect([s.pollIntervalMs, s.timeoutMs, s.policy.maxFailures, s.softFail]).toEqual([1500, 2500, 0, true])
  })
})

describe('secretsInInputs', () => {
  it('finds the key, the application secret and the secrets inside onboard-account', () => {
    const inputs: Record<string, string> = {
      'api-key': 'key1',
      'application-secret': 'sec1',
      'onboard-account': JSON.stringify({ ADApplicationClientSecret: 'ad-secret', externalId: 'ext-1' })
    }
    expect(secretsInInputs(n => inputs[n] ?? '')).toEqual(['key1', 'sec1', 'ad-secret', 'ext-1'])
  })

  it('masks a malformed onboard-account whole, line by line', () => {
    const inputs: Record<string, string> = { 'onboard-account': '{"ADApplicationClientSecret": "abc"\n oops' }
    expect(secretsInInputs(n => inputs[n] ?? '')).toEqual(['{"ADApplicationClientSecret": "abc"', 'oops'])
  })
})
