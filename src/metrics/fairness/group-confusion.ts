/**
 * Per-group binary confusion counts (and calibration bins) as a mergeable accumulator — the
 * base of every fairness metric.
 *
 * For each value g of the sensitive feature:
 *   tp_g = #{y=1, ŷ=1}  fp_g = #{y=0, ŷ=1}  tn_g = #{y=0, ŷ=0}  fn_g = #{y=1, ŷ=0}
 * plus, when observations carry a score P(y=1), the equal-width calibration bins of
 * performance/calibration.ts for the group's ECE.
 *
 * Groups are whatever appears (no list needed up front); labels and predictions are 0/1
 * (1 = positive / selected). Input policy (performance/metric-result.ts): a group that is NaN
 * or ±Infinity, or a label or prediction other than 0/1, excludes the observation and counts
 * it in `excluded`; a missing score only leaves the calibration bins alone, and an invalid
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
  readonly yTrue: number
  readonly yPred: number
  /** P(y = 1), for the group's calibration error. Optional. */
  readonly score?: number
}

export interface GroupCounts {
  group: ClassLabel
  tp: number
  fp: number
  tn: number
  fn: number
  calibration: CalibrationState
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
  return { group, tp: 0, fp: 0, tn: 0, fn: 0, calibration: emptyCalibration(nBins) }
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
  if (!isValidLabel(x.group) || !isBinaryLabel(x.yTrue) || !isBinaryLabel(x.yPred)) {
    state.excluded += weight
    return state
  }
  const c = countsOf(state, x.group)
  if (x.yTrue === 1) {
    if (x.yPred === 1) c.tp += weight
    else c.fn += weight
  } else if (x.yPred === 1) c.fp += weight
  else c.tn += weight
  if (x.score !== undefined) addCalibration(c.calibration, { probability: x.score, outcome: x.yTrue }, weight)
  return state
}

export function mergeGroupConfusion(a: GroupConfusionState, b: GroupConfusionState): GroupConfusionState {
  if (a.nBins !== b.nBins) throw new RangeError(`cannot merge group states with nBins ${a.nBins} and ${b.nBins}`)
  const out: GroupConfusionState = { nBins: a.nBins, groups: [], excluded: a.excluded + b.excluded }
  for (const g of [...a.groups, ...b.groups]) {
    const c = countsOf(out, g.group)
    c.tp += g.tp
    c.fp += g.fp
    c.tn += g.tn
    c.fn += g.fn
    c.calibration = mergeCalibration(c.calibration, g.calibration)
  }
  return out
}
