/**
 * One window's metrics from its merged partial aggregate and the reference. Pure: everything
 * it needs comes in, rows (without version and window columns) come out. Data quality is in
 * ./quality-rows.ts, performance degradation and calibration drift in ./concept-rows.ts; the
 * streaming detectors and the model comparison need more than one window (./detectors.ts,
 * ./comparison.ts).
 *
 * The features of a window are the model's configured features (driftwatch.yaml
 * `models[].features`), the reference's and the window's, by any value or null they carry. Each
 * gets a missing_rate row (./quality-rows.ts) and a drift row: by the kind of its values
 * (numbers numerical, strings and booleans categorical; a feature with values of both kinds, on
 * one side or across the two, is compared as categories with its numbers as one, see
 * categoriesOf), and a feature with no value on either side is compared as categories (of none:
 * a numerical column without values would be too, by the few-values rule of ./drift-rows.ts).
 * A side without values makes the row 'insufficient', so dataset_drift counts the feature in
 * n_features and n_insufficient rather than leaving it out. A window compared with no reference:
 * notCompared below.
 *
 * Prediction drift compares one column of the predictions, one that both sides carry: the score,
 * else the regression value, else the predicted class. A column is chosen when, on each side, at
 * least half as many predictions carry it as carry any later column of that order (counts of
 * one side's predictions, so the same order as their shares); the last column held always
 * qualifies (predictionDriftColumn). So a classifier whose windows send classes gets class drift
 * even when a few predictions of one window also carry a score (a score row would have no
 * reference side), a model that sends a score with most predictions keeps score drift when some
 * of them leave it null, and a regression model gets value drift unless at least half as many of
 * its predictions carry scores as carry values. No prediction of either side with any of the
 * three: no prediction row.
 */
import { NO_POSITIVE_CLASS } from './row-status.js'
import { NO_REFERENCE } from './dataset-status.js'
import { own } from '../metrics/own.js'
import { datasetDriftShare } from '../metrics/drift/index.js'
import { fairnessAccumulator } from '../metrics/fairness/index.js'
import { accuracy, calibratedCbpe, confusionAccumulator, fitCbpeCalibration } from '../metrics/performance/index.js'
import { calibrationRow, degradationRows, type PerformanceRow } from './concept-rows.js'
import { categoricalDrift, numericalDrift, type DriftRow } from './drift-rows.js'
import type { LabelingContext, Partial } from './partial-state.js'
import { NO_BOUNDS, type QualityBounds } from './quality-bounds.js'
import { missingEvents, qualityRows, type QualityRow } from './quality-rows.js'
import { multiclassRows, regressionRows } from './task-rows.js'
import { binaryRealized } from './binary-realized.js'
import { classKey, countsByKey, numberKey } from './class-key.js'

export interface Side {
  readonly partial: Partial
  /** Deterministic subsamples of numerical columns (KS, Wasserstein). */
  readonly samples: ReadonlyMap<string, readonly number[]>
}

export interface ReferenceSide extends Side {
  /** Bounds of the data-quality checks; none: no out-of-range or outlier rows. */
  readonly quality?: QualityBounds
}

export interface WindowMetrics {
  summary: { predictions: number; labeled: number; label_coverage: number; mean_label_delay_s: number }
  drift: DriftRow[]
  dataset: { drift_share: number; n_features: number; n_drifted: number; n_insufficient: number; drifted_features: string[]; status: 'ok' | 'insufficient' | 'not_computable' | typeof NO_REFERENCE }
  performance: PerformanceRow[]
  /** value null: no figure (a parity metric with fewer than two groups of minGroupSize rows). */
  fairness: { attribute: string; group_value: string; metric: string; value: number | null; n: number; status: string }[]
  quality: QualityRow[]
}

const RESERVED = new Set(['__score__', '__class__', '__value__'])
const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN)
const sumOf = (counts: Readonly<Record<string, number>> | readonly number[] = {}) => Object.values(counts).reduce((a, b) => a + b, 0)

const featuresOf = (names: Iterable<string>) => [...new Set(names)].filter((c) => !RESERVED.has(c)).sort()

