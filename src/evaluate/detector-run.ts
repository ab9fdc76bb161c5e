/**
 * Runs the streaming detectors (./detectors.ts) for a window that has just closed: loads each
 * detector's record from detector_state (newest version wins), reads the window's joined
 * errors from ClickHouse in event-time order, and returns the concept drift rows and the new
 * detector_state rows for the caller to store with the window's other rows (before
 * window_state, so a crash in between re-runs nothing: the records' fedUntilMs guards).
 *
 * error = 1 when the predicted class differs from the label. Binary tasks read both as "is the
 * positive class", the prediction being the class label, else score >= 0.5 on the 1/1000 grid,
 * exactly as the confusion counts of the partials do; multiclass tasks compare class texts
 * (predictions without a class are left out). Regression models have no detectors (absolute
 * errors are out of scope).
 */
import type { Store } from '../store/clickhouse.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { DETECTORS, feedDetector, mayFeed, type DetectorName, type DetectorRecord, type ErrorEvent } from './detectors.js'
import type { DriftRow } from './drift-rows.js'
import type { DueWindow } from './due.js'
import { scopedPredictions } from './scope.js'
import { withDatabase } from '../store/query.js'

export interface DetectorStateRow {
  model_id: string
  model_version: string
  detector: string
  state: string
  drift_detected: number
  detections: string[]
}

export interface DetectorRun {
  readonly rows: DriftRow[]
  readonly states: DetectorStateRow[]
}

export interface ErrorSpec {
  readonly task: 'binary' | 'multiclass' | 'regression'
  readonly positiveClass: string
}

async function loadRecords(store: Store, w: DueWindow): Promise<Map<string, DetectorRecord>> {
  const rows = await (
    await store.client.query({
      query: withDatabase('SELECT detector, state FROM {db}.detector_state FINAL WHERE model_id = {m:String} AND model_version = {v:String}', store.database),
      query_params: { m: w.modelId, v: w.modelVersion },
      format: 'JSONEachRow',
    })
  ).json<{ detector: string; state: string }>()
  return new Map(rows.map((r) => [r.detector, JSON.parse(r.state) as DetectorRecord]))
}

export async function windowErrors(store: Store, w: DueWindow, spec: ErrorSpec): Promise<ErrorEvent[]> {
  const p = scopedPredictions({ modelId: w.modelId, modelVersion: w.modelVersion, fromMs: w.startMs, toMs: w.startMs + w.windowMs })
  const binary = `(g.label_class = {pos:String}) != if(class_label IS NOT NULL, assumeNotNull(class_label) = {pos:String},
                   score IS NOT NULL AND round(assumeNotNull(score), 3) >= 0.5)`
  const [error, where] = spec.task === 'multiclass' ? ['class_label != g.label_class', 'AND class_label IS NOT NULL'] : [binary, '']
  const rows = await (
    await store.client.query({
      query: withDatabase(`SELECT toUnixTimestamp64Milli(event_time) AS t, toUInt8(${error}) AS e
              FROM ${p.sql} AS pr
              INNER JOIN (SELECT prediction_id, label_class FROM {db}.ground_truth FINAL) AS g USING prediction_id
              WHERE g.label_class IS NOT NULL ${where}
              ORDER BY event_time, prediction_id`, store.database),
      query_params: { ...p.params, pos: spec.positiveClass },
      format: 'JSONCompactEachRow',
    })
  ).json<[string, number]>()
  return rows.map(([t, e]) => ({ t: Number(t), e: e === 1 ? 1 : 0 }))
}

/** Feeds a closing window to every detector that has not seen it; null when there is nothing to do. */
export async function runDetectors(store: Store, w: DueWindow, spec: ErrorSpec): Promise<DetectorRun | null> {
  if (!w.closing || spec.task === 'regression') return null
  const records = await loadRecords(store, w)
  const pending = DETECTORS.filter((d: DetectorName) => mayFeed(records.get(d) ?? null, w.startMs))
  if (pending.length === 0) return null
  const errors = await windowErrors(store, w, spec)
  const steps = pending.map((d) => feedDetector(d, records.get(d) ?? null, errors, w.startMs + w.windowMs))
  return {
    rows: steps.map((s) => s.row),
    states: steps.map(({ record }) => ({
      model_id: w.modelId,
      model_version: w.modelVersion,
      detector: record.detector,
      state: JSON.stringify(record),
      drift_detected: record.driftInLastWindow ? 1 : 0,
      detections: record.detections.map(clickhouseDateTime64),
    })),
  }
}
