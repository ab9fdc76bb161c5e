/**
 * Avro schema -> JSON Schema (2020-12, the dialect of OpenAPI 3.1) for the JSON form of our events
 * that src/ingest/json-events.ts accepts, so the published request schemas are generated from the
 * same .avsc files the validators use and cannot drift from them.
 *
 * Mapping (only the Avro types our contracts use; anything else is a bug and throws):
 *   record            -> object, properties = fields, required = fields without a default,
 *                        additionalProperties: false (json-events rejects undeclared fields)
 *   map<V>            -> object, additionalProperties = V
 *   union             -> type: [..] when every branch is a bare type, else anyOf
 *   enum              -> string with enum: symbols
 *   string, boolean, null -> the same JSON type; double, float -> number
 *   int, long         -> integer within the safe range (avsc refuses unsafe longs)
 *   long timestamp-millis -> integer ms since the epoch, or a string in a form src/ingest/event-time.ts
 *                        reads: epoch ms as digits, or ISO 8601 with a zone or a bare date (patterns,
 *                        not `format: date-time`, which refuses a bare date, digits and ±hhmm zones)
 * A field's `doc` becomes `description`, its `default` becomes `default`.
 */

export type JsonSchema = { [key: string]: unknown }

type AvroSchema = string | readonly AvroSchema[] | { readonly type: AvroSchema; readonly [key: string]: unknown }

interface AvroField {
  readonly name: string
  readonly type: AvroSchema
  readonly doc?: string
  readonly default?: unknown
}

const PRIMITIVES: Readonly<Record<string, JsonSchema>> = {
  null: { type: 'null' },
  boolean: { type: 'boolean' },
  string: { type: 'string' },
  double: { type: 'number' },
  float: { type: 'number' },
  int: { type: 'integer', minimum: -(2 ** 31), maximum: 2 ** 31 - 1 },
  long: { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
}

// The string forms parseTime (src/ingest/event-time.ts) reads, which trims the value first. The
// calendar (no 2026-02-30) and the time range are checked per item, not here.
const EPOCH_MS_STRING = '^\\s*-?\\d{1,16}\\s*$'
const ISO_8601_STRING = '^\\s*\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?([Zz]|[+-]\\d{2}:?\\d{2}))?\\s*$'

const TIMESTAMP_MILLIS: JsonSchema = {
  anyOf: [
    { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, description: 'milliseconds since the Unix epoch, UTC' },
    { type: 'string', pattern: EPOCH_MS_STRING, description: 'milliseconds since the Unix epoch as a string of digits, e.g. "1795341600000"' },
    {
      type: 'string',
      pattern: ISO_8601_STRING,
      description: 'ISO 8601 date-time with a zone (Z or ±hh:mm), e.g. 2026-11-21T10:00:00Z, or a date (midnight UTC), e.g. 2026-11-21; a date-time without a zone is refused',
    },
  ],
}

const isBareType = (s: JsonSchema) => Object.keys(s).length === 1 && typeof s['type'] === 'string'

function union(branches: readonly AvroSchema[]): JsonSchema {
  const converted = branches.map((b) => avroToJsonSchema(b))
  if (converted.every(isBareType)) return { type: [...new Set(converted.map((c) => c['type']))] }
  return { anyOf: converted }
}

function record(fields: readonly AvroField[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  for (const f of fields) {
    properties[f.name] = {
      ...avroToJsonSchema(f.type),
      ...(f.doc === undefined ? {} : { description: f.doc }),
      ...(f.default === undefined ? {} : { default: f.default }),
    }
  }
  return {
    type: 'object',
    properties,
    required: fields.filter((f) => f.default === undefined).map((f) => f.name),
    additionalProperties: false,
  }
}

export function avroToJsonSchema(schema: AvroSchema): JsonSchema {
  if (typeof schema === 'string') {
    const primitive = PRIMITIVES[schema]
    if (!primitive) throw new TypeError(`avroToJsonSchema: unsupported Avro type "${schema}" (named references are not supported)`)
    return { ...primitive }
  }
  if (Array.isArray(schema)) return union(schema)
  const s = schema as Exclude<AvroSchema, string | readonly AvroSchema[]>
  if (s['logicalType'] === 'timestamp-millis' && s.type === 'long') return structuredClone(TIMESTAMP_MILLIS)
  switch (s.type) {
    case 'record':
      return {
        ...(typeof s['doc'] === 'string' ? { description: s['doc'] } : {}),
        ...record(s['fields'] as readonly AvroField[]),
      }
    case 'map':
      return { type: 'object', additionalProperties: avroToJsonSchema(s['values'] as AvroSchema) }
    case 'enum':
      return { type: 'string', enum: [...(s['symbols'] as readonly string[])] }
    default:
      // { "type": "string" } and friends: the primitive, or a nested complex type.
      if (typeof s.type === 'string' && s.type in PRIMITIVES) return avroToJsonSchema(s.type)
      throw new TypeError(`avroToJsonSchema: unsupported Avro type ${JSON.stringify(s.type)}`)
  }
}
