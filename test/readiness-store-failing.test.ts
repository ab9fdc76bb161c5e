/**
 * Embedded mode on a full disk: HTTP ingest's batches fail (503, retriable, nothing stored or
 * lost) while `SELECT 1` still answers, and /readyz said ready throughout. Through startApp with
 * chDB, the disk filled by fault injection below the store, as a full DRIFTWATCH_DATA_DIR fails
 * it: the engine's files cannot be written (ENOSPC) and the engine cannot reserve space for a part
 * (NOT_ENOUGH_SPACE).
 *
 * Asserted: /readyz is not ready, with the store's code, while writes fail; ready again once a
 * write succeeds, and also, with no write coming (a load balancer that stopped routing to the
 * instance), once its own write probe finds room; every record sent again after a 503 is stored
 * once.
 */
import { Writable } from 'node:stream'
import type { ClickHouseClient } from '@clickhouse/client'
import { afterAll, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { startApp, type App } from '../src/app.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { DriftwatchError } from '../src/errors.js'
import { createReadiness, type Readiness } from '../src/observability/readiness.js'
import { openStore, type ClickHouseSettings, type Store } from '../src/store/clickhouse.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'

/** While `full`, the store's writes fail as they do on a full data directory; `failed` counts them. */
interface Disk {
  full: boolean
  failed: number
}

function fullDiskOpenStore(disk: Disk): (settings: ClickHouseSettings) => Store {
  const engineFile = (what: string) => {
    disk.failed++
    const cause = Object.assign(new Error('ENOSPC: no space left on device, write (injected)'), { code: 'ENOSPC', errno: -28, syscall: 'write' })
    return new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `the embedded engine's file /data/chdb-files/${what} cannot be written (ENOSPC): check the space and permissions of DRIFTWATCH_DATA_DIR`, { cause, retriable: true })
  }
  return (settings) => {
    const store = openStore(settings)
    const client = new Proxy(store.client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown
        if (prop !== 'insert' || typeof value !== 'function') return value
        return (...args: unknown[]) => {
          if (!disk.full) return (value as (...a: unknown[]) => unknown).apply(target, args)
          disk.failed++
          return Promise.reject(Object.assign(new Error('Code: 243. DB::Exception: Cannot reserve 1.00 MiB, not enough space. (NOT_ENOUGH_SPACE) (injected)'), { clickhouseCode: 243 }))
        }
      },
    }) as ClickHouseClient
    return {
      ...store,
      client,
      insertRowBinary: async (...args) => {
        if (disk.full) throw engineFile('insert.bin')
        return store.insertRowBinary(...args)
      },
      withStringSet: async (values, use) => {
        if (disk.full) throw engineFile('set.tsv')
        return store.withStringSet(values, use)
      },
    }
  }
}

describe('readiness while the store cannot write (embedded mode)', () => {
  const config = testConfig({ kafka: false })
  const disk: Disk = { full: false, failed: 0 }
  const lines: { msg: string; dependency?: string; err?: string }[] = []
  const logger = pino({ level: 'warn' }, new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as (typeof lines)[number])
      done()
    },
  }))
  let app: App | undefined
  let readiness: Readiness | undefined
  afterAll(async () => {
    await readiness?.close()
    await app?.stop()
    await dropTestResources(config)
  })

  const send = (ids: readonly string[]) => app!.publisher.publishPredictions(ids.map((id) => prediction({ prediction_id: id, event_time: Date.now() - 60_000 })))
  const sendFails = async (ids: readonly string[]) => expect(send(ids)).rejects.toMatchObject({ code: 'DW_CLICKHOUSE_UNAVAILABLE', retriable: true })
  const notReady = { ready: false, checks: { clickhouse: { status: 'failed', code: 'DW_CLICKHOUSE_UNAVAILABLE' } } }
  const ready = { ready: true, checks: { clickhouse: { status: 'ok' } } }

  it('is not ready with the store\'s code while writes fail, and ready again once they succeed', async () => {
    app = await startApp(config, logger, { file: DEFAULT_FILE_CONFIG, evaluate: false, alerts: false, openStore: fullDiskOpenStore(disk) })
    readiness = createReadiness({ store: app.store, kafka: null, registryUrl: null, logger })
    await send(['p-1'])
    expect(await readiness.check()).toEqual(ready)

    disk.full = true
    await sendFails(['p-2', 'p-3'])
    expect(disk.failed).toBeGreaterThan(0)
    expect(await readiness.check()).toEqual(notReady)
    // The reason, which names the data directory's file, goes to the log only.
    expect(lines.filter((l) => l.msg === 'dependency not ready').at(-1)).toMatchObject({ dependency: 'clickhouse', err: expect.stringContaining('cannot be written (ENOSPC)') })
    // Still full: the check's own write probe fails too, so it stays not ready.
    expect(await readiness.check()).toEqual(notReady)

    disk.full = false
    await send(['p-2', 'p-3']) // the client sends the refused batch again
    expect(await readiness.check()).toEqual(ready)

    // Full again; then room again with no write sent (nothing routed to an instance not ready):
    // the probe finds the room.
    disk.full = true
    await sendFails(['p-4'])
    expect(await readiness.check()).toEqual(notReady)
    disk.full = false
    expect(await readiness.check()).toEqual(ready)
    await send(['p-4'])

    // Nothing lost, nothing twice.
    expect((await queryRows<{ id: string }>(app.store, 'SELECT prediction_id AS id FROM {db}.predictions FINAL ORDER BY id')).map((r) => r.id)).toEqual(['p-1', 'p-2', 'p-3', 'p-4'])
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.predictions')).toBe(4)
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)
  })
})
