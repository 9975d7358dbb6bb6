import type { z } from 'zod'
import { ActionError } from '../errors.js'
import { plain } from '../text.js'

/** Parse, don't validate: a response body goes through its schema once, here, at the edge. */
export function parseResponse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issues = result.error.issues
    .slice(0, 3)
    .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
    .join('; ')
  throw new ActionError(
    'bad-response',
    `The service's answer to ${what} did not have the expected shape (${plain(issues, 300)}); it cannot be evaluated safely.`
  )
}
