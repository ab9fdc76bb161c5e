/**
 * Per-group rates from the group confusion counts.
 *
 *   count = tp + fp + tn + fn                    labeled pairs
 *   predictions, selected                        every prediction of the group, labeled or not
 *   selection rate = selected / predictions      fairlearn.metrics.selection_rate
 *   TPR = tp / (tp + fn)                         fairlearn.metrics.true_positive_rate (NaN at 0/0)
 *   FPR = fp / (fp + tn)                         fairlearn.metrics.false_positive_rate (NaN at 0/0)
 *   PPV = tp / (tp + fp)                         sklearn.metrics.precision_score (NaN at 0/0)
 *   accuracy = (tp + tn − folded) / count        sklearn.metrics.accuracy_score on the class texts
 *                                                (folded: foldedMatches, group-confusion.ts)
 *   ECE: performance/calibration.ts on the group's scores (NaN without scores)
 * Reference: fairlearn 0.15.0 MetricFrame by_group (scripts/reference/fairness.py).
 *
 * Zero division: a group with labeled pairs but no actual positive has TPR NaN, and one with no
 * actual negative FPR NaN: the rate is undefined there, as driftwatch's realized recall is
 * (sklearn zero_division=np.nan). This departs from fairlearn on purpose: fairlearn normalises
 * sklearn's confusion_matrix, which turns 0/0 into 0, so a group without positives had TPR 0
 * and took part in equal opportunity as a group the model never finds — a window whose labels
 * are all negative read as perfectly fair, and a group without positives as a disparity.
 * parity.ts leaves such a group out of the metrics that use the undefined rate. Likewise a
 * group with no predicted positive among its labeled pairs has PPV NaN, as the realized
 * precision of src/evaluate/binary-realized.ts and the batch report's precision are
 * (sklearn zero_division=np.nan), where sklearn's default zero_division=0 gives 0: a group the
 * model never selects has no precision, not a precision of 0 that a rule
 * `positive_predictive_value < x` would read as a breach (no parity metric reads PPV). A group
 * with no members at all (listed in `groups` but never seen) reports count 0 and NaN for every
 * rate.
 *
 * Selection rate needs only predictions (group-confusion.ts); the other rates need labels. With
 * every prediction labeled, predictions = count and selected = tp + fp (fairlearn's setting).
 *
 * Minimum group size: a group with count < minGroupSize (default 30) labeled pairs has status
 * 'insufficient', and one with predictions < minGroupSize has selectionStatus 'insufficient';
 * its rates are still reported, but parity.ts leaves it out of the metrics of that kind,
 * because the rates of a handful of people are noise that would dominate max − min.
 */
import { calibrationResult } from '../performance/calibration.js'
import type { ClassLabel } from '../performance/confusion-matrix.js'
import { assertPositiveInteger, divide } from '../performance/metric-result.js'
import { selectionCounts, type GroupCounts } from './group-confusion.js'

export const DEFAULT_MIN_GROUP_SIZE = 30

export type GroupStatus = 'ok' | 'insufficient'

export interface GroupMetrics {
  readonly group: ClassLabel
  /** By the labeled pairs (count): TPR, FPR, PPV, accuracy, ECE. */
  readonly status: GroupStatus
  /** By all predictions: selection rate. */
  readonly selectionStatus: GroupStatus
  /** Labeled pairs. */
  readonly count: number
  /** Every prediction of the group, labeled or not, and those selected (ŷ = 1). */
  readonly predictions: number
  readonly selected: number
  readonly tp: number
  readonly fp: number
  readonly tn: number
  readonly fn: number
  readonly selectionRate: number
  readonly truePositiveRate: number
  readonly falsePositiveRate: number
  readonly positivePredictiveValue: number
  readonly accuracy: number
  readonly expectedCalibrationError: number
  /** Scores that were present but invalid, per the input policy. */
  readonly calibrationExcluded: number
}

export function groupMetrics(counts: GroupCounts, minGroupSize: number = DEFAULT_MIN_GROUP_SIZE): GroupMetrics {
  assertPositiveInteger('minGroupSize', minGroupSize)
  const { group, tp, fp, tn, fn } = counts
  const count = tp + fp + tn + fn
  const calibration = calibrationResult(counts.calibration)
  const { predictions, selected } = selectionCounts(counts)
  return {
    group,
    status: count < minGroupSize ? 'insufficient' : 'ok',
    selectionStatus: predictions < minGroupSize ? 'insufficient' : 'ok',
    count,
    predictions,
    selected,
    tp,
    fp,
    tn,
    fn,
    selectionRate: predictions === 0 ? Number.NaN : selected / predictions,
    truePositiveRate: divide(tp, tp + fn, 'nan'),
    falsePositiveRate: divide(fp, fp + tn, 'nan'),
    positivePredictiveValue: divide(tp, tp + fp, 'nan'),
    accuracy: divide(tp + tn - (counts.foldedMatches ?? 0), count, 'nan'),
    expectedCalibrationError: calibration.score,
    calibrationExcluded: calibration.excluded,
  }
}
