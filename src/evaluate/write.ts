/**
 * Stores one evaluation: the per-partition partial aggregates, the metric rows, the detectors'
 * new states and the window's state, all under one version. Inserts are idempotent
 * (deduplication tokens carry the version). The dataset_drift row goes first, alone: every
 * later evaluation reads its version to version above it (./eval-version.ts), so an evaluation
 * that dies after writing any row has written that one. Then the other rows, then the marks of
 * the windows a detector replay changed, then the detectors' checkpoints (a crash before them
 * means the replay runs again: ./detector-run.ts), and window_state last: if the process dies
 * before it, the window is simply evaluated again (its checkpoint keeps the detectors from being
 * fed twice).
 */
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'
import { markWindows } from '../store/mark-windows.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import type { WindowMetrics } from './compute.js'
import type { DetectorRun } from './detector-run.js'
import type { DueWindow } from './due.js'
import { nextEvalVersion, storedDetectorVersion } from './eval-version.js'
import type { Partial } from './partial-state.js'

/** NaN and infinities are not valid JSON numbers: NaN is stored as ClickHouse's nan. */
export const num = (x: number) => (Number.isFinite(x) ? x : Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf')
/** For Nullable columns: NaN (undefined) is NULL. */
export const nullable = (x: number | null) => (x === null || Number.isNaN(x) ? null : num(x))

export async function writeWindowMetrics(
  store: Store,
  w: DueWindow,
  version: number,
  reference: string,
  parts: ReadonlyMap<number, Partial>,
  m: WindowMetrics,
  detectors: DetectorRun | null = null,
): Promise<void> {
  const key = {
    model_id: w.modelId,
    model_version: w.modelVersion,
    window_start: clickhouseDateTime64(w.startMs),
  }
  const window = { ...key, window_end: clickhouseDateTime64(w.startMs + w.windowMs) }
  const token = (table: string) => `eval:${table}:${w.modelId}:${w.modelVersion}:${w.startMs}:${version}`
  const insert = (table: string, rows: object[]) => insertRows(store, table, rows, token(table))

  // First and alone: its version bounds every row of the evaluation (./eval-version.ts).
  await insert('dataset_drift', [{ ...window, ...m.dataset, drift_share: num(m.dataset.drift_share), eval_version: version }])
  await Promise.all([
    insert('partial_aggregates', [...parts].map(([partition, state]) => ({ ...key, partition, kind: 'window', key: '', state: JSON.stringify(state), eval_version: version }))),
    insert('window_summary', [{ ...window, ...m.summary, label_coverage: num(m.summary.label_coverage), mean_label_delay_s: num(m.summary.mean_label_delay_s), closed: w.closed ? 1 : 0, reference, eval_version: version }]),
    insert('drift', m.drift.map(({ primary: _primary, rule: _rule, ...r }) => ({
      ...window, ...r, score: num(r.score), p_value: r.p_value === null ? null : num(r.p_value),
      p_value_adjusted: r.p_value_adjusted === null ? null : num(r.p_value_adjusted), eval_version: version,
    }))),
    insert('performance', m.performance.map((r) => ({
      ...window, ...r, value: num(r.value), label_coverage: num(r.label_coverage), ci_low: nullable(r.ci_low), ci_high: nullable(r.ci_high), eval_version: version,
    }))),
    insert('fairness', m.fairness.map((r) => ({ ...window, ...r, value: r.value === null ? null : num(r.value), eval_version: version }))),
    insert('quality', m.quality.map((r) => ({ ...window, ...r, value: num(r.value), eval_version: version }))),
    insert('detector_state', (detectors?.states ?? []).map((r) => ({ ...r, eval_version: version }))),
  ])
  if (detectors?.marks.length) await markWindows(store, detectors.marks, 'detector', `${w.modelId}:${w.modelVersion}:${w.startMs}:${version}`)
  await insert('detector_checkpoints', (detectors?.checkpoints ?? []).map((r) => ({ ...r, eval_version: version })))
  await writeWindowState(store, w, version)
}

/**
 * Records a window as evaluated at its newest mark, open or closed as `w` says: it is no longer
 * due for them (./due.ts). Alone, for a window whose stored evaluation is kept
 * (./expired-window.ts): the metric rows stay as they are.
 */
export async function writeWindowState(store: Store, w: DueWindow, version: number): Promise<void> {
  const row = {
    model_id: w.modelId,
    model_version: w.modelVersion,
    window_start: clickhouseDateTime64(w.startMs),
    window_ms: w.windowMs,
    last_mark: clickhouseDateTime64(w.lastMarkMs),
    closed: w.closed ? 1 : 0,
    eval_version: version,
  }
  await insertRows(store, 'window_state', [row], `eval:window_state:${w.modelId}:${w.modelVersion}:${w.startMs}:${version}`)
}

/**
 * Stores a detector replay that belongs to no window's evaluation (`driftwatch recompute`): the
 * records, then the marks of the windows whose concept rows changed, then the checkpoints (in that
 * order, for the reason writeWindowMetrics gives), under `version` or, when the model version's
 * stored detector_state has one as high, above it (./eval-version.ts). Returns the number of
 * windows marked.
 */
export async function writeDetectorRun(store: Store, run: DetectorRun, version: number, token: string): Promise<number> {
  const target = run.states[0] ?? run.checkpoints[0]
  if (target) version = nextEvalVersion(version, 0, await storedDetectorVersion(store, target.model_id, target.model_version))
  await insertRows(store, 'detector_state', run.states.map((r) => ({ ...r, eval_version: version })), `refeed:detector_state:${token}:${version}`)
  const marked = run.marks.length ? await markWindows(store, run.marks, 'detector', `refeed:${token}:${version}`) : 0
  await insertRows(store, 'detector_checkpoints', run.checkpoints.map((r) => ({ ...r, eval_version: version })), `refeed:detector_checkpoints:${token}:${version}`)
  return marked
}
