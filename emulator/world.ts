/**
 * The emulator's world: every key, account, policy and check both services start from.
 * `World` is what a caller writes (defaults optional); `WorldConfig` is the validated form.
 */
import { z } from 'zod'

export const CLOUDNEETI_PERMISSIONS = [
  'Account.Audit',
  'Account.Health',
  'Account.Rescan',
  'Account.GetJobstatus',
  'Account.InsertKubernetesClusterData',
  'License.AddAccount',
  'License.UpdateAPIAccess',
  'License.GetAPIAccess'
] as const

export const SEVERITIES = ['Critical', 'High', 'Moderate', 'Low', 'VeryLow'] as const
export const RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH', 'EXTREME'] as const
export const CHECK_STATUSES = ['SUCCESS', 'FAILURE'] as const
export const ROLES = ['ADMIN', 'POWER_USER', 'READ_ONLY', 'USER'] as const
export const ACCESS_LEVELS = ['NONE', 'READONLY', 'FULL'] as const

// ---------------------------------------------------------------- Cloudneeti

/** One failing resource of a policy, as E14 (failed assets) lists it. */
export const FailedAssetSpecSchema = z.strictObject({
  resourceId: z.string().min(1),
  /** default: the last segment of resourceId (after the last `/` or `:`) */
  resourceName: z.string().min(1).optional(),
  /** default: a fixed region of the connector, chosen by the asset's index */
  region: z.string().min(1).optional(),
  /** `resourceType`; default: the policy's service, else its category */
  type: z.string().min(1).optional(),
  /** user data: keys may differ only by case, as the real service's seem to */
  tags: z.record(z.string(), z.string()).optional()
})

export const PolicySpecSchema = z
  .strictObject({
    policyId: z.string().min(1),
    title: z.string().min(1),
    severity: z.enum(SEVERITIES),
    category: z.string().min(1),
    service: z.string().min(1).optional(),
    complianceNumber: z.string().min(1).optional(),
    passed: z.number().int().min(0),
    total: z.number().int().min(0),
    /** the failing resources; absent: `total - passed` synthetic ones, stable by index */
    failedAssets: z.array(FailedAssetSpecSchema).optional()
  })
  .superRefine((p, ctx) => {
    if (p.passed > p.total) {
      ctx.addIssue({ code: 'custom', path: ['passed'], message: 'passed must not exceed total' })
      return
    }
    if (!p.failedAssets) return
    const failed = p.total - p.passed
    if (p.failedAssets.length !== failed) {
      ctx.addIssue({
        code: 'custom',
        path: ['failedAssets'],
        message: `lists ${p.failedAssets.length} asset(s) but total - passed is ${failed}`
      })
    }
    // a finding is (policy, region, resource): the same one twice would hide a count mismatch
    const seen = new Set<string>()
    p.failedAssets.forEach((a, i) => {
      const key = JSON.stringify([a.region ?? '', a.resourceId])
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['failedAssets', i, 'resourceId'],
          message: `duplicate asset "${a.resourceId}"${a.region ? ` in ${a.region}` : ''}`
        })
      seen.add(key)
    })
  })

const BenchmarkSpecSchema = z.strictObject({
  name: z.string().min(1),
  before: z.array(PolicySpecSchema).optional(),
  after: z.array(PolicySpecSchema).optional()
})

const CloudneetiAppSchema = z.strictObject({
  applicationId: z.string().min(1),
  secret: z.string().min(1),
  name: z.string().optional(),
  permissions: z.array(z.enum(CLOUDNEETI_PERMISSIONS)).default([]),
  scope: z.array(z.string().min(1)).default([]),
  tokenLifetimeSeconds: z.number().positive().optional()
})

const CloudneetiAccountSchema = z.strictObject({
  accountId: z.string().min(1),
  accountName: z.string().min(1),
  connectorType: z.enum(['AWS', 'Azure', 'Office365']),
  scanOutcome: z.enum(['Success', 'Failed']).default('Success'),
  awsAccountId: z.string().optional(),
  subscriptionId: z.string().optional(),
  /** E14 answers normally, 403 (not allowed) or 404 (no such endpoint): the client's fallback (§8) */
  failedAssetsEndpoint: z.enum(['ok', 'forbidden', 'missing']).default('ok'),
  benchmarks: z.record(z.string().min(1), BenchmarkSpecSchema).default({})
})

const CloudneetiLicenseSchema = z.strictObject({
  licenseId: z.string().min(1),
  name: z.string().min(1),
  apps: z.array(CloudneetiAppSchema).default([]),
  accounts: z.array(CloudneetiAccountSchema).default([])
})