/** `configured`: the model's configured feature names (driftwatch.yaml `models[].features`). */
export function computeWindowMetrics(reference: ReferenceSide, current: Side, ctx: LabelingContext, configured: readonly string[] = []): WindowMetrics {
  const ref = reference.partial
  const cur = current.partial
  // Numerical: binned on a side, or sampled (values in the window only have no reference deciles).
  const withNumbers = featuresOf([...Object.keys(ref.numeric), ...Object.keys(cur.numeric), ...reference.samples.keys(), ...current.samples.keys()])
  const withCategories = new Set([...Object.keys(ref.categorical), ...Object.keys(cur.categorical)])
  const withValues = new Set([...withNumbers, ...withCategories])
  const all = featuresOf([...withValues, ...Object.keys(ref.missing), ...Object.keys(cur.missing), ...configured])
  // A feature with numbers and categories (its type changed, or varies) is one categorical row.
  const numeric = withNumbers.filter((f) => !withCategories.has(f))
  const categorical = featuresOf([...withCategories, ...all.filter((f) => !withValues.has(f))])
  const mixed = new Set(withNumbers.filter((f) => withCategories.has(f)))

  const thresholds = ctx.thresholds ?? {}
  const numericRow = (target: DriftRow['target'], column: string, key: string) => {
    const size = (own(ref.numeric, key) ?? own(cur.numeric, key) ?? [0]).length
    const zeros = new Array<number>(size).fill(0)
    return numericalDrift(
      target, column,
      { counts: own(ref.numeric, key) ?? zeros, sample: reference.samples.get(key) ?? [], values: fewValuesOf(ref, key) },
      { counts: own(cur.numeric, key) ?? zeros, sample: current.samples.get(key) ?? [], values: fewValuesOf(cur, key) },
      target === 'feature' ? own(thresholds, column) : undefined,
    )
  }
  const share = (rows: DriftRow[]) =>
    // Feature rows carry a verdict's status; NO_POSITIVE_CLASS is a binary row's, never a feature's.
    datasetDriftShare(rows.map((r) => ({ feature: r.column, result: r.primary, threshold: r.threshold, status: r.status === NO_POSITIVE_CLASS ? 'insufficient' : r.status })), { correction: ctx.correction ?? 'benjamini-hochberg' })
  // One adjusted p-value decides each feature, in the stored row as in the drift share.
  const decideFeatures = (rows: DriftRow[]) => {
    const verdicts = share(rows).features
    return rows.map((r, i) => {
      const v = verdicts[i]!
      return { ...r, p_value_adjusted: v.adjustedPValue ?? null, drift_detected: v.driftDetected === null ? null : v.driftDetected ? 1 : 0 }
    })
  }
  // A feature with values in the window only, none in the reference: no reference deciles to bin
  // them over, so one bin holds them all (the window's values: events not missing the feature,
  // less its categorical values).
  const featureNumeric = (f: string) =>
    own(ref.numeric, f) || own(cur.numeric, f)
      ? numericRow('feature', f, f)
      : numericalDrift(
        'feature', f,
        { counts: [0], sample: reference.samples.get(f) ?? [], values: fewValuesOf(ref, f) },
        { counts: [Math.max(0, cur.predictions - missingEvents(cur, f, current.samples) - sumOf(own(cur.categorical, f)))], sample: current.samples.get(f) ?? [], values: fewValuesOf(cur, f) },
        own(thresholds, f),
      )
  const features = decideFeatures([
    ...numeric.map(featureNumeric),
    ...categorical.map((f) => categoricalDrift('feature', f, ...bothCategories(reference, current, f, mixed), own(thresholds, f))),
  ])
  const drift = [...features]
  const task = ctx.task ?? 'binary'
  // Classes are compared as the task's metrics compare them (./class-key.ts): `1.0` is `1`.
  const byClass = (counts: Readonly<Record<string, number>>) => countsByKey(counts, task === 'multiclass' ? numberKey : classKey)
  const predicted = predictionDriftColumn(ref, cur)
  if (predicted === 'class') drift.push(categoricalDrift('prediction', 'class', byClass(own(ref.categorical, '__class__') ?? {}), byClass(own(cur.categorical, '__class__') ?? {})))
  else if (predicted !== null) drift.push(numericRow('prediction', predicted, PREDICTION_KEYS[predicted]))
  // Label counts hold the labels with a class: a window whose labels are all values has none.
  if (task !== 'regression' && sumOf(ref.labelCounts) > 0 && sumOf(cur.labelCounts) > 0) drift.push(categoricalDrift('label', 'label', byClass(ref.labelCounts), byClass(cur.labelCounts)))
  // Binary metrics read every class as "the positive class or not": without the positive class
  // anywhere in a side they measure nothing (labels "true"/"false" against the default "1" made
  // every pair (0, 0) and accuracy 1.0). Such a side's binary figures are NaN / NULL, and the rows
  // that carry a status say why (NO_POSITIVE_CLASS): a configuration to fix, not too few rows.
  const noPositive = task === 'binary' && positiveClassAbsent(cur, ctx.positiveClass)
  const refNoPositive = task === 'binary' && positiveClassAbsent(ref, ctx.positiveClass)
  const calibration = calibrationRow(ref, cur)
  if (calibration) drift.push(noPositive || refNoPositive ? { ...calibration, p_value_adjusted: null, drift_detected: null, status: NO_POSITIVE_CLASS } : calibration)

  const dataset = share(features)
  const drifted = dataset.features.filter((f) => f.driftDetected === true).map((f) => f.feature)
  const insufficient = features.filter((f) => f.status === 'insufficient').length
  const notComputable = features.filter((f) => f.status === 'not_computable').length

  return {
    summary: {
      predictions: cur.predictions,
      labeled: cur.labeled,
      label_coverage: ratio(cur.labeled, cur.predictions),
      mean_label_delay_s: ratio(cur.labelDelaySumS, cur.labeled),
    },
    drift,
    dataset: {
      drift_share: dataset.result.score, n_features: features.length, n_drifted: drifted.length, n_insufficient: insufficient, drifted_features: drifted,
      // No feature with a verdict: the share says nothing, and the status says why.
      status: features.length === 0 || insufficient + notComputable < features.length ? 'ok' : notComputable === features.length ? 'not_computable' : 'insufficient',
    },
    // Multiclass and regression: realized performance only (./task-rows.ts); CBPE, degradation
    // and fairness read labels as positive-or-not and are binary only.
    performance: task === 'multiclass' ? multiclassRows(cur) : task === 'regression' ? regressionRows(cur) : [
      ...performanceRows(cur, ref).map((r) => (noPositive ? noFigure(r) : r)),
      ...degradationRows(ref, cur).map((r) => (noPositive || refNoPositive ? noFigure(r) : r)),
    ],
    fairness: task !== 'binary' ? [] : fairnessRows(cur, ctx).map((r) => (noPositive ? { ...r, value: null, status: NO_POSITIVE_CLASS } : r)),
    quality: qualityRows(cur, all, features, reference.quality ?? NO_BOUNDS, current.samples, new Map([
      ...[...mixed].map((f) => [f, bothCategories(reference, current, f, mixed)[1]] as const),
      // A numerical feature compared as categories: its new_category_rate counts its exact values.
      ...features.flatMap((r) => {
        const values = r.column_kind === 'categorical' && numeric.includes(r.column) ? fewValuesOf(cur, r.column) : undefined
        return values ? [[r.column, values] as const] : []
      }),
    ])),
  }
}

