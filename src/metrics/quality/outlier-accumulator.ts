/**
 * Outliers in a window: the per-event scores of ./outlier-score.ts aggregated as a mergeable
 * accumulator.
 *
 *   outlierRate = #{events with score >= threshold} / scored
 *   meanScore   = Σ score / scored                 (<= about 0.01 for data like the reference)
 *   maxScore    = max score
 * over the `scored` events (those with at least one evaluated feature); events with no
 * evaluated feature are counted in `unscored`. Empty window: rates NaN, maxScore NaN.
 *
 * Default threshold 0.25: at least a quarter of the event's evaluated features in the
 * reference's 1% tails. With d independent features that happens to a reference event with
 * probability at most P(Binomial(d, 0.01) >= ⌈d/4⌉): 1% for d = 1, 0.27% for d = 8. Compare the
 * window's rate with the reference's own rate at the same threshold (the report shows both).
 * Sums are floating point: merging in another order changes the mean in the last bits only.
 */
import { checkWeight } from '../weight.js'
import type { ReferenceProfile, Row } from '../profile/index.js'
import type { Accumulator } from '../types.js'
import { outlierScorer } from './outlier-score.js'

export const OUTLIER_THRESHOLD = 0.25

export interface OutlierState {
  events: number
  scored: number
  outliers: number
  scoreSum: number
  /** null until an event is scored (JSON has no −Infinity). */
  maxScore: number | null
}

export interface OutlierSummary {
  readonly events: number
  readonly scored: number
  readonly unscored: number
  readonly outliers: number
  readonly outlierRate: number
  readonly meanScore: number
  readonly maxScore: number
  readonly threshold: number
}

export function outlierAccumulator(
  profile: ReferenceProfile,
  { threshold = OUTLIER_THRESHOLD }: { readonly threshold?: number } = {},
): Accumulator<OutlierState, Row, OutlierSummary> {
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${threshold}`)
  const score = outlierScorer(profile)
  const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b))
  return {
    create: () => ({ events: 0, scored: 0, outliers: 0, scoreSum: 0, maxScore: null }),
    update(state, row, weight = 1) {
      if (checkWeight(weight) === 0) return state
      state.events += weight
      const s = score(row).score
      if (Number.isNaN(s)) return state
      state.scored += weight
      state.scoreSum += s * weight
      if (s >= threshold) state.outliers += weight
      state.maxScore = max(state.maxScore, s)
      return state
    },
    merge: (a, b) => ({
      events: a.events + b.events,
      scored: a.scored + b.scored,
      outliers: a.outliers + b.outliers,
      scoreSum: a.scoreSum + b.scoreSum,
      maxScore: max(a.maxScore, b.maxScore),
    }),
    result: (state) => ({
      events: state.events,
      scored: state.scored,
      unscored: state.events - state.scored,
      outliers: state.outliers,
      outlierRate: state.scored === 0 ? Number.NaN : state.outliers / state.scored,
      meanScore: state.scored === 0 ? Number.NaN : state.scoreSum / state.scored,
      maxScore: state.maxScore ?? Number.NaN,
      threshold,
    }),
  }
}

/** How many events had `evaluated` features evaluated and `extreme` of them extreme. */
export interface OutlierGroup {
  readonly evaluated: number
  readonly extreme: number
  readonly count: number
}

/**
 * The summary of events counted by (evaluated, extreme) — what the stream evaluator reads back
 * from its windows and the batch report's engine counts in SQL. Each group's score is
 * extreme / evaluated; the mean adds count × score over the groups in ascending (evaluated,
 * extreme) order, so it does not depend on the order of the events (the accumulator's
 * per-event sum can differ from it in the last bits).
 */
export function outlierSummaryOfGroups(groups: Iterable<OutlierGroup>, threshold = OUTLIER_THRESHOLD): OutlierSummary {
  const sorted = [...groups].sort((a, b) => a.evaluated - b.evaluated || a.extreme - b.extreme)
  let events = 0
  let scored = 0
  let outliers = 0
  let scoreSum = 0
  let maxScore = Number.NaN
  for (const { evaluated, extreme, count } of sorted) {
    events += count
    if (evaluated === 0 || count === 0) continue
    const score = extreme / evaluated
    scored += count
    scoreSum += count * score
    if (score >= threshold) outliers += count
    maxScore = Number.isNaN(maxScore) ? score : Math.max(maxScore, score)
  }
  const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN)
  return { events, scored, unscored: events - scored, outliers, threshold, maxScore, outlierRate: ratio(outliers, scored), meanScore: ratio(scoreSum, scored) }
}