const CloudneetiQuirksSchema = z.strictObject({
  pascalCase: z.boolean().default(false),
  reportAsArray: z.boolean().default(false),
  quotedJobIds: z.boolean().default(false),
  completedStatus: z.boolean().default(false),
  statusCase: z.enum(['lower', 'upper']).optional(),
  /**
   * Hostile, not a tolerance: rescan starts nothing and names the latest job that had already
   * succeeded, so its report predates the request (CONTRACT §13: the client must refuse it).
   */
  staleRescan: z.boolean().default(false)
})

const CloudneetiSchema = z.strictObject({
  apiKeys: z.array(z.string().min(1)).default([]),
  quirks: CloudneetiQuirksSchema.prefault({}),
  onboardPolicies: z.array(PolicySpecSchema).default([]),
  licenses: z.array(CloudneetiLicenseSchema).default([])
})

// ---------------------------------------------------------------- Conformity

export const CheckSpecSchema = z.strictObject({
  rule: z.string().min(1),
  status: z.enum(CHECK_STATUSES),
  risk: z.enum(RISK_LEVELS),
  region: z.string().min(1).optional(),
  service: z.string().min(1).optional(),
  resource: z.string().optional(),
  title: z.string().min(1).optional(),
  message: z.string().optional(),
  suppressed: z.boolean().optional(),
  compliances: z.array(z.string().min(1)).optional(),
  categories: z.array(z.string().min(1)).optional(),
  /** resource tags as the API prints them, `key::value` (the key may hold single colons) */
  tags: z.array(z.string().refine(t => t.indexOf('::') > 0, { message: 'a tag is "key::value"' })).optional(),
  /** days between the check's last status change and the moment the check set became current */
  ageDays: z.number().min(0).optional()
})

const AccessEntrySchema = z.strictObject({ account: z.string().min(1), level: z.enum(ACCESS_LEVELS) })

const ConformityUserSchema = z.strictObject({
  id: z.string().min(1),
  firstName: z.string().default(''),
  lastName: z.string().default(''),
  email: z.string().min(1),
  role: z.enum(ROLES),
  status: z.enum(['ACTIVE', 'INVITED']).default('ACTIVE'),
  accessList: z.array(AccessEntrySchema).default([]),
  apiKeys: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        key: z.string().min(1),
        status: z.enum(['ENABLED', 'DISABLED']).default('ENABLED')
      })
    )
    .default([])
})

const ConformityAccountSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  environment: z.string().default(''),
  cloudType: z.enum(['aws', 'azure']).default('aws'),
  awsAccountId: z.string().optional(),
  subscriptionId: z.string().optional(),
  createdDate: z.number().optional(),
  lastCheckedDate: z.number().nullable().default(null),
  /** non-null: a bot run is already under way when the world loads */
  botStatus: z.enum(['PENDING', 'RUNNING']).nullable().default(null),
  checks: z.array(CheckSpecSchema).default([]),
  checksAfterScan: z.array(CheckSpecSchema).optional()
})

const ConformitySchema = z.strictObject({
  organisationId: z.string().min(1).default('org-emulator'),
  externalId: z.string().min(1).default('ext-emulator'),
  ssoEnabled: z.boolean().default(false),
  errorKey: z.enum(['detail', 'details', 'message']).default('detail'),
  quirks: z
    .strictObject({
      accountAsArray: z.boolean().default(false),
      scanResponseObject: z.boolean().default(false)
    })
    .prefault({}),
  users: z.array(ConformityUserSchema).default([]),
  accounts: z.array(ConformityAccountSchema).default([]),
  onboardChecks: z.array(CheckSpecSchema).default([])
})

// ---------------------------------------------------------------- World

const TimingSchema = z
  .strictObject({
    pendingSeconds: z.number().min(0).optional(),
    scanSeconds: z.number().positive().default(3),
    tokenLifetimeSeconds: z.number().positive().default(3600)
  })
  .superRefine((t, ctx) => {
    if (t.pendingSeconds !== undefined && t.pendingSeconds > t.scanSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['pendingSeconds'],
        message: `pendingSeconds (${t.pendingSeconds}) must not exceed scanSeconds (${t.scanSeconds})`
      })
    }
  })
  .transform(t => ({ ...t, pendingSeconds: t.pendingSeconds ?? Math.min(0.5, t.scanSeconds / 2) }))

