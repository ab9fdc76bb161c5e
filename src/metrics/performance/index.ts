/**
 * Model performance metrics: realized (labels arrived) and estimated (CBPE, no labels).
 * Conventions and references are documented at the top of each file.
 */
export { type MetricResult, type ZeroDivision } from './metric-result.js'
export {
  compareLabels,
  confusionAccumulator,
  confusionMatrix,
  confusionMatrixFor,
  type ClassLabel,
  type ConfusionMatrix,
  type ConfusionState,
  type LabelPair,
} from './confusion-matrix.js'
export {
  accuracy,
  classificationMetrics,
  classificationReport,
  f1,
  precision,
  recall,
  type Average,
  type ClassificationOptions,
  type ClassificationReport,
} from './classification.js'
export {
  averagePrecision,
  averagePrecisionOvr,
  rankingFromGroups,
  rankingMetrics,
  rocAuc,
  tieGroups,
  rocAucOvr,
  type OvrResult,
  type RankGroup,
  type RankingScores,
} from './ranking.js'
export {
  DEFAULT_SCORE_BINS,
  scoreHistogramAccumulator,
  type RankingResult,
  type ScoredLabel,
  type ScoreHistogramState,
} from './score-histogram.js'
export {
  ovrScoreHistogramAccumulator,
  type OvrRankingResult,
  type OvrScoreHistogramState,
  type ScoredClassRow,
} from './ovr-score-histogram.js'
export {
  DEFAULT_CALIBRATION_BINS,
  calibrationAccumulator,
  calibrationBin,
  expectedCalibrationError,
  topLabelCalibrationError,
  type CalibrationBin,
  type CalibrationObservation,
  type CalibrationResult,
  type CalibrationState,
} from './calibration.js'
export {
  LOG_LOSS_EPSILON,
  brierScore,
  logLoss,
  multiclassLogLoss,
  probabilisticAccumulator,
  probabilisticMetrics,
  type BinaryProbability,
  type ProbabilisticResult,
  type ProbabilisticState,
} from './probabilistic.js'
export {
  MAPE_EPSILON,
  regressionAccumulator,
  regressionMetrics,
  type RegressionMetrics,
  type RegressionPair,
  type RegressionState,
} from './regression.js'
export {
  cbpe,
  cbpeAccumulator,
  type CbpeEstimate,
  type CbpeObservation,
  type CbpeOptions,
  type CbpeState,
  type ExpectedConfusion,
} from './cbpe.js'
export { calibratedCbpe, fitCbpeCalibration } from './cbpe-calibrated.js'
export { type IsotonicModel, isotonicFit, isotonicPredict, type WeightedPoint } from './isotonic.js'
export { labelCoverage, withLabelCoverage, type LabelCoverage, type WithLabelCoverage } from './coverage.js'
