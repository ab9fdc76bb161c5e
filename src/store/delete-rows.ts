/**
 * Deleting rows where a condition holds, with a lightweight DELETE (rows hidden at once, removed
 * by merges), or a mutation where the table cannot take one. Both wait until the rows are gone
 * from every replica before they return (`…_sync = 2`).
 */
import type { Store } from './clickhouse.js'
import { withDatabase } from './query.js'

/** ClickHouse codes meaning "this table cannot take a lightweight DELETE": NOT_IMPLEMENTED, SUPPORT_IS_DISABLED. */
const NO_LIGHTWEIGHT_DELETE = new Set(['48', '344'])

/** Deletes the rows of `{db}.<table>` where `where` (bound with `params`) holds. */
export async function deleteWhere(store: Store, table: string, where: string, params: Record<string, unknown>): Promise<void> {
  const target = withDatabase(`{db}.${table}`, store.database)
  try {
    await store.client.command({ query: `DELETE FROM ${target} WHERE ${where}`, query_params: params, clickhouse_settings: { lightweight_deletes_sync: '2' } })
  } catch (e) {
    if (!NO_LIGHTWEIGHT_DELETE.has(String((e as { code?: unknown }).code))) throw e
    await store.client.command({ query: `ALTER TABLE ${target} DELETE WHERE ${where}`, query_params: params, clickhouse_settings: { mutations_sync: '2' } })
  }
}
