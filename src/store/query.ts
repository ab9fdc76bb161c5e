/**
 * Read queries against the store: `{db}` in the SQL is replaced by the validated database name,
 * every value is a query parameter, and a failure is a retriable DW_CLICKHOUSE_QUERY_FAILED (the
 * store may be restarting). `what` names the caller in the message ("read query", "alerts query").
 */
import { DriftwatchError } from '../errors.js'
import type { Store } from './clickhouse.js'

export async function queryRows<T>(store: Store, sql: string, params: Record<string, unknown>, what: string): Promise<T[]> {
  try {
    const rs = await store.client.query({ query: sql.replaceAll('{db}', store.database), query_params: params, format: 'JSONEachRow' })
    return await rs.json<T>()
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_QUERY_FAILED', `${what} failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
}
