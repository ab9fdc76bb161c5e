/**
 * Streaming concept-drift detectors over a model version's error stream (concept drift (a)).
 * Pure: the caller loads the previous records and the window's errors (./detector-run.ts).
 *
 * A closed window's joined predictions are fed in event-time order (event_time, then
 * prediction_id) as errors, 1 = the predicted class is not the label, to DDM and ADWIN with
 * River's defaults (src/metrics/detectors), each resumed from its snapshot. A record keeps the
 * snapshot, the end of the last window fed, the number of inputs, and the event times of the
 * inputs on which driftDetected became true (the newest MAX_DETECTIONS). Which windows are fed,
 * and the replay after late labels that keeps the record equal to a feed of the whole stored
 * stream in event order: ./detector-replay.ts.
 *
 * Each fed window also gives one drift row per detector: target 'concept', column = method =
 * the detector, score = its error-rate estimate after the window (DDM: running error rate since
 * its last reset; ADWIN: the mean of its adaptive window), threshold = its sensitivity (DDM's
 * driftThreshold in standard errors; ADWIN's delta), drift_detected = a detection in this window,
 * n_reference = inputs before this window, n_current = inputs in it. A window with no inputs
 * (no labeled prediction) has status 'insufficient' and drift_detected null: nothing was tested.
 */
import { Adwin, Ddm, type AdwinSnapshot, type DdmSnapshot } from '../metrics/detectors/index.js'
import type { DriftRow } from './drift-rows.js'

export const DETECTORS = ['ddm', 'adwin'] as const
export type DetectorName = (typeof DETECTORS)[number]
export const MAX_DETECTIONS = 1000

export interface DetectorRecord {
  readonly detector: DetectorName
  readonly snapshot: DdmSnapshot | AdwinSnapshot
  readonly fedUntilMs: number
  readonly inputs: number
  /** Event times (ms) of the detections, oldest first. */
  readonly detections: readonly number[]
  readonly driftInLastWindow: boolean
}

/** One joined prediction: event time (ms) and 1 if the prediction was wrong. */
export interface ErrorEvent {
  readonly t: number
  readonly e: 0 | 1
}

export interface DetectorStep {
  readonly record: DetectorRecord
  readonly row: DriftRow
  /** Event times of this window's detections. */
  readonly detections: readonly number[]
}

function restore(name: DetectorName, previous: DetectorRecord | null): Ddm | Adwin {
  if (name === 'ddm') return previous ? Ddm.fromJSON(previous.snapshot as DdmSnapshot) : new Ddm()
  return previous ? Adwin.fromJSON(previous.snapshot as AdwinSnapshot) : new Adwin()
}

export function feedDetector(name: DetectorName, previous: DetectorRecord | null, errors: readonly ErrorEvent[], windowEndMs: number): DetectorStep {
  const detector = restore(name, previous)
  const detections: number[] = []
  let wrong = 0
  for (const { t, e } of errors) {
    wrong += e
    if (detector.update(e).driftDetected) detections.push(t)
  }
  const before = previous?.inputs ?? 0
  const record: DetectorRecord = {
    detector: name,
    snapshot: detector.toJSON(),
    fedUntilMs: windowEndMs,
    inputs: before + errors.length,
    detections: [...(previous?.detections ?? []), ...detections].slice(-MAX_DETECTIONS),
    driftInLastWindow: detections.length > 0,
  }
  const estimate = detector instanceof Ddm ? detector.errorRate : detector.estimation
  const threshold = detector instanceof Ddm ? detector.driftThreshold : detector.delta
  const statistics: Record<string, number> = { detections: detections.length, errors: wrong, inputs_total: record.inputs }
  if (errors.length > 0) statistics['window_error_rate'] = wrong / errors.length
  if (detector instanceof Ddm) statistics['warning'] = detector.warningDetected ? 1 : 0
  else statistics['width'] = detector.width
  const row: DriftRow = {
    target: 'concept', column: name, column_kind: 'binary', method: name, score: estimate, p_value: null, p_value_adjusted: null, threshold,
    // A window with no inputs tells nothing: no verdict rather than a "no drift" (docs/evaluation.md).
    drift_detected: errors.length === 0 ? null : detections.length > 0 ? 1 : 0, status: errors.length === 0 ? 'insufficient' : 'ok', statistics, n_reference: before, n_current: errors.length, unseen_categories: [],
    primary: { method: name, score: estimate, params: { threshold } },
  }
  return { record, row, detections }
}
