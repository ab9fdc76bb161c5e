/** Differences between two samples' metrics with confidence intervals (model comparison). */
export {
  compareBinary,
  compareModels,
  type ModelComparison,
  type ModelSample,
  RATE_METRICS,
  type RateMetric,
  rateOf,
} from './compare-models.js'
export { type AucWithVariance, aucDifference, delongAuc, histogramRankGroups, rankGroups } from './delong.js'
export {
  criticalValue,
  DEFAULT_CONFIDENCE,
  type DifferenceOptions,
  type DifferenceResult,
  independentVariance,
  normalInterval,
  twoSidedP,
} from './difference.js'
export { type BinaryConfusion, f1Difference, f1WithVariance } from './f1-difference.js'
export { type Proportion, proportionDifference, wilsonInterval } from './proportion-difference.js'
