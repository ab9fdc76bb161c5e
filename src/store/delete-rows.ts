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

/** Ids per statement: keeps each query well under ClickHouse's 1 MiB URL / query-size limits. */
const CHUNK = 1000

/**
 * Deletes the rows keyed by prediction id: the dead letters keyed by the ids (events are keyed by
 * prediction_id: `raw_key_base64` is the base64 of the id), then the labels. Both erasure paths
 * use it: `driftwatch erase` (./erase.ts) and the orphan sweep's removal of labels of ids whose
 * labels were erased (src/evaluate/orphans.ts).
 */
export async function deleteKeyedByIds(store: Store, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK)
    const keys = part.map((id) => Buffer.from(id, 'utf8').toString('base64'))
    await deleteWhere(store, 'dead_letters', 'raw_key_base64 IN {keys:Array(String)}', { keys })
  }
  for (let i = 0; i < ids.length; i += CHUNK) {
    await deleteWhere(store, 'ground_truth', 'prediction_id IN {ids:Array(String)}', { ids: ids.slice(i, i + CHUNK) })
  }
}
