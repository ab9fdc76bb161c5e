/**
 * Difference of the F1 scores of two independent samples, with a delta-method (Wald) interval.
 *
 * F1 = 2·TP / (2·TP + FP + FN) is not a binomial proportion, so Wilson/Newcombe do not apply.
 * With the cell counts multinomial, the delta method gives (the gradient of F1 with respect
 * to the cell probabilities, F1 being homogeneous of degree 0 so its mean term vanishes):
 *
 *   Var(F1) = 4·TP·(FP + FN)·(TP + FP + FN) / (2·TP + FP + FN)⁴
 *           = 2·F1·(1 − F1)·(TP + FP + FN) / (2·TP + FP + FN)²
 *
 * (true negatives do not enter; cf. Takahashi et al. 2022, "Confidence interval for
 * micro-averaged F1 and macro-averaged F1 scores", Applied Intelligence 52). For independent
 * samples Var(d) = Var(F1_x) + Var(F1_y) and
 *   [ciLow, ciHigh] = d ± z_{1−α/2}·sqrt(Var(d)),   p = erfc(|d| / sqrt(Var(d)) / √2)
 * Conventions: with 2·TP + FP + FN = 0 (no positive predicted nor true) F1 is undefined: NaN
 * (sklearn's zero_division would say 0). At F1 = 0 or 1 on a side (TP = 0, or FP + FN = 0) the
 * delta-method variance of that side is 0: a Wald interval would collapse to a point (an F1
 * difference of 0 between two all-correct windows of 200 rows read as [0, 0]), the delta
 * method's known failure at the boundary. Such a comparison has no interval and no p-value
 * (NaN, stored NULL): ./difference.ts independentVariance, with its reference.
 * Reference: scripts/reference/comparison.py evaluates the delta method with a numerically
 * differentiated gradient and the multinomial covariance (an independent path), to 1e-6.
 */
import {
  DEFAULT_CONFIDENCE,
  type DifferenceOptions,
  type DifferenceResult,
  independentVariance,
  normalInterval,
} from './difference.js'

export interface BinaryConfusion {
  readonly tp: number
  readonly fp: number
  readonly tn: number
  readonly fn: number
  /**
   * Of `tn`, the pairs whose classes differ before the one-vs-rest 0/1 reading (a label "2"
   * predicted "0": ../performance/confusion-matrix.ts foldedMatches); absent: 0. Only accuracy
   * reads it (./compare-models.ts); F1 does not.
   */
  readonly foldedMatches?: number
}

export function f1WithVariance({ tp, fp, fn }: BinaryConfusion): { f1: number; variance: number; size: number } {
  const s = 2 * tp + fp + fn
  if (s === 0) return { f1: Number.NaN, variance: Number.NaN, size: 0 }
  return { f1: (2 * tp) / s, variance: (4 * tp * (fp + fn) * (tp + fp + fn)) / s ** 4, size: tp + fp + fn }
}

export function f1Difference(x: BinaryConfusion, y: BinaryConfusion, { confidence = DEFAULT_CONFIDENCE }: DifferenceOptions = {}): DifferenceResult {
  const a = f1WithVariance(x)
  const b = f1WithVariance(y)
  const d = a.f1 - b.f1
  return {
    method: 'f1_delta',
    score: d,
    ...normalInterval(d, independentVariance(a.variance, b.variance), confidence),
    estimates: [a.f1, b.f1],
    sizes: [a.size, b.size],
    confidence,
    params: { interval: 'delta_method_wald', confidence },
  }
}
