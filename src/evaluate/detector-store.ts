/**
 * Reads for the streaming detectors: their records (detector_state), their checkpoints
 * (detector_checkpoints, schemas/clickhouse/0014_detector_checkpoints.sql) and a window's joined inputs in event order.
 *
 * error = 1 when the predicted class differs from the label, as the realized accuracy counts it
 * (sklearn accuracy_score, ./binary-realized.ts). A prediction with a class compares it with
 * the label's: a binary model's by key (./class-key.ts: `True` is `1`), a multiclass model's by
 * numberKey (`1.0` is `1`); a binary model's "0" predicted for a label "2" is an error, though both read as not the
 * positive class. A binary prediction sent without a class (a score only)
 * reads both as "is the positive class", the prediction by ./partials.ts PREDICTED_POSITIVE_SQL,
 * the SQL twin of `predictedPositive` that the confusion counts use (score >= 0.5 on the 1/1000
 * grid; a prediction with neither class nor score is left out); multiclass tasks leave out the
 * predictions without a class. Each input also carries cityHash64(prediction_id,
 * event time, error) in two 32-bit halves for the window's digest (./detector-replay.ts). Labels
 * are read for the window's predictions only: PREWHERE on ground_truth's sorting key runs before
 * FINAL merges (every version of an id passes or none), so one window does not merge every label
 * ever stored; evaluations of closed windows and replays run this query once per window.
 */
import { withDatabase } from '../store/query.js'
import type { Store } from '../store/clickhouse.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { classKeySql, numberKeySql } from './class-key.js'
import { decodeJson, inputDigest, type Checkpoint, type WindowInputs } from './detector-replay.js'
import type { DetectorName, DetectorRecord, ErrorEvent } from './detectors.js'
import type { DriftRow } from './drift-rows.js'
import { PREDICTED_POSITIVE_SQL } from './partials.js'
import { scopedPredictions } from './scope.js'

export interface ErrorSpec {
  readonly task: 'binary' | 'multiclass' | 'regression'
  readonly positiveClass: string
}

/** A model version's detector stream. */
export interface DetectorTarget {
  readonly modelId: string
  readonly modelVersion: string
  readonly windowMs: number
  readonly spec: ErrorSpec
  /**
   * Windows starting before this may have lost every prediction to retention.raw
   * (src/evaluate/expired-window.ts): a replay keeps the checkpoint of such a window that has none
   * left (./detector-run.ts). Absent: no window is taken for expired.
   */
  readonly expirableBeforeMs?: number
}

const rows = async <T>(store: Store, query: string, params: Record<string, unknown>, format: 'JSONEachRow' | 'JSONCompactEachRow' = 'JSONEachRow') =>
  (await store.client.query({ query: withDatabase(query, store.database), query_params: params, format })).json<T>()

export async function loadRecords(store: Store, t: DetectorTarget): Promise<Map<string, DetectorRecord>> {
  const found = await rows<{ detector: string; state: string }>(
    store,
    `SELECT detector, state FROM {db}.detector_state FINAL WHERE model_id = {m:String} AND model_version = {v:String}`,
    { m: t.modelId, v: t.modelVersion },
  )
  return new Map(found.map((r) => [r.detector, JSON.parse(r.state) as DetectorRecord]))
}

const LABEL_KEY = classKeySql('assumeNotNull(g.label_class)')

export async function windowInputs(store: Store, t: DetectorTarget, startMs: number, endMs: number): Promise<WindowInputs> {
  const p = scopedPredictions({ modelId: t.modelId, modelVersion: t.modelVersion, fromMs: startMs, toMs: endMs })
  const [error, where] = t.spec.task === 'multiclass'
    ? [`${numberKeySql('assumeNotNull(class_label)')} != ${numberKeySql('assumeNotNull(g.label_class)')}`, 'AND class_label IS NOT NULL']
    : [
        `if(class_label IS NOT NULL, ${classKeySql('assumeNotNull(class_label)')} != ${LABEL_KEY},
            toUInt8(${LABEL_KEY} = ${classKeySql('{pos:String}')}) != assumeNotNull(${PREDICTED_POSITIVE_SQL}))`,
        `AND ${PREDICTED_POSITIVE_SQL} IS NOT NULL`,
      ]
  const found = await rows<[string, number, string, number, number]>(
    store,
    `SELECT toUnixTimestamp64Milli(event_time) AS t, toUInt8(${error}) AS e, cityHash64(prediction_id, t, e) AS h,
            toUInt32(bitShiftRight(h, 32)) AS hi, toUInt32(bitAnd(h, 4294967295)) AS lo
     FROM ${p.sql} AS pr
     INNER JOIN (SELECT prediction_id, label_class FROM {db}.ground_truth FINAL
                 PREWHERE prediction_id IN (SELECT prediction_id FROM ${p.sql})) AS g USING prediction_id
     WHERE g.label_class IS NOT NULL ${where}
     ORDER BY event_time, prediction_id`,
    { ...p.params, pos: t.spec.positiveClass },
    'JSONCompactEachRow',
  ).then((r) => r.map(([time, e, _h, hi, lo]) => [time, e, hi, lo] as const))
  const errors: ErrorEvent[] = found.map(([time, e]) => ({ t: Number(time), e: e === 1 ? 1 : 0 }))
  return { startMs, endMs, errors, digest: inputDigest(found.map(([, , hi, lo]) => [Number(hi), Number(lo)] as const)) }
}

interface CheckpointRow {
  detector: string
  ws: string
  we: string
  digest: string
  state: string
  row: string
}

const toCheckpoint = (r: CheckpointRow): Checkpoint => ({
  detector: r.detector as DetectorName,
  startMs: Number(r.ws),
  endMs: Number(r.we),
  digest: r.digest,
  record: JSON.parse(r.state) as DetectorRecord,
  row: decodeJson<DriftRow>(r.row),
})

const COLUMNS = 'detector, toUnixTimestamp64Milli(window_start) AS ws, toUnixTimestamp64Milli(window_end) AS we, digest, state, row'

/** Checkpoints with window_end in [fromMs, toMs]. */
export async function loadCheckpoints(store: Store, t: DetectorTarget, fromMs: number, toMs: number): Promise<Checkpoint[]> {
  const found = await rows<CheckpointRow>(
    store,
    `SELECT ${COLUMNS} FROM {db}.detector_checkpoints FINAL
     WHERE model_id = {m:String} AND model_version = {v:String}
       AND window_end >= {from:DateTime64(3, 'UTC')} AND window_end <= {to:DateTime64(3, 'UTC')}
     ORDER BY detector, window_end`,
    { m: t.modelId, v: t.modelVersion, from: clickhouseDateTime64(fromMs), to: clickhouseDateTime64(toMs) },
  )
  return found.map(toCheckpoint)
}

/** Per detector, the checkpoint with the greatest window_end <= atMs (the state before a window starting at atMs). */
export async function checkpointsBefore(store: Store, t: DetectorTarget, atMs: number): Promise<Map<string, Checkpoint>> {
  const found = await rows<CheckpointRow>(
    store,
    `SELECT ${COLUMNS} FROM {db}.detector_checkpoints FINAL
     WHERE model_id = {m:String} AND model_version = {v:String} AND window_end <= {at:DateTime64(3, 'UTC')}
     ORDER BY detector, window_end DESC LIMIT 1 BY detector`,
    { m: t.modelId, v: t.modelVersion, at: clickhouseDateTime64(atMs) },
  )
  return new Map(found.map((r) => [r.detector, toCheckpoint(r)]))
}
