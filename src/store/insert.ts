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

/**
 * `value` with every string in it (map keys and array items included) well-formed UTF-16: a lone
 * surrogate (\ud83d), e.g. left by cutting a message in the middle of an emoji, becomes U+FFFD.
 * JSON.stringify writes a lone surrogate as an escape ClickHouse refuses ("missing second part of
 * surrogate pair"), which would fail the insert on every retry. Returns `value` itself, not a
 * copy, when nothing needed replacing: the common case costs one scan.
 */
export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return (value.isWellFormed() ? value : value.toWellFormed()) as T
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value
  if (Array.isArray(value)) {
    let out: unknown[] | null = null
    for (let i = 0; i < value.length; i++) {
      const v = wellFormed(value[i] as unknown)
      if (v !== value[i]) (out ??= [...value])[i] = v
    }
    return (out ?? value) as T
  }
  let out: Record<string, unknown> | null = null
  for (const [k, v] of Object.entries(value)) {
    const key = wellFormed(k)
    const item = wellFormed(v as unknown)
    if (key === k && item === v) continue
    const copy: Record<string, unknown> = (out ??= { ...(value as Record<string, unknown>) })
    if (key !== k) delete copy[k]
    copy[key] = item
  }
  return (out ?? value) as T
}

export async function insertRows(store: Store, table: string, rows: readonly object[], dedupToken: string): Promise<void> {
  if (rows.length === 0) return
  try {
    await store.client.insert({
      table: withDatabase(`{db}.${table}`, store.database),
      values: rows.map(wellFormed),
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
