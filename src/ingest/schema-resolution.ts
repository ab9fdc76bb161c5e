/**
 * Avro schema resolution (spec 1.11, "Schema Resolution") of a writer's schema against
 * driftwatch's reader schema, with avsc, and what to say when it cannot be done.
 *
 * Named types (records, enums, fixed) match by their unqualified name or an alias, as the spec
 * says: a producer that moves the record to its own namespace (`com.acme.ml.PredictionEvent`) is
 * read like any other, and the registry's compatibility check (Avro's SchemaCompatibility, which
 * Apicurio and Confluent run) accepts that change too. avsc compares full names unless told
 * `ignoreNamespaces`.
 */
import avro from 'avsc'

/**
 * avsc's resolver for reading `writer`'s records as `reader`; throws when it cannot (whyUnreadable
 * says why). The options object is new each time: avsc keeps its record resolvers in it
 * (`opts.registry`), keyed by the two names only.
 */
export function createResolver(reader: avro.Type, writer: avro.Type): avro.Resolver {
  return reader.createResolver(writer, { ignoreNamespaces: true })
}

function readable(reader: avro.Type, writer: avro.Type): boolean {
  try {
    createResolver(reader, writer)
    return true
  } catch {
    return false
  }
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name)
const isUnion = (t: avro.Type): t is avro.Type & { types: avro.Type[] } => t.typeName.startsWith('union')
const fieldsOf = (t: avro.Type) => (t as avro.types.RecordType).fields

/** A type as a message names it: named types by kind and name, others by their schema. */
function describe(t: avro.Type): string {
  if (t.name) return `${t.typeName} ${t.name}`
  const schema = JSON.stringify(t.schema())
  return schema.length > 120 ? `${schema.slice(0, 117)}...` : schema
}

/**
 * The first place, by field path, where records written with `writer` cannot be read as `reader`,
 * and why; null when they can. It walks the two schemas as resolution does, so that the answer
 * names the field (`prediction: the writer's "null" cannot be read as record ...Prediction`)
 * rather than what avsc threw from deep inside (for a nullable record read as a record, avsc
 * 5.7 throws a TypeError about `length`).
 */
export function whyUnreadable(reader: avro.Type, writer: avro.Type, path = ''): string | null {
  if (readable(reader, writer)) return null
  const at = path || '(root)'
  if (isUnion(writer)) {
    // The spec resolves the branch each record carries; avsc needs every branch to resolve.
    for (const branch of writer.types) {
      if (readable(reader, branch)) continue
      return isUnion(reader) ? `${at}: the writer's ${describe(branch)} fits no branch of ${describe(reader)}` : whyUnreadable(reader, branch, path)
    }
  }
  if (reader.typeName === 'record' && writer.typeName === 'record') {
    if (!readable(nameOnly(reader), nameOnly(writer))) return `${at}: the writer's record ${writer.name} is not ${reader.name} (records match by unqualified name or alias)`
    for (const field of fieldsOf(reader)) {
      const names = [field.name, ...field.aliases]
      const written = fieldsOf(writer).find((w) => names.includes(w.name))
      if (!written) {
        if (field.defaultValue() === undefined) return `${join(path, field.name)}: the writer has no such field, and ${reader.name} gives it no default`
        continue
      }
      const why = whyUnreadable(field.type, written.type, join(path, field.name))
      if (why) return why
    }
  }
  if (reader.typeName === 'map' && writer.typeName === 'map') {
    const why = whyUnreadable((reader as avro.types.MapType).valuesType as avro.Type, (writer as avro.types.MapType).valuesType as avro.Type, join(path, '(values)'))
    if (why) return why
  }
  if (reader.typeName === 'array' && writer.typeName === 'array') {
    const why = whyUnreadable((reader as avro.types.ArrayType).itemsType, (writer as avro.types.ArrayType).itemsType, join(path, '(items)'))
    if (why) return why
  }
  return `${at}: the writer's ${describe(writer)} cannot be read as ${describe(reader)}`
}

/** An empty record of the type's name: whether two records' names match, apart from their fields. */
function nameOnly(t: avro.Type): avro.Type {
  return avro.Type.forSchema({ type: 'record', name: t.name!, aliases: (t as unknown as { aliases?: string[] }).aliases ?? [], fields: [] })
}

/** The field path of every enum of a record schema, by the enum's full name (`deployment.variant`). */
export function enumPaths(type: avro.Type, path = '', into = new Map<string, string>()): Map<string, string> {
  if (type.typeName === 'enum' && type.name && !into.has(type.name)) into.set(type.name, path || '(root)')
  if (isUnion(type)) for (const branch of type.types) enumPaths(branch, path, into)
  if (type.typeName === 'record') for (const field of fieldsOf(type)) enumPaths(field.type, join(path, field.name), into)
  if (type.typeName === 'map') enumPaths((type as avro.types.MapType).valuesType as avro.Type, join(path, '(values)'), into)
  if (type.typeName === 'array') enumPaths((type as avro.types.ArrayType).itemsType, join(path, '(items)'), into)
  return into
}

