import { z } from 'zod'

/**
 * The JSON report file: one schema for the writer (which checks what it writes) and for every
 * reader (a baseline, an aggregate), so neither can drift from the other.
 */
export const REPORT_SCHEMA_VERSION = 2

const result = z.enum(['pass', 'fail', 'error'])
const decision = z.enum(['promote', 'rollback'])

export const findingSchema = z.strictObject({
  resource: z.string(),
  region: z.string(),
  name: z.string().optional(),
  severity: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional()
})

export const controlSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  status: z.enum(['passed', 'failed', 'not-applicable']),
  severity: z.string(),
  severityRank: z.number().int().nonnegative(),
  category: z.string().optional(),
  service: z.string().optional(),
  link: z.string().optional(),
  failedItems: z.number().int().nonnegative().optional(),
  totalItems: z.number().int().nonnegative().optional(),
  findings: z.array(findingSchema).optional()
})

const ruleSchema = z.strictObject({
  rule: z.enum(['min-score', 'fail-on-severity', 'max-failures', 'max-score-drop']),
  threshold: z.union([z.number(), z.string()]),
  actual: z.number(),
  passed: z.boolean(),
  /** The sentence a person reads when the rule failed. */
  reason: z.string()
})

const errorSchema = z.strictObject({ kind: z.string(), message: z.string(), phase: z.string() })

const countsSchema = z.strictObject({
  controls: z.number().int().nonnegative(),
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  notApplicable: z.number().int().nonnegative(),
  failedBySeverity: z.record(z.string(), z.number().int().nonnegative()),
  checks: z.strictObject({ success: z.number().int(), failure: z.number().int() }).optional()
})

const waiverSchema = z.strictObject({
  control: z.string(),
  account: z.string().optional(),
  resource: z.string().optional(),
  region: z.string().optional(),
  reason: z.string(),
  expires: z.string(),
  owner: z.string().optional(),
  line: z.number().int()
})

/** Against the baseline (compare-to): what is new, what was fixed, how the score moved. */
const comparisonSchema = z.strictObject({
  baseline: z.strictObject({
    source: z.string(),
    score: z.number().nullable(),
    scannedAt: z.string().nullable()
  }),
  regressions: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      severity: z.string(),
      newlyFailed: z.boolean(),
      findings: z.array(findingSchema).optional()
    })
  ),
  fixed: z.array(z.strictObject({ id: z.string(), title: z.string() })),
  scoreChange: z.number().nullable()
})

/** One account's part: its report, its verdict, or what went wrong. */
export const accountReportSchema = z.strictObject({
  provider: z.string(),
  accountId: z.string().nullable(),
  accountName: z.string().nullable(),
  benchmark: z.strictObject({ id: z.string(), name: z.string().optional() }).nullable(),
  scanId: z.string().nullable(),
  scannedAt: z.string().nullable(),
  result,
  decision,
  reason: z.string(),
  rules: z.array(ruleSchema),
  error: errorSchema.nullable(),
  score: z.number().min(0).max(100).nullable(),
  counts: countsSchema.nullable(),
  controls: z.array(controlSchema),
  /** The failed controls as they counted against the gate (after waivers; regressions with gate-on new). */
  counted: z.array(
    z.strictObject({
      id: z.string(),
      severity: z.string(),
      severityRank: z.number().int().nonnegative(),
      findings: z.array(findingSchema).optional()
    })
  ),
  notes: z.array(z.string()),
  comparison: comparisonSchema.nullable(),
  /** Controls the waivers cover entirely (they stay in `controls`, failed), and the waivers that matched or did not. */
  waivers: z
    .strictObject({
      waived: z.array(z.string()),
      used: z.array(waiverSchema),
      unused: z.array(waiverSchema)
    })
    .nullable()
})
export type AccountReport = z.infer<typeof accountReportSchema>

export const reportDocumentSchema = z.strictObject({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.strictObject({ name: z.string(), version: z.string() }),
  generatedAt: z.iso.datetime(),
  provider: z.string().nullable(),
  mode: z.string().nullable(),
  result,
  decision,
  reason: z.string(),
  /** The lowest account score; null when no report was read. */
  score: z.number().min(0).max(100).nullable(),
  /** Failed controls over every account; null when no report was read. */
  failedControls: z.number().int().nonnegative().nullable(),
  policy: z
    .strictObject({
      minScore: z.number(),
      failOnSeverity: z.string(),
      maxFailures: z.number().int().nullable()
    })
    .nullable(),
  /** What went wrong: an error before any account was worked on (bad input), or the one account's. */
  error: errorSchema.nullable(),
  /** The waiver file, and its waivers that expired (ignored) or expire within 14 days. */
  waivers: z
    .strictObject({
      file: z.string(),
      expired: z.array(waiverSchema),
      expiringSoon: z.array(waiverSchema)
    })
    .nullable(),
  accounts: z.array(accountReportSchema),
  durationMs: z.number().nonnegative()
})
export type ReportDocument = z.infer<typeof reportDocumentSchema>
