/**
 * How the read queries talk to ClickHouse: `{db}` is replaced by the validated database name and
 * every value is a query parameter. A failing query is retriable (503): the store may be
 * restarting. Read queries never write.
 *
 * Queries that read stored metric values pass `{ quoteDenormals: true }`: ClickHouse then writes
 * inf, -inf and nan as strings instead of null (src/store/float64.ts), and every Float64 of their
 * rows is read with n() or metricValue().
 */
import type { Store } from '../store/clickhouse.js'
import { float64 } from '../store/float64.js'
import { queryRows as storeQueryRows, type QueryOptions } from '../store/query.js'

export { metricValue, storedNumber } from './metric-value.js'

export const readRows = <T>(store: Store, sql: string, params: Record<string, unknown> = {}, options: QueryOptions = {}): Promise<T[]> =>
  storeQueryRows<T>(store, sql, params, 'read query', options)

/** Options of a query that reads stored metric values. */
export const METRIC_VALUES: QueryOptions = { quoteDenormals: true }

/** A figure that is finite or null: NaN and infinities (quoted or not) are null. 64-bit integers arrive quoted. */
export const n = (x: number | string | null | undefined): number | null => {
  const v = float64(x)
  return v === null || !Number.isFinite(v) ? null : v
}
export const int = (x: number | string): number => Number(x)
