/**
 * Idempotent inserts. The deduplication token makes a replayed insert of the same batch a no-op
 * (non_replicated_deduplication_window on the table, or replicated deduplication on a cluster).
 * Failures become retriable DW_CLICKHOUSE_UNAVAILABLE errors: the source pauses and retries.
 */
import { DriftwatchError } from '../errors.js'
import type { Store } from './clickhouse.js'
import { withDatabase } from './query.js'

/**
 * The same for rows already written as TabSeparated lines of `columns` (the ingest path:
 * src/store/rows.ts, src/store/lines.ts): one payload, parsed by the engine. The payload must not
 * change until this settles.
 */
export async function insertLines(store: Store, table: string, columns: readonly string[], payload: Buffer, dedupToken: string): Promise<void> {
  if (payload.length === 0) return
  try {
    await store.insertTsv(table, columns, payload, dedupToken)
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `insert into ${table} failed: ${(cause as Error).message}`, {
      cause,
      retriable: true,
      table,
    })
  }
}

export async function insertRows(store: Store, table: string, rows: readonly object[], dedupToken: string): Promise<void> {
  if (rows.length === 0) return
  try {
    await store.client.insert({
      table: withDatabase(`{db}.${table}`, store.database),
      values: rows as object[],
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: dedupToken },
    })
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `insert into ${table} failed: ${(cause as Error).message}`, {
      cause,
      retriable: true,
      table,
    })
  }
}
