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
 * - window close: the windows open at their last evaluation (window_state.closed = 0) that the
 *   watermark closes now and had not closed at the previous completed pass: per model, starting
 *   in (recorded watermark - window, watermark now - window]. The recorded watermark is a cursor
 *   (`watermark:<model>`, written by recordPass after the pass's windows are stored), so the
 *   scan reads the windows that close in this pass, not every window ever stored, and a window
 *   evaluated open is found when it closes however long ago its own marks were written (under
 *   live traffic, with window 1h and allowedLateness 1h, about 55 minutes before, past the overlap).
 *   The watermark applied never moves back: the larger of the one computed now and the recorded
 *   one (a partition back from idle can lower the minimum over partitions). So a window evaluated
 *   open always starts after the recorded watermark less the window, inside the next pass's range.
 *   A window evaluated closed stays closed: only a new mark evaluates it again.
 * - the state of those windows only, from window_state FINAL on its primary key.
 * The cursors are advanced (recordPass) after the tick's windows are
 * stored, in ClickHouse, so a crash re-reads the same marks and windows and a restarted or newly
 * elected evaluator carries on. A pass that leaves some due windows to the next one
 * (evaluation.maxWindowsPerPass, ./pass-plan.ts) advances them only up to those (recordableScan).
 */
import type { Store } from '../store/clickhouse.js'
import { withDatabase } from '../store/query.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { advanceCursor, advanceCursors, CURSOR_OVERLAP_MS, readCursor, readCursors, type CursorName } from './cursor.js'
import { isClosed } from '../window/windows.js'
import { maxOf, minOf } from '../arrays.js'

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
  /** The newest mark read; recorded by recordPass once the due windows are stored. null: no marks. */
  readonly marksReadUntilMs: number | null
  /** The stored cursor this scan started from (0: none). */
  readonly cursorMs: number
  /**
   * Models with a window marked for a reason in REWRITTEN_REASONS since its last evaluation: their
   * stored data changed under any reference loaded before, so the evaluator drops those.
   */
  readonly rewrittenModels: ReadonlySet<string>
  /** Per model, the watermark this scan closed windows against where it is above the recorded one: recorded by recordPass once the due windows are stored. */
  readonly watermarks: ReadonlyMap<string, number>
}

interface Row {
  model_id: string
  model_version: string
  ws: string
  window_ms: string
  lm: string
  evaluated_mark: string
  was_closed: number
  /** The newest mark of a reason in REWRITTEN_REASONS (markedQuery only). */
  rm?: string
}

/**
 * Mark reasons that say the stored data was removed or rewritten under the evaluator, where its
 * reference cache (60 s, ./evaluator.ts) would not see it: an erasure (src/store/erase.ts), an
 * operator's recompute. New predictions and labels (reasons predictions, labels) only add data:
 * a fixed reference period sees them when the cache expires, and the windows evaluated before
 * are marked again (./reference-changes.ts, docs/evaluation.md).
 */