export const WorldSchema = z
  .strictObject({
    timing: TimingSchema.prefault({}),
    cloudneeti: CloudneetiSchema.prefault({}),
    conformity: ConformitySchema.prefault({})
  })
  .superRefine((world, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message })
    const unique = (seen: Set<string>, value: string, path: (string | number)[], what: string) => {
      if (seen.has(value)) issue(path, `duplicate ${what} "${value}"`)
      seen.add(value)
    }

    const apiKeys = new Set<string>()
    world.cloudneeti.apiKeys.forEach((k, i) => unique(apiKeys, k, ['cloudneeti', 'apiKeys', i], 'API key'))
    const licenseIds = new Set<string>()
    const accountIds = new Set<string>()
    const appIds = new Set<string>()
    world.cloudneeti.licenses.forEach((lic, li) => {
      const base = ['cloudneeti', 'licenses', li]
      unique(licenseIds, lic.licenseId, [...base, 'licenseId'], 'licenseId')
      const own = new Set(lic.accounts.map(a => a.accountId))
      lic.accounts.forEach((acc, ai) =>
        unique(accountIds, acc.accountId, [...base, 'accounts', ai, 'accountId'], 'accountId')
      )
      lic.apps.forEach((app, pi) => {
        unique(appIds, app.applicationId, [...base, 'apps', pi, 'applicationId'], 'applicationId')
        app.scope.forEach((id, si) => {
          if (!own.has(id))
            issue([...base, 'apps', pi, 'scope', si], `account "${id}" is not in this license`)
        })
      })
    })

    const cc = world.conformity
    const ccAccounts = new Set<string>()
    cc.accounts.forEach((a, i) => unique(ccAccounts, a.id, ['conformity', 'accounts', i, 'id'], 'account id'))
    const userIds = new Set<string>()
    const emails = new Set<string>()
    const keys = new Set<string>()
    const keyIds = new Set<string>()
    cc.users.forEach((u, ui) => {
      const base = ['conformity', 'users', ui]
      unique(userIds, u.id, [...base, 'id'], 'user id')
      unique(emails, u.email.toLowerCase(), [...base, 'email'], 'email')
      u.accessList.forEach((e, ei) => {
        if (!ccAccounts.has(e.account))
          issue([...base, 'accessList', ei, 'account'], `unknown account "${e.account}"`)
      })
      u.apiKeys.forEach((k, ki) => {
        unique(keys, k.key, [...base, 'apiKeys', ki, 'key'], 'API key')
        unique(keyIds, k.id, [...base, 'apiKeys', ki, 'id'], 'API key id')
      })
    })
  })

/** The world as a caller writes it: every field with a default may be left out. */
export type World = z.input<typeof WorldSchema>
/** The validated world, defaults applied. */
export type WorldConfig = z.output<typeof WorldSchema>
export type PolicySpec = z.output<typeof PolicySpecSchema>
export type FailedAssetSpec = z.output<typeof FailedAssetSpecSchema>
export type CheckSpec = z.output<typeof CheckSpecSchema>
export type CloudneetiAccountConfig = WorldConfig['cloudneeti']['licenses'][number]['accounts'][number]
export type ConformityAccountConfig = WorldConfig['conformity']['accounts'][number]
export type ConformityUserConfig = WorldConfig['conformity']['users'][number]
export type Severity = (typeof SEVERITIES)[number]
export type RiskLevel = (typeof RISK_LEVELS)[number]
export type Role = (typeof ROLES)[number]
export type AccessLevel = (typeof ACCESS_LEVELS)[number]

export class WorldValidationError extends Error {
  readonly issues: string[]
  constructor(issues: string[]) {
    super(`Invalid emulator world:\n${issues.map(i => `  - ${i}`).join('\n')}`)
    this.name = 'WorldValidationError'
    this.issues = issues
  }
}

/** `cloudneeti.licenses[0].apps[1].secret` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out ? `.${String(part)}` : String(part)
  }
  return out || '(root)'
}

export function formatZodIssues(error: z.ZodError, limit = 20): string[] {
  const lines = error.issues.slice(0, limit).map(i => `${formatPath(i.path)}: ${i.message}`)
  if (error.issues.length > limit) lines.push(`… and ${error.issues.length - limit} more`)
  return lines
}

/** Validates a world (object or parsed JSON); throws WorldValidationError naming every bad path. */
export function parseWorld(input: unknown): WorldConfig {
  const parsed = WorldSchema.safeParse(input)
  if (!parsed.success) throw new WorldValidationError(formatZodIssues(parsed.error))
  return parsed.data
}

// ---------------------------------------------------------------- the sample world

type Policy = z.input<typeof PolicySpecSchema>
type Check = z.input<typeof CheckSpecSchema>

