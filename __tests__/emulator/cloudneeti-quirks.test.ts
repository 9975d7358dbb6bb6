import { describe, it, expect } from '@jest/globals'
import { startEmulator, type World } from '../../emulator/server.ts'
import { CN, Cloudneeti, accountPath, fastWorld, pollUntil } from './helpers.ts'

const PROD = CN.accounts.prodAws

function worldWith(quirks: NonNullable<World['cloudneeti']>['quirks']): World {
  const world = fastWorld()
  world.cloudneeti = { ...world.cloudneeti, quirks }
  return world
}

async function withEmulator(world: World, fn: (cn: Cloudneeti) => Promise<void>) {
  const emu = await startEmulator({ world })
  try {
    await fn(new Cloudneeti(emu.url))
  } finally {
    await emu.close()
  }
}

describe('Cloudneeti tolerance switches', () => {
  it('pascalCase: token, job and report keys in PascalCase; the envelope stays camelCase', () =>
    withEmulator(worldWith({ pascalCase: true }), async cn => {
      const res = await cn.call('POST', `/authorize/license/${CN.licenseId}/token?accountId=${PROD}`, {
        body: { APIApplicationId: CN.appId, Secret: CN.appSecret }
      })
      expect(Object.keys(res.json)).toEqual(['result', 'statusCode', 'message'])
      const token = res.json.result.Token
      expect(typeof token).toBe('string')
      const job = await cn.get(`${accountPath('compliance', PROD)}/rescan`, token)
      const jobId = job.json.result.JobId
      expect(jobId).toMatch(/^[0-9a-f-]{36}$/)
      const status = await cn.get(`${accountPath('compliance', PROD)}/job/${jobId}/status`, token)
      expect(status.json.result).toEqual({ JobStatus: 'Pending' })
      const report = (await cn.get(`${accountPath('audit', PROD)}/benchmark/CSBP/summary`, token)).json.result
      expect(report).toMatchObject({ BenchmarkId: 'CSBP', AWSAccountId: '111122223333' })
      expect(report.Posture.CompliancePercent).toBe(
        (Number(report.Posture.Green) * 100) /
          (report.Posture.Green + report.Posture.Red + report.Posture.Amber)
      )
      expect(report.ResourceCategories[0].Policies[0]).toHaveProperty('PassedResourceCount')
      expect(report).not.toHaveProperty('benchmarkId')
    }))

  it('reportAsArray: the report result is an array holding one report', () =>
    withEmulator(worldWith({ reportAsArray: true }), async cn => {
      const token = await cn.token({ accountId: PROD })
      const res = await cn.get(`${accountPath('audit', PROD)}/benchmark/CSBP/summary`, token)
      expect(Array.isArray(res.json.result)).toBe(true)
      expect(res.json.result).toHaveLength(1)
      expect(res.json.result[0].benchmarkId).toBe('CSBP')
    }))

  it('quotedJobIds: job ids come wrapped in literal quotes; only the bare id is accepted back', () =>
    withEmulator(worldWith({ quotedJobIds: true }), async cn => {
      const token = await cn.token({ accountId: PROD })
      const quoted: string = (await cn.get(`${accountPath('compliance', PROD)}/rescan`, token)).json.result
        .jobId
      expect(quoted).toMatch(/^"[0-9a-f-]{36}"$/)
      const bare = quoted.replaceAll('"', '')
      expect((await cn.get(`${accountPath('compliance', PROD)}/job/${bare}/status`, token)).status).toBe(200)
      const asSent = await cn.get(
        `${accountPath('compliance', PROD)}/job/${encodeURIComponent(quoted)}/status`,
        token
      )
      expect(asSent.status).toBe(404)
    }))

  it('completedStatus + statusCase upper: COMPLETED instead of Success', () =>
    withEmulator(worldWith({ completedStatus: true, statusCase: 'upper' }), async cn => {
      const token = await cn.token({ accountId: PROD })
      const jobId = (await cn.get(`${accountPath('compliance', PROD)}/rescan`, token)).json.result.jobId
      const seen = await pollUntil(
        async () =>
          (await cn.get(`${accountPath('compliance', PROD)}/job/${jobId}/status`, token)).json.result
            .jobStatus,
        s => s === 'COMPLETED' || s === 'SUCCESS'
      )
      expect(seen[0]).toBe('PENDING')
      expect(seen).toContain('RUNNING')
      expect(seen.at(-1)).toBe('COMPLETED')
    }))

  it('statusCase lower: running, success', () =>
    withEmulator(worldWith({ statusCase: 'lower' }), async cn => {
      const token = await cn.token({ accountId: PROD })
      const jobId = (await cn.get(`${accountPath('compliance', PROD)}/rescan`, token)).json.result.jobId
      const seen = await pollUntil(
        async () =>
          (await cn.get(`${accountPath('compliance', PROD)}/job/${jobId}/status`, token)).json.result
            .jobStatus,
        s => s === 'success'
      )
      expect(seen[0]).toBe('pending')
      expect(seen).toContain('running')
    }))
})
