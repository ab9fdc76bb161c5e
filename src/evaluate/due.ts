/**
 * Which windows to evaluate now: those with a mark newer than the mark they were last evaluated
 * at, and those the watermark has closed since their last evaluation (window close triggers
 * evaluation; a late label or prediction re-evaluates a closed window).
 *
 * Tracked incrementally, so a tick costs what changed, not what is stored:
 * - marks: only those newer than the evaluator's cursor (evaluator_cursor, the newest mark of a
 *   completed tick; schemas/clickhouse/0015_evaluator_cursor.sql) less MARK_OVERLAP_MS, on
 *   window_marks' primary key (marked_at, ...). The overlap re-reads marks whose insert committed
 *   after a later one was already read (marked_at is the server's time at insert, not at commit),
 *   and is harmless: a re-read mark is no newer than the mark its window was evaluated at.
 * - window close: only windows still open at their last evaluation (window_state.closed = 0) and
 *   young enough to be open, i.e. starting after the watermark less the allowed lateness and the
 *   window size. A window evaluated closed stays closed: only a new mark evaluates it again.
 * - the state of those windows only, from window_state FINAL on its primary key.
 * The cursor is advanced (advanceMarkCursor) after the tick's windows are stored, in ClickHouse, so
 * a crash re-reads the same marks and a restarted or newly elected evaluator carries on.
 */
import type { Store } from '../store/clickhouse.js'
import { withDatabase } from '../store/query.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { advanceCursor, CURSOR_OVERLAP_MS, readCursor } from './cursor.js'
import { isClosed, watermark } from '../window/windows.js'
import { minOf } from '../arrays.js'

export interface DueWindow {
  readonly modelId: string
  readonly modelVersion: string
  readonly startMs: number
  readonly windowMs: number
  /** Newest mark seen; recorded as evaluated once the evaluation is stored. */
  readonly lastMarkMs: number
  readonly closed: boolean
  /** Closed at this evaluation and not at the previous one (or never evaluated before). */
  readonly closing: boolean
}

export interface DueScan {
  readonly due: DueWindow[]
  /** The newest mark read; pass it to advanceMarkCursor once the due windows are stored. null: no marks. */
  readonly marksReadUntilMs: number | null
  /** The stored cursor this scan started from (0: none). */
  readonly cursorMs: number
}

interface Row {
  model_id: string
  model_version: string
  ws: string
  window_ms: string
  lm: string
  evaluated_mark: string
  was_closed: number
}

/** A partition that stored nothing for this long behind the model's newest one no longer holds the watermark back. */
export const IDLE_PARTITION_S = 300

/** How far before the cursor marks are read again. */
export const MARK_OVERLAP_MS = CURSOR_OVERLAP_MS

/**
 * Each model's newest event time as the watermark sees it, from the bounded watermarks table
 * (schemas/clickhouse/0013_watermarks.sql: per source partition, each event counting for at most
 * 5 minutes past when it was stored): the minimum over the model's partitions, as a stream
 * processor takes the minimum over its inputs, so a partition whose consumer lags behind keeps
 * windows open; partitions idle for IDLE_PARTITION_S (no new predictions of the model) are left
 * out, so a quiet partition cannot hold a model back forever.
 */
export const watermarkQuery =
  `SELECT model_id, toUnixTimestamp64Milli(min(t)) AS t
   FROM (SELECT model_id, t, u, max(u) OVER (PARTITION BY model_id) AS newest
         FROM (SELECT model_id, source_topic, source_partition, max(max_event_time) AS t, max(updated_at) AS u
               FROM {db}.watermarks GROUP BY model_id, source_topic, source_partition))
   WHERE u >= newest - INTERVAL ${IDLE_PARTITION_S} SECOND
   GROUP BY model_id`

const json = async <T>(store: Store, query: string, params: Record<string, unknown>): Promise<T[]> =>
  (await store.client.query({ query: withDatabase(query, store.database), query_params: params, format: 'JSONEachRow' })).json<T>()

/** Windows with marks newer than `since`, with the state they were last evaluated in (none: 0). */
const markedQuery =
  `SELECT m.model_id AS model_id, m.model_version AS model_version, toUnixTimestamp64Milli(m.window_start) AS ws, m.window_ms AS window_ms,
          toUnixTimestamp64Milli(m.last_mark) AS lm, toUnixTimestamp64Milli(s.last_mark) AS evaluated_mark, s.closed AS was_closed
   FROM (SELECT model_id, model_version, window_start, max(window_ms) AS window_ms, max(marked_at) AS last_mark
         FROM {db}.window_marks WHERE marked_at > {since:DateTime64(3, 'UTC')}
         GROUP BY model_id, model_version, window_start) AS m
   LEFT JOIN (SELECT model_id, model_version, window_start, last_mark, closed FROM {db}.window_state FINAL
              WHERE (model_id, model_version, window_start) IN (
                SELECT model_id, model_version, window_start FROM {db}.window_marks WHERE marked_at > {since:DateTime64(3, 'UTC')})) AS s
     ON s.model_id = m.model_id AND s.model_version = m.model_version AND s.window_start = m.window_start`

