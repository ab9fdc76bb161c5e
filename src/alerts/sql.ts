/** Read queries for the alert service: `{db}` is the validated database name, values are query parameters. */
import { DriftwatchError } from '../errors.js'
import type { Store } from '../store/clickhouse.js'

export async function queryRows<T>(store: Store, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  try {
    const rs = await store.client.query({ query: sql.replaceAll('{db}', store.database), query_params: params, format: 'JSONEachRow' })
    return await rs.json<T>()
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_QUERY_FAILED', `alerts query failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
}
