/**
 * The evaluator's cursors, kept in ClickHouse (evaluator_cursor,
 * schemas/clickhouse/0015_evaluator_cursor.sql) so that a restarted or newly elected evaluator
 * carries on where the last one stopped. Each is a time up to which work is done; the maximum
 * written wins, so a cursor never moves back.
 *   window_marks: the newest mark whose window has been evaluated (./due.ts)
 *   orphan_sweep: the cutoff up to which stored labels have been swept for orphans (./orphans.ts)
 *   watermark:<model_id>: the watermark a completed pass closed the model's windows against (./due.ts)
 *   reference:<model_id>: the state of the model's fixed reference period or baseline whose
 *     dependent windows have been marked (./reference-changes.ts)
 */
import type { Store } from '../store/clickhouse.js'
import { withDatabase } from '../store/query.js'
import { clickhouseDateTime64 } from '../store/rows.js'

export type CursorName = 'window_marks' | 'orphan_sweep' | `watermark:${string}` | `reference:${string}`

/** How far before a cursor rows are read again: inserts that commit late (a row is stamped by the server as it is parsed), replicas' clocks. */
export const CURSOR_OVERLAP_MS = 5 * 60_000

/** The cursor's time in ms; 0 when it was never written. */
export async function readCursor(store: Store, name: CursorName): Promise<number> {
  const rows = await (
    await store.client.query({
      query: withDatabase('SELECT toUnixTimestamp64Milli(max(marks_read_until)) AS t FROM {db}.evaluator_cursor WHERE name = {name:String}', store.database),
      query_params: { name },
      format: 'JSONEachRow',
    })
  ).json<{ t: string }>()
  return Number(rows[0]?.t ?? 0)
}

export async function advanceCursor(store: Store, name: CursorName, ms: number): Promise<void> {
  await store.client.insert({ table: withDatabase('{db}.evaluator_cursor', store.database), values: [{ name, marks_read_until: clickhouseDateTime64(ms) }], format: 'JSONEachRow' })
}

/** Every cursor whose name starts with `prefix`, by name, in ms. */
export async function readCursors(store: Store, prefix: string): Promise<Map<string, number>> {
  const rows = await (
    await store.client.query({
      query: withDatabase('SELECT name, toUnixTimestamp64Milli(max(marks_read_until)) AS t FROM {db}.evaluator_cursor WHERE startsWith(name, {prefix:String}) GROUP BY name', store.database),
      query_params: { prefix },
      format: 'JSONEachRow',
    })
  ).json<{ name: string; t: string }>()
  return new Map(rows.map((r) => [r.name, Number(r.t)]))
}

/** Advances several cursors in one insert (the maximum wins for each). */
export async function advanceCursors(store: Store, cursors: ReadonlyMap<CursorName, number>): Promise<void> {
  if (cursors.size === 0) return
  const values = [...cursors].map(([name, ms]) => ({ name, marks_read_until: clickhouseDateTime64(ms) }))
  await store.client.insert({ table: withDatabase('{db}.evaluator_cursor', store.database), values, format: 'JSONEachRow' })
}
