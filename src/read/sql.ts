/**
 * How the read queries talk to ClickHouse: `{db}` is replaced by the validated database name and
 * every value is a query parameter. A failing query is retriable (503): the store may be
 * restarting. Read queries never write.
 */
import type { Store } from '../store/clickhouse.js'
import { queryRows as storeQueryRows } from '../store/query.js'

export const readRows = <T>(store: Store, sql: string, params: Record<string, unknown> = {}): Promise<T[]> => storeQueryRows<T>(store, sql, params, 'read query')

/** ClickHouse writes NaN and infinities as null in JSON; 64-bit integers arrive quoted. */
export const n = (x: number | string | null | undefined): number | null => (x === null || x === undefined ? null : Number(x))
export const int = (x: number | string): number => Number(x)
