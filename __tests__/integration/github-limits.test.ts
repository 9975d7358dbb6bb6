import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import ajvDraft04 from 'ajv-draft-04'
import ajvFormats from 'ajv-formats'
import type { World } from '../../emulator/server.ts'
import { startGitHubServer } from '../helpers/github-server.js'
import { runGated, useGitHub, cc, pr, push, type Event } from '../helpers/github-run.js'
import { runActionInProcess } from '../helpers/inprocess.js'
import { fastWorld, useEmulator } from '../helpers/world.js'

const emu = useEmulator()
const gh = useGitHub()
const run = (event: Event, inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runGated(emu, gh.server, event, inputs, env)

function manyFailures(n: number): World {
  return fastWorld(w => {
    const dev = w.conformity!.accounts!.find(a => a.id === cc.accounts.dev)!
    dev.checksAfterScan = Array.from({ length: n }, (_, i) => ({
      rule: `R-${String(i).padStart(4, '0')}`,
      status: 'FAILURE' as const,
      risk: (['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH', 'EXTREME'] as const)[i % 5],
      region: 'us-east-1',
      service: 'S3',
      resource: `bucket-${i}`,
      title: `Rule ${i} ${'with a long title '.repeat(4)}`
    }))
  })
}

describe('within GitHub limits', () => {
  it.each([
    [120, 3, 120],
    [3000, 10, 500]
  ])(
    '%i failed controls: %i requests, %i annotations, most severe first, summary within 65,535 bytes',
    async (n, requests, annotated) => {
      emu.setWorld(manyFailures(n))
      const result = await runGated(emu, gh.server, push, {}, {}, runActionInProcess)
      expect(result.outputs['failed-controls']).toBe(String(n))
      expect(gh.server.problems()).toEqual([])
      const [check] = [...gh.server.state.checkRuns.values()]
      expect(gh.server.requests.filter(r => /check-runs/.test(r.path))).toHaveLength(requests)
      expect(check.annotations).toHaveLength(annotated)
      expect(check.annotations.slice(0, 5).map(a => a.title)).toEqual(
        Array(5).fill(expect.stringMatching(/^EXTREME/))
      )
      expect(Buffer.byteLength(check.output.summary ?? '')).toBeLessThanOrEqual(65_535)
      expect(Buffer.byteLength(check.output.text ?? '')).toBeLessThanOrEqual(65_535)
    }
  )

  it('GitHub Enterprise Server: calls go to GITHUB_API_URL with its /api/v3 base path', async () => {
    const ghes = await startGitHubServer({ basePath: '/api/v3' })
    try {
      const result = await run(pr(), {}, { GITHUB_API_URL: ghes.url })
      expect(ghes.problems()).toEqual([])
      expect(ghes.requests.every(r => r.path.startsWith('/api/v3/'))).toBe(true)
      expect(ghes.state.checkRuns.size).toBe(1)
      expect(result.outputs['comment-url']).not.toBe('')
    } finally {
      await ghes.close()
    }
  })
})

describe('SARIF for code scanning', () => {
  const schema = JSON.parse(
    readFileSync(path.join(process.cwd(), '__tests__', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8')
  ) as object

  it('is written whatever the result, valid against the OASIS schema, pointing at the IaC line', async () => {
    const result = await run(push, { 'sarif-path': 'out/cspm.sarif', 'check-run': 'false' })
    expect(result.outputs['sarif-path']).toBe(path.join(result.workspace, 'out', 'cspm.sarif'))
    const sarif = JSON.parse(readFileSync(result.outputs['sarif-path'], 'utf8')) as {
      runs: {
        automationDetails: { id: string }
        results: {
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }
          }[]
        }[]
      }[]
    }
    const ajv = new ajvDraft04.default({ allErrors: true, strict: false })
    ajvFormats.default(ajv)
    expect(ajv.validate(schema, sarif) ? [] : ajv.errors).toEqual([])
    expect(sarif.runs[0].automationDetails.id).toBe(`cspm/conformity/${cc.accounts.dev}/`)
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'infra/bucket.yaml' },
      region: { startLine: 8 }
    })
  })
})
