/** A provider's severity names, lowest first, matched the way the contract says. */
export interface SeverityScale {
  readonly names: readonly string[]
}

/** Case-insensitive, ignoring `_`, `-` and spaces: `very high`, `VERY_HIGH` and `VeryHigh` are one name. */
export function severityKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '')
}

/** The rank of a name on the scale (0 = lowest), or undefined when the provider has no such name. */
export function severityRank(scale: SeverityScale, name: string): number | undefined {
  const key = severityKey(name)
  const i = scale.names.findIndex(n => severityKey(n) === key)
  return i < 0 ? undefined : i
}

/**
 * The rank a severity counts at in the gate: a name the provider does not define ranks highest,
 * so an odd value can only make the gate stricter (fail closed).
 */
export function gateRank(scale: SeverityScale, name: string): { rank: number; known: boolean } {
  const rank = severityRank(scale, name)
  return rank === undefined ? { rank: scale.names.length - 1, known: false } : { rank, known: true }
}

/** The one order in which controls are listed everywhere: most severe first, then by id. */
export function mostSevereFirst<T extends { severityRank: number; id: string }>(a: T, b: T): number {
  return b.severityRank - a.severityRank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}
