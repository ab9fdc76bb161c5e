import { describe, expect, it } from 'vitest'
import { demoCommands } from './demo.js'

describe('what the demo prints to see its results', () => {
  it('the status and UI commands on the demo database and settings, runnable as printed', () => {
    expect(demoCommands({ config: '.driftwatch/demo/driftwatch.yaml', database: 'driftwatch_demo', dataDir: '.driftwatch' })).toEqual({
      status: 'DRIFTWATCH_CONFIG=.driftwatch/demo/driftwatch.yaml CLICKHOUSE_DATABASE=driftwatch_demo npx driftwatch status',
      start: 'DRIFTWATCH_CONFIG=.driftwatch/demo/driftwatch.yaml CLICKHOUSE_DATABASE=driftwatch_demo npx driftwatch start',
    })
  })

  it('names a data directory other than the default, quoted when the shell needs it', () => {
    expect(demoCommands({ config: "/tmp/my dir/demo/driftwatch.yaml", database: 'x_demo', dataDir: '/tmp/my dir' }).status)
      .toBe("DRIFTWATCH_DATA_DIR='/tmp/my dir' DRIFTWATCH_CONFIG='/tmp/my dir/demo/driftwatch.yaml' CLICKHOUSE_DATABASE=x_demo npx driftwatch status")
  })
})
