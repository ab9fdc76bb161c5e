/** Reference profile: per-feature summaries, target distributions and baseline performance. */
export { type CategoricalProfile, categoricalProfile } from './categorical-profile.js'
export { inferKind } from './infer-kind.js'
export {
  jsonNumber,
  type NumericalProfile,
  numericalProfile,
  type NumericalProfileOptions,
  profileQuantile,
  type QuantileProfile,
  stratifiedSample,
} from './numerical-profile.js'
export {
  type ClassificationProfile,
  type PerformanceProfile,
  performanceProfile,
  type ProbabilisticProfile,
  rankGroups,
} from './performance-profile.js'
export {
  buildProfile,
  column,
  type FeatureProfile,
  featureNames,
  featureProfile,
  PROFILE_VERSION,
  type ProfileOptions,
  type ReferenceProfile,
  type Row,
  type TargetNames,
  targetColumns,
  type TargetsProfile,
} from './profile.js'
export { PROFILE_QUANTILES, quantileSorted } from './quantiles.js'
export {
  type BinaryOutcomes,
  binaryOutcomes,
  classSpellingNotes,
  DECISION_THRESHOLD,
  readTargets,
  resolveTask,
  type TargetColumns,
  type TargetOptions,
  type Targets,
  type Task,
  type TaskSpec,
} from './targets.js'
export { noScoreRefusals, refusedScore, SCORE_REFUSALS, type ScoreRefusal, streamTargets, type StreamTargets } from './stream-targets.js'
export { type ColumnKind, compareText, DECIMAL_TEXT, type FeatureValue, isMissing, type Reading, readCategory, readNumber } from './values.js'
