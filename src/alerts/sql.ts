/** Read queries for the alert service: `{db}` is the validated database name, values are query parameters. */
import type { Store } from '../store/clickhouse.js'
import { queryRows as storeQueryRows } from '../store/query.js'

export const queryRows = <T>(store: Store, sql: string, params: Record<string, unknown> = {}): Promise<T[]> => storeQueryRows<T>(store, sql, params, 'alerts query')
