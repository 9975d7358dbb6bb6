import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createLocator,
  findStepLine,
  MAX_IAC_FILE_BYTES,
  MAX_IAC_FILES,
  parseIacPaths,
  UNKNOWN_WORKFLOW_PATH,
  workflowPathFromRef,
  type LocatedSource,
  type Locator
} from '../../src/iac.js'
import type { Finding } from '../../src/providers/types.js'

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'iac')
const LOGICAL_ID = 'aws:cloudformation:logical-id'

/** A located line with the text on it, so a test shows what it points at, not just a number. */
function at(loc: LocatedSource, workspace = FIXTURES): LocatedSource & { text: string } {
  const lines = readFileSync(path.join(workspace, loc.path), 'utf8').split('\n')
  return { ...loc, text: lines[loc.line - 1] }
}

const finding = (resource: string, extra: Partial<Finding> = {}): Finding => ({
  resource,
  region: 'us-east-1',
  ...extra
})

async function locator(iacPaths: string[], env: NodeJS.ProcessEnv = {}, workspace = FIXTURES) {
  const warnings: string[] = []
  const result = await createLocator({ workspace, iacPaths, env, log: w => warnings.push(w) })
  return { locator: result, warnings }
}

describe('parseIacPaths', () => {
  it('takes globs one per line or comma-separated, trimmed, without empties or repeats', () => {
    expect(parseIacPaths(' infra/**/*.tf ,\n\n templates/*.yaml\r\n, infra/**/*.tf,,  ')).toEqual([
      'infra/**/*.tf',
      'templates/*.yaml'
    ])
    expect(parseIacPaths('')).toEqual([])
  })

  it('keeps a comma inside braces as part of the glob', () => {
    expect(parseIacPaths('infra/*.{tf,yaml}, stacks/*.json')).toEqual(['infra/*.{tf,yaml}', 'stacks/*.json'])
  })
})

