/**
 * ROC AUC with DeLong's variance, from tie groups of scores, and the difference of two
 * independent AUCs.
 *
 * DeLong, DeLong & Clarke-Pearson (1988), Biometrics 44: with m positives X_i and n negatives
 * Y_j, ψ(x, y) = 1 if x > y, 1/2 if x = y, 0 otherwise,
 *   V10(X_i) = (1/n) Σ_j ψ(X_i, Y_j),   V01(Y_j) = (1/m) Σ_i ψ(X_i, Y_j)
 *   AUC = mean V10 = mean V01
 *   S10 = Σ_i (V10(X_i) − AUC)² / (m − 1),   S01 = Σ_j (V01(Y_j) − AUC)² / (n − 1)
 *   Var(AUC) = S10/m + S01/n
 * Every observation in one tie group has the same placement, so the sums run over groups:
 * O(groups). Groups come in strictly descending score order: exact ones from raw scores
 * (`rankGroups`) or the grid points of a score histogram (`histogramRankGroups`, the
 * mergeable state of ../performance/score-histogram.ts, same resolution caveat).
 * Two independent samples: d = AUC_x − AUC_y, Var(d) = Var_x + Var_y, a normal interval and
 * z-test (./difference.ts). For two models scored on the same events DeLong's paired
 * covariance would apply; not implemented here.
 * Conventions: fewer than 2 positives or 2 negatives → variance NaN (ddof = 1); no positive or
 * no negative → AUC NaN (as sklearn). A side with variance 0 (AUC 0 or 1, or every score tied)
 * gives the difference no interval and no p-value (./difference.ts independentVariance). Invalid pairs (label not 0/1, score not finite) are
 * dropped. Reference: a numpy implementation of Sun & Xu's fast DeLong (midranks, 2014),
 * scripts/reference/comparison.py.
 */
import { type RankGroup, type ScoreHistogramState, tieGroups } from '../performance/index.js'
import {
  DEFAULT_CONFIDENCE,
  type DifferenceOptions,
  type DifferenceResult,
  independentVariance,
  normalInterval,
} from './difference.js'

export interface AucWithVariance {
  readonly auc: number
  readonly variance: number
  readonly positives: number
  readonly negatives: number
}

/** Tie groups of exact scores, highest first (pairs with a label not 0/1 or a score not finite dropped). */
export function rankGroups(yTrue: readonly number[], scores: readonly number[]): RankGroup[] {
  if (yTrue.length !== scores.length) throw new RangeError(`rankGroups: arrays differ in length (${yTrue.length} vs ${scores.length})`)
  const positives: number[] = []
  const negatives: number[] = []
  yTrue.forEach((y, i) => {
    const s = scores[i] as number
    if (!Number.isFinite(s)) return
    if (y === 1) positives.push(s)
    else if (y === 0) negatives.push(s)
  })
  return tieGroups(Float64Array.from(positives), Float64Array.from(negatives))
}

/** The grid points of a score histogram as tie groups, highest first. */
export function histogramRankGroups(state: ScoreHistogramState): RankGroup[] {
  const groups: RankGroup[] = []
  for (let k = state.nBins; k >= 0; k--) groups.push({ positives: state.positives[k] ?? 0, negatives: state.negatives[k] ?? 0 })
  return groups
}

export function delongAuc(groups: readonly RankGroup[]): AucWithVariance {
  const m = groups.reduce((s, g) => s + g.positives, 0)
  const n = groups.reduce((s, g) => s + g.negatives, 0)
  if (m === 0 || n === 0) return { auc: Number.NaN, variance: Number.NaN, positives: m, negatives: n }
  const v10: number[] = []
  const v01: number[] = []
  let positivesAbove = 0
  let negativesBelow = n
  for (const g of groups) {
    negativesBelow -= g.negatives
    v10.push((negativesBelow + 0.5 * g.negatives) / n)
    v01.push((positivesAbove + 0.5 * g.positives) / m)
    positivesAbove += g.positives
  }
  let auc = 0
  groups.forEach((g, k) => (auc += g.positives * (v10[k] as number)))
  auc /= m
  let s10 = 0
  let s01 = 0
  groups.forEach((g, k) => {
    s10 += g.positives * ((v10[k] as number) - auc) ** 2
    s01 += g.negatives * ((v01[k] as number) - auc) ** 2
  })
  const variance = m < 2 || n < 2 ? Number.NaN : s10 / (m - 1) / m + s01 / (n - 1) / n
  return { auc, variance, positives: m, negatives: n }
}

export function aucDifference(x: readonly RankGroup[], y: readonly RankGroup[], { confidence = DEFAULT_CONFIDENCE }: DifferenceOptions = {}): DifferenceResult {
  const a = delongAuc(x)
  const b = delongAuc(y)
  const d = a.auc - b.auc
  return {
    method: 'delong',
    score: d,
    ...normalInterval(d, independentVariance(a.variance, b.variance), confidence),
    estimates: [a.auc, b.auc],
    sizes: [a.positives + a.negatives, b.positives + b.negatives],
    confidence,
    params: { interval: 'delong_independent', confidence, positivesX: a.positives, negativesX: a.negatives, positivesY: b.positives, negativesY: b.negatives },
  }
}
