import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT, actionYaml } from '../../scripts/local-runner.ts'

/** Contract §2 and §3: names and defaults that workflows rely on. */
const CONTRACT_INPUTS: Record<string, string | undefined> = {
  provider: undefined,
  mode: 'scan',
  'api-url': '',
  region: 'us-west-2',
  'api-key': undefined,
  'application-id': '',
  'application-secret': '',
  'license-id': '',
  'account-id': '',
  benchmark: '',
  'onboard-account': '',
  'poll-interval': '15',
  timeout: '1800',
  'min-score': '0',
  'fail-on-severity': 'high',
  'max-failures': '',
  'soft-fail': 'false',
  'report-path': 'compliance-report.json'
}
const CONTRACT_OUTPUTS = [
  'result',
  'decision',
  'score',
  'failed-controls',
  'scan-id',
  'account-id',
  'report-path'
]

describe('the runtime the runner gives us', () => {
  it('runs the tests, and so the bundled action, on Node 24', () => {
    expect(process.version).toMatch(/^v24\./)
  })

  it('declares node24 and the committed bundle', () => {
    const yaml = actionYaml as unknown as { runs: { using: string; main: string } }
    expect(yaml.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })
})

describe('action.yml', () => {
  it('declares every contract input with its default and a description', () => {
    for (const [name, def] of Object.entries(CONTRACT_INPUTS)) {
      const spec = actionYaml.inputs[name] as { default?: string; required?: boolean; description?: string }
      expect(spec).toBeDefined()
      expect(spec.description?.length).toBeGreaterThan(10)
      if (def === undefined) expect(spec.required).toBe(true)
      else expect(spec.default).toBe(def)
    }
  })

  it('declares every contract output', () => {
    for (const name of CONTRACT_OUTPUTS) expect(actionYaml.outputs[name]).toBeDefined()
  })

  it('is documented: the README lists every input and output', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    for (const name of [...Object.keys(actionYaml.inputs), ...Object.keys(actionYaml.outputs)]) {
      expect(readme).toContain(`\`${name}\``)
    }
  })
})
