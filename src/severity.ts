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
