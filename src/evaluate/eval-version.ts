/**
 * Evaluation versions. The metric tables, window_state, detector_state, detector_checkpoints and
 * comparison are ReplacingMergeTree(eval_version): of two rows with one key, the higher version
 * wins. A version is the evaluating instance's clock in ms, and it must exceed every version
 * already stored for the rows it replaces, whichever instance wrote them: after leadership moves
 * from an instance whose clock ran ahead (or that paused mid-evaluation), a version taken from
 * the clock alone loses to the old rows, so a late label never shows and the window's state never
 * moves on. So a version is
 *   max(now, the process's previous version + 1, the highest stored version + 1)
 * as the alert lifecycle versions its transitions (src/alerts/lifecycle.ts changedAtMs) and the
 * outbox its rows (src/alerts/dispatcher.ts `r.version + 1`).
 *
 * What is stored for a window is read on primary keys, a few point ranges whatever the history:
 * - its dataset_drift, window_summary and partial_aggregates rows (keys starting with model_id,
 *   model_version, window_start). Every evaluation writes its dataset_drift row before any other
 *   row (./write.ts), so their highest version bounds every version an evaluation of the window
 *   wrote, one that died halfway included; the other two cover rows written before that order.
 * - the model version's detector_state rows (one per detector), which a closed window's
 *   evaluation replaces. Its detector_checkpoints rows are written after the detector_state rows
 *   of the same run, under the same version, so they are bounded too.
 * The comparison rows of a (model, window) are versioned the same way (./comparison-run.ts).
 */
import type { Store } from '../store/clickhouse.js'
import { withDatabase } from '../store/query.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { nextRowVersion } from '../store/row-version.js'

/** The next version: above the clock's `nowMs`, the previous version `lastMs` and the highest stored one. */
export const nextEvalVersion = (nowMs: number, lastMs: number, storedMs = 0) => nextRowVersion(nowMs, lastMs, storedMs)

const AT_WINDOW = `model_id = {m:String} AND model_version = {mv:String} AND window_start = {ws:DateTime64(3, 'UTC')}`

/**
 * The highest version stored for a window and its model version's detectors (0: none). window_state
 * counts too: a window whose stored evaluation was kept (./expired-window.ts) has its state
 * written alone, under a version of its own.
 */
export const storedVersionQuery = `SELECT toString(max(v)) AS v FROM (
  SELECT max(eval_version) AS v FROM {db}.dataset_drift WHERE ${AT_WINDOW}
  UNION ALL SELECT max(eval_version) AS v FROM {db}.window_state WHERE ${AT_WINDOW}
  UNION ALL SELECT max(eval_version) AS v FROM {db}.window_summary WHERE ${AT_WINDOW}
  UNION ALL SELECT max(eval_version) AS v FROM {db}.partial_aggregates WHERE ${AT_WINDOW}
  UNION ALL SELECT max(eval_version) AS v FROM {db}.detector_state WHERE model_id = {m:String} AND model_version = {mv:String})`

export const storedVersionParams = (w: { modelId: string; modelVersion: string; startMs: number }) => ({ m: w.modelId, mv: w.modelVersion, ws: clickhouseDateTime64(w.startMs) })

/**
 * A window's highest stored version (storedVersionQuery), and the predictions its newest stored
 * evaluation counted (window_summary, kept for retention.metrics; 0: none stored), in one
 * statement: the evaluator versions above the first and keeps that evaluation when the window's
 * raw rows have expired (./expired-window.ts).
 */
export async function storedWindowEvaluation(store: Store, w: { modelId: string; modelVersion: string; startMs: number }): Promise<{ version: number; predictions: number }> {
  const query = `SELECT v, toString((SELECT argMax(predictions, eval_version) FROM {db}.window_summary WHERE ${AT_WINDOW})) AS n FROM (${storedVersionQuery})`
  const rows = await (await store.client.query({ query: withDatabase(query, store.database), query_params: storedVersionParams(w), format: 'JSONEachRow' })).json<{ v: string; n: string }>()
  return { version: Number(rows[0]?.v ?? 0), predictions: Number(rows[0]?.n ?? 0) }
}

/** The highest version of a model version's detector_state rows (0: none). */
export async function storedDetectorVersion(store: Store, modelId: string, modelVersion: string): Promise<number> {
  const rows = await (
    await store.client.query({
      query: withDatabase('SELECT toString(max(eval_version)) AS v FROM {db}.detector_state WHERE model_id = {m:String} AND model_version = {mv:String}', store.database),
      query_params: { m: modelId, mv: modelVersion },
      format: 'JSONEachRow',
    })
  ).json<{ v: string }>()
  return Number(rows[0]?.v ?? 0)
}
