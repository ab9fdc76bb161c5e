/** Concept drift against the reference: performance degradation (b) and calibration drift (c). */
export { type CalibrationBinDrift, type CalibrationDrift, calibrationDrift } from './calibration-drift.js'
export {
  binaryCounts,
  type DegradationSample,
  type PerformanceDegradation,
  performanceDegradation,
} from './performance-degradation.js'
