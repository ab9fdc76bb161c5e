/** Drift statistics: pure functions and mergeable accumulators, each returning a StatResult. */
export { benjaminiHochberg } from './benjamini-hochberg.js'
export { type AlignedCategories, alignCategories, type CategoryCounts } from './categories.js'
export { categoricalJensenShannon, categoricalPsi, linf } from './categorical-distances.js'
export { type CategoryState, type CategoryValue, categoryAccumulator } from './category-accumulator.js'
export { chiSquare, chiSquareSf } from './chi-square.js'
export {
  type Correction,
  type DatasetDrift,
  datasetDriftShare,
  type FeatureDrift,
  type FeatureDriftInput,
} from './dataset-drift.js'
export {
  type DriftRule, type DriftRuleInput, type DriftStatus, driftRule, MIN_ROWS_FOR_VERDICT, NOT_COMPUTABLE, type RuleStatus, singleVerdict, verdictStatus,
} from './decide.js'
export { gammaQ } from './gamma-q.js'
export { hellinger } from './hellinger.js'
export { type HistogramState, histogramAccumulator } from './histogram-accumulator.js'
export { jensenShannon } from './jensen-shannon.js'
export { kl } from './kl.js'
export { KS_MAX_EXACT_N, ks } from './ks.js'
export { kstwoSf } from './kstwo.js'
export { type EpsilonOptions, psi } from './psi.js'
export { type BinCounts, binCounts, decileEdges, orderStatisticIndices, quantileBetween, REFERENCE_QUANTILES, referenceBinEdges } from './reference-bins.js'
export { isSortedRuns, runLength, runsSize, type SortedRuns, sortedSample } from './sample.js'
export {
  CATEGORICAL_MAX_UNIQUE,
  type CategorySides,
  type ColumnKind,
  DISTANCE_THRESHOLD,
  type DriftMethod,
  type DriftMethodChoice,
  P_VALUE_THRESHOLD,
  RARE_CATEGORY_MAX_PERCENT,
  type SampleSizes,
  SMALL_REFERENCE_MAX_ROWS,
  selectDriftMethod,
} from './select-method.js'
export {
  type ConfigurableMethod,
  CorrectionSchema,
  DISTANCE_METHODS,
  type DriftThresholds,
  DriftThresholdsSchema,
  TEST_METHODS,
  type ThresholdSetting,
  ThresholdSettingSchema,
} from './thresholds.js'
export { wasserstein, wassersteinDistance } from './wasserstein.js'
export { zTest } from './z-test.js'
