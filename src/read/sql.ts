/**
 * How the read queries talk to ClickHouse: `{db}` is replaced by the validated database name and
 * every value is a query parameter. A failing query is retriable (503): the store may be
 * restarting. Read queries never write.
 */
import { DriftwatchError } from '../errors.js'
import type { Store } from '../store/clickhouse.js'

export async function readRows<T>(store: Store, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  try {
    const rs = await store.client.query({ query: sql.replaceAll('{db}', store.database), query_params: params, format: 'JSONEachRow' })
    return await rs.json<T>()
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_QUERY_FAILED', `read query failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
}

/** ClickHouse writes NaN and infinities as null in JSON; 64-bit integers arrive quoted. */
export const n = (x: number | string | null | undefined): number | null => (x === null || x === undefined ? null : Number(x))
export const int = (x: number | string): number => Number(x)
