import { describe, expect, it } from '@jest/globals'
import { runnerCommands } from '../helpers/runner-commands.js'

const names = (stdout: string) => runnerCommands(stdout).map(c => `${c.form}${c.name}`)

/** The oracle must find what the runner finds, or the properties that use it prove nothing. */
describe('the runner-commands oracle', () => {
  it('finds `::` commands at the start of a line, after leading whitespace, in any case', () => {
    expect(names('::add-mask::x')).toEqual(['::add-mask'])
    expect(names('  \t::warning file=a.ts,line=1::careful')).toEqual(['::warning'])
    expect(names('ok\r::STOP-COMMANDS::tok\r\n::error::e')).toEqual(['::stop-commands', '::error'])
    expect(runnerCommands('::set-output name=result::pass')[0]).toMatchObject({ line: 0, data: 'pass' })
  })

  it('finds legacy `##[` commands anywhere in a line, overlapping runs included', () => {
    expect(names('Running ##[stop-commands]tok')).toEqual(['##[stop-commands'])
    expect(names('x ###[add-mask]y')).toEqual(['##[add-mask'])
    expect(names('##[##[debug]z')).toEqual(['##[debug'])
    expect(names('##[group]Title and ##[endgroup]')).toEqual(['##[group', '##[endgroup'])
    expect(runnerCommands('a ##[add-mask key=v]secret')[0]).toMatchObject({
      name: 'add-mask',
      data: 'secret'
    })
  })

  it('reads markers through characters the runner’s collation ignores', () => {
    expect(names('\u200b::add-mask::x')).toEqual(['::add-mask'])
    expect(names('::add-mask:\u200b:x')).toEqual(['::add-mask'])
    expect(names('a #\u0301#[add-mask]x')).toEqual(['##[add-mask'])
  })

  it('matches names as .NET OrdinalIgnoreCase does', () => {
    expect(names('##[ADD-MAſK]x')).toEqual(['##[add-mask'])
  })

  it('learns the stop-commands token, which resumes processing', () => {
    expect(names('::stop-commands::tok\n::tok::\n##[tok]')).toEqual(['::stop-commands', '::tok', '##[tok'])
  })

  it('ignores what the runner ignores', () => {
    for (const line of [
      'a ::add-mask::x',
      ': :add-mask: :x',
      '::add-mask: :x',
      '::unknown::x',
      '# #[add-mask]x',
      '#[add-mask]x',
      '##[add-mask x',
      '##[add-mask\u200b]x',
      '::add-mask',
      'plain text'
    ])
      expect(runnerCommands(line)).toEqual([])
  })
})
