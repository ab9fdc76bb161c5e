/**
 * Read queries for the alert service: `{db}` is the validated database name, values are query
 * parameters. A query that reads stored metric values passes `{ quoteDenormals: true }` and reads
 * them with float64() (src/store/float64.ts), so a stored ±∞ is a value like any other.
 */
import type { Store } from '../store/clickhouse.js'
import { queryRows as storeQueryRows, type QueryOptions } from '../store/query.js'

export const queryRows = <T>(store: Store, sql: string, params: Record<string, unknown> = {}, options: QueryOptions = {}): Promise<T[]> =>
  storeQueryRows<T>(store, sql, params, 'alerts query', options)
