/**
 * ClickHouse write latency and errors, measured at the client: `instrumentStore` returns the
 * same Store whose `client.insert` and `insertRowBinary` are timed, by table. Applied once in the composition root, it
 * covers every insert (events, dead letters, window marks, metric rows) without threading a
 * metrics argument through insertRows and its callers. Queries and commands pass through as is.
 */
import type { ClickHouseClient } from '@clickhouse/client'
import type { Store } from '../store/clickhouse.js'
import type { DriftwatchMetrics } from './metrics.js'

type WriteMetrics = Pick<DriftwatchMetrics, 'clickhouseWriteDuration' | 'clickhouseWriteErrors'>

/** `db.table` -> `table` (the database is per deployment; it would only multiply series). */
export function tableLabel(table: unknown): string {
  if (typeof table !== 'string') return 'unknown'
  const dot = table.lastIndexOf('.')
  return dot < 0 ? table : table.slice(dot + 1)
}

export function instrumentStore(store: Store, metrics: WriteMetrics | undefined): Store {
  if (!metrics) return store
  const timed = async <R>(table: string, write: () => Promise<R>): Promise<R> => {
    const end = metrics.clickhouseWriteDuration.startTimer({ table })
    try {
      return await write()
    } catch (e) {
      metrics.clickhouseWriteErrors.inc({ table })
      throw e
    } finally {
      end()
    }
  }
  const insert: ClickHouseClient['insert'] = (params) => timed(tableLabel(params.table), () => store.client.insert(params))
  const insertRowBinary: Store['insertRowBinary'] = (table, layout, payload, dedupToken) => timed(tableLabel(table), () => store.insertRowBinary(table, layout, payload, dedupToken))
  const client = new Proxy(store.client, {
    get(target, prop, receiver) {
      if (prop === 'insert') return insert
      const value = Reflect.get(target, prop, receiver) as unknown
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
  return { ...store, client, insertRowBinary }
}
