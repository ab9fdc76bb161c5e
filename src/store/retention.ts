/**
 * Retention: a TTL on every table, from driftwatch.yaml (retention.raw for events, dead letters,
 * window_marks and partial_aggregates; retention.metrics for metric rows, window_state, the
 * detectors' state and checkpoints, and alert history). So a window's metrics outlive its raw
 * rows: an evaluation that finds none of them left keeps the stored one
 * (src/evaluate/expired-window.ts). Applied at every start with
 * ALTER ... MODIFY TTL and materialize_ttl_after_modify = 0, a metadata change: existing parts
 * expire as ClickHouse merges them. A TTL shorter than the one stored is also materialized (a
 * background mutation), so rows stored under the longer one do not outlive the new retention.
 *
 * Every TTL counts from when driftwatch stored the row (ingested_at, or the evaluation's version
 * for metric rows), never from event time: a TTL on event time would make ClickHouse drop a
 * backfill of old predictions or labels as it arrives, silently.
 *
 * The TTL lives on the table, shared by every instance on the database: instances started with
 * different `retention` settings overwrite each other's TTLs, and the last start wins. Before it
 * changes a TTL, a start compares the one stored (system.tables) with its own and warns when
 * they differ; a TTL that is already the configured one is left alone (no ALTER).
 */
import { DriftwatchError } from '../errors.js'
import type { Store } from './clickhouse.js'
import { queryRows, withDatabase } from './query.js'

export interface Retention {
  readonly rawMs: number
  readonly metricsMs: number
}

/** eval_version is the evaluation's time in ms. */
const EVALUATED = 'toDateTime(intDiv(eval_version, 1000))'

const RAW: Record<string, string> = {
  predictions: 'toDateTime(ingested_at)',
  ground_truth: 'toDateTime(ingested_at)',
  dead_letters: 'toDateTime(dead_lettered_at)',
  window_marks: 'toDateTime(marked_at)',
  partial_aggregates: EVALUATED,
}
const METRICS: Record<string, string> = {
  window_state: EVALUATED,
  window_summary: EVALUATED,
  drift: EVALUATED,
  dataset_drift: EVALUATED,
  performance: EVALUATED,
  fairness: EVALUATED,
  quality: EVALUATED,
  detector_state: EVALUATED,
  detector_checkpoints: EVALUATED,
  comparison: EVALUATED,
  alerts: 'toDateTime(changed_at)',
  alert_outbox: 'toDateTime(updated_at)',
  alert_silences: 'toDateTime(ends_at)',
}

/** A table's TTL as this instance sets it, in whole seconds (rounded up: 36h keeps rows 36 hours, not one day). */
export interface TableTtl {
  readonly table: string
  readonly time: string
  readonly seconds: number
}

export function tableTtls(r: Retention): TableTtl[] {
  const ttl = (table: string, time: string, ms: number) => ({ table, time, seconds: Math.ceil(ms / 1000) })
  return [...Object.entries(RAW).map(([t, time]) => ttl(t, time, r.rawMs)), ...Object.entries(METRICS).map(([t, time]) => ttl(t, time, r.metricsMs))]
}

const ttlStatement = (database: string, t: TableTtl) =>
  withDatabase(`ALTER TABLE {db}.${t.table} MODIFY TTL ${t.time} + INTERVAL ${t.seconds} SECOND SETTINGS materialize_ttl_after_modify = 0`, database)

export function ttlStatements(database: string, r: Retention): string[] {
  return tableTtls(r).map((t) => ttlStatement(database, t))
}

/**
 * The TTL in a table's engine_full, as ClickHouse writes it back:
 * `... TTL toDateTime(ingested_at) + toIntervalSecond(7776000) SETTINGS ...`. Null when the table
 * has none, or one of another shape (set by hand).
 */
export function storedTtl(engineFull: string): { time: string; seconds: number } | null {
  const m = / TTL (.+?) \+ toIntervalSecond\((\d+)\)(?: SETTINGS |$)/.exec(engineFull)
  return m ? { time: m[1]!, seconds: Number(m[2]) } : null
}

/** A table whose stored TTL keeps rows for another time than this instance's configuration. */
export interface RetentionConflict {
  readonly table: string
  readonly storedSeconds: number
  readonly configuredSeconds: number
}

/** Where the warning and the note of a shortened retention go: the app's logger (pino's `warn(fields, message)`). */
export interface RetentionLogger {
  warn(fields: object, message: string): void
  info?(fields: object, message: string): void
}

/**
 * Sets every table's TTL to this instance's retention. Returns the tables whose stored TTL kept
 * rows for another time (another instance's setting, or this one's before a change), after
 * warning about them through `logger`.
 */
export async function applyRetention(store: Store, r: Retention, logger?: RetentionLogger): Promise<RetentionConflict[]> {
  const wanted = tableTtls(r)
  let stored: Map<string, string>
  try {
    const rows = await queryRows<{ name: string; engine_full: string }>(store, 'SELECT name, engine_full FROM system.tables WHERE database = {database:String} AND name IN {tables:Array(String)}', {
      database: store.database,
      tables: wanted.map((t) => t.table),
    }, 'reading the stored retention')
    stored = new Map(rows.map((row) => [row.name, row.engine_full]))
  } catch (cause) {
    // queryRows' message names the step: "reading the stored retention failed: ..."
    throw new DriftwatchError('DW_MIGRATION_FAILED', (cause as Error).message, { cause })
  }
  const conflicts: RetentionConflict[] = []
  const changes: TableTtl[] = []
  for (const t of wanted) {
    const current = storedTtl(stored.get(t.table) ?? '')
    if (current?.time === t.time && current.seconds === t.seconds) continue
    if (current && current.seconds !== t.seconds) conflicts.push({ table: t.table, storedSeconds: current.seconds, configuredSeconds: t.seconds })
    changes.push(t)
  }
  if (conflicts.length > 0) {
    logger?.warn(
      { conflicts, retention: { rawSeconds: Math.ceil(r.rawMs / 1000), metricsSeconds: Math.ceil(r.metricsMs / 1000) } },
      `retention differs from the TTL stored on ${conflicts.length} table(s), set by another instance or an earlier start; this start replaces it. Instances sharing a database must share their retention settings, or the last one started decides (docs/operations.md)`,
    )
  }
  // A shorter TTL applies to a part when the engine rewrites it: rows stored under the longer one
  // would outlive the new retention by up to the difference, and a merge may never come. Those
  // tables' TTL is materialized: a mutation in the background that drops the rows already expired.
  const shortened = new Set(conflicts.filter((c) => c.configuredSeconds < c.storedSeconds).map((c) => c.table))
  for (const t of changes) {
    try {
      await store.client.command({ query: ttlStatement(store.database, t) })
      if (shortened.has(t.table)) await store.client.command({ query: withDatabase(`ALTER TABLE {db}.${t.table} MATERIALIZE TTL`, store.database) })
    } catch (cause) {
      throw new DriftwatchError('DW_MIGRATION_FAILED', `setting retention failed: ${(cause as Error).message}`, { cause })
    }
  }
  if (shortened.size > 0) {
    logger?.info?.(
      { tables: [...shortened].sort() },
      `retention shortened on ${shortened.size} table(s): rows stored before are expired by a background mutation (ALTER TABLE … MATERIALIZE TTL; system.mutations shows its progress)`,
    )
  }
  return conflicts
}
