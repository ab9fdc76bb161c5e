/**
 * One window in full, all from its newest evaluation (the eval_version of its window_summary
 * row): per-column drift with the reference vs current distribution, performance, fairness per
 * group, quality, the streaming detectors after this window, its model comparisons (./comparisons.ts)
 * and its alerts. The detectors'
 * detection times come from the window's detector checkpoint when it matches the concept row of
 * that evaluation (./detections.ts), never from the newest detector_state.
 *
 * The reference distribution is rebuilt from the model's reference as configured now (the same
 * loader the evaluator uses); when its bins no longer fit the stored window counts (the
 * reference data or configuration changed since), or either side's counts no longer add up to
 * the drift row's n (expired partial_aggregates or reference predictions), the distribution is
 * null rather than wrong.
 */
import { modelConfig } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import { loadReference, referenceSource } from '../evaluate/reference.js'
import { listAlertViews } from './alerts.js'
import { optionalColumn } from './columns.js'
import { windowComparisons } from './comparisons.js'
import { windowDetections } from './detections.js'
import { modelTask } from './task.js'
import { assertKnownModel, assertKnownVersion, type ReadDeps } from './deps.js'
import { distributionWithNote, emptyCounts, mergeCounts, type CountsPartial } from './distribution.js'
import { isoTime, parseTime } from './params.js'
import { int, METRIC_VALUES, metricValue, n, readRows } from './sql.js'
import type { DriftDetail, WindowDetail } from './types.js'

interface DriftRow {
  target: string
  column: string
  column_kind: string
  method: string
  score: number | string | null
  p_value: number | string | null
  p_value_adjusted: number | string | null
  threshold: number | string | null
  drift_detected: number | null
  status: string
  statistics: Record<string, number | string | null>
  n_reference: string
  n_current: string
  unseen_categories: string[]
}

