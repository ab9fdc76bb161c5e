/**
 * CBPE — confidence-based performance estimation (NannyML) for a binary classifier whose
 * scores p_i = P(y_i = 1) are calibrated, when no labels have arrived yet.
 *
 * Expected confusion matrix, ŷ_i the predicted class:
 *   E[TP] = Σ p_i·[ŷ_i=1]   E[FP] = Σ (1−p_i)·[ŷ_i=1]   E[FN] = Σ p_i·[ŷ_i=0]   E[TN] = Σ (1−p_i)·[ŷ_i=0]
 *   accuracy = (E[TP] + E[TN]) / N          precision = E[TP] / (E[TP] + E[FP])
 *   recall   = E[TP] / (E[TP] + E[FN])      F1 = E[TP] / (E[TP] + ½(E[FP] + E[FN]))
 * ROC AUC (NannyML `estimate_roc_auc`): sort by score descending; after the i-th observation
 *   tps_i = Σ_{j≤i} p_j,  fps_i = i − tps_i,  both prefixed with 0 and rounded to 5 decimals
 *   (numpy.round: half to even of x·1e5, then /1e5); tpr = tps/tps_N, fpr = fps/fps_N;
 *   AUC = trapezoidal area under (fpr, tpr).
 * Reference: NannyML commit 00cb97f7ee4b334b93cd4d463be70663c9e92d97,
 * nannyml/performance_estimation/confidence_based/metrics.py (estimate_accuracy,
 * estimate_precision, estimate_recall, estimate_f1, estimate_roc_auc); checked against a
 * numpy copy in scripts/reference/performance.py. NannyML sorts by the uncalibrated score and
 * sums the calibrated one; our scores are already calibrated, so both are `p`. Tied scores
 * have equal p, so the order among ties does not change any partial sum.
 *
 * Conventions: a 0/0 ratio is NaN — e.g. precision with no predicted positives, recall when
 * Σp = 0 — driftwatch's convention for an undefined rate, as its realized metrics
 * (sklearn zero_division=np.nan). This departs on purpose from NannyML 0.13.1, whose
 * estimate_precision / estimate_recall / estimate_f1 return 0 there. ROC AUC is NaN when Σp = 0
 * or Σ(1−p) = 0 (NannyML's tpr or fpr divides by 0 there too). ŷ is given, or ŷ = [p ≥ threshold]
 * (default 0.5). Empty input gives NaN.
 *
 * Which ŷ: NannyML takes the model's y_pred column, not a cut of the score. The stream passes
 * the prediction's class_label read as positive class or not (the same ŷ as the realized
 * metrics, src/evaluate/partials.ts `predictedPositive`), and leaves ŷ to the threshold rule
 * only for a prediction sent without a class. A model whose own threshold is 0.3 thus gets
 * ŷ = 1 at p = 0.4, as its realized confusion matrix does.
 *
 * Streaming: `cbpeAccumulator` keeps the expected confusion sums (exact, mergeable) and, for
 * ROC AUC, per grid bin k = round(p·nBins) the count and Σp. Its curve has NannyML's points at
 * the end of each bin (rounded the same way); NannyML's points inside a bin lie on the segment
 * between them (equal p) up to the 1e-5 rounding, so with scores on the grid the two agree to
 * ~1e-8, and off the grid within the bin resolution.
 *
 * Input policy (metric-result.ts): a score outside [0, 1] or non-finite, or ŷ not 0/1, is
 * excluded and counted.
 */
import { checkWeight } from '../weight.js'
import type { Accumulator } from '../types.js'
import {
  assertPositiveInteger,
  assertSameLength,
  isBinaryLabel,
  isProbability,
  metricResult,
  type MetricResult,
} from './metric-result.js'

export interface CbpeOptions {
  /** ŷ = [p ≥ threshold] when no prediction is given. Default 0.5. */
  readonly threshold?: number
  /** Decimals NannyML rounds the cumulative sums to. Default 5. */
  readonly roundDecimals?: number
}

export interface ExpectedConfusion {
  readonly tp: number
  readonly fp: number
  readonly fn: number
  readonly tn: number
}

export interface CbpeEstimate {
  readonly accuracy: MetricResult
  readonly precision: MetricResult
  readonly recall: MetricResult
  readonly f1: MetricResult
  readonly rocAuc: MetricResult
  readonly expectedConfusion: ExpectedConfusion
}

export interface CbpeObservation {
  readonly score: number
  /** Predicted class; default [score ≥ threshold]. */
  readonly yPred?: number
}

export interface CbpeState {
  confusion: { tp: number; fp: number; fn: number; tn: number }
  n: number
  excluded: number
  nBins: number
  /** Per grid bin: observations and their Σp. */
  counts: number[]
  mass: number[]
  /** Per grid bin: observations predicted positive (ŷ = 1), for calibrated estimates (./cbpe-calibrated.ts). Absent in states stored before it existed. */
  predictedPositive?: number[]
}

/** numpy.round(x, decimals): rint (half to even) of x·10^d, divided by 10^d. */
export function roundHalfEven(x: number, decimals: number): number {
  const f = 10 ** decimals
  const y = x * f
  const r = Math.abs(y - Math.trunc(y)) === 0.5 ? 2 * Math.round(y / 2) : Math.round(y)
  return r / f
}

