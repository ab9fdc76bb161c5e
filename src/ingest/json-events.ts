/**
 * Untyped JSON (HTTP ingest, backfill files) -> PredictionEvent | GroundTruthEvent, or a
 * DriftwatchError naming the field path. The Avro schema is the single source of truth for
 * shape: the JSON field names are the Avro ones, checked with avsc (undeclared fields are
 * rejected, by name), then the semantic checks of validate.ts run. Times are read by
 * event-time.ts (epoch milliseconds, or ISO 8601 with a zone or a bare date), the same reading as
 * the backfill's; optional fields take their Avro defaults. A value of the wrong type is reported
 * with what the Avro type at its path accepts, every branch of a union named
 * (`prediction.score: has the wrong type: expected a number or null, got a string`).
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

/**
 * What an Avro type accepts, in JSON terms, for messages: `["null", "double"]` is "a number or
 * null", a map "an object whose values are each …", an enum its symbols. A union lists null last,
 * or first when another branch is a map or an array ("null or an object whose values are each a
 * number"), so that it never reads as a value type of that branch.
 */
function expectedJson(type: avro.Type): string {
  if (type instanceof avroTypes.UnwrappedUnionType) {
    const isNull = (t: avro.Type): boolean => t instanceof avroTypes.NullType
    const others = type.types.filter((t) => !isNull(t))
    const nested = others.some((t) => t instanceof avroTypes.MapType || t instanceof avroTypes.ArrayType)
    const ordered = others.length === type.types.length ? others : nested ? [type.types.find(isNull)!, ...others] : [...others, type.types.find(isNull)!]
    const branches = ordered.map(expectedJson)
    return branches.length > 1 ? `${branches.slice(0, -1).join(', ')} or ${branches.at(-1)!}` : (branches[0] ?? 'nothing')
  }
  if (type instanceof avroTypes.NullType) return 'null'
  if (type instanceof avroTypes.BooleanType) return 'a boolean'
  if (type instanceof avroTypes.IntType || type instanceof avroTypes.LongType) return 'an integer'
  if (type instanceof avroTypes.FloatType || type instanceof avroTypes.DoubleType) return 'a number'
  if (type instanceof avroTypes.StringType) return 'a string'
  if (type instanceof avroTypes.EnumType) return `one of ${type.symbols.map((x) => JSON.stringify(x)).join(', ')}`
  if (type instanceof avroTypes.ArrayType) return `an array of ${expectedJson(type.itemsType)}`
  if (type instanceof avroTypes.MapType) return `an object whose values are each ${expectedJson(type.valuesType)}`
  if (type instanceof avroTypes.RecordType) return 'an object'
  if (type instanceof avroTypes.LogicalType) return expectedJson(type.underlyingType)
  return `Avro ${type.typeName}`
}

/**
 * A JSON number's kind, for messages. JSON.parse reads a number past the largest double (1e400)
 * as ±Infinity, which is no number with a fraction; and an integer past ±(2^53 - 1) as the
 * nearest double, which an Avro long refuses as it may not be the integer written.
 */
function jsonNumberKind(value: number): string {
  if (!Number.isFinite(value)) return `a number too large for a double (it reads as ${value})`
  if (!Number.isInteger(value)) return 'a number with a fraction'
  return Number.isSafeInteger(value) ? 'a number' : 'an integer too large to hold exactly (beyond ±2^53 - 1)'
}

/** A JSON value's kind, for messages; the value itself where an enum's symbol was expected. */
function jsonKind(value: unknown, type: avro.Type): string {
  if (typeof value === 'string' && type instanceof avroTypes.EnumType) return JSON.stringify(value.length > 50 ? `${value.slice(0, 50)}…` : value)
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'number') return jsonNumberKind(value)
  return `a ${typeof value}`
}

function shapeError(kind: EventKind, candidate: unknown): DriftwatchError | null {
  const illFormed = illFormedString(candidate)
  if (illFormed) return new DriftwatchError('DW_VALIDATION_FAILED', `${illFormed.toWellFormed()}: has a lone UTF-16 surrogate, which UTF-8 cannot encode`, { path: illFormed.toWellFormed() })
  const undeclared = undeclaredField(typeOf(kind), candidate, '')
  if (undeclared) return new DriftwatchError('DW_VALIDATION_FAILED', `${undeclared}: is not a field of the schema`, { path: undeclared })
  const paths: string[] = []
  let first: { value: unknown; type: avro.Type } | undefined
  typeOf(kind).isValid(candidate, {
    // Still needed: an array passes avsc's record check when every field has a default.
    noUndeclaredFields: true,
    errorHook: (path: string[], value: unknown, type: avro.Type) => {
      paths.push(path.join('.') || '(root)')
      first ??= { value, type }
    },
  })
  if (paths.length === 0) return null
  const missing = paths.filter((p) => p !== '(root)' && getPath(candidate, p) === undefined)
  if (missing.length) return new DriftwatchError('DW_MISSING_FIELD', `${missing[0]!}: is required`, { path: missing[0]!, paths })
  const path = paths[0]!
  // The type avsc checked the value against at that path: for a nullable field, the union.
  const expected = first ? `: expected ${expectedJson(first.type)}, got ${jsonKind(first.value, first.type)}` : ''
  return new DriftwatchError('DW_VALIDATION_FAILED', `${path}: has the wrong type${expected}`, { path, paths })
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
