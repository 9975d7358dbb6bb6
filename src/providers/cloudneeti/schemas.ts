import { z } from 'zod'
import { single } from '../single.js'

/**
 * Cloudneeti response shapes. Keys are matched case-insensitively (the docs show PascalCase, the
 * clients read camelCase), so bodies are lower-cased key by key before these schemas apply.
 */
export function lowerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerKeys)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    const lower = key.toLowerCase()
    // tags are the customer's own names, where case matters: kept as they came
    out[lower] = lower === 'tags' ? inner : lowerKeys(inner)
  }
  return out
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

/** E9: the license's accounts, and whether each is in the API application's scope. */
export const licenseAccountsResult = single(
  z.object({
    accounts: z.array(z.object({ accountid: z.string().min(1), isinapiscope: z.boolean().nullish() }))
  })
)

const text = z.string().nullish()

/** Tags come as an object of name → value; anything else carries no usable tag. */
const tags = z
  .unknown()
  .transform(v =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).filter((e): e is [string, string | number | boolean] =>
            ['string', 'number', 'boolean'].includes(typeof e[1])
          )
        )
      : undefined
  )

const failedAsset = z.object({
  policyid: z.string().min(1),
  resourceid: z.string().min(1),
  resourcename: text,
  resourceregion: text,
  resourcetype: text,
  tags
})
export type RawFailedAsset = z.infer<typeof failedAsset>

/** One page of E14, the failed assets of the account's latest results for a benchmark. */
export const failedAssetsPage = single(
  z.object({
    failedassetcount: count.pipe(z.number().int().nonnegative()),
    benchmarkid: text,
    accountid: text,
    failedpolicyassetslists: z.array(failedAsset).nullish()
  })
)
export type FailedAssetsPage = z.infer<typeof failedAssetsPage>

/** The `{result, statusCode, message}` envelope around every answer. */
export const envelope = z.object({ result: z.unknown() })