/** The prediction columns prediction drift can compare, in order of preference, and their partial keys. */
export type PredictionColumn = 'score' | 'value' | 'class'
const PREDICTION_KEYS = { score: '__score__', value: '__value__', class: '__class__' } as const
const PREDICTION_ORDER: readonly PredictionColumn[] = ['score', 'value', 'class']

/**
 * The column prediction drift compares (see the header): of the columns either side holds, the
 * first of score, value, class that, on each side, is carried by at least half as many
 * predictions as every later one; the last column held always qualifies. Null: neither side
 * holds any. A side's count of a column is its predictions with that column (bin counts of the
 * score or value, category counts of the class); every count of a side has the same
 * denominator, its predictions, so counts compare as shares do.
 */
export function predictionDriftColumn(reference: Partial, current: Partial): PredictionColumn | null {
  const countsOf = (p: Partial, c: PredictionColumn) => (c === 'class' ? own(p.categorical, PREDICTION_KEYS[c]) : own(p.numeric, PREDICTION_KEYS[c]))
  const held = PREDICTION_ORDER.filter((c) => countsOf(reference, c) !== undefined || countsOf(current, c) !== undefined)
  const carried = (p: Partial, c: PredictionColumn) => sumOf(countsOf(p, c))
  return held.find((c, i) => [reference, current].every((p) => held.slice(i + 1).every((later) => 2 * carried(p, c) >= carried(p, later)))) ?? null
}

