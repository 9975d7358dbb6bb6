import { z } from 'zod'

/** Conformity speaks JSON:API with kebab-case attributes. Tolerant where the contract says so. */

function single<T extends z.ZodType>(schema: T) {
  return z.preprocess(v => (Array.isArray(v) && v.length === 1 ? v[0] : v), schema)
}

export const accessLevel = z.enum(['NONE', 'READONLY', 'FULL'])
export type AccessLevel = z.infer<typeof accessLevel>

export const whoami = z.object({
  data: single(
    z.object({
      id: z.string(),
      attributes: z.object({
        role: z.string(),
        'first-name': z.string().nullish(),
        'last-name': z.string().nullish()
      }),
      relationships: z
        .object({
          accountAccessList: z
            .array(z.object({ account: z.string(), level: z.string().transform(s => s.toUpperCase()) }))
            .nullish()
        })
        .nullish()
    })
  )
})
export type WhoAmI = z.infer<typeof whoami>

const epochMs = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).nullish()

export const account = z.object({
  data: single(
    z.object({
      id: z.string(),
      attributes: z.object({
        name: z.string().nullish(),
        'bot-status': z.string().nullish(),
        'last-checked-date': epochMs,
        'created-date': epochMs
      })
    })
  )
})
export type Account = z.infer<typeof account>['data']

export const scanStarted = z.object({
  data: single(z.object({ status: z.string() }))
})

export const externalId = z.object({
  data: single(z.object({ id: z.string().min(1) }))
})

const check = z.object({
  id: z.string(),
  attributes: z.object({
    status: z.string(),
    'risk-level': z.string().nullish(),
    'rule-title': z.string().nullish(),
    service: z.string().nullish(),
    region: z.string().nullish(),
    suppressed: z.boolean().nullish()
  }),
  relationships: z.object({ rule: z.object({ data: z.object({ id: z.string() }) }) })
})
export type Check = z.infer<typeof check>

export const checksPage = z.object({
  data: z.array(check),
  meta: z.object({ total: z.number().int().nonnegative() })
})
export type ChecksPage = z.infer<typeof checksPage>
