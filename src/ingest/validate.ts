/**
 * Semantic checks on a decoded event; Avro already guarantees the types. Pure: the clock comes in
 * as `nowMs`. Returns the first problem as a DriftwatchError (with the field path), or null.
 */
import { DriftwatchError } from '../errors.js'
import { describeTime, LATEST_TIME_MS } from './event-time.js'
import { DEFAULT_MAX_FEATURE_NAME_LENGTH, DEFAULT_MAX_FEATURES } from './limits.js'
import type { GroundTruthEvent, PredictionEvent } from './schemas.js'

export interface ValidationLimits {
  /** Event times before this are rejected (default 2000-01-01T00:00:00Z). */
  readonly minEventTimeMs: number
  /** Event times later than now + this are rejected (default one day). */
  readonly maxFutureMs: number
  readonly maxIdLength: number
  /** Most entries in a prediction's feature map, values and nulls alike (ingest.maxFeatures). */
  readonly maxFeatures: number
  /** Longest feature name, in UTF-16 code units (ingest.maxFeatureNameLength). */
  readonly maxFeatureNameLength: number
  /** Model ids to accept; null accepts any model. */
  readonly knownModels: ReadonlySet<string> | null
}

export const DEFAULT_LIMITS: ValidationLimits = {
  minEventTimeMs: Date.UTC(2000, 0, 1),
  maxFutureMs: 24 * 3600 * 1000,
  maxIdLength: 256,
  maxFeatures: DEFAULT_MAX_FEATURES,
  maxFeatureNameLength: DEFAULT_MAX_FEATURE_NAME_LENGTH,
  knownModels: null,
}

/** The limits driftwatch.yaml's ingest section sets: one place, for the consumers and HTTP ingest. */
export function limitsFromConfig(
  ingest: { maxFutureMs: number; unknownModels: 'accept' | 'reject'; maxFeatures?: number; maxFeatureNameLength?: number },
  modelIds: readonly string[],
): ValidationLimits {
  return {
    ...DEFAULT_LIMITS,
    maxFutureMs: ingest.maxFutureMs,
    maxFeatures: ingest.maxFeatures ?? DEFAULT_LIMITS.maxFeatures,
    maxFeatureNameLength: ingest.maxFeatureNameLength ?? DEFAULT_LIMITS.maxFeatureNameLength,
    knownModels: ingest.unknownModels === 'reject' ? new Set(modelIds) : null,
  }
}

const problem = (code: ConstructorParameters<typeof DriftwatchError>[0], path: string, message: string) =>
  new DriftwatchError(code, `${path}: ${message}`, { path })

function checkId(id: string, path: string, limits: ValidationLimits): DriftwatchError | null {
  if (id.length === 0) return problem('DW_BAD_PREDICTION_ID', path, 'must not be empty')
  if (id.length > limits.maxIdLength) return problem('DW_BAD_PREDICTION_ID', path, `is ${id.length} characters, the limit is ${limits.maxIdLength}`)
  return null
}

/**
 * Control characters (U+0000-U+001F, U+007F) in a model id or version. Those two name windows,
 * marks and index entries, whose keys join them with U+0000: a NUL inside one would make two
 * models' keys collide. Nothing names a model with a control character on purpose.
 */
const CONTROL = /[\u0000-\u001f\u007f]/

function checkName(name: string, path: string): DriftwatchError | null {
  const at = name.search(CONTROL)
  if (at < 0) return null
  const code = name.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')
  return problem('DW_VALIDATION_FAILED', path, `contains the control character U+${code} at position ${at}; model ids and versions must not`)
}

function checkTime(ms: number, path: string, nowMs: number, limits: ValidationLimits): DriftwatchError | null {
  // Messages format times with describeTime: new Date(9e15).toISOString() would throw RangeError.
  if (!Number.isSafeInteger(ms)) return problem('DW_TIMESTAMP_OUT_OF_RANGE', path, `${ms} is not a time in whole milliseconds since the epoch`)
  if (ms < limits.minEventTimeMs) {
    return problem('DW_TIMESTAMP_OUT_OF_RANGE', path, `${ms} is before ${describeTime(limits.minEventTimeMs)}`)
  }
  if (ms > LATEST_TIME_MS) return problem('DW_TIMESTAMP_OUT_OF_RANGE', path, `${ms} is after ${describeTime(LATEST_TIME_MS)}, the latest time driftwatch stores`)
  if (ms > nowMs + limits.maxFutureMs) {
    return problem('DW_TIMESTAMP_OUT_OF_RANGE', path, `${describeTime(ms)} is more than ${limits.maxFutureMs} ms in the future`)
  }
  return null
}

const finite = (x: number | null | undefined) => x === null || x === undefined || Number.isFinite(x)

/**
 * Feature names the evaluator uses for the prediction's own columns (the score, the class, the
 * regression value: src/evaluate/queries.ts): a feature of one of these names would be counted
 * as that column. All begin with two underscores, which the fast reader sends to this check
 * (src/ingest/prediction-reader.ts).
 */
export const RESERVED_FEATURE_NAMES: ReadonlySet<string> = new Set(['__score__', '__class__', '__value__'])
const NO_PROBABILITIES: Readonly<Record<string, number>> = Object.freeze({})

/** A feature name in a path or message: its start, when it is too long to repeat whole. */
const shortName = (name: string) => (name.length > 64 ? `${name.slice(0, 64)}…` : name)

/**
 * The feature map's problems: the count and the names' lengths first, as the evaluator's cost
 * grows with them (src/ingest/limits.ts), then the values. Stops counting past the limit, so an
 * event of any width costs at most maxFeatures + 1 steps.
 */
