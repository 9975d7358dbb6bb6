/** Input and output names, in one place, so no string literal is repeated across modules. */
export const Input = {
  provider: 'provider',
  mode: 'mode',
  apiUrl: 'api-url',
  region: 'region',
  apiKey: 'api-key',
  applicationId: 'application-id',
  applicationSecret: 'application-secret',
  licenseId: 'license-id',
  accountId: 'account-id',
  benchmark: 'benchmark',
  onboardAccount: 'onboard-account',
  pollInterval: 'poll-interval',
  timeout: 'timeout',
  requestTimeout: 'request-timeout',
  minScore: 'min-score',
  failOnSeverity: 'fail-on-severity',
  maxFailures: 'max-failures',
  softFail: 'soft-fail',
  reportPath: 'report-path',
  compareTo: 'compare-to',
  gateOn: 'gate-on',
  maxScoreDrop: 'max-score-drop',
  waivers: 'waivers',
  githubToken: 'github-token',
  checkRun: 'check-run',
  prComment: 'pr-comment',
  sarifPath: 'sarif-path',
  iacPaths: 'iac-paths',
  maxParallel: 'max-parallel',
  reports: 'reports'
} as const

export const Output = {
  result: 'result',
  decision: 'decision',
  score: 'score',
  failedControls: 'failed-controls',
  scanId: 'scan-id',
  accountId: 'account-id',
  reportPath: 'report-path',
  reason: 'reason',
  newFailures: 'new-failures',
  fixed: 'fixed',
  scoreChange: 'score-change',
  waived: 'waived',
  checkRunUrl: 'check-run-url',
  commentUrl: 'comment-url',
  sarifPath: 'sarif-path',
  accounts: 'accounts'
} as const

export const ACTION_NAME = 'cspm-compliance-gate'
export const ACTION_VERSION = '0.1.0'