describe('the IaC line that declares a resource', () => {
  it('Terraform: the quoted declaration, not the longer name, comment or depends_on before it', async () => {
    const { locator: l } = await locator(['terraform/*.tf'])
    expect(at(l.locate(finding('acme-public-site')))).toEqual({
      path: 'terraform/main.tf',
      line: 20,
      iac: true,
      text: '  bucket = "acme-public-site"'
    })
    expect(at(l.locate(finding('acme-public-site-logs')))).toMatchObject({
      line: 5,
      text: '  bucket = "acme-public-site-logs"'
    })
    expect(at(l.locate(finding('web-sg')))).toMatchObject({ line: 28, text: '  name   = "web-sg"' })
  })

  it('is not a substring match: a prefix of a declared name is not found', async () => {
    const { locator: l } = await locator(['terraform/*.tf'])
    expect(l.locate(finding('acme-public')).iac).toBe(false)
    expect(l.locate(finding('acme-public-site-log')).iac).toBe(false)
    expect(l.locate(finding('public-site')).iac).toBe(false)
  })

  it('CloudFormation YAML: the whole value after a colon', async () => {
    const { locator: l } = await locator(['cloudformation/*.yaml'])
    expect(at(l.locate(finding('acme-public-site')))).toEqual({
      path: 'cloudformation/site.yaml',
      line: 32,
      iac: true,
      text: '      BucketName: acme-public-site'
    })
    expect(at(l.locate(finding('acme-public-site-logs')))).toMatchObject({
      line: 6,
      text: '    Default: acme-public-site-logs'
    })
  })

  it('CloudFormation YAML: a logical id at its key under Resources, not where it is referenced first', async () => {
    const { locator: l } = await locator(['cloudformation/*.yaml'])
    const site = finding('arn:aws:s3:::acme-public-site', { tags: { [LOGICAL_ID]: 'SiteBucket' } })
    expect(at(l.locate(site))).toEqual({
      path: 'cloudformation/site.yaml',
      line: 29,
      iac: true,
      text: '  SiteBucket:'
    })
    const logs = finding('arn:aws:s3:::acme-public-site-logs', { tags: { [LOGICAL_ID]: 'LogsBucket' } })
    expect(at(l.locate(logs))).toMatchObject({ line: 21, text: '  LogsBucket:' })
  })

  it('CloudFormation JSON: a logical id at its key of the top-level Resources object', async () => {
    const { locator: l } = await locator(['cloudformation/*.json'])
    const site = finding('arn:aws:s3:::acme-public-site', { tags: { [LOGICAL_ID]: 'SiteBucket' } })
    expect(at(l.locate(site))).toEqual({
      path: 'cloudformation/site.json',
      line: 22,
      iac: true,
      text: '    "SiteBucket": {'
    })
    expect(at(l.locate(finding('acme-public-site')))).toMatchObject({
      line: 25,
      text: '        "BucketName": "acme-public-site"'
    })
  })

  it('a logical id takes precedence over the resource string, which is the fallback when the id is not declared', async () => {
    const { locator: l } = await locator(['cloudformation/site.yaml'])
    const logs = finding('acme-public-site-logs', { tags: { [LOGICAL_ID]: 'SiteBucket' } })
    expect(at(l.locate(logs))).toMatchObject({ line: 29, text: '  SiteBucket:' })
    const unknownId = finding('acme-public-site', { tags: { [LOGICAL_ID]: 'NoSuchBucket' } })
    expect(at(l.locate(unknownId))).toMatchObject({ line: 32, text: '      BucketName: acme-public-site' })
    // a key that is declared only outside Resources (Outputs) or deeper (Metadata) is no logical id
    const { locator: outputsOnly } = await locator(['cloudformation/site.yaml'])
    expect(outputsOnly.locate(finding('x', { tags: { [LOGICAL_ID]: 'Value' } })).iac).toBe(false)
  })

  it('searches files in path order, whatever the order of the globs', async () => {
    const { locator: l } = await locator(['terraform/*.tf', 'cloudformation/**'])
    // cloudformation/site.json < cloudformation/site.yaml < terraform/main.tf
    expect(at(l.locate(finding('acme-public-site')))).toMatchObject({
      path: 'cloudformation/site.json',
      line: 25
    })
    expect(at(l.locate(finding('web-sg')))).toMatchObject({ path: 'terraform/main.tf', line: 28 })
  })

  it("tries the finding's name when its resource (an ARN) is not declared", async () => {
    const { locator: l } = await locator(['terraform/*.tf'])
    const arn = finding('arn:aws:s3:::acme-public-site', { name: 'acme-public-site' })
    expect(at(l.locate(arn))).toMatchObject({ path: 'terraform/main.tf', line: 20 })
    // the resource wins over the name when both are declared
    const both = finding('acme-public-site-logs', { name: 'acme-public-site' })
    expect(l.locate(both).line).toBe(5)
  })

  it('falls back to the workflow, with iac false, for no finding or one that is not declared', async () => {
    const { locator: l } = await locator(['terraform/*.tf'], {})
    expect(l.locate(undefined)).toEqual(l.fallback)
    expect(l.locate(finding('sg-0abc'))).toEqual(l.fallback)
    expect(l.fallback.iac).toBe(false)
  })

  it('hands out copies: a caller cannot change what later findings get', async () => {
    const { locator: l } = await locator(['terraform/*.tf'])
    const first = l.locate(finding('acme-public-site'))
    first.line = 99
    const fallback = l.locate(undefined)
    fallback.path = 'elsewhere'
    expect(l.locate(finding('acme-public-site')).line).toBe(20)
    expect(l.locate(undefined).path).not.toBe('elsewhere')
  })
})

