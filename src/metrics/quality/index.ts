/** Data quality and outliers of a window against a reference profile (mergeable accumulators). */
export {
  addFeatureValue,
  emptyFeatureQuality,
  type FeatureQuality,
  type FeatureQualityState,
  featureQualityResult,
  mergeFeatureQuality,
} from './feature-quality.js'
export { NEW_CATEGORIES_KEPT, type NewCategories } from './new-categories.js'
export { type OutlierGroup, OUTLIER_THRESHOLD, outlierAccumulator, type OutlierState, type OutlierSummary, outlierSummaryOfGroups } from './outlier-accumulator.js'
export { featureCheck, type FeatureCheck, LOWER_QUANTILE, type OutlierScore, outlierScorer, rareCategories, TAIL_MASS, UPPER_QUANTILE } from './outlier-score.js'
export { qualityAccumulator, type QualityResult, type QualityState } from './quality-accumulator.js'
