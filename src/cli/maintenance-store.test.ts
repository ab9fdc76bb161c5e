import { describe, expect, it } from 'vitest'
import { loadRuntimeConfig } from '../config/env.js'
import type { openStore } from '../store/clickhouse.js'
import { openForMaintenance } from './maintenance-store.js'

const failingOpen = (error: Error): typeof openStore => () => {
  throw error
}

describe('openForMaintenance', () => {
  it('a data folder under a file is DW_FILE_UNWRITABLE naming DRIFTWATCH_DATA_DIR, not "is driftwatch start running?"', async () => {
    const config = loadRuntimeConfig({ DRIFTWATCH_DATA_DIR: '/etc/passwd' })
    const enotdir = Object.assign(new Error("ENOTDIR: not a directory, mkdir '/etc/passwd/chdb'"), { code: 'ENOTDIR', syscall: 'mkdir', path: '/etc/passwd/chdb' })
    const err = await openForMaintenance(config, failingOpen(enotdir)).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'DW_FILE_UNWRITABLE' })
    expect((err as Error).message).toBe('DRIFTWATCH_DATA_DIR /etc/passwd: cannot write file /etc/passwd/chdb: a part of the path is a file, not a folder')
  })

  it('an engine that fails to open is DW_CLICKHOUSE_UNAVAILABLE with the hint about a running start', async () => {
    const config = loadRuntimeConfig({ DRIFTWATCH_DATA_DIR: '/tmp/dw-x' })
    const err = await openForMaintenance(config, failingOpen(new Error('Cannot lock file'))).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'DW_CLICKHOUSE_UNAVAILABLE', message: expect.stringMatching(/^cannot open ClickHouse: Cannot lock file \(embedded mode: is `driftwatch start` running on \/tmp\/dw-x\?/) })
  })
})