describe('what the globs may read', () => {
  let workspace: string
  let outside: string

  beforeAll(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'iac-ws-'))
    outside = await mkdtemp(path.join(tmpdir(), 'iac-outside-'))
    await writeFile(path.join(outside, 'secret.tf'), 'bucket = "outside-bucket"\n')
    await mkdir(path.join(workspace, 'infra', 'many'), { recursive: true })
    await writeFile(path.join(workspace, 'infra', 'main.tf'), 'bucket = "inside-bucket"\n')
    await symlink(path.join(outside, 'secret.tf'), path.join(workspace, 'infra', 'linked.tf'))
    const big = 'x'.repeat(MAX_IAC_FILE_BYTES) + '\nbucket = "big-bucket"\n'
    await writeFile(path.join(workspace, 'infra', 'big.tf'), big)
    for (let i = 0; i <= MAX_IAC_FILES; i++)
      await writeFile(
        path.join(workspace, 'infra', 'many', `f${String(i).padStart(4, '0')}.yaml`),
        `Name: n${i}\n`
      )
  })

  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true })
    await rm(outside, { recursive: true, force: true })
  })

  it('never follows a glob outside the workspace: a warning, and the glob is skipped', async () => {
    const rel = path.relative(workspace, outside)
    const { locator: l, warnings } = await locator(
      [`${rel}/*.tf`, `${outside}/*.tf`, 'infra/*.tf'],
      {},
      workspace
    )
    expect(l.locate(finding('outside-bucket')).iac).toBe(false)
    expect(l.locate(finding('inside-bucket'))).toMatchObject({ path: 'infra/main.tf', line: 1, iac: true })
    expect(warnings.filter(w => /is skipped: it contains '\.\.'/.test(w))).toHaveLength(1)
    expect(warnings.filter(w => /is skipped: it is an absolute path/.test(w))).toHaveLength(1)
  })

  it('reads no file a symlink points to outside the workspace', async () => {
    const { locator: l, warnings } = await locator(['infra/*.tf'], {}, workspace)
    expect(l.locate(finding('outside-bucket')).iac).toBe(false)
    expect(warnings.some(w => /link outside the workspace skipped: infra\/linked\.tf/.test(w))).toBe(true)
  })

  it('skips a file over 5 MB with one warning', async () => {
    const { locator: l, warnings } = await locator(['infra/*.tf', 'infra/big.tf'], {}, workspace)
    expect(l.locate(finding('big-bucket')).iac).toBe(false)
    expect(warnings.filter(w => /over 5 MB skipped: infra\/big\.tf/.test(w))).toHaveLength(1)
  })

  it('reads at most 2,000 files, and says so', async () => {
    const { locator: l, warnings } = await locator(['infra/many/*.yaml'], {}, workspace)
    expect(warnings).toEqual([
      `iac-paths matched more than ${MAX_IAC_FILES} files; only the first ${MAX_IAC_FILES} found are searched`
    ])
    const found = Array.from({ length: MAX_IAC_FILES + 1 }, (_, i) => l.locate(finding(`n${i}`))).filter(
      loc => loc.iac
    )
    expect(found).toHaveLength(MAX_IAC_FILES)
  })

  it('warns about a glob that matches nothing, and never throws for a missing workspace', async () => {
    const { warnings } = await locator(['nothing/*.tf'], {}, workspace)
    expect(warnings).toEqual(["iac-paths: 'nothing/*.tf' matched no file in the workspace"])
    const missing = await locator(['*.tf'], {}, path.join(workspace, 'no-such-dir'))
    expect(missing.locator.locate(finding('inside-bucket'))).toEqual(missing.locator.fallback)
  })
})