/**
 * Windows open at their last evaluation that may have closed since: per model, those starting at
 * or after openSince[model] (missing: 0, all of them), and at or after {floor} on the primary key.
 */
const openQuery =
  `SELECT model_id, model_version, toUnixTimestamp64Milli(window_start) AS ws, window_ms,
          toUnixTimestamp64Milli(last_mark) AS lm, toUnixTimestamp64Milli(last_mark) AS evaluated_mark, closed AS was_closed
   FROM {db}.window_state FINAL
   WHERE window_start >= {floor:DateTime64(3, 'UTC')}
     AND toUnixTimestamp64Milli(window_start) >= {openSince:Map(String, Int64)}[model_id]
     AND closed = 0`

/** The newest mark a completed tick has read; 0 when none has. */
export const markCursor = (store: Store) => readCursor(store, 'window_marks')

/** Records that every mark up to `ms` has been evaluated (the maximum wins). */
export const advanceMarkCursor = (store: Store, ms: number) => advanceCursor(store, 'window_marks', ms)

export interface DueOptions {
  /**
   * Per model: its configured window size, which bounds how old an open window can be. Without
   * it, every open window is checked. (A window stored with a larger size before the setting was
   * changed is then closed only when a mark names it.)
   */
  readonly windowMs?: (modelId: string) => number
}

export async function scanDue(store: Store, allowedLatenessMs: (modelId: string) => number, options: DueOptions = {}): Promise<DueScan> {
  const cursorMs = await markCursor(store)
  const since = Math.max(0, cursorMs - MARK_OVERLAP_MS)
  const [marked, marks] = await Promise.all([
    json<Row>(store, markedQuery, { since: clickhouseDateTime64(since) }),
    json<{ model_id: string; t: string }>(store, watermarkQuery, {}),
  ])
  const maxEventTime = new Map(marks.map((r) => [r.model_id, Number(r.t)]))
  // A window can still be open only if it ends after the watermark less the allowed lateness.
  const openSince = new Map<string, number>()
  if (options.windowMs) {
    for (const [model, t] of maxEventTime) openSince.set(model, Math.max(0, t - allowedLatenessMs(model) - options.windowMs(model)))
  }
  const floor = maxEventTime.size > 0 && openSince.size === maxEventTime.size ? minOf(openSince.values()) : 0
  const open = await json<Row>(store, openQuery, { floor: clickhouseDateTime64(floor), openSince: Object.fromEntries(openSince) })

  const key = (r: Row) => `${r.model_id}\u0000${r.model_version}\u0000${r.ws}`
  const candidates = new Map<string, Row>(open.map((r) => [key(r), r]))
  for (const r of marked) candidates.set(key(r), r) // a mark's row carries the window's newest mark
  const due: DueWindow[] = []
  for (const r of [...candidates.values()].sort((a, b) => a.model_id.localeCompare(b.model_id) || a.model_version.localeCompare(b.model_version) || Number(a.ws) - Number(b.ws))) {
    const spec = { sizeMs: Number(r.window_ms), allowedLatenessMs: allowedLatenessMs(r.model_id) }
    const closed = isClosed(Number(r.ws), spec, watermark(maxEventTime.get(r.model_id) ?? Number.NEGATIVE_INFINITY, spec))
    const lastMark = Number(r.lm)
    if (lastMark > Number(r.evaluated_mark) || (closed && !r.was_closed)) {
      due.push({ modelId: r.model_id, modelVersion: r.model_version, startMs: Number(r.ws), windowMs: spec.sizeMs, lastMarkMs: lastMark, closed, closing: closed && !r.was_closed })
    }
  }
  const newest = marked.reduce((m, r) => Math.max(m, Number(r.lm)), Number.NEGATIVE_INFINITY)
  return { due, marksReadUntilMs: Number.isFinite(newest) ? newest : null, cursorMs }
}

/** The due windows alone (the cursor is left where it is). */
export async function dueWindows(store: Store, allowedLatenessMs: (modelId: string) => number, options: DueOptions = {}): Promise<DueWindow[]> {
  return (await scanDue(store, allowedLatenessMs, options)).due
}