/** the sample world's policies: category → policyId → [title, service] */
const SAMPLE_CATALOGUE: Record<string, Record<string, [title: string, service: string]>> = {
  'AWS - Identity and Access Management': {
    IAMRootAccountMFAEnabled: ['Ensure MFA is enabled for the root account', 'IAM'],
    IAMPasswordPolicyStrong: ['Ensure the IAM password policy is strong', 'IAM'],
    IAMAccessKeysRotated: ['Ensure access keys are rotated every 90 days', 'IAM']
  },
  'AWS - Storage': {
    S3BucketEncryptionEnabled: ['Ensure S3 buckets have default encryption', 'S3'],
    S3BucketPublicAccessBlocked: ['Ensure S3 buckets block public access', 'S3']
  },
  'AWS - Logging and Monitoring': {
    CloudTrailEnabledAllRegions: ['Ensure CloudTrail is enabled in all regions', 'CloudTrail'],
    GuardDutyEnabled: ['Ensure GuardDuty is enabled', 'GuardDuty']
  },
  'AWS - Networking': {
    VPCFlowLogsEnabled: ['Ensure VPC flow logs are enabled', 'VPC'],
    EC2SecurityGroupNoOpenSSH: ['Ensure no security group allows SSH from 0.0.0.0/0', 'EC2']
  },
  'AWS - Compute': {
    EBSVolumeEncrypted: ['Ensure EBS volumes are encrypted', 'EC2'],
    KMSKeyRotationEnabled: ['Ensure KMS key rotation is enabled', 'KMS']
  },
  'AWS - Database': {
    RDSInstanceBackupEnabled: ['Ensure RDS instances have automated backups', 'RDS'],
    RedshiftClusterEncrypted: ['Ensure Redshift clusters are encrypted', 'Redshift']
  },
  'PCI DSS - Requirement 3: Protect stored cardholder data': {
    PciStoredDataEncrypted: ['Ensure stored cardholder data is encrypted', 'S3'],
    PciVolumesEncrypted: ['Ensure volumes holding cardholder data are encrypted', 'EC2'],
    PciDatabaseEncrypted: ['Ensure databases holding cardholder data are encrypted', 'RDS']
  },
  'PCI DSS - Requirement 1: Firewall configuration': {
    PciNoOpenAdminPorts: ['Ensure no administrative port is open to the internet', 'EC2'],
    PciNetworkLogging: ['Ensure network traffic is logged', 'VPC']
  },
  'Azure - Compute (IaaS)': {
    VMDiskEncryptionEnabled: ['Ensure VM OS and data disks are encrypted', 'VirtualMachines'],
    VMConfiguredBackup: ['Ensure VMs have backup configured', 'VirtualMachines']
  },
  'Azure - Storage': {
    StorageSecureTransfer: ['Ensure secure transfer is required', 'StorageAccounts'],
    StorageBlobSoftDelete: ['Ensure blob soft delete is enabled', 'StorageAccounts'],
    StoragePublicBlobAccessDisabled: ['Ensure public blob access is disabled', 'StorageAccounts']
  },
  'Azure - SQL Database': {
    SQLServerAuditingEnabled: ['Ensure SQL server auditing is enabled', 'SQLServers']
  },
  'Azure - Security Center': {
    SecurityCenterStandardTier: ['Ensure the Security Center standard tier is on', 'SecurityCenter']
  },
  'Office 365 - Azure Active Directory': {
    MFAEnabledForAdmins: ['Ensure MFA is enabled for all admin users', 'AzureActiveDirectory']
  },
  'Office 365 - Exchange Online': {
    MailboxAuditingEnabled: ['Ensure mailbox auditing is enabled', 'ExchangeOnline'],
    ExternalForwardingBlocked: ['Ensure forwarding to external domains is blocked', 'ExchangeOnline'],
    DKIMEnabled: ['Ensure DKIM is enabled for all domains', 'ExchangeOnline']
  },
  'Identity and Access Management': {
    MFAEnabledForPrivilegedUsers: ['Ensure MFA is enabled for privileged users', 'Identity'],
    PasswordPolicyStrong: ['Ensure the password policy is strong', 'Identity']
  },
  Storage: {
    StorageEncryptionEnabled: ['Ensure storage is encrypted at rest', 'Storage'],
    StorageVersioningEnabled: ['Ensure storage versioning is enabled', 'Storage']
  },
  'Logging and Monitoring': {
    AuditLoggingEnabled: ['Ensure audit logging is enabled', 'Logging'],
    AlertingConfigured: ['Ensure alerting is configured for security events', 'Monitoring']
  }
}

const SAMPLE_POLICIES = new Map(
  Object.entries(SAMPLE_CATALOGUE).flatMap(([category, entries]) =>
    Object.entries(entries).map(
      ([policyId, [title, service]]) => [policyId, { title, category, service }] as const
    )
  )
)

type FailedAsset = z.input<typeof FailedAssetSpecSchema>
type PolicyRow = [
  policyId: string,
  severity: Severity,
  passed: number,
  total: number,
  failedAssets?: FailedAsset[]
]

function policies(rows: PolicyRow[]): Policy[] {
  return rows.map(([policyId, severity, passed, total, failedAssets]) => {
    const policy: Policy = { policyId, ...SAMPLE_POLICIES.get(policyId)!, severity, passed, total }
    if (failedAssets) policy.failedAssets = failedAssets
    return policy
  })
}

