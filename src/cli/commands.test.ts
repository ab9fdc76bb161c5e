import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { DEFAULT_TARGETS } from '../report/columns.js'
import { BASELINE_TARGETS, registerCommands } from './commands.js'

describe('the driftwatch commands', () => {
  it('are declared in the order --help lists them', () => {
    const program = new Command()
    registerCommands(program, { config: () => { throw new Error('declaring reads no configuration') }, run: () => undefined })
    expect(program.commands.map((c) => c.name())).toEqual(['start', 'migrate', 'demo', 'report', 'backfill', 'baseline', 'config', 'recompute', 'erase', 'alerts', 'status'])
  })

  it("default baseline's columns to the report's target columns", () => {
    expect(BASELINE_TARGETS).toEqual(DEFAULT_TARGETS)
  })
})
