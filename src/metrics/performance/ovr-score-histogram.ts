/**
 * Mergeable one-vs-rest score histograms for multiclass ROC AUC / average precision.
 *
 * One binary score histogram (score-histogram.ts: grid k/nBins, k = round(score·nBins)) per
 * class k: an observation is a positive for its true class and a negative for every other,
 * filed under its score for that class. The result is the macro mean over `classes`, as
 * ranking.ts's rocAucOvr / averagePrecisionOvr, and equals them exactly when every score lies
 * on the grid. A true label outside `classes`, a row of the wrong length or a score outside
 * [0, 1] excludes the whole row and counts it.
 */
import { checkWeight } from '../weight.js'
import type { Accumulator } from '../types.js'
import type { ClassLabel } from './confusion-matrix.js'
import { assertPositiveInteger, metricResult } from './metric-result.js'
import type { OvrResult } from './ranking.js'
import { rankingFromGroups } from './ranking.js'
import {
  DEFAULT_SCORE_BINS,
  addScore,
  emptyScoreHistogram,
  histogramGroups,
  mergeScoreHistograms,
  type ScoreHistogramState,
} from './score-histogram.js'

export interface OvrScoreHistogramState {
  classes: ClassLabel[]
  perClass: ScoreHistogramState[]
  excluded: number
}

export interface ScoredClassRow {
  readonly yTrue: ClassLabel
  /** scores[k] is the score of classes[k]. */
  readonly scores: readonly number[]
}

export interface OvrRankingResult {
  readonly rocAuc: OvrResult
  readonly averagePrecision: OvrResult
}

export function ovrScoreHistogramAccumulator(options: {
  readonly classes: readonly ClassLabel[]
  readonly nBins?: number
}): Accumulator<OvrScoreHistogramState, ScoredClassRow, OvrRankingResult> {
  const nBins = options.nBins ?? DEFAULT_SCORE_BINS
  assertPositiveInteger('nBins', nBins)
  const classes = [...options.classes]
  return {
    create: () => ({ classes: [...classes], perClass: classes.map(() => emptyScoreHistogram(nBins)), excluded: 0 }),
    update(state, { yTrue, scores }, weight = 1) {
      if (checkWeight(weight) === 0) return state
      const ok =
        classes.includes(yTrue) &&
        scores.length === classes.length &&
        scores.every((s) => Number.isFinite(s) && s >= 0 && s <= 1)
      if (!ok) {
        state.excluded += weight
        return state
      }
      classes.forEach((c, k) => addScore(state.perClass[k]!, c === yTrue, scores[k]!, weight))
      return state
    },
    merge(a, b) {
      if (a.classes.length !== b.classes.length || a.classes.some((c, k) => c !== b.classes[k])) {
        throw new RangeError('cannot merge one-vs-rest histograms built for different classes')
      }
      return {
        classes: [...a.classes],
        perClass: a.perClass.map((h, k) => mergeScoreHistograms(h, b.perClass[k]!)),
        excluded: a.excluded + b.excluded,
      }
    },
    result(state) {
      const scores = state.perClass.map((h) => rankingFromGroups(histogramGroups(h)))
      const first = state.perClass[0]
      const n = first === undefined ? 0 : first.positives.reduce((s, c, k) => s + c + (first.negatives[k] as number), 0)
      const params = { multiClass: 'ovr', average: 'macro', nBins, binning: 'round(score*nBins)' }
      const build = (method: string, perClass: number[]): OvrResult => ({
        ...metricResult(
          method,
          n === 0 || perClass.length === 0 ? Number.NaN : perClass.reduce((s, v) => s + v, 0) / perClass.length,
          params,
          n,
          state.excluded,
        ),
        perClass,
      })
      return {
        rocAuc: build(
          'roc_auc',
          scores.map((s) => s.rocAuc),
        ),
        averagePrecision: build(
          'average_precision',
          scores.map((s) => s.averagePrecision),
        ),
      }
    },
  }
}
