/**
 * Which windows to evaluate now: those with a mark newer than the mark they were last evaluated
 * at, and those the watermark has closed since their last evaluation (window close triggers
 * evaluation; a late label or prediction re-evaluates a closed window).
 */
import type { Store } from '../store/clickhouse.js'
import { isClosed, watermark } from '../window/windows.js'
import { withDatabase } from '../store/query.js'

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

export async function dueWindows(store: Store, allowedLatenessMs: (modelId: string) => number): Promise<DueWindow[]> {
  const [rows, marks] = await Promise.all([
    store.client.query({
      query: withDatabase(`SELECT m.model_id, m.model_version, toUnixTimestamp64Milli(m.window_start) AS ws, m.window_ms,
                     toUnixTimestamp64Milli(m.last_mark) AS lm, toUnixTimestamp64Milli(s.last_mark) AS evaluated_mark, s.closed AS was_closed
              FROM (SELECT model_id, model_version, window_start, max(window_ms) AS window_ms, max(marked_at) AS last_mark
                    FROM {db}.window_marks GROUP BY model_id, model_version, window_start) AS m
              LEFT JOIN (SELECT * FROM {db}.window_state FINAL) AS s
                ON s.model_id = m.model_id AND s.model_version = m.model_version AND s.window_start = m.window_start
              ORDER BY m.model_id, m.model_version, m.window_start`, store.database),
      format: 'JSONEachRow',
    }),
    store.client.query({ query: withDatabase(watermarkQuery, store.database), format: 'JSONEachRow' }),
  ])
  const maxEventTime = new Map((await marks.json<{ model_id: string; t: string }>()).map((r) => [r.model_id, Number(r.t)]))
  const due: DueWindow[] = []
  for (const r of await rows.json<Row>()) {
    const spec = { sizeMs: Number(r.window_ms), allowedLatenessMs: allowedLatenessMs(r.model_id) }
    const closed = isClosed(Number(r.ws), spec, watermark(maxEventTime.get(r.model_id) ?? Number.NEGATIVE_INFINITY, spec))
    const lastMark = Number(r.lm)
    if (lastMark > Number(r.evaluated_mark) || (closed && !r.was_closed)) {
      due.push({ modelId: r.model_id, modelVersion: r.model_version, startMs: Number(r.ws), windowMs: spec.sizeMs, lastMarkMs: lastMark, closed, closing: closed && !r.was_closed })
    }
  }
  return due
}
