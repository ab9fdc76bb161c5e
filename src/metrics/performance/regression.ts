/**
 * Regression metrics as a mergeable accumulator of sums.
 *
 *   MAE  = (1/N) Σ |y − ŷ|
 *   RMSE = sqrt( (1/N) Σ (y − ŷ)² )
 *   MAPE = (1/N) Σ |y − ŷ| / max(|y|, ε),  ε = 2.220446049250313e-16 (float64 eps)
 *   R²   = 1 − SS_res / SS_tot,  SS_res = Σ (y − ŷ)²,  SS_tot = Σ (y − ȳ)²
 * Reference: scikit-learn 1.9.1 mean_absolute_error, root_mean_squared_error,
 * mean_absolute_percentage_error (its ε: a zero y gives a huge but finite term, not ∞) and
 * r2_score with force_finite=True: SS_res = 0 → 1; SS_tot = 0 (constant y) and SS_res > 0 → 0;
 * fewer than two observations → NaN. MAPE is a fraction, not a percentage.
 *
 * SS_tot is kept with Welford's update and Chan et al.'s pairwise merge (count, mean, M2), so
 * merging partitions is numerically stable — Σy² − (Σy)²/N would cancel catastrophically for
 * large offsets. A constant y gives M2 = 0 exactly. sklearn instead subtracts numpy's mean,
 * which can be off by an ulp for a constant non-representable value (e.g. [0.1, 0.1, 0.1]
 * has mean 0.10000000000000002), making SS_tot tiny but non-zero and R² ≈ −1e31; we apply
 * sklearn's documented constant-y convention exactly instead.
 *
 * Constant y across merged parts: the state also keeps min and max of y (merged as min/max).
 * Two parts of the same constant can carry means an ulp apart (a part built from SQL sums has
 * mean Σy/n: 0.30000000000000004/3 ≠ 0.2/2), and Chan's δ²·na·nb/n then adds ~1e-34 to SS_tot,
 * turning R² into −1e32. So SS_tot is exactly 0 whenever min y = max y — the data's own
 * definition of "constant", independent of float rounding. A state stored before the range
 * existed (no minTrue/maxTrue) has an unknown range; merged with it, the range stays unknown
 * and SS_tot is Chan's value.
 *
 * Overflow: the sums are of finite pairs, but can exceed the float64 range (|y − ŷ| beyond
 * ~1.3e154 squares past 1.8e308). Such a sum is +Infinity, as in numpy: rmse is then inf and r2
 * is 1 − ∞/SS_tot (−inf), 1 − SS_res/∞ (1) or ∞/∞ (NaN), scikit-learn's values. Welford's update
 * and Chan's merge can reach ∞ − ∞ (NaN) on the way; a NaN SS_tot is therefore kept as the
 * +Infinity it stands for. A sum is never read as 0 when it overflowed
 * (src/evaluate/regression-partials.ts reads the SQL sums bit for bit).
 *
 * Input policy (metric-result.ts): a pair with a non-finite value is excluded and counted.
 * Empty input gives NaN for every metric.
 */
import { checkWeight } from '../weight.js'
import type { Accumulator } from '../types.js'
import { assertSameLength, metricResult, type MetricResult } from './metric-result.js'

export const MAPE_EPSILON = Number.EPSILON

export interface RegressionState {
  n: number
  /** Welford running mean and sum of squared deviations of yTrue. */
  meanTrue: number
  m2True: number
  /** Smallest and largest valid yTrue; absent when unknown (states stored before they existed).
   *  Meaningless while n = 0 (JSON turns create()'s ±Infinity into null). */
  minTrue?: number
  maxTrue?: number
  sumAbsoluteError: number
  sumSquaredError: number
  sumAbsolutePercentageError: number
  excluded: number
}

export interface RegressionPair {
  readonly yTrue: number
  readonly yPred: number
}

export interface RegressionMetrics {
  readonly mae: MetricResult
  readonly rmse: MetricResult
  readonly mape: MetricResult
  readonly r2: MetricResult
}

/** SS_tot of finite values is never NaN: a NaN is ∞ − ∞ met on the way to an overflowed sum. */
const overflowed = (m2: number): number => (Number.isNaN(m2) ? Infinity : m2)

