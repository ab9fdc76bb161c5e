/**
 * Mergeable score histogram for ROC AUC and average precision over a stream.
 *
 * Exact ROC AUC / AP need every score. For windows that are merged across consumers we keep
 * instead, per fixed grid point k/nBins (k = 0..nBins), how many positives and negatives had
 * a score that rounds to it:  k = round(score · nBins). Each grid point is one tie group and
 * ROC AUC / AP are computed from the groups exactly as ranking.ts does from raw scores.
 *
 * Resolution: a score moves by at most 1/(2·nBins) (default nBins = 1000: ±0.0005). When
 * every score already lies on the grid (k/nBins), the result equals the exact array-based
 * value (and so sklearn's); otherwise ties are introduced only between scores closer than
 * 1/nBins. Memory is 2·(nBins+1) numbers per state, independent of the window size.
 *
 * Scores must be probabilities in [0, 1]; labels 0/1. Anything else is excluded and counted
 * (metric-result.ts). States merge only with states of the same nBins (RangeError otherwise).
 */
import { checkWeight } from '../weight.js'
import type { Accumulator } from '../types.js'
import { assertPositiveInteger, isBinaryLabel, isProbability, metricResult, type MetricResult } from './metric-result.js'
import { rankingFromGroups, type RankGroup } from './ranking.js'

export const DEFAULT_SCORE_BINS = 1000

export interface ScoreHistogramState {
  nBins: number
  /** positives[k]: positives whose score rounds to k/nBins. */
  positives: number[]
  negatives: number[]
  excluded: number
}

export interface ScoredLabel {
  readonly yTrue: number
  readonly score: number
}

export interface RankingResult {
  readonly rocAuc: MetricResult
  readonly averagePrecision: MetricResult
}

export function emptyScoreHistogram(nBins: number): ScoreHistogramState {
  assertPositiveInteger('nBins', nBins)
  return {
    nBins,
    positives: new Array<number>(nBins + 1).fill(0),
    negatives: new Array<number>(nBins + 1).fill(0),
    excluded: 0,
  }
}

/** Adds one observation; returns false (and adds nothing) when it is invalid. */
export function addScore(state: ScoreHistogramState, positive: boolean, score: number, weight = 1): boolean {
  if (!isProbability(score)) return false
  const k = Math.round(score * state.nBins)
  const bins = positive ? state.positives : state.negatives
  bins[k] = (bins[k] as number) + weight
  return true
}

export function mergeScoreHistograms(a: ScoreHistogramState, b: ScoreHistogramState): ScoreHistogramState {
  if (a.nBins !== b.nBins) throw new RangeError(`cannot merge score histograms with nBins ${a.nBins} and ${b.nBins}`)
  return {
    nBins: a.nBins,
    positives: a.positives.map((c, k) => c + (b.positives[k] as number)),
    negatives: a.negatives.map((c, k) => c + (b.negatives[k] as number)),
    excluded: a.excluded + b.excluded,
  }
}

/** Tie groups from the highest grid point down. */
export function* histogramGroups(state: ScoreHistogramState): Generator<RankGroup> {
  for (let k = state.nBins; k >= 0; k -= 1) {
    yield { positives: state.positives[k] as number, negatives: state.negatives[k] as number }
  }
}

export function histogramRanking(state: ScoreHistogramState): RankingResult {
  const scores = rankingFromGroups(histogramGroups(state))
  const n = state.positives.reduce((s, c) => s + c, 0) + state.negatives.reduce((s, c) => s + c, 0)
  const params = { nBins: state.nBins, binning: 'round(score*nBins)' }
  return {
    rocAuc: metricResult('roc_auc', scores.rocAuc, params, n, state.excluded),
    averagePrecision: metricResult('average_precision', scores.averagePrecision, params, n, state.excluded),
  }
}

export function scoreHistogramAccumulator(
  options: { readonly nBins?: number } = {},
): Accumulator<ScoreHistogramState, ScoredLabel, RankingResult> {
  const nBins = options.nBins ?? DEFAULT_SCORE_BINS
  assertPositiveInteger('nBins', nBins)
  return {
    create: () => emptyScoreHistogram(nBins),
    update(state, { yTrue, score }, weight = 1) {
      if (checkWeight(weight) === 0) return state
      if (!isBinaryLabel(yTrue) || !addScore(state, yTrue === 1, score, weight)) state.excluded += weight
      return state
    },
    merge: mergeScoreHistograms,
    result: histogramRanking,
  }
}
