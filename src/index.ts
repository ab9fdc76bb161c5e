/**
 * driftwatch's public library API: the producer client for model services, the event types,
 * and the pure metric code (statistics, streaming detectors, performance, fairness).
 */
export { createPredictionLogger, type GroundTruthInput, type PredictionInput, type PredictionLogger, type PredictionLoggerOptions } from './client/prediction-logger.js'
export type { GroundTruthEvent, PredictionEvent, FeatureValue, Variant } from './ingest/schemas.js'
export { DriftwatchError, ErrorCodes, type ErrorCode } from './errors.js'
export type { StatResult, Accumulator } from './metrics/types.js'
export * as drift from './metrics/drift/index.js'
export * as detectors from './metrics/detectors/index.js'
export * as performance from './metrics/performance/index.js'
export * as fairness from './metrics/fairness/index.js'