function checkFeatures(features: PredictionEvent['features'], limits: ValidationLimits): DriftwatchError | null {
  let count = 0
  let first: DriftwatchError | null = null
  // for-in, not Object.entries: no array per event on the hot path (maps decode as null-prototype objects).
  for (const name in features) {
    if (++count > limits.maxFeatures) {
      const total = Object.keys(features).length
      return problem('DW_TOO_MANY_FEATURES', 'features', `holds ${total} features, the limit is ${limits.maxFeatures} per prediction (ingest.maxFeatures)`)
    }
    if (name.length > limits.maxFeatureNameLength) {
      return problem('DW_FEATURE_NAME_TOO_LONG', `features.${shortName(name)}`, `the name is ${name.length} characters, the limit is ${limits.maxFeatureNameLength} (ingest.maxFeatureNameLength)`)
    }
    if (first) continue
    const v = features[name]
    if (typeof v === 'number' && !Number.isFinite(v)) first = problem('DW_NON_FINITE_NUMBER', `features.${name}`, `${v} is not a finite number`)
    else if (RESERVED_FEATURE_NAMES.has(name)) first = problem('DW_VALIDATION_FAILED', `features.${name}`, 'is a name driftwatch reserves for the prediction\'s own columns (__score__, __class__, __value__)')
  }
  return first
}

/**
 * An empty class_label, of a prediction or a label, is refused on every path: stored, "" would be
 * a class of its own, scored against every other class. No class is null or an absent field.
 * Refused rather than read as null: validation decides, it does not rewrite the event (the Kafka
 * paths store what they decoded), and a refusal is counted and dead-lettered with the record's
 * bytes, so nothing is dropped unseen (docs/events.md, "Empty classes").
 */
const EMPTY_CLASS = 'must not be empty: leave class_label out, or send null, when there is no class'

export function validatePrediction(e: PredictionEvent, nowMs: number, limits = DEFAULT_LIMITS): DriftwatchError | null {
  const idProblem = checkId(e.prediction_id, 'prediction_id', limits)
  if (idProblem) return idProblem
  if (e.model_id.length === 0) return problem('DW_MISSING_FIELD', 'model_id', 'must not be empty')
  if (e.model_id.length > limits.maxIdLength) return problem('DW_VALIDATION_FAILED', 'model_id', `is ${e.model_id.length} characters, the limit is ${limits.maxIdLength}`)
  if (e.model_version.length > limits.maxIdLength) return problem('DW_VALIDATION_FAILED', 'model_version', `is ${e.model_version.length} characters, the limit is ${limits.maxIdLength}`)
  if (limits.knownModels && !limits.knownModels.has(e.model_id)) {
    return problem('DW_UNKNOWN_MODEL', 'model_id', `"${e.model_id.slice(0, 256)}" is not a model in the configuration (ingest.unknownModels: reject)`)
  }
  if (e.model_version.length === 0) return problem('DW_MISSING_FIELD', 'model_version', 'must not be empty')
  const nameProblem = checkName(e.model_id, 'model_id') ?? checkName(e.model_version, 'model_version')
  if (nameProblem) return nameProblem
  const timeProblem = checkTime(e.event_time, 'event_time', nowMs, limits)
  if (timeProblem) return timeProblem
  const featureProblem = checkFeatures(e.features, limits)
  if (featureProblem) return featureProblem
  const p = e.prediction
  if (!finite(p.score)) return problem('DW_NON_FINITE_NUMBER', 'prediction.score', `${p.score} is not a finite number`)
  if (!finite(p.value)) return problem('DW_NON_FINITE_NUMBER', 'prediction.value', `${p.value} is not a finite number`)
  const probabilities = p.probabilities ?? NO_PROBABILITIES
  for (const k in probabilities) {
    const v = probabilities[k]!
    if (!Number.isFinite(v)) return problem('DW_NON_FINITE_NUMBER', `prediction.probabilities.${k}`, `${v} is not a finite number`)
  }
  // A score and the class probabilities are probabilities (docs/events.md).
  if (p.score !== null && (p.score < 0 || p.score > 1)) return problem('DW_VALIDATION_FAILED', 'prediction.score', `${p.score} is not in [0, 1]`)
  for (const k in probabilities) {
    const v = probabilities[k]!
    if (v < 0 || v > 1) return problem('DW_VALIDATION_FAILED', `prediction.probabilities.${k}`, `${v} is not in [0, 1]`)
  }
  if (p.class_label === '') return problem('DW_MISSING_FIELD', 'prediction.class_label', EMPTY_CLASS)
  if (p.class_label === null && p.score === null && p.probabilities === null && p.value === null) {
    return problem('DW_MISSING_FIELD', 'prediction', 'needs at least one of class_label, score, probabilities, value')
  }
  return null
}

export function validateGroundTruth(e: GroundTruthEvent, nowMs: number, limits = DEFAULT_LIMITS): DriftwatchError | null {
  const idProblem = checkId(e.prediction_id, 'prediction_id', limits)
  if (idProblem) return idProblem
  const timeProblem = checkTime(e.label_time, 'label_time', nowMs, limits)
  if (timeProblem) return timeProblem
  if (!finite(e.label.value)) return problem('DW_NON_FINITE_NUMBER', 'label.value', `${e.label.value} is not a finite number`)
  if (e.label.class_label === '') {
    return e.label.value === null
      ? problem('DW_MISSING_FIELD', 'label', 'needs class_label or value; an empty class_label is no class')
      : problem('DW_MISSING_FIELD', 'label.class_label', EMPTY_CLASS)
  }
  if (e.label.class_label === null && e.label.value === null) return problem('DW_MISSING_FIELD', 'label', 'needs class_label or value')
  return null
}
