import { z } from 'zod'
import { single } from '../single.js'

/** Conformity speaks JSON:API with kebab-case attributes. Tolerant where the contract says so. */

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

/** Epoch ms that make a real date: `1e17` is a broken answer, not a time to print. */
const epochMs = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
  .pipe(z.number().int().min(0).max(8.64e15, 'is not a real date'))
  .nullish()

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

export const accountList = z.object({ data: z.array(z.object({ id: z.string().min(1) })) })

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
    resource: z.string().nullish(),
    tags: z.array(z.string()).nullish(),
    link: z.string().nullish(),
    suppressed: z.boolean().nullish()
  }),
  relationships: z.object({
    rule: z.object({ data: z.object({ id: z.string() }) }),
    account: z.object({ data: z.object({ id: z.string() }).nullish() }).nullish()
  })
})
export type Check = z.infer<typeof check>

export const checksPage = z.object({
  data: z.array(check),
  meta: z.object({ total: z.number().int().nonnegative() })
})
export type ChecksPage = z.infer<typeof checksPage>
