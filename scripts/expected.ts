/**
 * The contract's arithmetic, written independently of src/: what a world's policies or checks
 * must evaluate to. The tests and the benchmark check the action's outputs against it.
 */

/** What a Cloudneeti benchmark of these policy specs must evaluate to, as the service defines it. */
export function expectedCloudneeti(policies: { passed: number; total: number }[]): {
  score: number
  failed: number
} {
  const green = policies.filter(p => p.total > 0 && p.passed === p.total).length
  const failed = policies.filter(p => p.total > 0 && p.passed < p.total).length
  const assessed = green + failed
  return { score: assessed === 0 ? 0 : Math.round((10000 * green) / assessed) / 100, failed }
}

export function expectedCloudneetiScore(policies: { passed: number; total: number }[]): number {
  return expectedCloudneeti(policies).score
}

interface CheckLike {
  rule: string
  status: string
  risk: string
  suppressed?: boolean
  compliances?: string[]
}

/** What the contract says a Conformity account's checks must evaluate to. */
export function expectedConformity(
  checks: CheckLike[],
  benchmark = ''
): { score: number; failedRules: string[] } {
  const inScope = checks.filter(
    c => !c.suppressed && (!benchmark || (c.compliances ?? []).includes(benchmark))
  )
  const success = inScope.filter(c => c.status === 'SUCCESS').length
  const failure = inScope.filter(c => c.status === 'FAILURE').length
  const score = success + failure === 0 ? 100 : Math.round((10000 * success) / (success + failure)) / 100
  const failedRules = [...new Set(inScope.filter(c => c.status === 'FAILURE').map(c => c.rule))].sort()
  return { score, failedRules }
}