/**
 * A side's exact counts of a numerical column's few values (./partial-state.ts fewValues): none
 * when the column has no value there; null: more than 5 values; undefined: not counted.
 */
function fewValuesOf(p: Partial, key: string): Readonly<Record<string, number>> | null | undefined {
  if (p.fewValues === undefined) return undefined
  return Object.hasOwn(p.fewValues, key) ? (p.fewValues[key] as Record<string, number> | null) : {}
}

/** The category under which a feature with numbers and categories counts its numbers. */
export const NUMBERS_CATEGORY = '(number)'

/**
 * The name a mixed feature's numbers count under: NUMBERS_CATEGORY, or when some event sent that
 * very text as a category (on either side), the first of `(number) 2`, `(number) 3`, … that none
 * did, so a category is never overwritten by the count of numbers.
 */
export function numbersCategory(...sides: readonly Readonly<Record<string, number>>[]): string {
  const taken = (name: string) => sides.some((c) => Object.hasOwn(c, name))
  let name = NUMBERS_CATEGORY
  for (let i = 2; taken(name); i++) name = `${NUMBERS_CATEGORY} ${i}`
  return name
}

/**
 * A feature's category counts on a side; for a feature with numbers and categories (`mixed`), its
 * numbers count as one more category, NUMBERS_CATEGORY: a feature whose values turned from
 * numbers into strings then drifts, with every string a new category, rather than getting a
 * numerical row and a categorical row of the same name that both lack a side.
 */
function categoriesOf(side: Side, feature: string, mixed: ReadonlySet<string>, numbersName: string): Record<string, number> {
  const counts = own(side.partial.categorical, feature) ?? {}
  if (!mixed.has(feature)) return counts
  const bins = own(side.partial.numeric, feature)
  const numbers = bins
    ? sumOf(bins)
    : Math.max(0, side.partial.predictions - missingEvents(side.partial, feature, side.samples) - sumOf(counts))
  return numbers > 0 ? { ...counts, [numbersName]: numbers } : counts
}

/** categoriesOf for both sides, the numbers under one name (numbersCategory). */
function bothCategories(reference: Side, current: Side, feature: string, mixed: ReadonlySet<string>): [Record<string, number>, Record<string, number>] {
  const name = numbersCategory(own(reference.partial.categorical, feature) ?? {}, own(current.partial.categorical, feature) ?? {})
  return [categoriesOf(reference, feature, mixed, name), categoriesOf(current, feature, mixed, name)]
}

/**
 * A window's metrics when it was compared with no reference (the reference held no predictions,
 * ./dataset-status.ts): no drift rows, as the comparison measured the empty reference rather than
 * the window, and a dataset row that says so (status NO_REFERENCE, no feature, share nan) rather
 * than a share over the features whose rows came out 'insufficient'. Its summary, performance,
 * fairness and quality rows stand: missing_rate needs no reference, and the rows that do
 * (new_category_rate, out_of_range_rate, outliers) are not written without one.
 */
export function notCompared(m: WindowMetrics): WindowMetrics {
  return { ...m, drift: [], dataset: { drift_share: Number.NaN, n_features: 0, n_drifted: 0, n_insufficient: 0, drifted_features: [], status: NO_REFERENCE } }
}

/**
 * True when the binary positive class occurs nowhere in a scope while at least two other classes
 * do: it is neither a label nor a predicted class_label, and no prediction was predicted positive
 * (a prediction without a class counts as positive by its score, ./partials.ts
 * `predictedPositive`). Two classes, neither of them positive, is a positiveClass that does not
 * name one of the model's classes ("yes"/"no" against the default "1"; classes are compared by
 * ./class-key.ts, so "true"/"false" are 1 and 0). One class alone is
 * not judged here: a rare-event model's window with only negative labels and predictions ("0")
 * is a real window, whose accuracy and estimates hold. A scope with no class at all (no labels,
 * score-only predictions) is not judged either.
 */
export function positiveClassAbsent(p: Partial, positiveClass: string): boolean {
  const classes = new Set<string>()
  for (const counts of [p.labelCounts, own(p.categorical, '__class__') ?? {}]) {
    for (const [k, n] of Object.entries(counts)) if (n > 0) classes.add(k)
  }
  if (classes.size < 2 || [...classes].some((c) => classKey(c) === classKey(positiveClass))) return false
  const sum = (xs: readonly number[] = []) => xs.reduce((a, b) => a + b, 0)
  const cm = p.confusion['']
  const positiveColumn = cm ? cm.labels.findIndex((l) => l === 1) : -1
  const predictedPositives = sum(p.cbpe['']?.predictedPositive) + (positiveColumn < 0 ? 0 : sum(cm!.counts.map((row) => row[positiveColumn] ?? 0)))
  return predictedPositives === 0
}

