import type { getOctokit } from '@actions/github'

export type Octokit = ReturnType<typeof getOctokit>

/**
 * Octokit for the GitHub API at `apiUrl` (GitHub Enterprise Server too), loaded only when a
 * GitHub sink is on, so a run that needs none never loads it. Proxies come from the
 * environment through @actions/http-client, as for every other request.
 */
export async function githubClient(token: string, apiUrl: string, timeoutMs: number): Promise<Octokit> {
  // eager: in the bundle (one file, every license listed), but evaluated only on this first call
  const [{ getOctokit }, { defaults }] = await Promise.all([
    import(/* webpackMode: "eager" */ '@actions/github'),
    import(/* webpackMode: "eager" */ '@actions/github/lib/utils')
  ])
  return getOctokit(token, {
    baseUrl: apiUrl,
    userAgent: 'cspm-compliance-gate',
    // Octokit merges options shallowly: a `request` of our own replaces the default one whole,
    // and with it the proxy-aware fetch (https_proxy, no_proxy). Keep it beside the time budget.
    request: { ...defaults.request, signal: AbortSignal.timeout(timeoutMs) }
  })
}

/** Why a GitHub call failed, and what to grant or check: one line for the warning. */
export function githubFailure(err: unknown, what: string, permission: string): string {
  // Octokit reports a request that got no answer as status 500 without a response: say so
  const answered = (err as { response?: unknown }).response !== undefined
  const status = answered ? (err as { status?: unknown }).status : undefined
  const message = err instanceof Error ? err.message : String(err)
  if (status === 403 || status === 401) {
    return `Could not ${what}: GitHub answered ${status} (${message}). Grant the workflow \`permissions: ${permission}\` (a pull request from a fork gets a read-only token).`
  }
  if (status === 404) {
    return `Could not ${what}: GitHub answered 404 (${message}). Check that github-token can see this repository and that ${permission} is granted.`
  }
  if (typeof status === 'number') return `Could not ${what}: GitHub answered ${status} (${message}).`
  return `Could not ${what}: ${message}. Check GITHUB_API_URL and the proxy settings.`
}
