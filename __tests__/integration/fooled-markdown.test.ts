/**
 * CONTRACT §6, §13 "Markdown": API text in the job summary cannot make a link (www. autolinks
 * included), an @-mention (also through HTML entities), HTML, or reorder what is shown (bidi
 * controls). The attacker names a control, an account or a benchmark, or writes an error message;
 * the summary's cells that carry the text must be inert Markdown that still shows it.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction, type ActionRun } from '../../scripts/local-runner.ts'
import { runActionInProcess } from '../helpers/inprocess.js'
import {
  CC,
  CN,
  cloudneetiAccount,
  conformityAccount,
  expectError,
  expectInertMarkdown,
  summaryRows
} from '../helpers/hostile.js'
import { cloudneetiInputs, conformityInputs, fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

/** Every trick of the issue in one string: autolinks, mentions (plain and as an entity), a link, HTML, bidi. */
const MARKUP =
  'see www.example.com or mail ops@example.com, ping &#64;octocat and @octocat, [x](http://y) <img src=x onerror=alert(1)> \u202eexe.gnp'

/** What must still be readable of it once escaped. */
function expectStillReadable(shown: string): void {
  for (const part of [
    'www.example.com',
    'ops@example.com',
    '&#64;octocat',
    '@octocat',
    '[x](http://y)',
    '<img src=x'
  ])
    expect(shown).toContain(part)
}

function expectNoRawMarkup(run: ActionRun): void {
  expect(run.summary).not.toMatch(/<img|<a |\]\(http|\u202e/i)
  expect(run.summary).not.toMatch(/(^|[^\\])\[x\]/)
}

/** The cell of the first row labelled `label`, checked and returned as shown. */
function labelled(run: ActionRun, label: string): string {
  const rows = summaryRows(run.summary, label)
  expect(rows.length).toBeGreaterThanOrEqual(1)
  return expectInertMarkdown(rows[0][1])
}

/** The title cells of the failed-controls table that start with `marker` (not its header, "Title"). */
function titleCells(run: ActionRun, marker: string): string[] {
  // | Control | Title | Failing resources |: a title may be linked to the service's own page
  const unlinked = (cell: string) => /^\[(.*)\]\(https:\/\/[^)\s]+\)$/.exec(cell)?.[1] ?? cell
  return summaryRows(run.summary)
    .filter(cells => cells.length === 3 && unlinked(cells[1]).startsWith(`${marker} `))
    .map(cells => expectInertMarkdown(unlinked(cells[1])))
}

describe('Cloudneeti text in the job summary', () => {
  it('a failed policy title, the account name and the benchmark name full of markup stay text', async () => {
    emu.setWorld(
      fastWorld(w => {
        const staging = cloudneetiAccount(w, CN.accounts.stagingAzure)
        staging.accountName = `staging ${MARKUP}`
        staging.benchmarks!.CSBP.name = `CSBP ${MARKUP}`
        for (const p of staging.benchmarks!.CSBP.after!) p.title = `Title ${MARKUP}`
      })
    )
    // this case through the bundle, as the runner runs it; the others in process
    const run = await runAction(cloudneetiInputs(emu.url, { 'account-id': CN.accounts.stagingAzure }))
    expect(run.outputs.result).toBe('fail')
    expectNoRawMarkup(run)
    const titles = titleCells(run, 'Title')
    expect(titles.length).toBe(Number(run.outputs['failed-controls']))
    for (const shown of titles) expectStillReadable(shown)
    const account = labelled(run, 'Account')
    expectStillReadable(account)
    expect(account).toContain(CN.accounts.stagingAzure)
    expectStillReadable(labelled(run, 'Benchmark'))
  })
})

describe('Conformity text in the job summary', () => {
  it('failed rule titles and the account name full of markup stay text', async () => {
    emu.setWorld(
      fastWorld(w => {
        const dev = conformityAccount(w, CC.accounts.dev)
        dev.name = `dev ${MARKUP}`
        for (const c of dev.checksAfterScan!) c.title = `Rule ${MARKUP}`
      })
    )
    const run = await runActionInProcess(conformityInputs(emu.url, { 'account-id': CC.accounts.dev }))
    expect(run.outputs.result).toBe('fail')
    expectNoRawMarkup(run)
    const titles = titleCells(run, 'Rule')
    expect(titles.length).toBe(Number(run.outputs['failed-controls']))
    for (const shown of titles) expectStillReadable(shown)
    expectStillReadable(labelled(run, 'Account'))
  })

  it('a service error message full of markup is shown as text in the error line', async () => {
    emu.addFault({
      method: 'GET',
      path: '/users/whoami$',
      status: 400,
      body: JSON.stringify({ errors: [{ status: 400, detail: MARKUP }] })
    })
    const run = await runActionInProcess(conformityInputs(emu.url))
    expectError(run, /answered 400/)
    expectNoRawMarkup(run)
    const line = run.summary.split('\n').find(l => l.startsWith('**Error**'))!
    expect(line).toBeDefined()
    const shown = expectInertMarkdown(line.replace(/^\*\*Error\*\* \([^)]*\): /, ''))
    expectStillReadable(shown)
  })

  it('the same text in a non-JSON error body, and GitHub references (#1, GH-1), stay text', async () => {
    emu.addFault({
      method: 'GET',
      path: '/users/whoami$',
      status: 400,
      contentType: 'text/plain',
      body: `fixed in #1 and GH-2 by @admin; ${MARKUP}`
    })
    const run = await runActionInProcess(conformityInputs(emu.url))
    expectError(run, /answered 400/)
    const line = run.summary.split('\n').find(l => l.startsWith('**Error**'))!
    const shown = expectInertMarkdown(line.replace(/^\*\*Error\*\* \([^)]*\): /, ''))
    expect(shown).toContain('fixed in #1 and GH-2 by @admin')
  })
})