/** Trapezoid area under NannyML's curve given cumulative (Σp, count) points, descending score. */
export function aucFromCumulative(points: readonly (readonly [number, number])[], decimals: number): number {
  const tps = [0, ...points.map(([mass]) => roundHalfEven(mass, decimals))]
  const fps = [0, ...points.map(([mass, count]) => roundHalfEven(count - mass, decimals))]
  const tpN = tps[tps.length - 1]!
  const fpN = fps[fps.length - 1]!
  if (tpN === 0 || fpN === 0) return Number.NaN
  let area = 0
  for (let i = 1; i < tps.length; i += 1) {
    area += ((fps[i]! / fpN - fps[i - 1]! / fpN) * (tps[i]! / tpN + tps[i - 1]! / tpN)) / 2
  }
  return area
}

export function estimate(
  c: ExpectedConfusion,
  n: number,
  excluded: number,
  auc: number,
  params: Record<string, number>,
): CbpeEstimate {
  const ratio = (num: number, den: number): number => (n === 0 ? Number.NaN : num / den)
  const r = (method: string, score: number): MetricResult =>
    metricResult(method, score, { estimator: 'cbpe', ...params }, n, excluded)
  return {
    accuracy: r('accuracy', ratio(c.tp + c.tn, n)),
    precision: r('precision', ratio(c.tp, c.tp + c.fp)),
    recall: r('recall', ratio(c.tp, c.tp + c.fn)),
    f1: r('f1', ratio(c.tp, c.tp + 0.5 * (c.fp + c.fn))),
    rocAuc: r('roc_auc', n === 0 ? Number.NaN : auc),
    expectedConfusion: { ...c },
  }
}

function addExpected(c: CbpeState['confusion'], p: number, yPred: 0 | 1, weight = 1): void {
  if (yPred === 1) {
    c.tp += p * weight
    c.fp += (1 - p) * weight
  } else {
    c.fn += p * weight
    c.tn += (1 - p) * weight
  }
}

function predicted(score: number, yPred: number | undefined, threshold: number): number {
  return yPred ?? (score >= threshold ? 1 : 0)
}

/** CBPE estimates from an array of calibrated scores (and optionally the predicted classes). */
export function cbpe(
  scores: readonly number[],
  options: CbpeOptions & { readonly yPred?: readonly number[] } = {},
): CbpeEstimate {
  const threshold = options.threshold ?? 0.5
  const decimals = options.roundDecimals ?? 5
  if (options.yPred !== undefined) assertSameLength('cbpe', scores, options.yPred)
  const confusion = { tp: 0, fp: 0, fn: 0, tn: 0 }
  const valid: number[] = []
  scores.forEach((p, i) => {
    const yPred = predicted(p, options.yPred?.[i], threshold)
    if (!isProbability(p) || !isBinaryLabel(yPred)) return
    addExpected(confusion, p, yPred)
    valid.push(p)
  })
  valid.sort((a, b) => b - a)
  let mass = 0
  const points = valid.map((p, i) => {
    mass += p
    return [mass, i + 1] as const
  })
  const auc = aucFromCumulative(points, decimals)
  return estimate(confusion, valid.length, scores.length - valid.length, auc, { threshold, roundDecimals: decimals })
}

export function cbpeAccumulator(
  options: CbpeOptions & { readonly nBins?: number } = {},
): Accumulator<CbpeState, CbpeObservation, CbpeEstimate> {
  const threshold = options.threshold ?? 0.5
  const decimals = options.roundDecimals ?? 5
  const nBins = options.nBins ?? 1000
  assertPositiveInteger('nBins', nBins)
  const zeros = (): number[] => new Array<number>(nBins + 1).fill(0)
  return {
    create: () => ({ confusion: { tp: 0, fp: 0, fn: 0, tn: 0 }, n: 0, excluded: 0, nBins, counts: zeros(), mass: zeros(), predictedPositive: zeros() }),
    update(state, { score, yPred }, weight = 1) {
      if (checkWeight(weight) === 0) return state
      const y = predicted(score, yPred, threshold)
      if (!isProbability(score) || !isBinaryLabel(y)) {
        state.excluded += weight
        return state
      }
      addExpected(state.confusion, score, y, weight)
      const k = Math.round(score * nBins)
      state.n += weight
      state.counts[k] = (state.counts[k] as number) + weight
      state.mass[k] = (state.mass[k] as number) + score * weight
      if (y === 1) {
        state.predictedPositive ??= zeros()
        state.predictedPositive[k] = (state.predictedPositive[k] as number) + weight
      }
      return state
    },
    merge(a, b) {
      if (a.nBins !== b.nBins) throw new RangeError(`cannot merge CBPE states with nBins ${a.nBins} and ${b.nBins}`)
      const add = (x: number[], y: number[]): number[] => x.map((v, k) => v + (y[k] as number))
      const ca = a.confusion
      const cb = b.confusion
      return {
        confusion: { tp: ca.tp + cb.tp, fp: ca.fp + cb.fp, fn: ca.fn + cb.fn, tn: ca.tn + cb.tn },
        n: a.n + b.n,
        excluded: a.excluded + b.excluded,
        nBins: a.nBins,
        counts: add(a.counts, b.counts),
        mass: add(a.mass, b.mass),
        ...(a.predictedPositive && b.predictedPositive ? { predictedPositive: add(a.predictedPositive, b.predictedPositive) } : {}),
      }
    },
    result(state) {
      const points: [number, number][] = []
      let mass = 0
      let count = 0
      for (let k = state.nBins; k >= 0; k -= 1) {
        if (state.counts[k] === 0) continue
        mass += state.mass[k] as number
        count += state.counts[k] as number
        points.push([mass, count])
      }
      const auc = aucFromCumulative(points, decimals)
      return estimate(state.confusion, state.n, state.excluded, auc, { threshold, roundDecimals: decimals, nBins })
    },
  }
}