/** What a writer schema's time field is refused for: its path and why. */
export interface TimeUnitProblem {
  readonly path: string
  readonly message: string
}

type RawField = { name?: unknown; type?: unknown }
type RawRecord = { type?: unknown; name?: unknown; fields?: unknown }
const isRawRecord = (s: unknown): s is RawRecord & { fields: RawField[] } =>
  typeof s === 'object' && s !== null && !Array.isArray(s) && ((s as RawRecord).type === 'record' || (s as RawRecord).type === 'error') && Array.isArray((s as RawRecord).fields)
const unqualifiedName = (name: unknown) => (typeof name === 'string' ? name.slice(name.lastIndexOf('.') + 1) : '')
const logicalTypeOf = (t: unknown) => (typeof t === 'object' && t !== null && !Array.isArray(t) ? (t as { logicalType?: unknown }).logicalType : undefined)

/**
 * Where a writer schema (as the registry serves it, parsed JSON) writes one of the reader's
 * timestamp-millis fields (`event_time`, `label_time`) in another unit: a long with logicalType
 * `timestamp-micros` or `timestamp-nanos` (or their `local-` forms); null when none does.
 * `readers` are driftwatch's raw record schemas, matched to the writer's record (or each record
 * branch of a union) by unqualified name. Avro's Parsing Canonical Form drops logical types, so the
 * registry takes such a version as compatible, and avsc, which driftwatch runs without logical
 * types, reads it as the long it is: every record would carry microseconds where milliseconds are
 * read, a date thousands of years ahead, and be refused one by one as out of range.
 */
export function timeUnitProblem(writer: unknown, readers: readonly Record<string, unknown>[]): TimeUnitProblem | null {
  const records = Array.isArray(writer) ? writer.filter(isRawRecord) : isRawRecord(writer) ? [writer] : []
  for (const record of records) {
    const reader = readers.find((r) => unqualifiedName(r['name']) === unqualifiedName(record.name))
    if (!reader || !isRawRecord(reader)) continue
    for (const readerField of reader.fields) {
      if (logicalTypeOf(readerField.type) !== 'timestamp-millis') continue
      const written = record.fields.find((f) => f.name === readerField.name)
      if (!written) continue
      const branches = Array.isArray(written.type) ? written.type : [written.type]
      for (const branch of branches) {
        const logicalType = logicalTypeOf(branch)
        if (typeof logicalType !== 'string' || !/^(local-)?timestamp-(micros|nanos)$/.test(logicalType)) continue
        const unit = logicalType.endsWith('micros') ? 'microseconds' : 'nanoseconds'
        return {
          path: String(readerField.name),
          message: `${String(readerField.name)} is written as ${logicalType} (${unit}); driftwatch reads timestamp-millis: write milliseconds since the Unix epoch, as a long with logicalType timestamp-millis`,
        }
      }
    }
  }
  return null
}

/**
 * The first field, by path, that the writer renamed with an alias of its own (`person_id` with
 * aliases [`subject_id`]), and why that is refused; null when there is none. Avro's resolution
 * (spec 1.11; avsc and Java Avro alike) reads the reader's aliases only: a writer's alias is
 * ignored, and the reader's field would be read as its default (null) without a word. Nested
 * records are walked where the two schemas hold a record of the same unqualified name.
 */
export function writerRename(reader: avro.Type, writer: avro.Type, path = ''): string | null {
  if (isUnion(writer)) {
    for (const branch of writer.types) {
      const why = writerRename(reader, branch, path)
      if (why) return why
    }
    return null
  }
  if (isUnion(reader)) {
    for (const branch of reader.types) {
      const why = writerRename(branch, writer, path)
      if (why) return why
    }
    return null
  }
  if (reader.typeName === 'record' && writer.typeName === 'record') {
    if (unqualified(reader.name) !== unqualified(writer.name)) return null
    for (const field of fieldsOf(reader)) {
      const names = [field.name, ...field.aliases]
      const written = fieldsOf(writer).find((w) => names.includes(w.name))
      if (written) {
        const why = writerRename(field.type, written.type, join(path, field.name))
        if (why) return why
        continue
      }
      const renamed = fieldsOf(writer).find((w) => w.aliases.includes(field.name))
      if (renamed) {
        return `${join(path, field.name)}: the writer renamed it ${renamed.name} (an alias on the writer's field); Avro resolves the reader's aliases only, so it would be read as ${field.defaultValue() === undefined ? 'missing' : 'its default'}: keep the name ${field.name}`
      }
    }
  }
  if (reader.typeName === 'map' && writer.typeName === 'map') return writerRename((reader as avro.types.MapType).valuesType as avro.Type, (writer as avro.types.MapType).valuesType as avro.Type, join(path, '(values)'))
  if (reader.typeName === 'array' && writer.typeName === 'array') return writerRename((reader as avro.types.ArrayType).itemsType, (writer as avro.types.ArrayType).itemsType, join(path, '(items)'))
  return null
}

const unqualified = (name: string | undefined) => (name ?? '').slice((name ?? '').lastIndexOf('.') + 1)