/** titles of the rules the sample world's checks use (knowledge-base style) */
const SAMPLE_RULE_TITLES: Record<string, string> = {
  'S3-001': "Bucket Public 'READ' Access",
  'S3-002': "Bucket Public 'READ_ACP' Access",
  'S3-006': 'S3 Bucket Logging Enabled',
  'EC2-001': 'Security Group Port Range',
  'EC2-002': 'Unrestricted SSH Access',
  'EC2-019': 'Unrestricted Inbound Access on Uncommon Ports',
  'IAM-001': 'Root Account MFA Enabled',
  'IAM-017': 'Unused IAM Access Keys',
  'RDS-001': 'RDS Encryption Enabled',
  'CloudTrail-001': 'CloudTrail Enabled',
  'EBS-001': 'Unattached EBS Volumes',
  'KMS-004': 'KMS Key Rotation Enabled',
  'StorageAccounts-001': 'Secure Transfer Required',
  'StorageAccounts-002': 'Storage Account Encryption',
  'KeyVault-001': 'Key Vault Recoverable',
  'SQL-001': 'SQL Server Auditing Enabled',
  'Monitor-003': 'Activity Log Retention Period'
}

function check(
  rule: string,
  status: 'SUCCESS' | 'FAILURE',
  risk: RiskLevel,
  extra: Partial<Check> = {}
): Check {
  return { rule, status, risk, title: SAMPLE_RULE_TITLES[rule], ...extra }
}

export const SAMPLE = {
  cloudneeti: {
    apiKey: 'cn-demo-api-key',
    licenseId: '11111111-1111-4111-8111-111111111111',
    appId: '22222222-2222-4222-8222-222222222222',
    appSecret: 'cn-demo-app-secret',
    auditAppId: '33333333-3333-4333-8333-333333333333',
    auditAppSecret: 'cn-audit-only-secret',
    accounts: {
      prodAws: 'aaaaaaaa-0000-4000-8000-000000000001',
      stagingAzure: 'aaaaaaaa-0000-4000-8000-000000000002',
      outOfScopeOffice: 'aaaaaaaa-0000-4000-8000-000000000003',
      brokenAws: 'aaaaaaaa-0000-4000-8000-000000000004'
    }
  },
  conformity: {
    organisationId: 'org-demo',
    externalId: 'ext-demo-5f1c',
    keys: {
      admin: 'cc-admin-key',
      power: 'cc-power-key',
      readonly: 'cc-readonly-key',
      user: 'cc-user-key',
      none: 'cc-none-key',
      disabled: 'cc-disabled-key'
    },
    accounts: { prod: 'cc-acc-prod', dev: 'cc-acc-dev', azure: 'cc-acc-azure' }
  }
} as const

