/**
 * Expected calibration error (ECE) as a mergeable accumulator.
 *
 *   ECE = Σ_b (n_b / N) · | ȳ_b − p̄_b |
 *
 * over equal-width bins on [0, 1] (default nBins = 10), weighted by bin count; ȳ_b is the mean
 * outcome and p̄_b the mean probability in bin b, and empty bins contribute nothing.
 * Binning is sklearn.calibration.calibration_curve(strategy='uniform')'s: edges
 * e_k = k·(1/nBins) (numpy.linspace's arithmetic), bin b = (e_b, e_{b+1}], and 0 falls in the
 * first bin — i.e. b = #{inner edges < p} (numpy.searchsorted, side='left'). Same bins, so the
 * per-bin means equal calibration_curve's prob_true / prob_pred.
 * No library has an ECE function; the reference is the numpy implementation in
 * scripts/reference/performance.py.
 *
 * Binary ECE: probability = P(y = 1), outcome = y (the reliability-diagram convention).
 * Multiclass top-label ECE: probability = max_k P(k), outcome = [argmax = true class], with
 * the first maximum winning ties (numpy.argmax).
 * ECE of no valid observation is NaN. Invalid observations (probability outside [0, 1] or not
 * finite, outcome not 0/1, true class not in `classes`) are excluded and counted.
 */
import { checkWeight } from '../weight.js'
import type { Accumulator } from '../types.js'
import type { ClassLabel } from './confusion-matrix.js'
import {
  assertPositiveInteger,
  assertSameLength,
  isBinaryLabel,
  isProbability,
  metricResult,
  type MetricResult,
} from './metric-result.js'

export const DEFAULT_CALIBRATION_BINS = 10

export interface CalibrationState {
  nBins: number
  counts: number[]
  sumProbability: number[]
  sumOutcome: number[]
  excluded: number
}

export interface CalibrationObservation {
  readonly probability: number
  /** 1 if the event happened (binary: y = 1; top-label: prediction correct), else 0. */
  readonly outcome: number
}

export interface CalibrationBin {
  readonly count: number
  /** NaN for an empty bin. */
  readonly meanProbability: number
  readonly meanOutcome: number
}

export interface CalibrationResult extends MetricResult {
  readonly bins: readonly CalibrationBin[]
}

/** Bin of probability p: (e_b, e_{b+1}] with e_k = k·(1/nBins), 0 in bin 0. */
export function calibrationBin(p: number, nBins: number): number {
  const step = 1 / nBins
  let b = Math.min(nBins - 1, Math.max(0, Math.ceil(p * nBins) - 1))
  while (b > 0 && b * step >= p) b -= 1
  while (b < nBins - 1 && (b + 1) * step < p) b += 1
  return b
}

export function emptyCalibration(nBins: number): CalibrationState {
  assertPositiveInteger('nBins', nBins)
  const zeros = (): number[] => new Array<number>(nBins).fill(0)
  return { nBins, counts: zeros(), sumProbability: zeros(), sumOutcome: zeros(), excluded: 0 }
}

export function addCalibration(state: CalibrationState, { probability, outcome }: CalibrationObservation, weight = 1): CalibrationState {
  if (checkWeight(weight) === 0) return state
  if (!isProbability(probability) || !isBinaryLabel(outcome)) {
    state.excluded += weight
    return state
  }
  const b = calibrationBin(probability, state.nBins)
  state.counts[b] = (state.counts[b] as number) + weight
  state.sumProbability[b] = (state.sumProbability[b] as number) + probability * weight
  state.sumOutcome[b] = (state.sumOutcome[b] as number) + outcome * weight
  return state
}

export function mergeCalibration(a: CalibrationState, b: CalibrationState): CalibrationState {
  if (a.nBins !== b.nBins) throw new RangeError(`cannot merge calibration states with nBins ${a.nBins} and ${b.nBins}`)
  const add = (x: number[], y: number[]): number[] => x.map((v, k) => v + (y[k] as number))
  return {
    nBins: a.nBins,
    counts: add(a.counts, b.counts),
    sumProbability: add(a.sumProbability, b.sumProbability),
    sumOutcome: add(a.sumOutcome, b.sumOutcome),
    excluded: a.excluded + b.excluded,
  }
}

export function calibrationResult(state: CalibrationState): CalibrationResult {
  const n = state.counts.reduce((s, c) => s + c, 0)
  const bins = state.counts.map((count, b) => ({
    count,
    meanProbability: count === 0 ? Number.NaN : (state.sumProbability[b] as number) / count,
    meanOutcome: count === 0 ? Number.NaN : (state.sumOutcome[b] as number) / count,
  }))
  const ece = bins.reduce((s, bin) => (bin.count === 0 ? s : s + (bin.count / n) * Math.abs(bin.meanOutcome - bin.meanProbability)), 0)
  const params = { nBins: state.nBins, binning: 'uniform', weighting: 'bin_count' }
  return { ...metricResult('expected_calibration_error', n === 0 ? Number.NaN : ece, params, n, state.excluded), bins }
}

export function calibrationAccumulator(
  options: { readonly nBins?: number } = {},
): Accumulator<CalibrationState, CalibrationObservation, CalibrationResult> {
  const nBins = options.nBins ?? DEFAULT_CALIBRATION_BINS
  assertPositiveInteger('nBins', nBins)
  return { create: () => emptyCalibration(nBins), update: addCalibration, merge: mergeCalibration, result: calibrationResult }
}

/** Binary ECE: proba[i] = P(yTrue[i] = 1). */
export function expectedCalibrationError(
  yTrue: readonly number[],
  proba: readonly number[],
  options: { readonly nBins?: number } = {},
): CalibrationResult {
  assertSameLength('expectedCalibrationError', yTrue, proba)
  const state = emptyCalibration(options.nBins ?? DEFAULT_CALIBRATION_BINS)
  yTrue.forEach((y, i) => addCalibration(state, { probability: proba[i]!, outcome: y }))
  return calibrationResult(state)
}

/** Multiclass top-label ECE; proba[i][k] = P(classes[k]). */
export function topLabelCalibrationError(
  yTrue: readonly ClassLabel[],
  proba: readonly (readonly number[])[],
  classes: readonly ClassLabel[],
  options: { readonly nBins?: number } = {},
): CalibrationResult {
  assertSameLength('topLabelCalibrationError', yTrue, proba)
  const state = emptyCalibration(options.nBins ?? DEFAULT_CALIBRATION_BINS)
  yTrue.forEach((y, i) => {
    const row = proba[i]!
    assertSameLength('topLabelCalibrationError row vs classes', row, classes)
    if (!classes.includes(y) || !row.every(isProbability) || row.length === 0) {
      state.excluded += 1
      return
    }
    let top = 0
    row.forEach((p, k) => {
      if (p > (row[top] as number)) top = k
    })
    addCalibration(state, { probability: row[top]!, outcome: classes[top] === y ? 1 : 0 })
  })
  return { ...calibrationResult(state), method: 'top_label_calibration_error' }
}
