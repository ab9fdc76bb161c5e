import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { DEFAULT_TARGETS } from '../report/columns.js'
import { BASELINE_TARGETS, registerCommands } from './commands.js'

describe('the driftwatch commands', () => {
  it('are declared in the order --help lists them', () => {
    const program = new Command()
    registerCommands(program, { config: () => { throw new Error('declaring reads no configuration') }, configuration: () => { throw new Error('declaring reads no configuration') }, run: () => undefined })
    expect(program.commands.map((c) => c.name())).toEqual(['start', 'migrate', 'demo', 'report', 'backfill', 'baseline', 'config', 'recompute', 'erase', 'alerts', 'status'])
  })

  it('demo --help says which --days the demo accepts: more than the day its drift starts', async () => {
    const program = new Command()
    registerCommands(program, { config: () => { throw new Error('declaring reads no configuration') }, configuration: () => { throw new Error('declaring reads no configuration') }, run: () => undefined })
    const days = program.commands.find((c) => c.name() === 'demo')!.options.find((o) => o.long === '--days')!
    expect(days.description).toBe('days of simulated traffic, more than 9 (the drift starts on day 10)')
    // The limit the demo enforces, before it opens anything.
    const { runDemo } = await import('./demo.js')
    const config = (await import('../config/env.js')).loadRuntimeConfig({})
    await expect(runDemo(config, { days: '9', perDay: '10', seed: '1' })).rejects.toThrow(/^--days must be more than 9: the drift starts on day 10$/)
  })

  it("default baseline's columns to the report's target columns", () => {
    expect(BASELINE_TARGETS).toEqual(DEFAULT_TARGETS)
  })
})