/** A performance row without a figure (the window cannot support one). */
const noFigure = (r: PerformanceRow): PerformanceRow => ({ ...r, value: Number.NaN, ci_low: null, ci_high: null })

function performanceRows(cur: Partial, ref: Partial): WindowMetrics['performance'] {
  const rows: WindowMetrics['performance'] = []
  const variantName = (v: string) => (v === '' ? 'all' : v)
  const predictionsOf = (v: string) => (v === '' ? cur.predictions : cur.byVariant[v] ?? 0)
  for (const [variant, state] of Object.entries(cur.confusion)) {
    const cm = confusionAccumulator().result(state)
    const n = accuracy(cm).n
    const coverage = ratio(n, predictionsOf(variant))
    const realized = binaryRealized(cm, cur.ranking[variant])
    for (const [metric, r] of Object.entries(realized)) rows.push({ variant: variantName(variant), metric, kind: 'realized', value: r.score, n, label_coverage: coverage, ci_low: null, ci_high: null })
  }
  // NannyML's calibration step: one isotonic map fitted on the reference's labeled scores
  // (all variants), applied to every variant's scores before CBPE (../metrics/performance/cbpe-calibrated.ts).
  const calibration = ref.ranking[''] ? fitCbpeCalibration(ref.ranking['']) : null
  for (const [variant, state] of Object.entries(cur.cbpe)) {
    const e = calibratedCbpe(state, calibration)
    const coverage = ratio(cur.confusion[variant] ? accuracy(confusionAccumulator().result(cur.confusion[variant]!)).n : 0, predictionsOf(variant))
    const estimated = { accuracy: e.accuracy, precision: e.precision, recall: e.recall, f1: e.f1, roc_auc: e.rocAuc }
    for (const [metric, r] of Object.entries(estimated)) rows.push({ variant: variantName(variant), metric, kind: 'estimated', value: r.score, n: r.n, label_coverage: coverage, ci_low: null, ci_high: null })
  }
  return rows
}

function fairnessRows(cur: Partial, ctx: LabelingContext): WindowMetrics['fairness'] {
  const rows: WindowMetrics['fairness'] = []
  for (const [attribute, state] of Object.entries(cur.fairness)) {
    const report = fairnessAccumulator({ minGroupSize: ctx.minGroupSize }).result(state)
    for (const g of report.groups) {
      // Selection rate is over every prediction of the group; the other rates over its labeled pairs.
      rows.push({ attribute, group_value: String(g.group), metric: 'selection_rate', value: g.selectionRate, n: g.predictions, status: g.selectionStatus })
      const perGroup = {
        true_positive_rate: g.truePositiveRate, false_positive_rate: g.falsePositiveRate,
        positive_predictive_value: g.positivePredictiveValue, accuracy: g.accuracy, expected_calibration_error: g.expectedCalibrationError,
      }
      for (const [metric, value] of Object.entries(perGroup)) rows.push({ attribute, group_value: String(g.group), metric, value, n: g.count, status: g.status })
    }
    const p = report.parity
    const parity = {
      demographic_parity_difference: p.demographicParityDifference, demographic_parity_ratio: p.demographicParityRatio,
      equalized_odds_difference: p.equalizedOddsDifference, equal_opportunity_difference: p.equalOpportunityDifference,
      disparate_impact_ratio: p.disparateImpactRatio,
      // Its upper confidence bound at 95 % (the stream has no confidence setting), which the
      // default alert rule reads: below 0.8 beyond sampling noise (../metrics/fairness/disparate-impact-bound.ts).
      disparate_impact_ratio_upper: p.disparateImpactRatioUpper,
    }
    // Each metric's own status (selection: by predictions; odds: by labeled pairs, ../metrics/fairness/parity.ts).
    // 'insufficient' parity is NULL, never a number an alert rule could read as fair.
    for (const [metric, r] of Object.entries(parity)) {
      const status = String(r.params['status'])
      rows.push({ attribute, group_value: '', metric, value: status === 'insufficient' ? null : r.score, n: r.n, status })
    }
  }
  return rows
}
