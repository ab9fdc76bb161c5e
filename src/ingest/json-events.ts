/**
 * Untyped JSON (HTTP ingest, backfill files) -> PredictionEvent | GroundTruthEvent, or a
 * DriftwatchError naming the field path. The Avro schema is the single source of truth for
 * shape: the JSON field names are the Avro ones, checked with avsc (undeclared fields are
 * rejected, by name), then the semantic checks of validate.ts run. Times are read by
 * event-time.ts (epoch milliseconds, or ISO 8601 with a zone or a bare date), the same reading as
 * the backfill's; optional fields take their Avro defaults.
 *
 * Map fields (features, segments, probabilities) come out as null-prototype objects, so keys such
 * as `__proto__` or `constructor` are plain keys, kept verbatim as they are on the Kafka path
 * (schemas.ts decodes Avro maps the same way).
 */
import avro from 'avsc'
import { DriftwatchError } from '../errors.js'
import { parseTime } from './event-time.js'
import { avroType, type EventKind, type GroundTruthEvent, type PredictionEvent } from './schemas.js'
import { DEFAULT_LIMITS, validateGroundTruth, validatePrediction, type ValidationLimits } from './validate.js'

export type Parsed<T> = { readonly ok: true; readonly event: T } | { readonly ok: false; readonly error: DriftwatchError }

const avroTypes = avro.types

const types: Partial<Record<EventKind, avro.Type>> = {}
const typeOf = (kind: EventKind) => (types[kind] ??= avroType(kind))

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/** A time field: absent stays absent (the shape check says it is required), else parseTime. */
function readTime(input: Record<string, unknown>, field: string): { ok: true; value: unknown } | { ok: false; error: DriftwatchError } {
  const v = input[field]
  if (v === undefined) return { ok: true, value: v }
  const ms = parseTime(v)
  if (typeof ms === 'number') return { ok: true, value: ms }
  return { ok: false, error: new DriftwatchError('DW_VALIDATION_FAILED', `${field}: ${ms.problem}`, { path: field }) }
}

const ownKeys = (x: object) => Object.keys(x)

const recordFields = new WeakMap<avro.Type, ReadonlyMap<string, avro.Type>>()
function fieldsOf(type: InstanceType<typeof avroTypes.RecordType>): ReadonlyMap<string, avro.Type> {
  let fields = recordFields.get(type)
  if (!fields) recordFields.set(type, (fields = new Map(type.fields.map((f) => [f.name, f.type]))))
  return fields
}

/** The first field of `value` that the Avro record type does not declare, as a path; null if none. */
function undeclaredField(type: avro.Type, value: unknown, path: string): string | null {
  if (!isObject(value)) return null
  // Loops, not closures: this runs for every HTTP item and backfill row.
  if (type instanceof avroTypes.RecordType) {
    const fields = fieldsOf(type)
    for (const k of ownKeys(value)) if (!fields.has(k)) return path ? `${path}.${k}` : k
    for (const [name, fieldType] of fields) {
      const found = undeclaredField(fieldType, value[name], path ? `${path}.${name}` : name)
      if (found) return found
    }
    return null
  }
  if (type instanceof avroTypes.UnwrappedUnionType) {
    for (const branch of type.types) {
      const found = undeclaredField(branch, value, path)
      if (found) return found
    }
  }
  return null
}

/**
 * The first string (a value or a map key) that is not well-formed UTF-16, as a path; null if none.
 * JSON may carry a lone surrogate ("\ud800"), which UTF-8 cannot encode: Avro would write it as
 * U+FFFD, so two ids that differ only there would become one after they were accepted. A loop
 * over an explicit stack, not recursion: a body may nest arrays 100,000 deep.
 */
function illFormedString(root: unknown): string | null {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }]
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, path } = top
    if (typeof value === 'string') {
      if (!value.isWellFormed()) return path || '(root)'
      continue
    }
    if (typeof value !== 'object' || value === null) continue
    const keys = ownKeys(value)
    // Pushed last to first, so the first ill-formed string in document order is found first.
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!
      const at = path ? `${path}.${k}` : k
      if (!Array.isArray(value) && !k.isWellFormed()) return at
      stack.push({ value: (value as Record<string, unknown>)[k], path: at })
    }
  }
  return null
}

