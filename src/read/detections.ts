/**
 * A window's detection times, from the same evaluation as the rest of its detail. detector_state
 * holds only the newest record of a model version's detectors (ReplacingMergeTree, one row per
 * detector), so a later window's evaluation, a replay or `driftwatch recompute` replaces it and
 * it cannot be read at a window's eval_version. The window's detector_checkpoints row holds the
 * detector record after that window and the concept row the window got from it
 * (src/evaluate/detector-replay.ts); it belongs to the window's evaluation when that row equals
 * the stored concept row, the test the evaluator itself uses to tell whether a replay changed a
 * window (encodeJson of the rows). Pure.
 */
import { decodeJson } from '../evaluate/detector-replay.js'

export interface StoredConceptRow {
  readonly score: number | null
  readonly n_reference: string | number
  readonly n_current: string | number
  readonly statistics: Record<string, number | null>
}

export interface CheckpointView {
  /** detector_checkpoints.state: the detector record after the window (detections: event times in ms). */
  readonly state: string
  /** detector_checkpoints.row: the window's concept drift row, NaN as {"$num":"NaN"}. */
  readonly row: string
}

/** ClickHouse returns NaN as null: compare numbers with NaN and null as one value. */
const same = (a: unknown, b: unknown) => {
  const x = a === null || a === undefined ? NaN : Number(a)
  const y = b === null || b === undefined ? NaN : Number(b)
  return Number.isNaN(x) ? Number.isNaN(y) : x === y
}

/**
 * Event times (ms) of the detections inside [startMs, endMs) in the evaluation that wrote
 * `concept`, or null when the checkpoint is missing or was rewritten since (a replay or a
 * recompute changed this window's concept row and its re-evaluation is still due).
 */
export function windowDetections(concept: StoredConceptRow, checkpoint: CheckpointView | undefined, startMs: number, endMs: number): number[] | null {
  if (!checkpoint) return null
  const row = decodeJson<StoredConceptRow>(checkpoint.row)
  const keys = new Set([...Object.keys(row.statistics ?? {}), ...Object.keys(concept.statistics)])
  const matches = same(row.score, concept.score) && same(row.n_reference, concept.n_reference) && same(row.n_current, concept.n_current) &&
    [...keys].every((k) => same(row.statistics?.[k], concept.statistics[k]))
  if (!matches) return null
  const { detections = [] } = decodeJson<{ detections?: number[] }>(checkpoint.state)
  const inside = detections.filter((t) => t >= startMs && t < endMs)
  // The record keeps its newest 1000 detections: fewer than the row counts means some were dropped.
  return inside.length === (concept.statistics['detections'] ?? inside.length) ? inside : null
}
