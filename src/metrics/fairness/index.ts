/**
 * Fairness metrics: per-group rates and parity across groups, on a mergeable per-group
 * confusion accumulator. Conventions and references are at the top of each file.
 */
export {
  addGroupObservation,
  emptyGroupConfusion,
  mergeGroupConfusion,
  type GroupConfusionState,
  type GroupCounts,
  type GroupObservation,
} from './group-confusion.js'
export { DEFAULT_MIN_GROUP_SIZE, groupMetrics, type GroupMetrics, type GroupStatus } from './group-metrics.js'
export { FOUR_FIFTHS, parityMetrics, type DisparateImpactResult, type ParityMetrics } from './parity.js'
export { disparateImpactBound, type DisparateImpactBound, type SelectionCounts } from './disparate-impact-bound.js'
export {
  fairnessAccumulator,
  fairnessReport,
  fairnessResult,
  type FairnessData,
  type FairnessOptions,
  type FairnessReport,
} from './fairness-report.js'
