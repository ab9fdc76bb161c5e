/**
 * The result shape shared by the performance and fairness metrics, and their input policy.
 *
 * A `MetricResult` is a `StatResult` (method, score, params) plus the number of observations
 * it used (`n`) and the number it left out (`excluded`).
 *
 * Input policy, the same for every metric in performance/ and fairness/ — exclude and count:
 * a NaN or ±Infinity, a probability outside [0, 1], a binary label other than 0/1, or a class
 * outside a metric's declared class list drops that observation (the whole pair or row) and
 * adds one to `excluded`. Bad data in one event must not crash a stream consumer or poison a
 * window, and the count lets a data-quality rule see it. Misuse of the API (arrays of
 * different lengths, a bin count that is not a positive integer, merging states built with
 * different options) throws a RangeError: that is a bug, not data.
 *
 * An undefined statistic (empty input, ROC AUC with one class...) has score NaN.
 */
import type { ParamValue, StatResult } from '../types.js'

export interface MetricResult extends StatResult {
  /** Observations the statistic was computed from. */
  readonly n: number
  /** Observations excluded as invalid (see the input policy above). */
  readonly excluded: number
}

export type Params = Readonly<Record<string, ParamValue>>

export function metricResult(
  method: string,
  score: number,
  params: Params,
  n: number,
  excluded: number,
): MetricResult {
  return { method, score, params, n, excluded }
}

/**
 * sklearn's `zero_division`: the value of a ratio whose denominator is 0. sklearn's default
 * "warn" behaves as 0 (plus a warning, which a pure function cannot emit); 'nan' is sklearn's
 * zero_division=np.nan (≥ 1.3): the ratio is undefined, NaN.
 */
export type ZeroDivision = 0 | 1 | 'nan'

export function divide(numerator: number, denominator: number, zeroDivision: ZeroDivision): number {
  if (denominator !== 0) return numerator / denominator
  return zeroDivision === 'nan' ? Number.NaN : zeroDivision
}

export function isProbability(p: number): boolean {
  return Number.isFinite(p) && p >= 0 && p <= 1
}

export function isBinaryLabel(y: number): y is 0 | 1 {
  return y === 0 || y === 1
}

export function assertSameLength(what: string, a: { length: number }, b: { length: number }): void {
  if (a.length !== b.length) {
    throw new RangeError(`${what}: arrays differ in length (${a.length} vs ${b.length})`)
  }
}

export function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`)
  }
}