export async function windowDetail(deps: ReadDeps, model: string, start: string, version?: string): Promise<WindowDetail> {
  await assertKnownModel(deps, model)
  const startMs = parseTime(start, 'start')
  const summaries = await readRows<{ model_version: string; end: string; closed: number; eval_version: string; predictions: string; labeled: string; label_coverage: number | null; mean_label_delay_s: number | null; reference: string }>(
    deps.store,
    `SELECT model_version, toUnixTimestamp64Milli(window_end) AS end, closed, eval_version, predictions, labeled, label_coverage, mean_label_delay_s, reference
     FROM {db}.window_summary FINAL
     WHERE model_id = {m:String} AND window_start = fromUnixTimestamp64Milli({s:Int64}) ${version === undefined ? '' : 'AND model_version = {v:String}'}
     ORDER BY model_version`,
    { m: model, s: startMs, v: version },
  )
  if (summaries.length === 0) {
    if (version !== undefined) await assertKnownVersion(deps, model, version)
    throw new DriftwatchError('DW_NOT_FOUND', `model "${model.slice(0, 256)}" has no evaluated window starting at ${isoTime(startMs)}${version === undefined ? '' : ` for version "${version.slice(0, 256)}"`}`)
  }
  if (summaries.length > 1) {
    throw new DriftwatchError('DW_VALIDATION_FAILED', `versions ${summaries.map((s) => `"${s.model_version}"`).join(', ')} have a window at ${isoTime(startMs)}: pass ?version=`, { path: 'version' })
  }
  const w = summaries[0]!
  const params = { m: model, v: w.model_version, s: startMs, ev: w.eval_version }
  const at = 'model_id = {m:String} AND model_version = {v:String} AND window_start = fromUnixTimestamp64Milli({s:Int64}) AND eval_version = {ev:UInt64}'
  const [adjusted, status, insufficient, datasetStatus] = await Promise.all([
    optionalColumn(deps.store, 'drift', 'p_value_adjusted', 'CAST(NULL AS Nullable(Float64))'),
    optionalColumn(deps.store, 'drift', 'status', "'ok'"),
    optionalColumn(deps.store, 'dataset_drift', 'n_insufficient', '0'),
    optionalColumn(deps.store, 'dataset_drift', 'status', "'ok'"),
  ])
  const [dataset, drift, performance, fairness, quality, checkpoints, parts, alerts, comparison] = await Promise.all([
    readRows<{ drift_share: number | null; n_features: number; n_drifted: number; n_insufficient: number; drifted_features: string[]; status: string }>(
      deps.store, `SELECT drift_share, n_features, n_drifted, ${insufficient}, drifted_features, ${datasetStatus} FROM {db}.dataset_drift WHERE ${at} LIMIT 1`, params),
    readRows<DriftRow>(deps.store, `SELECT target, column, column_kind, method, score, p_value, ${adjusted}, threshold, drift_detected, ${status}, statistics, n_reference, n_current, unseen_categories
                                    FROM {db}.drift WHERE ${at} ORDER BY target, column LIMIT 1 BY target, column`, params, METRIC_VALUES),
    readRows<{ variant: string; metric: string; kind: string; value: number | string | null; n: string; label_coverage: number | string | null; ci_low: number | string | null; ci_high: number | string | null }>(
      deps.store, `SELECT variant, metric, kind, value, n, label_coverage, ci_low, ci_high FROM {db}.performance WHERE ${at} ORDER BY variant, metric, kind LIMIT 1 BY variant, metric, kind`, params, METRIC_VALUES),
    readRows<{ attribute: string; group_value: string; metric: string; value: number | string | null; n: string; status: string }>(
      deps.store, `SELECT attribute, group_value, metric, value, n, status FROM {db}.fairness WHERE ${at} ORDER BY attribute, group_value, metric LIMIT 1 BY attribute, group_value, metric`, params, METRIC_VALUES),
    readRows<{ feature: string; metric: string; value: number | string | null; n: string }>(
      deps.store, `SELECT feature, metric, value, n FROM {db}.quality WHERE ${at} ORDER BY feature, metric LIMIT 1 BY feature, metric`, params, METRIC_VALUES),
    readRows<{ detector: string; state: string; row: string }>(
      deps.store, `SELECT detector, state, row FROM {db}.detector_checkpoints FINAL
                   WHERE model_id = {m:String} AND model_version = {v:String} AND window_start = fromUnixTimestamp64Milli({s:Int64})`, params),
    readRows<{ state: string }>(
      deps.store, `SELECT state FROM {db}.partial_aggregates WHERE ${at} AND kind = 'window' ORDER BY partition LIMIT 1 BY partition`, params),
    listAlertViews(deps, { model, status: 'all', since: '0', limit: 1000, window: { version: w.model_version, startMs } }),
    windowComparisons(deps, model, startMs, w.model_version),
  ])
  const endMs = int(w.end)
  const needsReference = drift.some((r) => r.target === 'feature' || r.target === 'prediction' || r.target === 'label')
  const current = mergeCounts(parts.map((p) => JSON.parse(p.state) as Partial<CountsPartial>))
  const reference = needsReference ? await referenceCounts(deps, model, w.model_version, startMs) : { partial: emptyCounts(), edges: new Map<string, number[]>() }

  const detail = (r: DriftRow): DriftDetail => ({
    target: r.target,
    column: r.column,
    column_kind: r.column_kind,
    method: r.method,
    score: metricValue(r.score),
    p_value: n(r.p_value),
    p_value_adjusted: n(r.p_value_adjusted),
    threshold: metricValue(r.threshold),
    // No verdict (status insufficient or method_not_applicable, drift_detected NULL) is not a detection.
    drift_detected: Number(r.drift_detected) === 1,
    status: r.status,
    // A statistic that is NaN (not defined) is left out, as when it is not applicable; ±∞ is "Infinity" / "-Infinity".
    statistics: Object.fromEntries(Object.entries(r.statistics).flatMap(([k, x]) => { const v = metricValue(x); return v === null ? [] : [[k, v]] })),
    n_reference: int(r.n_reference),
    n_current: int(r.n_current),
    unseen_categories: r.unseen_categories,
    ...distributionFields(distributionWithNote(r.target, r.column, reference, current, { reference: int(r.n_reference), current: int(r.n_current) })),
  })
  const d = dataset[0]
  return {
    model,
    model_version: w.model_version,
    window_start: isoTime(startMs),
    window_end: isoTime(endMs),
    closed: Number(w.closed) === 1,
    future: startMs > deps.now(),
    evaluated_at: isoTime(int(w.eval_version)),
    reference: w.reference,
    summary: { predictions: int(w.predictions), labeled: int(w.labeled), label_coverage: n(w.label_coverage), mean_label_delay_s: n(w.mean_label_delay_s) },
    dataset_drift: d ? { drift_share: n(d.drift_share), n_features: int(d.n_features), n_drifted: int(d.n_drifted), drifted_features: d.drifted_features, n_insufficient: int(d.n_insufficient), status: d.status } : null,
    drift: drift.filter((r) => r.target !== 'concept').map(detail),
    performance: performance.map((p) => ({ ...p, value: metricValue(p.value), n: int(p.n), label_coverage: n(p.label_coverage), ci_low: metricValue(p.ci_low), ci_high: metricValue(p.ci_high) })),
    fairness: fairness.map((f) => ({ attribute: f.attribute, group: f.group_value, metric: f.metric, value: metricValue(f.value), n: int(f.n), status: f.status })),
    quality: quality.map((q) => ({ ...q, value: metricValue(q.value), n: int(q.n) })),
    detectors: drift.filter((r) => r.target === 'concept').map((r) => ({
      detector: r.column,
      score: metricValue(r.score),
      threshold: metricValue(r.threshold),
      drift_detected: Number(r.drift_detected) === 1,
      // Not available (null): shown as none; drift_detected still says whether this evaluation had any.
      // Compared with the checkpoint's JSON copy of the row, where NaN and ±∞ are null.
      detections: (windowDetections({ ...r, score: n(r.score), statistics: Object.fromEntries(Object.entries(r.statistics).map(([k, x]) => [k, n(x)])) },
        checkpoints.find((c) => c.detector === r.column), startMs, endMs) ?? []).map(isoTime),
    })),
    comparison,
    alerts: alerts.items,
  }
}

const distributionFields = (d: ReturnType<typeof distributionWithNote>) => ({ distribution: d.distribution, distribution_note: d.note })

async function referenceCounts(deps: ReadDeps, model: string, version: string, startMs: number) {
  const m = modelConfig(deps.file, model)
  // A model without settings here: its task as its stored rows tell (./task.ts), not the default's binary.
  const task = await modelTask(deps, model)
  const ctx = { task: task === 'unknown' ? m.task : task, positiveClass: m.positiveClass ?? '1', protectedAttributes: m.protected, minGroupSize: 30 }
  const reference = await loadReference(deps.store, referenceSource(m, version, startMs, m.window), ctx, deps.file.evaluation.maxSampleSize)
  return { partial: reference.partial, edges: reference.edges }
}