describe('the fallback: the workflow step that runs this action', () => {
  const REF = 'acme/shop/.github/workflows/deploy.yml@refs/heads/main'
  const WORKFLOW = '.github/workflows/deploy.yml'
  const remote = { GITHUB_WORKFLOW_REF: REF, GITHUB_ACTION_REPOSITORY: 'acme/cspm-compliance-gate' }

  async function fallback(env: NodeJS.ProcessEnv, workspace = FIXTURES): Promise<Locator['fallback']> {
    return (await locator([], env, workspace)).locator.fallback
  }

  it('reads the workflow file from GITHUB_WORKFLOW_REF', () => {
    expect(workflowPathFromRef(REF)).toBe(WORKFLOW)
    expect(workflowPathFromRef('o/r/.github/workflows/a.yaml@refs/pull/7/merge')).toBe(
      '.github/workflows/a.yaml'
    )
    expect(workflowPathFromRef('o/r/../../etc/passwd@x')).toBeUndefined()
    expect(workflowPathFromRef('')).toBeUndefined()
  })

  it('points at the step with id GITHUB_ACTION, at its uses line', async () => {
    const loc = await fallback({ ...remote, GITHUB_JOB: 'deploy', GITHUB_ACTION: 'prod-gate' })
    expect(at(loc)).toEqual({
      path: WORKFLOW,
      line: 25,
      iac: false,
      text: '        uses: acme/cspm-compliance-gate@v1'
    })
  })

  it("points at the job's use of GITHUB_ACTION_REPOSITORY@, the N-th for the runner's __name_N", async () => {
    expect(
      await fallback({ ...remote, GITHUB_JOB: 'build', GITHUB_ACTION: '__acme_cspm-compliance-gate' })
    ).toEqual({ path: WORKFLOW, line: 12, iac: false })
    const second = await fallback({
      ...remote,
      GITHUB_JOB: 'deploy',
      GITHUB_ACTION: '__acme_cspm-compliance-gate_2'
    })
    expect(at(second)).toMatchObject({
      line: 33,
      text: "      - uses: 'acme/cspm-compliance-gate@v1' # a second, unnamed use in this job"
    })
    // without the job, the first use in the file
    expect((await fallback(remote)).line).toBe(12)
  })

  it('points at `uses: ./` for a local action (GITHUB_ACTION_REPOSITORY empty)', async () => {
    const local = { GITHUB_WORKFLOW_REF: REF, GITHUB_ACTION_REPOSITORY: '', GITHUB_JOB: 'deploy' }
    expect(at(await fallback(local))).toMatchObject({ line: 30, text: '        uses: ./' })
    const setup = await fallback({
      ...local,
      GITHUB_ACTION_PATH: path.join(FIXTURES, '.github/actions/setup')
    })
    expect(at(setup)).toMatchObject({ line: 22, text: '      - uses: ./.github/actions/setup' })
  })

  it('is line 1 of the workflow when the step cannot be found, or the file cannot be read', async () => {
    expect(await fallback({ ...remote, GITHUB_ACTION_REPOSITORY: 'someone/else' })).toEqual({
      path: WORKFLOW,
      line: 1,
      iac: false
    })
    expect(await fallback({ GITHUB_WORKFLOW_REF: 'o/r/.github/workflows/gone.yml@refs/heads/main' })).toEqual(
      {
        path: '.github/workflows/gone.yml',
        line: 1,
        iac: false
      }
    )
  })

  it('without GITHUB_WORKFLOW_REF: the workflow named GITHUB_WORKFLOW that uses this action', async () => {
    const loc = await fallback({
      GITHUB_WORKFLOW: 'Deploy',
      GITHUB_ACTION_REPOSITORY: 'acme/cspm-compliance-gate',
      GITHUB_JOB: 'deploy',
      GITHUB_ACTION: 'prod-gate'
    })
    expect(loc).toEqual({ path: WORKFLOW, line: 25, iac: false })
    expect((await fallback({ GITHUB_WORKFLOW: WORKFLOW, GITHUB_ACTION_REPOSITORY: 'acme/x' })).path).toBe(
      WORKFLOW
    )
  })

  it('without any clue: the workflows folder at line 1, no invented file', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'iac-empty-'))
    try {
      expect(await fallback({}, empty)).toEqual({ path: UNKNOWN_WORKFLOW_PATH, line: 1, iac: false })
    } finally {
      await rm(empty, { recursive: true, force: true })
    }
  })

  it('reads `- id:` items and quoted values, and ignores an id in another job', () => {
    const text = [
      'jobs:',
      '  a:',
      '    steps:',
      '      - id: "gate"',
      '        uses: acme/gate@v2',
      '  b:',
      '    steps:',
      '      - uses: acme/gate@v2',
      '        id: gate'
    ].join('\n')
    const env = { GITHUB_ACTION_REPOSITORY: 'acme/gate', GITHUB_ACTION: 'gate' }
    expect(findStepLine(text, { ...env, GITHUB_JOB: 'a' })).toBe(5)
    expect(findStepLine(text, { ...env, GITHUB_JOB: 'b' })).toBe(8)
    expect(findStepLine(text, { GITHUB_ACTION_REPOSITORY: 'acme/other' })).toBeUndefined()
  })
})