export const REWRITTEN_REASONS = ['erasure', 'recompute'] as const

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
          toUnixTimestamp64Milli(m.last_mark) AS lm, toUnixTimestamp64Milli(s.last_mark) AS evaluated_mark, s.closed AS was_closed,
          toUnixTimestamp64Milli(m.rewritten_mark) AS rm
   FROM (SELECT model_id, model_version, window_start, max(window_ms) AS window_ms, max(marked_at) AS last_mark,
                maxIf(marked_at, reason IN {rewritten:Array(String)}) AS rewritten_mark
         FROM {db}.window_marks WHERE marked_at > {since:DateTime64(3, 'UTC')}
         GROUP BY model_id, model_version, window_start) AS m
   LEFT JOIN (SELECT model_id, model_version, window_start, last_mark, closed FROM {db}.window_state FINAL
              WHERE (model_id, model_version, window_start) IN (
                SELECT model_id, model_version, window_start FROM {db}.window_marks WHERE marked_at > {since:DateTime64(3, 'UTC')})) AS s
     ON s.model_id = m.model_id AND s.model_version = m.model_version AND s.window_start = m.window_start`

/**
 * Windows open at their last evaluation that the watermark has closed: per model, starting in
 * [closeFrom[model], closeUntil[model]] (a model missing from both: none), and in [floor, ceiling]
 * on the primary key. `closed = 0` is read after FINAL, so it is the newest state's.
 */
const closingQuery =
  `SELECT model_id, model_version, toUnixTimestamp64Milli(window_start) AS ws, window_ms,
          toUnixTimestamp64Milli(last_mark) AS lm, toUnixTimestamp64Milli(last_mark) AS evaluated_mark, closed AS was_closed
   FROM {db}.window_state FINAL
   WHERE model_id IN {models:Array(String)}
     AND window_start >= {floor:DateTime64(3, 'UTC')} AND window_start <= {ceiling:DateTime64(3, 'UTC')}
     AND toUnixTimestamp64Milli(window_start) >= {closeFrom:Map(String, Int64)}[model_id]
     AND toUnixTimestamp64Milli(window_start) <= {closeUntil:Map(String, Int64)}[model_id]
     AND closed = 0`

const WATERMARK_CURSOR = 'watermark:'
const watermarkCursor = (modelId: string): CursorName => `watermark:${modelId}`

/** Per model, the watermark the last completed pass closed windows against (none: absent). */
export async function recordedWatermarks(store: Store): Promise<Map<string, number>> {
  const byName = await readCursors(store, WATERMARK_CURSOR)
  return new Map([...byName].map(([name, ms]) => [name.slice(WATERMARK_CURSOR.length), ms]))
}

/**
 * Records a pass whose due windows are all stored or marked again: the newest mark it read
 * (when past the stored cursor) and the watermarks it closed windows against, in one insert.
 */
export async function recordPass(store: Store, scan: DueScan): Promise<void> {
  const cursors = new Map<CursorName, number>([...scan.watermarks].map(([model, ms]) => [watermarkCursor(model), ms]))
  if (scan.marksReadUntilMs !== null && scan.marksReadUntilMs > scan.cursorMs) cursors.set('window_marks', scan.marksReadUntilMs)
  await advanceCursors(store, cursors)
}

/**
 * What a pass that evaluated only some of the scan's due windows (./pass-plan.ts) records, so that
 * the next pass finds each window it left (`deferred`) due again, as this scan did:
 * - the mark cursor goes no further than the newest mark of any deferred window read from a mark
 *   (newer than where this scan started reading): the next scan reads that mark again;
 * - a model's watermark cursor goes no further than the start of its first deferred window that
 *   closes in this pass: the next scan's closing range (which starts after the recorded watermark
 *   less the window) holds that window, whatever the window size configured.
 *   A watermark recorded lower does not reopen the windows this pass closed (scanDue keeps a window
 *   evaluated closed closed); if the watermark computed next recedes below a deferred window's
 *   end (a partition back from idle), that window closes when it passes again, as after a pass
 *   that failed.
 * With nothing deferred, the scan itself.
 */
export function recordableScan(scan: DueScan, deferred: readonly DueWindow[]): DueScan {
  if (deferred.length === 0) return scan
  const since = Math.max(0, scan.cursorMs - MARK_OVERLAP_MS)
  let marksReadUntilMs = scan.marksReadUntilMs
  const watermarks = new Map(scan.watermarks)
  for (const w of deferred) {
    if (marksReadUntilMs !== null && w.lastMarkMs > since) marksReadUntilMs = Math.min(marksReadUntilMs, w.lastMarkMs)
    const wm = watermarks.get(w.modelId)
    if (w.closing && wm !== undefined) watermarks.set(w.modelId, Math.min(wm, w.startMs))
  }
  return { ...scan, marksReadUntilMs, watermarks }
}

/** The newest mark a completed tick has read; 0 when none has. */
export const markCursor = (store: Store) => readCursor(store, 'window_marks')

/** Records that every mark up to `ms` has been evaluated (the maximum wins). */
export const advanceMarkCursor = (store: Store, ms: number) => advanceCursor(store, 'window_marks', ms)

export interface DueOptions {
  /**
   * Per model: its configured window size, which bounds the starts of the windows that close in
   * this pass. Without it, every window open at its last evaluation is checked. (A window stored
   * with another size before the setting was changed is then closed only when a mark names it.)
   */
  readonly windowMs?: (modelId: string) => number
}

export async function scanDue(store: Store, allowedLatenessMs: (modelId: string) => number, options: DueOptions = {}): Promise<DueScan> {
  const [cursorMs, recorded] = await Promise.all([markCursor(store), recordedWatermarks(store)])
  const since = Math.max(0, cursorMs - MARK_OVERLAP_MS)
  const [marked, marks] = await Promise.all([
    json<Row>(store, markedQuery, { since: clickhouseDateTime64(since), rewritten: [...REWRITTEN_REASONS] }),
    json<{ model_id: string; t: string }>(store, watermarkQuery, {}),
  ])
  // The watermark applied now: the newest event time less the allowed lateness, never below the
  // one the last completed pass applied.
  const watermarks = new Map<string, number>(recorded)
  for (const r of marks) watermarks.set(r.model_id, Math.max(Number(r.t) - allowedLatenessMs(r.model_id), recorded.get(r.model_id) ?? Number.NEGATIVE_INFINITY))
  // The windows that close in this pass start in [closeFrom, closeUntil]: after the recorded
  // watermark less the window (those were closed by the last pass), up to the watermark less the window.
  const closeFrom: Record<string, number> = {}
  const closeUntil: Record<string, number> = {}
  for (const [model, wm] of watermarks) {
    const size = options.windowMs?.(model)
    const before = recorded.get(model)
    const from = size === undefined || before === undefined ? 0 : Math.max(0, before - size + 1)
    const until = size === undefined ? wm : wm - size
    if (until >= from) {
      closeFrom[model] = from
      closeUntil[model] = until
    }
  }
  const models = Object.keys(closeFrom)
  const open = models.length === 0 ? [] : await json<Row>(store, closingQuery, {
    models,
    floor: clickhouseDateTime64(minOf(models.map((m) => closeFrom[m]!))),
    ceiling: clickhouseDateTime64(maxOf(models.map((m) => closeUntil[m]!))),
    closeFrom,
    closeUntil,
  })

  const key = (r: Row) => `${r.model_id}\u0000${r.model_version}\u0000${r.ws}`
  const candidates = new Map<string, Row>(open.map((r) => [key(r), r]))
  for (const r of marked) candidates.set(key(r), r) // a mark's row carries the window's newest mark
  const due: DueWindow[] = []
  for (const r of [...candidates.values()].sort((a, b) => a.model_id.localeCompare(b.model_id) || a.model_version.localeCompare(b.model_version) || Number(a.ws) - Number(b.ws))) {
    const spec = { sizeMs: Number(r.window_ms), allowedLatenessMs: allowedLatenessMs(r.model_id) }
    // A window evaluated closed stays closed, even under a watermark that a pass which left some of
    // the model's windows to the next recorded below its own (recordableScan).
    const closed = r.was_closed === 1 || isClosed(Number(r.ws), spec, watermarks.get(r.model_id) ?? Number.NEGATIVE_INFINITY)
    const lastMark = Number(r.lm)
    if (lastMark > Number(r.evaluated_mark) || (closed && !r.was_closed)) {
      due.push({ modelId: r.model_id, modelVersion: r.model_version, startMs: Number(r.ws), windowMs: spec.sizeMs, lastMarkMs: lastMark, closed, closing: closed && !r.was_closed })
    }
  }
  const newest = marked.reduce((m, r) => Math.max(m, Number(r.lm)), Number.NEGATIVE_INFINITY)
  const rewrittenModels = new Set(marked.filter((r) => Number(r.rm ?? 0) > Number(r.evaluated_mark)).map((r) => r.model_id))
  const advanced = new Map([...watermarks].filter(([model, wm]) => wm >= 0 && wm > (recorded.get(model) ?? Number.NEGATIVE_INFINITY)))
  return { due, marksReadUntilMs: Number.isFinite(newest) ? newest : null, cursorMs, rewrittenModels, watermarks: advanced }
}

/** The due windows alone (the cursor is left where it is). */
export async function dueWindows(store: Store, allowedLatenessMs: (modelId: string) => number, options: DueOptions = {}): Promise<DueWindow[]> {
  return (await scanDue(store, allowedLatenessMs, options)).due
}

/**
 * Whether an erasure mark of the window is newer than its last evaluation (window_state's last
 * mark): its stored data was removed on purpose since (./expired-window.ts). Read for the rare
 * window whose predictions are all gone, on the window's key, whatever the mark cursor: a mark
 * of another reason made due later does not hide it, and a failed evaluation leaves it standing.
 */
export async function erasedSinceEvaluation(store: Store, w: Pick<DueWindow, 'modelId' | 'modelVersion' | 'startMs'>): Promise<boolean> {
  const key = 'model_id = {m:String} AND model_version = {mv:String} AND window_start = {ws:DateTime64(3, \'UTC\')}'
  const rows = await json<{ n: string }>(
    store,
    `SELECT count() AS n FROM {db}.window_marks
      WHERE ${key} AND reason = 'erasure'
        AND marked_at > (SELECT max(last_mark) FROM {db}.window_state FINAL WHERE ${key})`,
    { m: w.modelId, mv: w.modelVersion, ws: clickhouseDateTime64(w.startMs) },
  )
  return Number(rows[0]?.n ?? 0) > 0
}
