/**
 * Accuracy, precision, recall and F1 from a confusion matrix (binary and multiclass).
 *
 * Per class k, from the full matrix C (rows true, columns predicted):
 *   tp_k = C[k][k],  pred_k = Σ_i C[i][k],  true_k = Σ_j C[k][j]
 *   precision_k = tp_k / pred_k,  recall_k = tp_k / true_k,  F1_k = 2·tp_k / (true_k + pred_k)
 *   accuracy = (Σ_k C[k][k] − folded) / n
 *
 * Averages (sklearn.metrics.precision_recall_fscore_support, scikit-learn 1.9.1):
 *   binary   — the posLabel class only (default posLabel 1).
 *   micro    — sum tp, pred and true over the classes, then divide.
 *   macro    — unweighted mean of the per-class values.
 *   weighted — mean weighted by true_k; if every weight is 0, the unweighted mean (sklearn).
 * The classes are every label seen in yTrue or yPred, sorted, unless `labels` is given: then
 * exactly those, as sklearn's `labels=` argument (pred_k and true_k still count every
 * observation, so micro over a subset is not accuracy).
 *
 * zero_division: a ratio with denominator 0 is `zeroDivision` (default 0, which is sklearn's
 * default "warn" without the warning; 'nan' is sklearn's np.nan, and then, as sklearn, macro and
 * weighted averages leave the NaN classes out, NaN when every class is). F1 uses the count
 * formula above, so it is 0 only when tp = 0 — as sklearn ≥ 1.3.
 *
 * `folded` is the matrix's foldedMatches (./confusion-matrix.ts; absent: 0): observations on
 * the diagonal whose classes differed before the caller read them into these labels (a binary
 * model's one-vs-rest 0/1, where a label "2" predicted "0" is a true negative). They stay in
 * the matrix, so precision, recall and F1 read them as counted; accuracy is the exact match of
 * the classes (sklearn accuracy_score on the class texts), so they are no correct prediction.
 *
 * Differences from sklearn, chosen so one odd window cannot crash a consumer: with more than
 * two labels, or posLabel absent, 'binary' is the one-vs-rest value for posLabel (sklearn
 * raises ValueError). Empty input (n = 0) gives NaN for every metric.
 */
import { confusionMatrix, countOf, type ClassLabel, type ConfusionMatrix } from './confusion-matrix.js'
import { divide, metricResult, type MetricResult, type Params, type ZeroDivision } from './metric-result.js'

export type Average = 'binary' | 'macro' | 'micro' | 'weighted'

export interface ClassificationOptions {
  /** Default 'binary', as sklearn. */
  readonly average?: Average
  /** Positive class for average 'binary'. Default 1. */
  readonly posLabel?: ClassLabel
  /** Classes to average over, as sklearn's `labels=`. Default: every label seen. */
  readonly labels?: readonly ClassLabel[]
  /** Default 0 (sklearn's "warn"); 'nan' for sklearn's np.nan. */
  readonly zeroDivision?: ZeroDivision
}

export interface ClassificationReport {
  readonly accuracy: MetricResult
  readonly precision: MetricResult
  readonly recall: MetricResult
  readonly f1: MetricResult
  readonly confusionMatrix: ConfusionMatrix
}

interface ClassCounts {
  readonly tp: number
  readonly pred: number
  readonly true: number
}

function classCounts(cm: ConfusionMatrix, label: ClassLabel): ClassCounts {
  const k = cm.labels.indexOf(label)
  if (k < 0) return { tp: 0, pred: 0, true: 0 }
  let pred = 0
  let truth = 0
  for (let i = 0; i < cm.labels.length; i += 1) {
    pred += cm.matrix[i]?.[k] ?? 0
    truth += cm.matrix[k]?.[i] ?? 0
  }
  return { tp: countOf(cm, label, label), pred, true: truth }
}

type Ratio = (c: ClassCounts, z: ZeroDivision) => number
const ratios: Record<'precision' | 'recall' | 'f1', Ratio> = {
  precision: (c, z) => divide(c.tp, c.pred, z),
  recall: (c, z) => divide(c.tp, c.true, z),
  f1: (c, z) => divide(2 * c.tp, c.true + c.pred, z),
}

function averaged(cm: ConfusionMatrix, ratio: Ratio, options: ClassificationOptions): number {
  const average = options.average ?? 'binary'
  const z = options.zeroDivision ?? 0
  if (cm.n === 0) return Number.NaN
  if (average === 'binary') return ratio(classCounts(cm, options.posLabel ?? 1), z)
  const counts = (options.labels ?? cm.labels).map((label) => classCounts(cm, label))
  if (counts.length === 0) return Number.NaN
  if (average === 'micro') {
    const total = counts.reduce((s, c) => ({ tp: s.tp + c.tp, pred: s.pred + c.pred, true: s.true + c.true }))
    return ratio(total, z)
  }
  // zero_division 'nan': sklearn's _nanaverage leaves the undefined classes out.
  const kept = counts.map((c) => ({ value: ratio(c, z), weight: average === 'weighted' ? c.true : 1 })).filter((v) => z !== 'nan' || !Number.isNaN(v.value))
  if (kept.length === 0) return Number.NaN
  const totalWeight = kept.reduce((s, v) => s + v.weight, 0)
  if (totalWeight === 0) return kept.reduce((s, v) => s + v.value, 0) / kept.length
  return kept.reduce((s, v) => s + v.value * v.weight, 0) / totalWeight
}

function paramsOf(options: ClassificationOptions): Params {
  const average = options.average ?? 'binary'
  return {
    average,
    posLabel: average === 'binary' ? (options.posLabel ?? 1) : null,
    labels: options.labels === undefined ? null : JSON.stringify(options.labels),
    zeroDivision: options.zeroDivision ?? 0,
  }
}

function metric(name: keyof typeof ratios, cm: ConfusionMatrix, options: ClassificationOptions): MetricResult {
  return metricResult(name, averaged(cm, ratios[name], options), paramsOf(options), cm.n, cm.excluded)
}

/**
 * Fraction of observations whose predicted class equals the true class (sklearn accuracy_score):
 * the diagonal less the matrix's foldedMatches (the header).
 */
export function accuracy(cm: ConfusionMatrix): MetricResult {
  const correct = cm.labels.reduce<number>((s, _, k) => s + (cm.matrix[k]?.[k] ?? 0), 0) - (cm.foldedMatches ?? 0)
  return metricResult('accuracy', cm.n === 0 ? Number.NaN : correct / cm.n, {}, cm.n, cm.excluded)
}

export function precision(cm: ConfusionMatrix, options: ClassificationOptions = {}): MetricResult {
  return metric('precision', cm, options)
}

export function recall(cm: ConfusionMatrix, options: ClassificationOptions = {}): MetricResult {
  return metric('recall', cm, options)
}

export function f1(cm: ConfusionMatrix, options: ClassificationOptions = {}): MetricResult {
  return metric('f1', cm, options)
}

export function classificationReport(cm: ConfusionMatrix, options: ClassificationOptions = {}): ClassificationReport {
  return {
    accuracy: accuracy(cm),
    precision: precision(cm, options),
    recall: recall(cm, options),
    f1: f1(cm, options),
    confusionMatrix: cm,
  }
}

/** Array convenience: the report of `confusionMatrix(yTrue, yPred)`. */
export function classificationMetrics(
  yTrue: readonly ClassLabel[],
  yPred: readonly ClassLabel[],
  options: ClassificationOptions = {},
): ClassificationReport {
  return classificationReport(confusionMatrix(yTrue, yPred), options)
}
