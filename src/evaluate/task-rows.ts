/**
 * Realized performance rows of multiclass and regression models, per variant ('' stored as
 * 'all'), kind 'realized', no intervals. Pure.
 *
 * multiclass: from the confusion matrix over class labels (rows true, columns predicted):
 *   accuracy, precision_/recall_/f1_ + macro and weighted (sklearn's averages, zero_division 0,
 *   classes = every label seen in the window's labels or predictions). Classes are compared by
 *   ./class-key.ts numberKey: a label `1` predicted `1.0` is correct, as scikit-learn compares an
 *   int label with a float prediction. The stored state keeps the texts as sent, so states
 *   stored before this reading merge the same way.
 * regression: mae, rmse, mape (a fraction), r2 from the merged regressionAccumulator state.
 * `n` is the number of valid pairs; label_coverage = n / predictions of the variant.
 */
import { accuracy, confusionAccumulator, f1, precision, recall, regressionAccumulator, type MetricResult } from '../metrics/performance/index.js'
import type { PerformanceRow } from './concept-rows.js'
import type { ConfusionState } from '../metrics/performance/confusion-matrix.js'
import type { Partial } from './partial-state.js'
import { numberKey } from './class-key.js'

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN)
const variantName = (v: string) => (v === '' ? 'all' : v)
const predictionsOf = (cur: Partial, v: string) => (v === '' ? cur.predictions : cur.byVariant[v] ?? 0)

function rowsOf(cur: Partial, variant: string, n: number, metrics: Record<string, MetricResult>): PerformanceRow[] {
  const coverage = ratio(n, predictionsOf(cur, variant))
  return Object.entries(metrics).map(([metric, r]) => ({
    variant: variantName(variant), metric, kind: 'realized', value: r.score, n, label_coverage: coverage, ci_low: null, ci_high: null,
  }))
}

/** The state with its classes named by numberKey, the cells of one key summed. */
export function byNumberKey(state: ConfusionState): ConfusionState {
  const keys = state.labels.map((l) => (typeof l === 'string' ? numberKey(l) : l))
  const labels = [...new Set(keys)]
  const at = keys.map((k) => labels.indexOf(k))
  const counts = labels.map(() => new Array<number>(labels.length).fill(0))
  state.counts.forEach((row, i) => row.forEach((c, j) => {
    counts[at[i]!]![at[j]!]! += c
  }))
  return { ...state, labels, counts }
}

export function multiclassRows(cur: Partial): PerformanceRow[] {
  return Object.entries(cur.confusion).flatMap(([variant, state]) => {
    const cm = confusionAccumulator().result(byNumberKey(state))
    const metrics: Record<string, MetricResult> = { accuracy: accuracy(cm) }
    for (const average of ['macro', 'weighted'] as const) {
      metrics[`precision_${average}`] = precision(cm, { average })
      metrics[`recall_${average}`] = recall(cm, { average })
      metrics[`f1_${average}`] = f1(cm, { average })
    }
    return rowsOf(cur, variant, cm.n, metrics)
  })
}

export function regressionRows(cur: Partial): PerformanceRow[] {
  return Object.entries(cur.regression ?? {}).flatMap(([variant, state]) => {
    const r = regressionAccumulator().result(state)
    return rowsOf(cur, variant, state.n, { mae: r.mae, rmse: r.rmse, mape: r.mape, r2: r.r2 })
  })
}