function r2Score(state: RegressionState): number {
  if (state.n < 2) return Number.NaN
  if (state.sumSquaredError === 0) return 1
  if (state.m2True === 0 || (state.minTrue !== undefined && state.minTrue === state.maxTrue)) return 0
  return 1 - state.sumSquaredError / state.m2True
}

export function regressionAccumulator(): Accumulator<RegressionState, RegressionPair, RegressionMetrics> {
  return {
    create: () => ({
      n: 0,
      meanTrue: 0,
      m2True: 0,
      minTrue: Infinity,
      maxTrue: -Infinity,
      sumAbsoluteError: 0,
      sumSquaredError: 0,
      sumAbsolutePercentageError: 0,
      excluded: 0,
    }),
    update(state, { yTrue, yPred }, weight = 1) {
      if (checkWeight(weight) === 0) return state
      if (!Number.isFinite(yTrue) || !Number.isFinite(yPred)) {
        state.excluded += weight
        return state
      }
      const error = Math.abs(yTrue - yPred)
      if (state.n === 0) {
        state.minTrue = yTrue
        state.maxTrue = yTrue
      } else if (state.minTrue != null && state.maxTrue != null) {
        state.minTrue = Math.min(state.minTrue, yTrue)
        state.maxTrue = Math.max(state.maxTrue, yTrue)
      }
      // Welford's update with a weight (West 1979): n copies of y at once.
      state.n += weight
      const delta = yTrue - state.meanTrue
      state.meanTrue += (delta * weight) / state.n
      state.m2True = overflowed(state.m2True + delta * (yTrue - state.meanTrue) * weight)
      state.sumAbsoluteError += error * weight
      state.sumSquaredError += (yTrue - yPred) ** 2 * weight
      state.sumAbsolutePercentageError += (error / Math.max(Math.abs(yTrue), MAPE_EPSILON)) * weight
      return state
    },
    merge(a, b) {
      const n = a.n + b.n
      if (a.n === 0 || b.n === 0) {
        const only = a.n === 0 ? b : a
        return { ...only, excluded: a.excluded + b.excluded }
      }
      const delta = b.meanTrue - a.meanTrue
      const range = a.minTrue != null && a.maxTrue != null && b.minTrue != null && b.maxTrue != null
        ? { minTrue: Math.min(a.minTrue, b.minTrue), maxTrue: Math.max(a.maxTrue, b.maxTrue) }
        : null
      return {
        n,
        meanTrue: a.meanTrue + (delta * b.n) / n,
        // Constant y: exactly 0, whatever ulp the parts' means differ by (see above).
        m2True: range !== null && range.minTrue === range.maxTrue ? 0 : overflowed(a.m2True + b.m2True + (delta * delta * a.n * b.n) / n),
        ...(range ?? {}),
        sumAbsoluteError: a.sumAbsoluteError + b.sumAbsoluteError,
        sumSquaredError: a.sumSquaredError + b.sumSquaredError,
        sumAbsolutePercentageError: a.sumAbsolutePercentageError + b.sumAbsolutePercentageError,
        excluded: a.excluded + b.excluded,
      }
    },
    result(state) {
      const mean = (total: number): number => (state.n === 0 ? Number.NaN : total / state.n)
      const r = (method: string, score: number, params = {}): MetricResult =>
        metricResult(method, score, params, state.n, state.excluded)
      return {
        mae: r('mae', mean(state.sumAbsoluteError)),
        rmse: r('rmse', Math.sqrt(mean(state.sumSquaredError))),
        mape: r('mape', mean(state.sumAbsolutePercentageError), { eps: MAPE_EPSILON }),
        r2: r('r2', r2Score(state), { forceFinite: true }),
      }
    },
  }
}

export function regressionMetrics(yTrue: readonly number[], yPred: readonly number[]): RegressionMetrics {
  assertSameLength('regressionMetrics', yTrue, yPred)
  const acc = regressionAccumulator()
  const state = acc.create()
  yTrue.forEach((y, i) => acc.update(state, { yTrue: y, yPred: yPred[i]! }))
  return acc.result(state)
}