/** The built-in demo world. A fresh object on every call, so callers may modify it. */
export function sampleWorld(): World {
  const cn = SAMPLE.cloudneeti
  const acc = cn.accounts
  const prodBefore = policies([
    ['IAMRootAccountMFAEnabled', 'High', 0, 1],
    ['S3BucketEncryptionEnabled', 'Moderate', 7, 10],
    ['S3BucketPublicAccessBlocked', 'High', 10, 10],
    ['CloudTrailEnabledAllRegions', 'Moderate', 1, 1],
    ['EC2SecurityGroupNoOpenSSH', 'Critical', 5, 5],
    ['EBSVolumeEncrypted', 'Low', 3, 6],
    ['RDSInstanceBackupEnabled', 'Moderate', 2, 2],
    ['GuardDutyEnabled', 'Low', 0, 0]
  ])
  // the failing users are listed (the other failures are synthetic): tags, one CloudFormation logical id
  const staleKeyUsers: FailedAsset[] = [
    {
      resourceId: 'arn:aws:iam::111122223333:user/deploy-bot',
      region: 'global',
      type: 'IAMUser',
      tags: {
        'aws:cloudformation:logical-id': 'DeployBotUser',
        'aws:cloudformation:stack-name': 'prod-iam',
        Team: 'platform'
      }
    },
    // tag keys that differ only by case, as the real service's seem to (api/cloudneeti.md E14)
    {
      resourceId: 'arn:aws:iam::111122223333:user/ci-runner',
      region: 'global',
      type: 'IAMUser',
      tags: { Team: 'ci', team: 'ci-legacy' }
    },
    { resourceId: 'arn:aws:iam::111122223333:user/legacy-admin', region: 'global', type: 'IAMUser' }
  ]
  // 8 Green, 3 failed (Moderate Amber, Low Red, VeryLow Amber), 2 Gray (High, Critical): score 8/11 = 72.73
  const prodAfter = policies([
    ['IAMRootAccountMFAEnabled', 'High', 1, 1],
    ['IAMPasswordPolicyStrong', 'Moderate', 1, 1],
    ['IAMAccessKeysRotated', 'VeryLow', 1, 4, staleKeyUsers],
    ['S3BucketEncryptionEnabled', 'Moderate', 9, 10],
    ['S3BucketPublicAccessBlocked', 'High', 10, 10],
    ['CloudTrailEnabledAllRegions', 'Moderate', 1, 1],
    ['GuardDutyEnabled', 'High', 0, 0],
    ['VPCFlowLogsEnabled', 'Low', 3, 3],
    ['EC2SecurityGroupNoOpenSSH', 'Critical', 5, 5],
    ['EBSVolumeEncrypted', 'Low', 0, 6],
    ['KMSKeyRotationEnabled', 'Moderate', 4, 4],
    ['RDSInstanceBackupEnabled', 'Moderate', 2, 2],
    ['RedshiftClusterEncrypted', 'Critical', 0, 0]
  ])
  const prodPciBefore = policies([
    ['PciStoredDataEncrypted', 'High', 10, 10],
    ['PciVolumesEncrypted', 'High', 6, 6],
    ['PciNoOpenAdminPorts', 'Critical', 5, 5],
    ['PciNetworkLogging', 'Moderate', 3, 3]
  ])
  // fails the default gate: a High Amber
  const prodPciAfter = policies([
    ['PciStoredDataEncrypted', 'High', 9, 10],
    ['PciVolumesEncrypted', 'High', 6, 6],
    ['PciDatabaseEncrypted', 'High', 0, 0],
    ['PciNoOpenAdminPorts', 'Critical', 5, 5],
    ['PciNetworkLogging', 'Moderate', 3, 3]
  ])
  // passes: 5 Green, 1 Low Amber: score 83.33
  const stagingBefore = policies([
    ['VMDiskEncryptionEnabled', 'High', 3, 3],
    ['VMConfiguredBackup', 'Moderate', 3, 3],
    ['StorageSecureTransfer', 'High', 4, 4],
    ['StorageBlobSoftDelete', 'Low', 2, 4],
    ['SQLServerAuditingEnabled', 'Critical', 2, 2],
    ['SecurityCenterStandardTier', 'Moderate', 1, 1]
  ])
  // fails: a Critical Red and a High Amber. 4 Green, 3 failed: score 57.14
  const stagingAfter = policies([
    ['VMDiskEncryptionEnabled', 'High', 1, 3],
    ['VMConfiguredBackup', 'Moderate', 3, 3],
    ['StorageSecureTransfer', 'High', 4, 4],
    ['StorageBlobSoftDelete', 'Low', 4, 4],
    ['StoragePublicBlobAccessDisabled', 'Moderate', 0, 2],
    ['SQLServerAuditingEnabled', 'Critical', 0, 2],
    ['SecurityCenterStandardTier', 'Moderate', 1, 1]
  ])
  const officeBefore = policies([
    ['MFAEnabledForAdmins', 'Critical', 3, 3],
    ['MailboxAuditingEnabled', 'Moderate', 40, 42],
    ['ExternalForwardingBlocked', 'High', 1, 1],
    ['DKIMEnabled', 'Low', 0, 0]
  ])
  const brokenBefore = policies([
    ['IAMRootAccountMFAEnabled', 'High', 1, 1],
    ['S3BucketEncryptionEnabled', 'Moderate', 0, 3],
    ['CloudTrailEnabledAllRegions', 'Moderate', 1, 1],
    ['EBSVolumeEncrypted', 'Low', 2, 2]
  ])
  // no High/Critical failure: 4 Green, 1 Low Amber, 1 Moderate Gray: score 80
  const onboardPolicies = policies([
    ['MFAEnabledForPrivilegedUsers', 'Critical', 2, 2],
    ['PasswordPolicyStrong', 'Moderate', 1, 1],
    ['StorageEncryptionEnabled', 'High', 5, 5],
    ['StorageVersioningEnabled', 'Low', 3, 5],
    ['AuditLoggingEnabled', 'High', 1, 1],
    ['AlertingConfigured', 'Moderate', 0, 0]
  ])
  const CSBP = 'Cloud Security Best Practices'

  const cc = SAMPLE.conformity
  const cis = ['CISAWSF']
  const cisPci = ['CISAWSF', 'PCI']
  const pci = ['PCI']
  const old = { ageDays: 5 }
  // 7 SUCCESS, 3 FAILURE (LOW, MEDIUM, LOW): score 70, passes the default gate
  const prodChecks: Check[] = [
    check('S3-001', 'SUCCESS', 'MEDIUM', { resource: 'prod-assets', compliances: cisPci, ...old }),
    check('S3-002', 'SUCCESS', 'HIGH', { resource: 'prod-assets', compliances: cis, ...old }),
    check('S3-006', 'FAILURE', 'LOW', {
      resource: 'prod-logs',
      compliances: ['AWAF'],
      tags: [
        'aws:cloudformation:logical-id::ProdLogsBucket',
        'aws:cloudformation:stack-name::prod-storage',
        'Environment::production'
      ],
      ...old
    }),
    check('EC2-001', 'SUCCESS', 'HIGH', { resource: 'sg-0a1b2c3d', compliances: cisPci, ...old }),
    check('EC2-002', 'SUCCESS', 'VERY_HIGH', { resource: 'sg-0a1b2c3d', compliances: cis, ...old }),
    check('IAM-001', 'SUCCESS', 'HIGH', { region: 'global', resource: 'root', compliances: cisPci, ...old }),
    check('IAM-017', 'FAILURE', 'MEDIUM', {
      region: 'global',
      resource: 'deploy-bot',
      compliances: cis,
      tags: ['aws:cloudformation:logical-id::DeployBotUser', 'Team::platform'],
      ...old
    }),
    check('RDS-001', 'SUCCESS', 'HIGH', { resource: 'prod-db', compliances: pci, ...old }),
    check('CloudTrail-001', 'SUCCESS', 'MEDIUM', { resource: 'org-trail', compliances: cisPci, ...old }),
    check('EBS-001', 'FAILURE', 'LOW', {
      resource: 'vol-0f00ba4',
      categories: ['cost-optimisation'],
      ...old
    })
  ]
  // one more MEDIUM failure (KMS-004) and a suppressed VERY_HIGH failure (EC2-019, out of scope)
  const prodAfter2: Check[] = [
    ...prodChecks,
    check('KMS-004', 'FAILURE', 'MEDIUM', {
      resource: 'alias/prod-data',
      compliances: pci,
      tags: ['aws:cloudformation:logical-id::ProdDataKey']
    }),
    check('EC2-019', 'FAILURE', 'VERY_HIGH', { resource: 'i-0123456789', compliances: cis, suppressed: true })
  ]
  const devChecks: Check[] = [
    check('S3-001', 'SUCCESS', 'MEDIUM', { resource: 'dev-assets', compliances: cisPci, ...old }),
    check('EC2-001', 'SUCCESS', 'HIGH', { resource: 'sg-dev', compliances: cisPci, ...old }),
    check('IAM-001', 'SUCCESS', 'HIGH', { region: 'global', resource: 'root', compliances: cisPci, ...old }),
    check('CloudTrail-001', 'SUCCESS', 'MEDIUM', { resource: 'dev-trail', compliances: cis, ...old }),
    check('EBS-001', 'FAILURE', 'LOW', { resource: 'vol-dev', categories: ['cost-optimisation'], ...old })
  ]
  // an EXTREME and a HIGH failure: fails the default gate
  const devAfter: Check[] = [
    check('S3-001', 'FAILURE', 'EXTREME', {
      resource: 'dev-assets',
      compliances: cisPci,
      tags: ['aws:cloudformation:logical-id::MyBucket', 'Environment::development']
    }),
    check('EC2-001', 'SUCCESS', 'HIGH', { resource: 'sg-dev', compliances: cisPci, ...old }),
    check('IAM-001', 'FAILURE', 'HIGH', { region: 'global', resource: 'root', compliances: cis }),
    check('CloudTrail-001', 'SUCCESS', 'MEDIUM', { resource: 'dev-trail', compliances: cis, ...old }),
    check('EBS-001', 'FAILURE', 'LOW', { resource: 'vol-dev', categories: ['cost-optimisation'], ...old })
  ]
  const azureChecks: Check[] = [
    check('StorageAccounts-001', 'SUCCESS', 'MEDIUM', { region: 'eastus', resource: 'stprod01', ...old }),
    check('StorageAccounts-002', 'SUCCESS', 'HIGH', { region: 'eastus', resource: 'stprod01', ...old }),
    check('KeyVault-001', 'SUCCESS', 'HIGH', { region: 'eastus', resource: 'kv-prod', ...old }),
    check('SQL-001', 'SUCCESS', 'VERY_HIGH', { region: 'westeurope', resource: 'sql-prod', ...old }),
    check('Monitor-003', 'FAILURE', 'LOW', { region: 'global', resource: 'activity-log', ...old })
  ]
  const onboardChecks: Check[] = [
    check('S3-001', 'SUCCESS', 'MEDIUM', { resource: 'new-bucket', compliances: cisPci }),
    check('IAM-001', 'SUCCESS', 'HIGH', { region: 'global', resource: 'root', compliances: cisPci }),
    check('CloudTrail-001', 'SUCCESS', 'MEDIUM', { resource: 'trail', compliances: cis }),
    check('EC2-001', 'FAILURE', 'LOW', { resource: 'sg-new', compliances: cis }),
    check('EBS-001', 'FAILURE', 'MEDIUM', { resource: 'vol-new', categories: ['cost-optimisation'] })
  ]

  return {
    timing: { pendingSeconds: 0.5, scanSeconds: 3, tokenLifetimeSeconds: 3600 },
    cloudneeti: {
      apiKeys: [cn.apiKey],
      quirks: {},
      onboardPolicies,
      licenses: [
        {
          licenseId: cn.licenseId,
          name: 'Demo License',
          apps: [
            {
              applicationId: cn.appId,
              secret: cn.appSecret,
              name: 'ci-gate',
              permissions: [...CLOUDNEETI_PERMISSIONS],
              scope: [acc.prodAws, acc.stagingAzure, acc.brokenAws]
            },
            {
              applicationId: cn.auditAppId,
              secret: cn.auditAppSecret,
              name: 'audit-only',
              permissions: ['Account.Audit', 'Account.GetJobstatus'],
              scope: [acc.prodAws, acc.stagingAzure]
            }
          ],
          accounts: [
            {
              accountId: acc.prodAws,
              accountName: 'prod-aws',
              connectorType: 'AWS',
              awsAccountId: '111122223333',
              benchmarks: {
                CSBP: { name: CSBP, before: prodBefore, after: prodAfter },
                PCI3_2: { name: 'PCI_DSS_3.2', before: prodPciBefore, after: prodPciAfter }
              }
            },
            {
              accountId: acc.stagingAzure,
              accountName: 'staging-azure',
              connectorType: 'Azure',
              subscriptionId: '5d9f3c1e-7a2b-4c8d-9e0f-1a2b3c4d5e6f',
              benchmarks: { CSBP: { name: CSBP, before: stagingBefore, after: stagingAfter } }
            },
            {
              accountId: acc.outOfScopeOffice,
              accountName: 'out-of-scope-office',
              connectorType: 'Office365',
              benchmarks: { CSBP: { name: CSBP, before: officeBefore } }
            },
            {
              accountId: acc.brokenAws,
              accountName: 'broken-aws',
              connectorType: 'AWS',
              awsAccountId: '444455556666',
              scanOutcome: 'Failed',
              benchmarks: { CSBP: { name: CSBP, before: brokenBefore } }
            }
          ]
        }
      ]
    },
    conformity: {
      organisationId: cc.organisationId,
      externalId: cc.externalId,
      ssoEnabled: true,
      errorKey: 'detail',
      quirks: {},
      users: [
        {
          id: 'usr-admin',
          firstName: 'Ada',
          lastName: 'Admin',
          email: 'admin@example.com',
          role: 'ADMIN',
          apiKeys: [
            { id: 'key-admin', key: cc.keys.admin },
            { id: 'key-admin-old', key: cc.keys.disabled, status: 'DISABLED' }
          ]
        },
        {
          id: 'usr-power',
          firstName: 'Pat',
          lastName: 'Power',
          email: 'power@example.com',
          role: 'POWER_USER',
          apiKeys: [{ id: 'key-power', key: cc.keys.power }]
        },
        {
          id: 'usr-readonly',
          firstName: 'Rita',
          lastName: 'Reader',
          email: 'readonly@example.com',
          role: 'READ_ONLY',
          apiKeys: [{ id: 'key-readonly', key: cc.keys.readonly }]
        },
        {
          id: 'usr-custom',
          firstName: 'Cam',
          lastName: 'Custom',
          email: 'user@example.com',
          role: 'USER',
          accessList: [
            { account: cc.accounts.prod, level: 'FULL' },
            { account: cc.accounts.dev, level: 'READONLY' },
            { account: cc.accounts.azure, level: 'NONE' }
          ],
          apiKeys: [{ id: 'key-user', key: cc.keys.user }]
        },
        {
          id: 'usr-none',
          firstName: 'Nia',
          lastName: 'Noaccess',
          email: 'none@example.com',
          role: 'USER',
          apiKeys: [{ id: 'key-none', key: cc.keys.none }]
        }
      ],
      accounts: [
        {
          id: cc.accounts.prod,
          name: 'prod',
          environment: 'production',
          cloudType: 'aws',
          awsAccountId: '111122223333',
          createdDate: 1690000000000,
          lastCheckedDate: 1700000000000,
          checks: prodChecks,
          checksAfterScan: prodAfter2
        },
        {
          id: cc.accounts.dev,
          name: 'dev',
          environment: 'development',
          cloudType: 'aws',
          awsAccountId: '444455556666',
          createdDate: 1690000000000,
          lastCheckedDate: 1700000000000,
          checks: devChecks,
          checksAfterScan: devAfter
        },
        {
          id: cc.accounts.azure,
          name: 'azure-sub',
          environment: 'production',
          cloudType: 'azure',
          subscriptionId: '5d9f3c1e-7a2b-4c8d-9e0f-1a2b3c4d5e6f',
          createdDate: 1690000000000,
          lastCheckedDate: 1700000000000,
          checks: azureChecks
        }
      ],
      onboardChecks
    }
  }
}
