/** Scores are compared and shown with two decimals, the precision of the `score` output. */
export function roundScore(score: number): number {
  return Math.round(score * 100) / 100
}

/** A score as an output value: at most two decimals, '' when there is none. */
export function formatScore(score: number | undefined | null): string {
  return score === undefined || score === null ? '' : String(roundScore(score))
}
