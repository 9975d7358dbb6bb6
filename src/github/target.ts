import { readFileSync } from 'node:fs'

/** Which commit and pull request the GitHub surfaces belong to, read from the runner's environment. */
export interface GitHubTarget {
  apiUrl: string
  owner: string
  repo: string
  /** The PR's head commit on pull-request events (not GITHUB_SHA, the merge commit), else GITHUB_SHA. */
  sha: string
  eventName: string
  pullRequest?: { number: number; fromFork: boolean }
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target'])

interface PullRequestEvent {
  pull_request?: {
    number?: unknown
    head?: { sha?: unknown; repo?: { full_name?: unknown } | null }
    base?: { repo?: { full_name?: unknown } | null }
  }
}

function readEvent(path: string | undefined): PullRequestEvent {
  if (!path) return {}
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
    return parsed && typeof parsed === 'object' ? (parsed as PullRequestEvent) : {}
  } catch {
    return {}
  }
}

/**
 * The target, or why there is none (a missing variable means the step does not run in Actions,
 * or runs on an event with no commit to attach to).
 */
export function githubTarget(env: NodeJS.ProcessEnv): GitHubTarget | { missing: string } {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  if (!owner || !repo) return { missing: 'GITHUB_REPOSITORY' }
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
  if (PR_EVENTS.has(eventName)) {
    const pr = readEvent(env.GITHUB_EVENT_PATH).pull_request
    const sha = pr?.head?.sha
    const number = pr?.number
    if (typeof sha !== 'string' || typeof number !== 'number') return { missing: 'pull_request in the event' }
    const head = pr?.head?.repo?.full_name
    const base = pr?.base?.repo?.full_name
    // a deleted fork has no head repo: treat it as a fork, whose token cannot write
    const fromFork = typeof head !== 'string' || head !== base
    return { apiUrl, owner, repo, sha, eventName, pullRequest: { number, fromFork } }
  }
  const sha = env.GITHUB_SHA
  if (!sha) return { missing: 'GITHUB_SHA' }
  return { apiUrl, owner, repo, sha, eventName }
}
