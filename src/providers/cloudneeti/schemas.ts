import { z } from 'zod'

/**
 * Cloudneeti response shapes. Keys are matched case-insensitively (the docs show PascalCase, the
 * clients read camelCase), so bodies are lower-cased key by key before these schemas apply.
 */
export function lowerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerKeys)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) out[key.toLowerCase()] = lowerKeys(inner)
  return out
}

/** A result that should be one object may come as an array holding one object. */
function single<T extends z.ZodType>(schema: T) {
  return z.preprocess(v => (Array.isArray(v) && v.length === 1 ? v[0] : v), schema)
}

/** Job ids sometimes arrive wrapped in stray `"` characters. */
export const jobId = z
  .union([z.string(), z.number()])
  .transform(v => String(v).replace(/^["\s]+|["\s]+$/g, ''))
  .pipe(z.string().min(1, 'is empty'))

const count = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).nullish()

const percent = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number)
])

export const tokenResult = single(z.object({ token: z.string().min(1) }))
export const jobResult = single(z.object({ jobid: jobId }))
export const jobStatusResult = single(
  z.object({ jobstatus: z.string().transform(s => s.replace(/^["\s]+|["\s]+$/g, '')) })
)
export const onboardResult = single(z.object({ accountid: z.string().min(1), jobid: jobId }))

const policy = z.object({
  policyid: z.string().min(1),
  shorttitle: z.string().nullish(),
  title: z.string().nullish(),
  servicename: z.string().nullish(),
  compliance: z.string(),
  severity: z.string().nullish(),
  passedresourcecount: count,
  totalresourcecount: count
})

const category = z.object({
  categoryname: z.string().nullish(),
  policies: z.array(policy).nullish()
})

export const reportResult = single(
  z.object({
    benchmarkname: z.string().nullish(),
    benchmarkid: z.string().nullish(),
    accountid: z.string().nullish(),
    accountname: z.string().nullish(),
    jobid: jobId.nullish(),
    lastscanneddate: z.string().nullish(),
    resourcecategories: z.array(category),
    posture: z.object({ compliancepercent: percent.refine(n => n >= 0 && n <= 100, 'must be 0–100') })
  })
)

export type RawReport = z.infer<typeof reportResult>

/** The `{result, statusCode, message}` envelope around every answer. */
export const envelope = z.object({ result: z.unknown() })
