/**
 * Untyped JSON (HTTP ingest, backfill files) -> PredictionEvent | GroundTruthEvent, or a
 * DriftwatchError naming the field path. The Avro schema is the single source of truth for
 * shape: the JSON field names are the Avro ones, checked with avsc (undeclared fields are
 * rejected), then the semantic checks of validate.ts run. Times may be epoch milliseconds or
 * ISO 8601 strings; optional fields take their Avro defaults.
 */
import type avro from 'avsc'
import { DriftwatchError } from '../errors.js'
import { avroType, type EventKind, type GroundTruthEvent, type PredictionEvent } from './schemas.js'
import { DEFAULT_LIMITS, validateGroundTruth, validatePrediction, type ValidationLimits } from './validate.js'

export type Parsed<T> = { readonly ok: true; readonly event: T } | { readonly ok: false; readonly error: DriftwatchError }

const types: Partial<Record<EventKind, avro.Type>> = {}
const typeOf = (kind: EventKind) => (types[kind] ??= avroType(kind))

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

function toMillis(v: unknown): unknown {
  if (typeof v !== 'string') return v
  const ms = Date.parse(v)
  return Number.isNaN(ms) ? v : ms
}

function shapeError(kind: EventKind, candidate: unknown): DriftwatchError | null {
  const paths: string[] = []
  typeOf(kind).isValid(candidate, {
    noUndeclaredFields: true,
    errorHook: (path: string[]) => paths.push(path.join('.') || '(root)'),
  })
  if (paths.length === 0) return null
  const missing = paths.filter((p) => p !== '(root)' && getPath(candidate, p) === undefined)
  const path = missing[0] ?? paths[0]!
  return new DriftwatchError(missing.length ? 'DW_MISSING_FIELD' : 'DW_VALIDATION_FAILED', `${path}: ${missing.length ? 'is required' : 'has the wrong type or is not a field of the schema'}`, {
    path,
    paths,
  })
}

function getPath(x: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), x)
}

export function parsePredictionJson(input: unknown, nowMs: number, limits: ValidationLimits = DEFAULT_LIMITS): Parsed<PredictionEvent> {
  if (!isObject(input)) return { ok: false, error: new DriftwatchError('DW_VALIDATION_FAILED', '(root): must be a JSON object', { path: '(root)' }) }
  const prediction = isObject(input['prediction']) ? input['prediction'] : input['prediction']
  const candidate = {
    segments: {},
    deployment: { environment: 'production', variant: 'champion' },
    subject_id: null,
    ...input,
    event_time: toMillis(input['event_time']),
    prediction: isObject(prediction) ? { class_label: null, score: null, probabilities: null, value: null, ...prediction } : prediction,
    ...(isObject(input['deployment']) ? { deployment: { environment: 'production', variant: 'champion', ...input['deployment'] } } : {}),
  }
  const error = shapeError('prediction', candidate) ?? validatePrediction(candidate as PredictionEvent, nowMs, limits)
  return error ? { ok: false, error } : { ok: true, event: candidate as PredictionEvent }
}

export function parseGroundTruthJson(input: unknown, nowMs: number, limits: ValidationLimits = DEFAULT_LIMITS): Parsed<GroundTruthEvent> {
  if (!isObject(input)) return { ok: false, error: new DriftwatchError('DW_VALIDATION_FAILED', '(root): must be a JSON object', { path: '(root)' }) }
  const label = input['label']
  const candidate = {
    source: 'stream',
    ...input,
    label_time: toMillis(input['label_time']),
    label: isObject(label) ? { class_label: null, value: null, ...label } : label,
  }
  const error = shapeError('ground-truth', candidate) ?? validateGroundTruth(candidate as GroundTruthEvent, nowMs, limits)
  return error ? { ok: false, error } : { ok: true, event: candidate as GroundTruthEvent }
}
