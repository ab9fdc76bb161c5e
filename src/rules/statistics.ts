/**
 * The statistics a rule can name, per metric kind: exactly the metric names the evaluator stores
 * (docs/evaluation.md "Stored metrics"). A rule naming anything else selects no row, so it would
 * never fire and never say why; the schema refuses it instead (./schema.ts). statistics.test.ts
 * checks these lists against the rows src/evaluate writes. Pure.
 */

/** Drift: read from the row itself (src/alerts/metric-points.ts driftValue). */
const DRIFT_ROW = ['score', 'p_value', 'p_value_adjusted', 'p_value_raw', 'drift_detected'] as const
/** drift.statistics of a categorical column (src/evaluate/drift-rows.ts categoricalDrift; z with at most 2 categories). */
const CATEGORICAL = ['chi2', 'chi2_p_value', 'psi', 'jensenshannon', 'linf', 'z', 'z_p_value'] as const
/** drift.statistics of a numerical column (numericalDrift). */
const NUMERICAL = ['ks', 'ks_p_value', 'wasserstein', 'psi', 'jensenshannon', 'hellinger', 'kl'] as const
/**
 * Streaming detectors' rows (src/evaluate/detectors.ts): p_value is always NULL there, so only
 * the score (the error-rate estimate) and the verdict come from the row.
 */
const CONCEPT = ['score', 'drift_detected', 'detections', 'errors', 'inputs_total', 'window_error_rate', 'warning', 'width'] as const
/** Calibration drift of the score against the labels (src/evaluate/concept-rows.ts calibrationRow). */
const CALIBRATION = ['chi2', 'chi2_p_value', 'dof', 'ece_reference', 'ece_current', 'ece_difference'] as const

export const DRIFT_TARGETS = ['feature', 'prediction', 'label', 'concept', 'calibration'] as const
export type DriftTarget = (typeof DRIFT_TARGETS)[number]

const unique = (...lists: readonly (readonly string[])[]): readonly string[] => [...new Set(lists.flat())]

export const DRIFT_STATISTICS: Readonly<Record<DriftTarget, readonly string[]>> = {
  // A numerical feature or prediction with few values is compared as categories: both sets apply.
  feature: unique(DRIFT_ROW, NUMERICAL, CATEGORICAL),
  prediction: unique(DRIFT_ROW, NUMERICAL, CATEGORICAL),
  // Label drift compares the label classes: categorical only.
  label: unique(DRIFT_ROW, CATEGORICAL),
  concept: CONCEPT,
  calibration: unique(DRIFT_ROW, CALIBRATION),
}

export const PERFORMANCE_KINDS = ['realized', 'estimated', 'degradation'] as const
export type PerformanceKind = (typeof PERFORMANCE_KINDS)[number]

export const PERFORMANCE_STATISTICS: Readonly<Record<PerformanceKind, readonly string[]>> = {
  realized: [
    // binary (src/evaluate/binary-realized.ts)
    'accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'pr_auc',
    // multiclass (src/evaluate/task-rows.ts)
    'precision_macro', 'recall_macro', 'f1_macro', 'precision_weighted', 'recall_weighted', 'f1_weighted',
    // regression (task-rows.ts)
    'mae', 'rmse', 'mape', 'r2',
  ],
  // CBPE (src/evaluate/compute.ts performanceRows)
  estimated: ['accuracy', 'precision', 'recall', 'f1', 'roc_auc'],
  // src/evaluate/concept-rows.ts degradationRows: written for variant 'all' only
  degradation: ['accuracy', 'precision', 'recall', 'false_positive_rate', 'selection_rate', 'f1', 'roc_auc'],
}

/**
 * Fairness (src/evaluate/compute.ts fairnessRows): parity rows have group_value ''.
 * disparate_impact_ratio_upper is the ratio's 95 % upper confidence bound: below 0.8 beyond
 * sampling noise (src/metrics/fairness/disparate-impact-bound.ts).
 */
export const FAIRNESS_PARITY = [
  'disparate_impact_ratio', 'disparate_impact_ratio_upper', 'demographic_parity_difference', 'demographic_parity_ratio', 'equalized_odds_difference', 'equal_opportunity_difference',
] as const
export const FAIRNESS_PER_GROUP = [
  'selection_rate', 'true_positive_rate', 'false_positive_rate', 'positive_predictive_value', 'accuracy', 'expected_calibration_error',
] as const
export const FAIRNESS_STATISTICS: readonly string[] = [...FAIRNESS_PARITY, ...FAIRNESS_PER_GROUP]

/** Quality (src/evaluate/quality-rows.ts): per feature, and per event (feature ''). */
export const QUALITY_PER_FEATURE = ['missing_rate', 'new_category_rate', 'out_of_range_rate'] as const
export const QUALITY_PER_EVENT = ['outlier_rate', 'outlier_score_mean', 'outlier_score_max'] as const
export const QUALITY_STATISTICS: readonly string[] = [...QUALITY_PER_FEATURE, ...QUALITY_PER_EVENT]

/** The streaming detectors the evaluator runs (src/evaluate/detectors.ts DETECTORS). */
export const DETECTOR_NAMES = ['ddm', 'adwin'] as const

/** Edit distance, with a swap of two neighbours as one edit (optimal string alignment). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}

/**
 * `"pis" is not a statistic of feature drift rows: one of score, …, psi, … (did you mean "psi"?)`.
 * The guess: the same name in another case, one that starts with it (disparate_impact), or one
 * at most two edits away.
 */
export function notOneOf(value: unknown, what: string, allowed: readonly string[]): string {
  const list = `one of ${allowed.join(', ')}`
  if (typeof value !== 'string') return `expected ${what} by name: ${list}`
  const lower = value.toLowerCase()
  const guess = allowed.find((a) => a === lower)
    ?? allowed.find((a) => lower.length >= 4 && a.startsWith(lower))
    ?? allowed.map((a) => ({ a, d: distance(lower, a) })).filter((x) => x.d <= 2).sort((x, y) => x.d - y.d)[0]?.a
  return `"${value}" is not ${what}: ${list}${guess ? ` (did you mean "${guess}"?)` : ''}`
}
