/**
 * Log loss and Brier score (and ECE) of probability predictions, as a mergeable accumulator.
 *
 * Binary, p = P(y = 1):
 *   log loss = −(1/N) Σ [ y·ln(clip(p)) + (1−y)·ln(clip(1−p)) ]
 *   Brier    =  (1/N) Σ (y − p)²
 * Multiclass, P[i][k] = P(classes[k]):  log loss = −(1/N) Σ ln(clip(P[i][true_i]))
 * clip(q) = min(max(q, ε), 1 − ε) with ε = 2.220446049250313e-16 (float64 machine epsilon),
 * applied to each class column after forming [1−p, p] — scikit-learn 1.9.1's
 * sklearn.metrics.log_loss (`_log_loss`: xp.clip(y_proba, eps, 1 − eps), no renormalisation of
 * rows that do not sum to 1; sklearn only warns about those, and so do we not renormalise).
 * Brier is sklearn.metrics.brier_score_loss (binary, scale_by_half="auto" → the [0, 1] form).
 * Natural log. The class list is explicit, so log loss with one observed class is defined
 * (sklearn needs `labels=` for that too). Empty input gives NaN.
 *
 * Input policy (metric-result.ts): a probability outside [0, 1] or non-finite, a binary label
 * not 0/1, or a true class outside `classes` is excluded and counted (sklearn raises).
 */
import { checkWeight } from '../weight.js'
import type { Accumulator } from '../types.js'
import {
  DEFAULT_CALIBRATION_BINS,
  addCalibration,
  calibrationResult,
  emptyCalibration,
  mergeCalibration,
  type CalibrationResult,
  type CalibrationState,
} from './calibration.js'
import type { ClassLabel } from './confusion-matrix.js'
import { assertSameLength, isBinaryLabel, isProbability, metricResult, type MetricResult } from './metric-result.js'

export const LOG_LOSS_EPSILON = Number.EPSILON

const clip = (q: number): number => Math.min(Math.max(q, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON)

export interface ProbabilisticState {
  n: number
  logLossSum: number
  brierSum: number
  calibration: CalibrationState
  excluded: number
}

export interface BinaryProbability {
  readonly yTrue: number
  /** P(y = 1) */
  readonly probability: number
}

export interface ProbabilisticResult {
  readonly logLoss: MetricResult
  readonly brierScore: MetricResult
  readonly expectedCalibrationError: CalibrationResult
}

export function probabilisticAccumulator(
  options: { readonly nBins?: number } = {},
): Accumulator<ProbabilisticState, BinaryProbability, ProbabilisticResult> {
  const nBins = options.nBins ?? DEFAULT_CALIBRATION_BINS
  return {
    create: () => ({ n: 0, logLossSum: 0, brierSum: 0, calibration: emptyCalibration(nBins), excluded: 0 }),
    update(state, { yTrue, probability: p }, weight = 1) {
      if (checkWeight(weight) === 0) return state
      if (!isBinaryLabel(yTrue) || !isProbability(p)) {
        state.excluded += weight
        return state
      }
      state.n += weight
      state.logLossSum -= Math.log(clip(yTrue === 1 ? p : 1 - p)) * weight
      state.brierSum += (yTrue - p) ** 2 * weight
      addCalibration(state.calibration, { probability: p, outcome: yTrue }, weight)
      return state
    },
    merge: (a, b) => ({
      n: a.n + b.n,
      logLossSum: a.logLossSum + b.logLossSum,
      brierSum: a.brierSum + b.brierSum,
      calibration: mergeCalibration(a.calibration, b.calibration),
      excluded: a.excluded + b.excluded,
    }),
    result(state) {
      const mean = (total: number): number => (state.n === 0 ? Number.NaN : total / state.n)
      return {
        logLoss: metricResult('log_loss', mean(state.logLossSum), { eps: LOG_LOSS_EPSILON }, state.n, state.excluded),
        brierScore: metricResult('brier_score', mean(state.brierSum), {}, state.n, state.excluded),
        expectedCalibrationError: { ...calibrationResult(state.calibration), excluded: state.excluded },
      }
    },
  }
}

/** Binary log loss, Brier score and ECE of two arrays. */
export function probabilisticMetrics(
  yTrue: readonly number[],
  proba: readonly number[],
  options: { readonly nBins?: number } = {},
): ProbabilisticResult {
  assertSameLength('probabilisticMetrics', yTrue, proba)
  const acc = probabilisticAccumulator(options)
  const state = acc.create()
  yTrue.forEach((y, i) => acc.update(state, { yTrue: y, probability: proba[i]! }))
  return acc.result(state)
}

export function logLoss(yTrue: readonly number[], proba: readonly number[]): MetricResult {
  return probabilisticMetrics(yTrue, proba).logLoss
}

export function brierScore(yTrue: readonly number[], proba: readonly number[]): MetricResult {
  return probabilisticMetrics(yTrue, proba).brierScore
}

/** Multiclass log loss; proba[i][k] = P(classes[k]). */
export function multiclassLogLoss(
  yTrue: readonly ClassLabel[],
  proba: readonly (readonly number[])[],
  classes: readonly ClassLabel[],
): MetricResult {
  assertSameLength('multiclassLogLoss', yTrue, proba)
  let n = 0
  let total = 0
  yTrue.forEach((y, i) => {
    const row = proba[i]!
    assertSameLength('multiclassLogLoss row vs classes', row, classes)
    const k = classes.indexOf(y)
    if (k < 0 || !row.every(isProbability)) return
    n += 1
    total -= Math.log(clip(row[k]!))
  })
  return metricResult('log_loss', n === 0 ? Number.NaN : total / n, { eps: LOG_LOSS_EPSILON }, n, yTrue.length - n)
}
