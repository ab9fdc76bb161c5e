/**
 * Fairness report of a window: per-group metrics (group-metrics.ts) and parity metrics
 * (parity.ts), built on the mergeable per-group confusion accumulator (group-confusion.ts).
 *
 * Options:
 *   minGroupSize (default 30) — groups with fewer observations are 'insufficient' and left
 *     out of the parity metrics;
 *   groups — groups expected in every window; one with no members is still reported (count 0,
 *     NaN rates, insufficient), so a group that vanished is visible rather than silent;
 *   nBins (default 10) — calibration bins for the per-group ECE;
 *   confidence (default 0.95) — of the disparate impact ratio's upper bound (parity.ts).
 * Groups are listed sorted like class labels (numbers ascending, then strings).
 */
import type { Accumulator } from '../types.js'
import { DEFAULT_CALIBRATION_BINS } from '../performance/calibration.js'
import { compareLabels, type ClassLabel } from '../performance/confusion-matrix.js'
import { assertPositiveInteger, assertSameLength, type Params } from '../performance/metric-result.js'
import {
  addGroupObservation,
  emptyGroupConfusion,
  emptyGroupCounts,
  mergeGroupConfusion,
  type GroupConfusionState,
  type GroupObservation,
} from './group-confusion.js'
import { DEFAULT_MIN_GROUP_SIZE, groupMetrics, type GroupMetrics } from './group-metrics.js'
import { parityMetrics, type ParityMetrics } from './parity.js'

export interface FairnessOptions {
  readonly minGroupSize?: number
  readonly groups?: readonly ClassLabel[]
  readonly nBins?: number
  readonly confidence?: number
}

export interface FairnessReport {
  readonly groups: readonly GroupMetrics[]
  readonly parity: ParityMetrics
  /** Observations excluded as invalid (bad group, label or prediction). */
  readonly excluded: number
  readonly params: Params
}

export function fairnessResult(state: GroupConfusionState, options: FairnessOptions = {}): FairnessReport {
  const minGroupSize = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE
  assertPositiveInteger('minGroupSize', minGroupSize)
  const counts = [...state.groups]
  for (const g of options.groups ?? []) {
    if (!counts.some((c) => c.group === g)) counts.push(emptyGroupCounts(g, state.nBins))
  }
  counts.sort((a, b) => compareLabels(a.group, b.group))
  const groups = counts.map((c) => groupMetrics(c, minGroupSize))
  return {
    groups,
    parity: parityMetrics(groups, minGroupSize, state.excluded, options.confidence),
    excluded: state.excluded,
    params: { minGroupSize, nBins: state.nBins },
  }
}

export function fairnessAccumulator(
  options: FairnessOptions = {},
): Accumulator<GroupConfusionState, GroupObservation, FairnessReport> {
  const nBins = options.nBins ?? DEFAULT_CALIBRATION_BINS
  assertPositiveInteger('minGroupSize', options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE)
  emptyGroupConfusion(nBins)
  return {
    create: () => emptyGroupConfusion(nBins),
    update: addGroupObservation,
    merge: mergeGroupConfusion,
    result: (state) => fairnessResult(state, options),
  }
}

export interface FairnessData {
  readonly groups: readonly ClassLabel[]
  /** null: an unlabeled prediction (selection rate only; group-confusion.ts). */
  readonly yTrue: readonly (number | null)[]
  readonly yPred: readonly number[]
  /** P(y = 1) per observation, for the per-group ECE. Optional. */
  readonly scores?: readonly number[]
  /** Per observation, a (0, 0) pair whose classes differ (group-confusion.ts `folded`), for the groups' accuracy. Optional. */
  readonly folded?: readonly boolean[]
}

/** Array convenience: the report of one batch. */
export function fairnessReport(data: FairnessData, options: FairnessOptions = {}): FairnessReport {
  assertSameLength('fairnessReport groups vs yTrue', data.groups, data.yTrue)
  assertSameLength('fairnessReport groups vs yPred', data.groups, data.yPred)
  if (data.scores !== undefined) assertSameLength('fairnessReport groups vs scores', data.groups, data.scores)
  if (data.folded !== undefined) assertSameLength('fairnessReport groups vs folded', data.groups, data.folded)
  const acc = fairnessAccumulator(options)
  const state = acc.create()
  data.groups.forEach((group, i) => {
    const x: GroupObservation = { group, yTrue: data.yTrue[i] ?? null, yPred: data.yPred[i]!, ...(data.folded?.[i] ? { folded: true } : {}) }
    acc.update(state, data.scores === undefined ? x : { ...x, score: data.scores[i]! })
  })
  return acc.result(state)
}
