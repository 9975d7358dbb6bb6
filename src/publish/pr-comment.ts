import { Output } from '../constants.js'
import { githubFailure, type Octokit } from '../github/client.js'
import type { GitHubTarget } from '../github/target.js'
import { countedMostSevereFirst } from '../gate.js'
import { decisionFor, type AccountOutcome, type Outcome } from '../outcome.js'
import { formatScore } from '../score.js'
import { markdown } from '../text.js'
import { characters, code, trimMarkdown } from './markdown.js'
import type { Sink } from './sink.js'

/** GitHub's limit for a comment body, in characters. */
const COMMENT_CHARACTERS = 65_536
const LISTED_CONTROLS = 20

export interface PrCommentContext {
  octokit: () => Promise<Octokit>
  target: GitHubTarget & { pullRequest: { number: number } }
  /** The link to this workflow run, for "details". */
  runUrl?: string
}

/** The hidden marker that finds this gate's comment again: one comment per provider, account and benchmark. */
export function commentMarker(outcome: Outcome, account: AccountOutcome): string {
  const key = [
    outcome.run.provider?.id,
    account.accountId,
    account.report?.benchmark.id ?? outcome.run.benchmark
  ]
    .map(part => encodeURIComponent(part ?? ''))
    .join('/')
  return `<!-- cspm-compliance-gate:${key} -->`
}

const ICON = { pass: '✅', fail: '❌', error: '⚠️' } as const

function accountBody(outcome: Outcome, account: AccountOutcome, runUrl: string | undefined): string {
  const { report, gate, comparison } = account
  const label = outcome.run.provider?.label ?? 'Compliance'
  const change =
    comparison?.scoreChange != null
      ? ` (${comparison.scoreChange > 0 ? '+' : ''}${formatScore(comparison.scoreChange)})`
      : ''
  const lines = [
    commentMarker(outcome, account),
    `### ${ICON[account.result]} ${label} compliance: ${markdown(account.accountId ?? 'new account', 80)} — ${account.result}, ${decisionFor(account.result)}`,
    '',
    '| | |',
    '|---|---|',
    `| Score | ${report ? `${formatScore(report.score)}${change}` : 'not available'} |`,
    `| Failed controls | ${gate ? gate.failedControls.length : 'n/a'} |`
  ]
  if (comparison)
    lines.push(
      `| New failures | ${comparison.regressions.length} |`,
      `| Fixed | ${comparison.fixed.length} |`
    )
  if (account.waivers) lines.push(`| Waived | ${account.waivers.waived.length} |`)
  lines.push('')
  if (account.reason)
    lines.push(`**${account.result === 'error' ? 'Error' : 'Why'}:** ${markdown(account.reason, 1000)}`, '')
  const counted = countedMostSevereFirst(gate?.counted ?? [])
  if (counted.length) {
    const what =
      outcome.run.policy?.gateOn === 'new'
        ? 'New failures that count against the gate'
        : 'Failed controls that count against the gate'
    lines.push(`**${what}** (${counted.length}):`, '', '| Severity | Control | Title |', '|---|---|---|')
    for (const c of counted.slice(0, LISTED_CONTROLS)) {
      lines.push(
        `| ${markdown(c.severity, 40)} | ${code(c.control.id)} | ${markdown(c.control.title, 200)} |`
      )
    }
    if (counted.length > LISTED_CONTROLS)
      lines.push('', `…and ${counted.length - LISTED_CONTROLS} more in the job summary.`)
    lines.push('')
  }
  if (runUrl) lines.push(`[Details in the workflow run](${runUrl})`, '')
  return lines.join('\n')
}

/**
 * One comment per gate on the pull request, found again by its hidden marker among every page of
 * comments and updated in place, so re-runs do not pile comments up.
 */
export function prCommentSink(context: PrCommentContext): Sink {
  return {
    name: 'pull request comment',
    async write(outcome) {
      const octokit = await context.octokit()
      const { owner, repo } = context.target
      const issue_number = context.target.pullRequest.number
      let url = ''
      for (const account of outcome.accounts) {
        const marker = commentMarker(outcome, account)
        const body = trimMarkdown(
          accountBody(outcome, account, context.runUrl),
          COMMENT_CHARACTERS,
          characters
        )
        try {
          const comments = await octokit.paginate(octokit.rest.issues.listComments, {
            owner,
            repo,
            issue_number,
            per_page: 100
          })
          const existing = comments.find(c => c.body?.includes(marker))
          const written = existing
            ? await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body })
            : await octokit.rest.issues.createComment({ owner, repo, issue_number, body })
          url ||= written.data.html_url
        } catch (err) {
          throw new Error(githubFailure(err, 'write the pull request comment', 'pull-requests: write'))
        }
      }
      return { [Output.commentUrl]: url }
    }
  }
}