function shapeError(kind: EventKind, candidate: unknown): DriftwatchError | null {
  const illFormed = illFormedString(candidate)
  if (illFormed) return new DriftwatchError('DW_VALIDATION_FAILED', `${illFormed.toWellFormed()}: has a lone UTF-16 surrogate, which UTF-8 cannot encode`, { path: illFormed.toWellFormed() })
  const undeclared = undeclaredField(typeOf(kind), candidate, '')
  if (undeclared) return new DriftwatchError('DW_VALIDATION_FAILED', `${undeclared}: is not a field of the schema`, { path: undeclared })
  const paths: string[] = []
  typeOf(kind).isValid(candidate, {
    // Still needed: an array passes avsc's record check when every field has a default.
    noUndeclaredFields: true,
    errorHook: (path: string[]) => paths.push(path.join('.') || '(root)'),
  })
  if (paths.length === 0) return null
  const missing = paths.filter((p) => p !== '(root)' && getPath(candidate, p) === undefined)
  const path = missing[0] ?? paths[0]!
  return new DriftwatchError(missing.length ? 'DW_MISSING_FIELD' : 'DW_VALIDATION_FAILED', `${path}: ${missing.length ? 'is required' : 'has the wrong type'}`, {
    path,
    paths,
  })
}

function getPath(x: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (isObject(o) && Object.hasOwn(o, k) ? o[k] : undefined), x)
}

/** A copy of a JSON map with no prototype: every key, `__proto__` included, is an own data key. */
function nullProto<V>(map: Record<string, V>): Record<string, V> {
  const out = Object.create(null) as Record<string, V>
  for (const k of ownKeys(map)) out[k] = map[k]!
  return out
}

const notAnObject = () => ({ ok: false as const, error: new DriftwatchError('DW_VALIDATION_FAILED', '(root): must be a JSON object', { path: '(root)' }) })

export function parsePredictionJson(input: unknown, nowMs: number, limits: ValidationLimits = DEFAULT_LIMITS): Parsed<PredictionEvent> {
  if (!isObject(input)) return notAnObject()
  const time = readTime(input, 'event_time')
  if (!time.ok) return time
  const prediction = input['prediction']
  const candidate = {
    segments: {},
    deployment: { environment: 'production', variant: 'champion' },
    subject_id: null,
    ...input,
    event_time: time.value,
    prediction: isObject(prediction) ? { class_label: null, score: null, probabilities: null, value: null, ...prediction } : prediction,
    ...(isObject(input['deployment']) ? { deployment: { environment: 'production', variant: 'champion', ...input['deployment'] } } : {}),
  }
  const error = shapeError('prediction', candidate)
  if (error) return { ok: false, error }
  const e = candidate as PredictionEvent
  const event: PredictionEvent = {
    ...e,
    features: nullProto(e.features),
    segments: nullProto(e.segments),
    prediction: { ...e.prediction, probabilities: e.prediction.probabilities === null ? null : nullProto(e.prediction.probabilities) },
  }
  const problem = validatePrediction(event, nowMs, limits)
  return problem ? { ok: false, error: problem } : { ok: true, event }
}

export function parseGroundTruthJson(input: unknown, nowMs: number, limits: ValidationLimits = DEFAULT_LIMITS): Parsed<GroundTruthEvent> {
  if (!isObject(input)) return notAnObject()
  const time = readTime(input, 'label_time')
  if (!time.ok) return time
  const label = input['label']
  const candidate = {
    source: 'stream',
    ...input,
    label_time: time.value,
    label: isObject(label) ? { class_label: null, value: null, ...label } : label,
  }
  const error = shapeError('ground-truth', candidate) ?? validateGroundTruth(candidate as GroundTruthEvent, nowMs, limits)
  return error ? { ok: false, error } : { ok: true, event: candidate as GroundTruthEvent }
}
