/**
 * Idempotent inserts. The deduplication token makes a replayed insert of the same batch a no-op
 * (non_replicated_deduplication_window on the table, or replicated deduplication on a cluster).
 * Failures become retriable DW_CLICKHOUSE_UNAVAILABLE errors: the source pauses and retries;
 * insertBinaryRows tells a refusal for content apart (DW_STORE_REJECTED, src/store/refusals.ts).
 */
import { DriftwatchError } from '../errors.js'
import type { Store } from './clickhouse.js'
import type { RowLayout } from './rows.js'
import { withDatabase } from './query.js'
import { contentRefusal } from './refusals.js'

/**
 * Rows already written as RowBinary rows of `layout` (the ingest path: src/store/rows.ts,
 * src/store/row-buffer.ts): one payload, parsed by the engine. The payload must not change until
 * this settles.
 *
 * An insert refused for its content (src/store/refusals.ts) rejects with a non-retriable
 * DW_STORE_REJECTED whose context holds the `refusal`: retrying it would fail the same way
 * forever. The caller isolates the refused rows (event-handler.ts).
 */
export async function insertBinaryRows(store: Store, table: string, layout: RowLayout, payload: Buffer, dedupToken: string): Promise<void> {
  if (payload.length === 0) return
  try {
    await store.insertRowBinary(table, layout, payload, dedupToken)
  } catch (cause) {
    const refusal = contentRefusal(cause)
    if (refusal) throw new DriftwatchError('DW_STORE_REJECTED', `${table} refused the rows (${refusal.codeName}): ${refusal.message}`, { cause, table, refusal })
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
