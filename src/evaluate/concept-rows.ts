/**
 * Concept drift of a window against the reference, from the labeled part of both partials
 * (variant '' = the whole model version). Pure; measures, never judges beyond the default
 * threshold every drift row carries.
 *
 * (b) Performance degradation, src/metrics/concept/performance-degradation.ts:
 *     value = metric(window) − metric(reference) with its interval (Newcombe for the rates,
 *     delta method for F1, DeLong for ROC AUC on the 1/1000 score grid), as performance rows
 *     of kind 'degradation' with ci_low / ci_high; n = the window's denominator of the metric.
 *     Binary only: precision, recall, F1 and the rates read every label as positive class or
 *     not; accuracy is the exact match of the class texts, as the realized row's (the confusion
 *     state's foldedMatches, "0" predicted for a label "2", are no correct prediction).
 * (c) Calibration drift, src/metrics/concept/calibration-drift.ts: per-bin chi-square of the
 *     positive rate over 10 equal-width score bins, summed, and ECE(window) − ECE(reference),
 *     as a drift row with target 'calibration', column 'score'. The calibration states come
 *     from the labeled score histograms (scores on the 1/1000 grid the partials keep), so a
 *     score within 0.0005 of a bin edge may land in the neighbouring bin: a documented
 *     approximation that keeps the state a sum of counts (exact under merges).
 * Either is left out when a side has no labels (or, for calibration, no labeled score). With
 * fewer than MIN_ROWS_FOR_VERDICT (30) labeled scores on a side the calibration row is still
 * written with its statistics, but with status 'insufficient' and no verdict (drift_detected and
 * p_value_adjusted NULL), as a feature's drift row (src/metrics/drift/decide.ts). With enough
 * rows but no score bin with rows on both sides and both outcomes among them (e.g. every label
 * of both windows one class, or sides whose scores share no bin), the test has no degree of freedom: χ² and p are NaN, and the row has
 * status 'not_computable' (NOT_COMPUTABLE) and no verdict.
 */
import { calibrationDrift, performanceDegradation, type DegradationSample } from '../metrics/concept/index.js'
import { histogramRankGroups } from '../metrics/comparison/index.js'
import { MIN_ROWS_FOR_VERDICT, NOT_COMPUTABLE, P_VALUE_THRESHOLD } from '../metrics/drift/index.js'
import {
  calibrationBin, confusionAccumulator, DEFAULT_CALIBRATION_BINS, type CalibrationState, type ConfusionState, type ScoreHistogramState,
} from '../metrics/performance/index.js'
import type { DriftRow } from './drift-rows.js'
import type { Partial } from './partial-state.js'

export interface PerformanceRow {
  variant: string
  metric: string
  kind: 'realized' | 'estimated' | 'degradation'
  value: number
  n: number
  label_coverage: number
  ci_low: number | null
  ci_high: number | null
}

/** Stored metric names of src/metrics/comparison's ModelComparison keys. */
export const METRIC_NAMES: Readonly<Record<string, string>> = {
  accuracy: 'accuracy', precision: 'precision', recall: 'recall', falsePositiveRate: 'false_positive_rate',
  selectionRate: 'selection_rate', f1: 'f1', rocAuc: 'roc_auc',
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN)

/**
 * A partial's labeled outcomes as a performance sample (binary, positive class = 1), with the
 * confusion state's foldedMatches (absent in a state stored before it: 0), so its accuracy is
 * the exact match as the realized row's (./binary-realized.ts).
 */
export function degradationSample(confusion: ConfusionState, ranking: ScoreHistogramState | undefined): DegradationSample {
  const cm = confusionAccumulator().result(confusion)
  return {
    performance: {
      task: 'binary',
      positiveClass: '1',
      classification: {
        n: cm.n, labels: cm.labels, matrix: cm.matrix, ...(cm.foldedMatches ? { foldedMatches: cm.foldedMatches } : {}),
        accuracy: null, precision: null, recall: null, f1: null, average: 'binary',
      },
    },
    ...(ranking ? { rankGroups: histogramRankGroups(ranking) } : {}),
  }
}

export function degradationRows(ref: Partial, cur: Partial): PerformanceRow[] {
  const [r, c] = [ref.confusion[''], cur.confusion['']]
  if (!r || !c) return []
  const result = performanceDegradation(degradationSample(r, ref.ranking['']), degradationSample(c, cur.ranking['']))
  // As the realized rows: the labeled pairs the metrics read (a label without a class is not one).
  const coverage = ratio(confusionAccumulator().result(c).n, cur.predictions)
  return Object.entries(result).map(([metric, d]) => ({
    variant: 'all', metric: METRIC_NAMES[metric] ?? metric, kind: 'degradation', value: d.score, n: d.sizes[0],
    label_coverage: coverage, ci_low: d.ciLow, ci_high: d.ciHigh,
  }))
}

/** Calibration bins of the labeled scores in a score histogram (grid point k/nBins at its value). */
export function calibrationFromHistogram(h: ScoreHistogramState, nBins = DEFAULT_CALIBRATION_BINS): CalibrationState {
  const zeros = () => new Array<number>(nBins).fill(0)
  const state: CalibrationState = { nBins, counts: zeros(), sumProbability: zeros(), sumOutcome: zeros(), excluded: h.excluded }
  for (let k = 0; k <= h.nBins; k++) {
    const positives = h.positives[k] ?? 0
    const n = positives + (h.negatives[k] ?? 0)
    if (n === 0) continue
    const p = k / h.nBins
    const b = calibrationBin(p, nBins)
    state.counts[b]! += n
    state.sumOutcome[b]! += positives
    state.sumProbability[b]! += n * p
  }
  return state
}

export function calibrationRow(ref: Partial, cur: Partial): DriftRow | null {
  const [r, c] = [ref.ranking[''], cur.ranking['']]
  if (!r || !c) return null
  const [rs, cs] = [calibrationFromHistogram(r), calibrationFromHistogram(c)]
  const total = (s: CalibrationState) => s.counts.reduce((a, b) => a + b, 0)
  if (total(rs) === 0 || total(cs) === 0) return null
  const d = calibrationDrift(rs, cs)
  const statistics: Record<string, number> = {}
  for (const [k, v] of Object.entries({ chi2: d.score, chi2_p_value: d.pValue ?? Number.NaN, dof: Number(d.params['dof']), ece_reference: d.eceReference, ece_current: d.eceCurrent, ece_difference: d.eceDifference })) {
    if (Number.isFinite(v)) statistics[k] = v
  }
  const pValue = d.pValue !== undefined && Number.isFinite(d.pValue) ? d.pValue : null
  const enough = total(rs) >= MIN_ROWS_FOR_VERDICT && total(cs) >= MIN_ROWS_FOR_VERDICT
  // A family of one test: the adjusted p-value is the raw one. Too few rows, or NaN (no comparable bin): no verdict.
  const judged = enough ? pValue : null
  const status = !enough ? 'insufficient' : pValue === null ? NOT_COMPUTABLE : 'ok'
  return {
    target: 'calibration', column: 'score', column_kind: 'numerical', method: d.method, score: d.score,
    p_value: pValue, p_value_adjusted: judged, threshold: P_VALUE_THRESHOLD, drift_detected: judged === null ? null : judged < P_VALUE_THRESHOLD ? 1 : 0,
    status, statistics, n_reference: total(rs), n_current: total(cs), unseen_categories: [], primary: d,
  }
}
