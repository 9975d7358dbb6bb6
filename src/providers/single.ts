import { z } from 'zod'

/** A result that should be one object may come as an array holding one object (contract §7). */
export function single<T extends z.ZodType>(schema: T) {
  return z.preprocess(v => (Array.isArray(v) && v.length === 1 ? v[0] : v), schema)
}
