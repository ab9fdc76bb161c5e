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
 * Wald-type interval d ± z·sqrt(variance) and its test. A zero variance gives the point
 * interval [d, d] and p = 1 when d = 0, NaN otherwise (no information to test with).
 */
export function normalInterval(difference: number, variance: number, confidence: number): { ciLow: number; ciHigh: number; pValue: number } {
  const z = criticalValue(confidence)
  const se = Math.sqrt(variance)
  if (!Number.isFinite(difference) || !Number.isFinite(se)) return { ciLow: Number.NaN, ciHigh: Number.NaN, pValue: Number.NaN }
  const pValue = se === 0 ? (difference === 0 ? 1 : Number.NaN) : twoSidedP(difference / se)
  return { ciLow: difference - z * se, ciHigh: difference + z * se, pValue }
}
