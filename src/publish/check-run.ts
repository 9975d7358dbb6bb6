import { Output } from '../constants.js'
import { countedMostSevereFirst, type CountedControl } from '../gate.js'
import { githubFailure, type Octokit } from '../github/client.js'
import type { GitHubTarget } from '../github/target.js'
import type { SourceLocation } from '../iac.js'
import type { AccountOutcome, Outcome } from '../outcome.js'
import { plain } from '../text.js'
import { bytes, trimMarkdown } from './markdown.js'
import type { Sink } from './sink.js'
import { accountSummary, failedControlsMarkdown } from './summary.js'

/** GitHub's limits for a check run (notes: Checks API). */
const OUTPUT_BYTES = 65_535
const MAX_ANNOTATIONS = 500
const ANNOTATIONS_PER_REQUEST = 50

export interface CheckRunContext {
  octokit: () => Promise<Octokit>
  target: GitHubTarget
  locate: (control: CountedControl) => SourceLocation
}

type Conclusion = 'success' | 'neutral' | 'failure'

function conclusion(outcome: Outcome, account: AccountOutcome): Conclusion {
  if (account.result === 'pass') return 'success'
  return account.result === 'fail' && outcome.run.softFail ? 'neutral' : 'failure'
}

/** Two gates on one commit make two check runs: the name holds provider, benchmark and account. */
export function checkRunName(outcome: Outcome, account: AccountOutcome): string {
  const provider = outcome.run.provider?.label ?? 'Compliance'
  const benchmark = account.report?.benchmark.id ?? outcome.run.benchmark ?? ''
  return plain(
    `${provider} compliance: ${benchmark || 'all checks'} · ${account.accountId ?? 'new account'}`,
    200
  )
}

function title(account: AccountOutcome): string {
  const score = account.report ? `score ${account.report.score}` : 'no score'
  if (account.result === 'pass') return plain(`Passed, ${score}: promote`, 250)
  if (account.result === 'fail') return plain(`Failed, ${score}: ${account.reason}`, 250)
  return plain(`Could not evaluate: ${account.reason}`, 250)
}

type Annotation = {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'failure' | 'warning'
  message: string
  title: string
}

/** One annotation per control that counts against the gate, most severe first, at most 500. */
export function annotationsFor(
  outcome: Outcome,
  account: AccountOutcome,
  locate: CheckRunContext['locate']
): Annotation[] {
  const threshold = (account.policy ?? outcome.run.policy)?.failOnSeverity?.rank
  const counted = countedMostSevereFirst(account.gate?.counted ?? [])
  return counted.slice(0, MAX_ANNOTATIONS).map(c => {
    const where = locate(c)
    const resources = (c.findings ?? []).map(f => f.name ?? f.resource)
    const listed = resources.length
      ? ` Failing resources: ${resources.slice(0, 10).join(', ')}${resources.length > 10 ? `, and ${resources.length - 10} more` : ''}.`
      : ''
    return {
      path: where.path,
      start_line: where.line,
      end_line: where.line,
      annotation_level: threshold !== undefined && c.severityRank >= threshold ? 'failure' : 'warning',
      title: plain(`${c.severity} · ${c.control.id}`, 250),
      message: plain(`${c.control.title}.${listed}`, 4000)
    }
  })
}

/**
 * A check run on the commit (the PR's head on pull-request events), with the verdict, the
 * summary, and an annotation for every control that counts against the gate. Created with the
 * first 50 annotations and updated with the rest, 50 at a time, as GitHub requires.
 */
export function checkRunSink(context: CheckRunContext): Sink {
  return {
    name: 'check run',
    async write(outcome) {
      const octokit = await context.octokit()
      const { owner, repo, sha } = context.target
      let url = ''
      for (const account of outcome.accounts) {
        const annotations = annotationsFor(outcome, account, context.locate)
        const output = {
          title: title(account),
          summary: trimMarkdown(accountSummary(outcome, account).join('\n'), OUTPUT_BYTES, bytes),
          text: trimMarkdown(failedControlsMarkdown(account).join('\n'), OUTPUT_BYTES, bytes)
        }
        try {
          const created = await octokit.rest.checks.create({
            owner,
            repo,
            head_sha: sha,
            name: checkRunName(outcome, account),
            status: 'completed',
            conclusion: conclusion(outcome, account),
            output: { ...output, annotations: annotations.slice(0, ANNOTATIONS_PER_REQUEST) }
          })
          for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
            await octokit.rest.checks.update({
              owner,
              repo,
              check_run_id: created.data.id,
              output: { ...output, annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST) }
            })
          }
          url ||= created.data.html_url ?? ''
        } catch (err) {
          throw new Error(githubFailure(err, 'create the check run', 'checks: write'))
        }
      }
      return { [Output.checkRunUrl]: url }
    }
  }
}
