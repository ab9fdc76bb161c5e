/**
 * Per-group rates from the group confusion counts.
 *
 *   count = tp + fp + tn + fn
 *   selection rate = (tp + fp) / count          fairlearn.metrics.selection_rate
 *   TPR = tp / (tp + fn)                         fairlearn.metrics.true_positive_rate
 *   FPR = fp / (fp + tn)                         fairlearn.metrics.false_positive_rate
 *   PPV = tp / (tp + fp)                         sklearn.metrics.precision_score
 *   accuracy = (tp + tn) / count                 sklearn.metrics.accuracy_score
 *   ECE: performance/calibration.ts on the group's scores (NaN without scores)
 * Reference: fairlearn 0.15.0 MetricFrame by_group (scripts/reference/fairness.py).
 *
 * Zero division, as fairlearn/sklearn: a group with members but no actual positives has
 * TPR 0 (fairlearn normalises sklearn's confusion_matrix, which turns 0/0 into 0), likewise
 * FPR 0 without negatives and PPV 0 without predicted positives. A group with no members at
 * all (listed in `groups` but never seen) reports count 0 and NaN for every rate.
 *
 * Minimum group size: a group with count < minGroupSize (default 30) has status
 * 'insufficient'; its rates are still reported, but parity.ts leaves it out, because the rates
 * of a handful of people are noise that would dominate max − min.
 */
import { calibrationResult } from '../performance/calibration.js'
import type { ClassLabel } from '../performance/confusion-matrix.js'
import { assertPositiveInteger, divide } from '../performance/metric-result.js'
import type { GroupCounts } from './group-confusion.js'

export const DEFAULT_MIN_GROUP_SIZE = 30

export type GroupStatus = 'ok' | 'insufficient'

export interface GroupMetrics {
  readonly group: ClassLabel
  readonly status: GroupStatus
  readonly count: number
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
  const rate = (num: number, den: number): number => (count === 0 ? Number.NaN : divide(num, den, 0))
  const calibration = calibrationResult(counts.calibration)
  return {
    group,
    status: count < minGroupSize ? 'insufficient' : 'ok',
    count,
    tp,
    fp,
    tn,
    fn,
    selectionRate: rate(tp + fp, count),
    truePositiveRate: rate(tp, tp + fn),
    falsePositiveRate: rate(fp, fp + tn),
    positivePredictiveValue: rate(tp, tp + fp),
    accuracy: rate(tp + tn, count),
    expectedCalibrationError: calibration.score,
    calibrationExcluded: calibration.excluded,
  }
}
