/**
 * Concept drift (b): how far a window's performance is from the reference's, with intervals
 * and no verdict (Evidently's split: metrics compute, rules judge).
 *
 *   difference = metric(current) − metric(reference), per metric, with the interval and test
 *   of ../comparison (the window and the reference are independent samples):
 *     accuracy, precision, recall, falsePositiveRate, selectionRate   Newcombe hybrid score
 *     f1                                                                delta method
 *     rocAuc                                                            DeLong
 *   Multiclass tasks: accuracy only (macro averages are not proportions).
 * Accuracy is the exact match of predicted class and label (sklearn accuracy_score) on both
 * sides: a binary profile's true negatives whose class texts differ (its foldedMatches, a "0"
 * predicted for a label "2") are no success; the other rates are one-vs-rest.
 * Inputs are ../profile performance profiles (the reference's stored baseline and the same
 * summary of the window). ROC AUC uses the profiles' score histograms (1000-point grid)
 * unless exact tie groups are passed (`rankGroups`), as a batch report can.
 * A metric absent from either side (no labels, no scores) is absent from the result.
 * The result's keys are camelCase (../comparison's names); DEGRADATION_METRIC_NAMES gives the
 * snake_case name each is stored and reported under (performance rows, the batch report's JSON
 * and its --fail-on gates).
 */
import {
  aucDifference,
  type BinaryConfusion,
  compareBinary,
  type DifferenceOptions,
  type DifferenceResult,
  histogramRankGroups,
  type ModelComparison,
  proportionDifference,
} from '../comparison/index.js'
import type { RankGroup } from '../performance/index.js'
import type { ClassificationProfile, PerformanceProfile } from '../profile/index.js'

export interface DegradationSample {
  readonly performance: PerformanceProfile
  /** Exact score tie groups, highest first; default: the profile's score histogram. */
  readonly rankGroups?: readonly RankGroup[]
}

export type PerformanceDegradation = Partial<ModelComparison>

/** The snake_case name of each metric of the result, as the stored rows and the report's JSON name it. */
export const DEGRADATION_METRIC_NAMES = {
  accuracy: 'accuracy',
  precision: 'precision',
  recall: 'recall',
  falsePositiveRate: 'false_positive_rate',
  selectionRate: 'selection_rate',
  f1: 'f1',
  rocAuc: 'roc_auc',
} as const satisfies Record<keyof ModelComparison, string>

/**
 * TP, FP, TN, FN of a binary profile (labels [0, 1], rows true, columns predicted), and of TN
 * the profile's foldedMatches when any (a profile stored before the field: none), which the
 * accuracy difference subtracts (../comparison/compare-models.ts rateOf).
 */
export function binaryCounts(c: ClassificationProfile): BinaryConfusion {
  const cell = (t: number, p: number) => {
    const i = c.labels.indexOf(t)
    const j = c.labels.indexOf(p)
    return i < 0 || j < 0 ? 0 : (c.matrix[i]?.[j] ?? 0)
  }
  return { tp: cell(1, 1), fp: cell(0, 1), tn: cell(0, 0), fn: cell(1, 0), ...(c.foldedMatches ? { foldedMatches: c.foldedMatches } : {}) }
}

/** The exact matches: the diagonal less foldedMatches (absent in a multiclass profile: 0). */
function correct(c: ClassificationProfile): number {
  return c.labels.reduce<number>((s, _, k) => s + (c.matrix[k]?.[k] ?? 0), 0) - (c.foldedMatches ?? 0)
}

export function performanceDegradation(
  reference: DegradationSample,
  current: DegradationSample,
  options: DifferenceOptions = {},
): PerformanceDegradation {
  const ref = reference.performance
  const cur = current.performance
  if (ref.task !== cur.task) throw new RangeError(`cannot compare a ${cur.task} window with a ${ref.task} reference`)
  const refC = ref.classification
  const curC = cur.classification
  if (ref.task === 'multiclass') {
    if (refC === undefined || curC === undefined) return {}
    const accuracy: DifferenceResult = proportionDifference(
      { successes: correct(curC), trials: curC.n },
      { successes: correct(refC), trials: refC.n },
      options,
    )
    return { accuracy: { ...accuracy, params: { ...accuracy.params, metric: 'accuracy' } } }
  }
  const groups = (s: DegradationSample) =>
    s.rankGroups ?? (s.performance.probabilistic ? histogramRankGroups(s.performance.probabilistic.scoreHistogram) : undefined)
  const refGroups = groups(reference)
  const curGroups = groups(current)
  if (refC === undefined || curC === undefined) {
    if (refGroups === undefined || curGroups === undefined) return {}
    return { rocAuc: aucDifference(curGroups, refGroups, options) }
  }
  return compareBinary(
    { confusion: binaryCounts(curC), ...(curGroups ? { rankGroups: curGroups } : {}) },
    { confusion: binaryCounts(refC), ...(refGroups ? { rankGroups: refGroups } : {}) },
    options,
  )
}
