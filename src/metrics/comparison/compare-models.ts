/**
 * Challenger minus champion, for two binary classifiers that served independent traffic
 * (a canary or A/B split), each metric with an interval at `confidence` (default 0.95):
 *
 *   accuracy          (TP + TN − folded) / n Newcombe hybrid score  (./proportion-difference.ts)
 *   precision         TP / (TP + FP)         Newcombe
 *   recall (TPR)      TP / (TP + FN)         Newcombe
 *   falsePositiveRate FP / (FP + TN)         Newcombe
 *   selectionRate     (TP + FP) / n          Newcombe
 *   f1                2TP / (2TP + FP + FN)  delta method          (./f1-difference.ts)
 *   rocAuc            from scores            DeLong                (./delong.ts), when both
 *                                                                   samples carry rank groups
 * Precision and recall are proportions conditional on their denominators (predicted and
 * actual positives), so the binomial intervals apply to them given those counts.
 * Accuracy is the exact match of predicted class and label (sklearn accuracy_score): `folded`
 * is the confusion's foldedMatches (./f1-difference.ts BinaryConfusion; absent: 0), the true
 * negatives whose classes differ (a label "2" predicted "0"), which are no correct prediction.
 * The other rates are one-vs-rest on the positive class and read TN as counted.
 */
import { aucDifference } from './delong.js'
import type { DifferenceOptions, DifferenceResult } from './difference.js'
import { type BinaryConfusion, f1Difference } from './f1-difference.js'
import { type Proportion, proportionDifference } from './proportion-difference.js'
import type { RankGroup } from '../performance/index.js'

export interface ModelSample {
  readonly confusion: BinaryConfusion
  /** Tie groups of the scores, highest first (./delong.ts), for the ROC AUC difference. */
  readonly rankGroups?: readonly RankGroup[]
}

export interface ModelComparison {
  readonly accuracy: DifferenceResult
  readonly precision: DifferenceResult
  readonly recall: DifferenceResult
  readonly falsePositiveRate: DifferenceResult
  readonly selectionRate: DifferenceResult
  readonly f1: DifferenceResult
  readonly rocAuc?: DifferenceResult
}

export const RATE_METRICS = ['accuracy', 'precision', 'recall', 'falsePositiveRate', 'selectionRate'] as const
export type RateMetric = (typeof RATE_METRICS)[number]

export function rateOf(metric: RateMetric, { tp, fp, tn, fn, foldedMatches = 0 }: BinaryConfusion): Proportion {
  switch (metric) {
    case 'accuracy':
      return { successes: tp + tn - foldedMatches, trials: tp + fp + tn + fn }
    case 'precision':
      return { successes: tp, trials: tp + fp }
    case 'recall':
      return { successes: tp, trials: tp + fn }
    case 'falsePositiveRate':
      return { successes: fp, trials: fp + tn }
    case 'selectionRate':
      return { successes: tp + fp, trials: tp + fp + tn + fn }
  }
}

/** Every metric as `x − y`: challenger − champion, or current − reference. */
export function compareBinary(x: ModelSample, y: ModelSample, options: DifferenceOptions = {}): ModelComparison {
  const rate = (metric: RateMetric): DifferenceResult => {
    const r = proportionDifference(rateOf(metric, x.confusion), rateOf(metric, y.confusion), options)
    return { ...r, params: { ...r.params, metric } }
  }
  const auc = x.rankGroups !== undefined && y.rankGroups !== undefined ? aucDifference(x.rankGroups, y.rankGroups, options) : undefined
  return {
    accuracy: rate('accuracy'),
    precision: rate('precision'),
    recall: rate('recall'),
    falsePositiveRate: rate('falsePositiveRate'),
    selectionRate: rate('selectionRate'),
    f1: f1Difference(x.confusion, y.confusion, options),
    ...(auc === undefined ? {} : { rocAuc: auc }),
  }
}

/** Challenger − champion. */
export function compareModels(champion: ModelSample, challenger: ModelSample, options: DifferenceOptions = {}): ModelComparison {
  return compareBinary(challenger, champion, options)
}
