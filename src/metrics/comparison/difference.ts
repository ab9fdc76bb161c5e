/**
 * The result shape of a difference between two samples' metric values, and the normal
 * distribution helpers the intervals use.
 *
 *   score = estimate(x) − estimate(y)   (challenger − champion; current − reference)
 *   [ciLow, ciHigh]: a two-sided interval at `confidence` (default 0.95) for that difference
 *   pValue: two-sided test of "no difference", where the method has one
 * Like every statistic here it measures and never judges: whether an interval excluding 0 is
 * an alert is for the rules to say. Undefined values (an empty sample) are NaN.
 *
 * z_{1−α/2} is the standard normal quantile (@stdlib/stats-base-dists-normal-quantile, as
 * scipy.stats.norm.isf(α/2)); two-sided p = 2·Φ(−|z|) = erfc(|z|/√2).
 *
 * Boundary convention for the Wald-type intervals (F1 by the delta method, ROC AUC by DeLong):
 * a side whose estimated variance is 0 — F1 of 0 or 1, ROC AUC of 0 or 1, or every score tied —
 * has no interval and no p-value (NaN, stored NULL). Its plug-in variance is 0 because the
 * estimate sits on the boundary of [0, 1], not because it is known: 200 predictions, all right,
 * gave the interval [0, 0] for an F1 difference of 0, and two 5-row samples with F1 1 and 0 the
 * interval [1, 1]. This is the Wald interval's known failure at the boundary (Brown, Cai &
 * DasGupta 2001, "Interval estimation for a binomial proportion", Statistical Science 16 §2),
 * which the score intervals used for the rates (Wilson, Newcombe) do not have.
 */
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile'
import erfc from '@stdlib/math-base-special-erfc'
import type { StatResult } from '../types.js'

export const DEFAULT_CONFIDENCE = 0.95

export interface DifferenceResult extends StatResult {
  /** The metric's value in x and in y. */
  readonly estimates: readonly [number, number]
  /** Observations behind each estimate (the metric's denominator). */
  readonly sizes: readonly [number, number]
  readonly ciLow: number
  readonly ciHigh: number
  readonly confidence: number
}

export interface DifferenceOptions {
  readonly confidence?: number
}

export function criticalValue(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`)
  return normalQuantile(1 - (1 - confidence) / 2, 0, 1)
}

/** Two-sided p-value of a standard normal statistic. */
export function twoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2)
}

/**
 * Var(x − y) of two independent estimates from their variances: NaN (no interval) when either
 * is 0, the boundary convention above.
 */
export function independentVariance(varianceX: number, varianceY: number): number {
  return varianceX === 0 || varianceY === 0 ? Number.NaN : varianceX + varianceY
}

/**
 * Wald-type interval d ± z·sqrt(variance) and its test. A variance that is NaN or 0 gives no
 * interval and no p-value (NaN): a zero-width interval would claim a certainty the data lack.
 */
export function normalInterval(difference: number, variance: number, confidence: number): { ciLow: number; ciHigh: number; pValue: number } {
  const z = criticalValue(confidence)
  const se = Math.sqrt(variance)
  if (!Number.isFinite(difference) || !Number.isFinite(se) || se === 0) return { ciLow: Number.NaN, ciHigh: Number.NaN, pValue: Number.NaN }
  return { ciLow: difference - z * se, ciHigh: difference + z * se, pValue: twoSidedP(difference / se) }
}
