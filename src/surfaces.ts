import { githubClient, type Octokit } from './github/client.js'
import { githubTarget } from './github/target.js'
import { createLocator, type Locator } from './iac.js'
import type { Logger } from './log.js'
import { checkRunSink } from './publish/check-run.js'
import { DEFAULT_SINKS } from './publish/index.js'
import { prCommentSink } from './publish/pr-comment.js'
import { sarifSink } from './publish/sarif.js'
import type { Sink } from './publish/sink.js'
import type { SurfaceSettings } from './settings.js'

/** Every GitHub call of a run together may take this long: they are best-effort, the verdict is not. */
const GITHUB_BUDGET_MS = 60_000

/** Where an annotation points for a control: the first finding declared in IaC, else the workflow step. */
function locateControl(locator: Locator) {
  return (control: { findings?: { resource: string; region: string }[] }) => {
    for (const finding of control.findings ?? []) {
      const found = locator.locate(finding)
      if (found.iac) return found
    }
    return locator.fallback
  }
}

/**
 * The sinks for this run: the report file, summary and annotations always; SARIF, the check
 * run and the PR comment when their inputs ask for them and the environment allows them. What is
 * skipped is said in a notice, never silently.
 */
export async function sinksFor(
  settings: SurfaceSettings | undefined,
  env: NodeJS.ProcessEnv,
  log: Logger
): Promise<Sink[]> {
  const sinks = [...DEFAULT_SINKS]
  if (!settings) return sinks
  const { github } = settings
  const wantsGitHub = github.checkRun || github.prComment
  if (!settings.sarifPath && !wantsGitHub) return sinks
  const locator = await createLocator({
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    iacPaths: settings.iacPaths,
    env,
    log: warning => log.warning(warning)
  })
  if (settings.sarifPath) sinks.push(sarifSink(locator))
  if (!wantsGitHub) return sinks

  if (!github.token) {
    log.notice('No check run or pull request comment: github-token is empty.')
    return sinks
  }
  const target = githubTarget(env)
  if ('missing' in target) {
    log.notice(
      `No check run or pull request comment: ${target.missing} is not set (not running in GitHub Actions?).`
    )
    return sinks
  }
  let client: Promise<Octokit> | undefined
  const octokit = (): Promise<Octokit> =>
    (client ??= githubClient(github.token, target.apiUrl, GITHUB_BUDGET_MS))
  if (github.checkRun) sinks.push(checkRunSink({ octokit, target, locate: locateControl(locator) }))
  if (github.prComment && target.pullRequest) {
    if (target.pullRequest.fromFork) {
      log.notice(
        'No pull request comment: the pull request comes from a fork, whose token cannot write. The job summary and the check run have the verdict; docs/github-surfaces.md shows how to comment from a workflow_run.'
      )
    } else {
      const runUrl =
        env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
          ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
          : undefined
      sinks.push(prCommentSink({ octokit, target: { ...target, pullRequest: target.pullRequest }, runUrl }))
    }
  }
  return sinks
}
