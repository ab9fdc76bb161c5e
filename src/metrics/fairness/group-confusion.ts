/**
 * Per-group binary confusion counts (and calibration bins) as a mergeable accumulator — the
 * base of every fairness metric.
 *
 * For each value g of the sensitive feature:
 *   tp_g = #{y=1, ŷ=1}  fp_g = #{y=0, ŷ=1}  tn_g = #{y=0, ŷ=0}  fn_g = #{y=1, ŷ=0}   labeled only
 *   predictions_g = #{every prediction}  selected_g = #{ŷ=1}                     labeled or not
 * plus, when labeled observations carry a score P(y=1), the equal-width calibration bins of
 * performance/calibration.ts for the group's ECE.
 *
 * Selection needs no label: an observation without yTrue (undefined or null) is an unlabeled
 * prediction and counts only in predictions_g / selected_g, so selection rate and demographic
 * parity cover every prediction, as fairlearn's selection_rate covers every row it is given,
 * while TPR, FPR, PPV, accuracy and ECE come from the labeled pairs. A group state stored
 * before predictions_g / selected_g existed held labeled pairs only: it reads as
 * predictions_g = tp + fp + tn + fn, selected_g = tp + fp (`selectionCounts`).
 *
 * foldedMatches_g counts, of tn_g, the observations whose classes differ before the 0/1 reading
 * (`folded`: a label "2" predicted "0", read as not the positive class both), so the group's
 * accuracy is the exact match of predicted class and label, as fairlearn's MetricFrame with
 * sklearn.metrics.accuracy_score on the class texts gives it (group-metrics.ts). `folded` on an
 * observation that is no true negative is ignored. A group state stored before the field lacks
 * it (0); merge sums it.
 *
 * Groups are whatever appears (no list needed up front); labels and predictions are 0/1
 * (1 = positive / selected). Input policy (performance/metric-result.ts): a group that is NaN
 * or ±Infinity, a label other than 0/1 (when present) or a prediction other than 0/1 excludes
 * the observation and counts it in `excluded`; a missing score only leaves the calibration bins alone, and an invalid
 * score (non-finite or outside [0, 1]) is counted in that group's calibration `excluded`.
 * `update` mutates and returns the state; `merge` returns a new one.
 */
import { checkWeight } from '../weight.js'
import {
  addCalibration,
  emptyCalibration,
  mergeCalibration,
  type CalibrationState,
} from '../performance/calibration.js'
import { isValidLabel, type ClassLabel } from '../performance/confusion-matrix.js'
import { isBinaryLabel } from '../performance/metric-result.js'

export interface GroupObservation {
  readonly group: ClassLabel
  /** The label; undefined or null: an unlabeled prediction (selection counts only). */
  readonly yTrue?: number | null
  readonly yPred: number
  /** P(y = 1), for the group's calibration error. Optional. */
  readonly score?: number
  /** A labeled (0, 0) pair whose classes differ before the 0/1 reading (see above). Optional. */
  readonly folded?: boolean
}

export interface GroupCounts {
  group: ClassLabel
  tp: number
  fp: number
  tn: number
  fn: number
  /** Every prediction of the group (labeled or not) and those with ŷ = 1; absent in states
   *  stored before they existed (read them with `selectionCounts`). */
  predictions?: number
  selected?: number
  /** Of tn, the pairs whose classes differ (see above); absent: 0 (none, or a state stored before it). */
  foldedMatches?: number
  calibration: CalibrationState
}

/** A group's selection counts over all its predictions; labeled pairs only for an old state. */
export function selectionCounts(g: GroupCounts): { predictions: number; selected: number } {
  return { predictions: g.predictions ?? g.tp + g.fp + g.tn + g.fn, selected: g.selected ?? g.tp + g.fp }
}

export interface GroupConfusionState {
  nBins: number
  /** In first-seen order. */
  groups: GroupCounts[]
  excluded: number
}

export function emptyGroupConfusion(nBins: number): GroupConfusionState {
  emptyCalibration(nBins) // validates nBins
  return { nBins, groups: [], excluded: 0 }
}

export function emptyGroupCounts(group: ClassLabel, nBins: number): GroupCounts {
  return { group, tp: 0, fp: 0, tn: 0, fn: 0, predictions: 0, selected: 0, calibration: emptyCalibration(nBins) }
}

function countsOf(state: GroupConfusionState, group: ClassLabel): GroupCounts {
  let counts = state.groups.find((g) => g.group === group)
  if (counts === undefined) {
    counts = emptyGroupCounts(group, state.nBins)
    state.groups.push(counts)
  }
  return counts
}

export function addGroupObservation(state: GroupConfusionState, x: GroupObservation, weight = 1): GroupConfusionState {
  if (checkWeight(weight) === 0) return state
  const labeled = x.yTrue !== undefined && x.yTrue !== null
  if (!isValidLabel(x.group) || (labeled && !isBinaryLabel(x.yTrue)) || !isBinaryLabel(x.yPred)) {
    state.excluded += weight
    return state
  }
  const c = countsOf(state, x.group)
  const { predictions, selected } = selectionCounts(c)
  c.predictions = predictions + weight
  c.selected = selected + (x.yPred === 1 ? weight : 0)
  if (!labeled) return state
  if (x.yTrue === 1) {
    if (x.yPred === 1) c.tp += weight
    else c.fn += weight
  } else if (x.yPred === 1) c.fp += weight
  else {
    c.tn += weight
    if (x.folded === true) c.foldedMatches = (c.foldedMatches ?? 0) + weight
  }
  if (x.score !== undefined) addCalibration(c.calibration, { probability: x.score, outcome: x.yTrue as number }, weight)
  return state
}

export function mergeGroupConfusion(a: GroupConfusionState, b: GroupConfusionState): GroupConfusionState {
  if (a.nBins !== b.nBins) throw new RangeError(`cannot merge group states with nBins ${a.nBins} and ${b.nBins}`)
  const out: GroupConfusionState = { nBins: a.nBins, groups: [], excluded: a.excluded + b.excluded }
  for (const g of [...a.groups, ...b.groups]) {
    const c = countsOf(out, g.group)
    const [mine, theirs] = [selectionCounts(c), selectionCounts(g)]
    c.predictions = mine.predictions + theirs.predictions
    c.selected = mine.selected + theirs.selected
    c.tp += g.tp
    c.fp += g.fp
    c.tn += g.tn
    c.fn += g.fn
    const folded = (c.foldedMatches ?? 0) + (g.foldedMatches ?? 0)
    if (folded !== 0) c.foldedMatches = folded
    c.calibration = mergeCalibration(c.calibration, g.calibration)
  }
  return out
}
