/**
 * Issue class 7: a job status no one documented is a small lie (or news) the action should tell
 * the user about once, not on every poll, and keep waiting for a status it knows.
 */
import { describe, expect, it } from '@jest/globals'
import { runActionInProcess } from '../helpers/inprocess.js'
import { cloudneetiBody, faulted, warnings } from '../helpers/hostile.js'
import { cloudneetiInputs, useEmulator } from '../helpers/world.js'

const emu = useEmulator()

describe('an undocumented job status is warned about once, not on every poll', () => {
  const statuses = (...names: string[]) =>
    names.map(jobStatus => ({ method: 'GET', path: '/status$', body: cloudneetiBody({ jobStatus }) }))

  it('"Weird" three polls in a row: one warning, then the real Success is gated', async () => {
    emu.addFault(statuses('Weird', 'Weird', 'Weird'))
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expect(run.outputs.result).toBe('pass')
    expect(faulted(emu, /\/status$/)).toHaveLength(3)
    expect(warnings(run.stdout, /status this action does not know, 'Weird'/)).toHaveLength(1)
    expect(warnings(run.stdout, /Weird/i)).toHaveLength(1)
  })

  it('"Weird", "WEIRD", "Strange", "weird": one warning per status, whatever its case', async () => {
    emu.addFault(statuses('Weird', 'WEIRD', 'Strange', 'weird'))
    const run = await runActionInProcess(cloudneetiInputs(emu.url))
    expect(run.outputs.result).toBe('pass')
    expect(warnings(run.stdout, /does not know, 'weird'/i)).toHaveLength(1)
    expect(warnings(run.stdout, /does not know, 'Strange'/)).toHaveLength(1)
  })
})
