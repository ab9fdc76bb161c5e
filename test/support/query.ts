import type { Store } from '../../src/store/clickhouse.js'
import { withDatabase } from '../../src/store/query.js'

export async function queryRows<T = Record<string, unknown>>(store: Store, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await store.client.query({ query: withDatabase(sql, store.database), query_params: params, format: 'JSONEachRow' })).json<T>()
}

export async function count(store: Store, sql: string, params: Record<string, unknown> = {}): Promise<number> {
  const [row] = await queryRows<{ c: string }>(store, sql, params)
  return Number(row?.c ?? 0)
}
