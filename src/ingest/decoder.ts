/**
 * bytes -> event | DriftwatchError.
 *
 * Parsed avsc types are cached by schema id, so the hot path awaits the registry once per schema
 * id, not once per message. Decoding reads with the writer's schema from the registry, resolved
 * to our reader schema (schemas/*.avsc), so that producers on an older or newer compatible schema
 * decode into the shape this version of driftwatch expects (./schema-resolution.ts: named types
 * match by unqualified name, as Avro says).
 *
 * Errors: a writer schema that cannot be read at all makes each of its records a dead letter
 * (DW_DECODE_UNSUPPORTED_SCHEMA for one that is not a record, DW_MISSING_FIELD for a required
 * top-level field it lacks, DW_DECODE_UNKNOWN_SCHEMA with the field path otherwise, a field the
 * writer renamed with an alias of its own among them: ./schema-resolution.ts writerRename); a record
 * carrying an enum symbol driftwatch does not know is a dead letter of its own
 * (DW_VALIDATION_FAILED at the enum's path), and the writer's other records are read.
 *
 * A writer schema that is a union (`["null", PredictionEvent]`) is read as Avro 1.11 says
 * ("Schema Resolution": the writer's union, the reader's not): each record by the branch it was
 * written as. avsc's resolver needs every branch to resolve, so one of `null` would refuse the
 * whole schema; UnionWriter resolves the branches one by one instead, and a record written as a
 * branch driftwatch cannot read is a dead letter of its own.
 */
import avro from 'avsc'
import { DriftwatchError, describeError, isDriftwatchError } from '../errors.js'
import { createResolver, enumPaths, whyUnreadable, writerRename } from './schema-resolution.js'
import { UnknownSymbolError } from './schemas.js'
import { unframe } from './wire-format.js'

/**
 * Looks up a writer schema by registry id. Rejects with DW_DECODE_UNKNOWN_SCHEMA,
 * DW_DECODE_UNSUPPORTED_SCHEMA (not Avro, or unparseable) or a retriable DW_REGISTRY_UNAVAILABLE.
 */
export type SchemaResolver = (schemaId: number) => Promise<avro.Type>

/**
 * How long an id the registry does not know (404) is answered from memory. Such an id may be
 * registered later (a registry follower behind its leader), so it is asked for again after this;
 * but a flood of records with an unknown id costs one registry request per this long, not one per
 * record: 300 such records took 5.6 s of registry round trips one after the other, and a fetch of
 * tiny ones would outlast the consumer's session.
 */
export const UNKNOWN_SCHEMA_MEMORY_MS = 5_000

/**
 * How many ids the registry did not know are answered from memory at most. Records carry any id a
 * producer (or a corrupt frame) puts in their first five bytes, so a flood of distinct bogus ids
 * grew this memory by one entry, about 6 KB with its error, per id. Expired entries are dropped as
 * new ones come, and beyond this many the oldest goes: about 25 MB at most. An id dropped early is
 * asked for again when it recurs, one registry request, as after UNKNOWN_SCHEMA_MEMORY_MS.
 */
export const UNKNOWN_SCHEMA_MEMORY_MAX_IDS = 4_096

export class Decoder<T> {
  /** How each schema id's records are read: null natively (the reader schema itself), else resolved. */
  private readonly resolvers = new Map<number, avro.Resolver | null | UnionWriter>()
  /**
   * Schema ids that can never be read (registry ids are immutable): the same error again, without
   * asking the registry once per record of a flood.
   */
  private readonly unusable = new Map<number, DriftwatchError>()
  /**
   * Ids the registry did not know, until when that answer is reused (UNKNOWN_SCHEMA_MEMORY_MS), in
   * the order they were learnt, which is the order they expire in; at most
   * UNKNOWN_SCHEMA_MEMORY_MAX_IDS of them (rememberUnknown).
   */
  private readonly unknown = new Map<number, { readonly error: DriftwatchError; readonly until: number }>()
  /** Lookups under way: records of one new id that arrive together share the registry request. */
  private readonly learning = new Map<number, Promise<void>>()
  /** Field path of each enum of the reader, for the dead letter of a record with an unknown symbol. */
  private readonly enumPaths: ReadonlyMap<string, string>

  constructor(
    private readonly reader: avro.Type,
    private readonly resolveWriter: SchemaResolver,
    private readonly now: () => number = Date.now,
  ) {
    this.enumPaths = enumPaths(reader)
  }

  /** True when records of this schema id were written with the reader schema itself (no resolution needed). */
  readsNatively(schemaId: number): boolean {
    return this.resolvers.get(schemaId) === null
  }

  /** Synchronous when the schema id was seen before; the common case. */
  decode(value: Buffer | null): T | Promise<T> {
    const { schemaId, payload } = unframe(value)
    if (this.resolvers.has(schemaId)) return this.read(schemaId, payload)
    const unusable = this.unusable.get(schemaId)
    if (unusable) throw unusable
    const unknown = this.unknown.get(schemaId)
    if (unknown) {
      if (this.now() < unknown.until) throw unknown.error
      this.unknown.delete(schemaId)
    }
    let learning = this.learning.get(schemaId)
    if (!learning) {
      learning = this.learn(schemaId).finally(() => this.learning.delete(schemaId))
      this.learning.set(schemaId, learning)
    }
    return learning.then(() => this.read(schemaId, payload))
  }

  /** Resolves the id's writer schema and remembers the outcome (resolvers, unusable, unknown); rejects with the record's error. */
  private async learn(schemaId: number): Promise<void> {
    let writer: avro.Type
    try {
      writer = await this.resolveWriter(schemaId)
    } catch (cause) {
      if (!isDriftwatchError(cause)) throw new DriftwatchError('DW_REGISTRY_UNAVAILABLE', `schema ${schemaId}: ${describeError(cause)}`, { cause, retriable: true })
      if (cause.code === 'DW_DECODE_UNKNOWN_SCHEMA') this.rememberUnknown(schemaId, cause)
      else if (!cause.retriable) this.unusable.set(schemaId, cause)
      throw cause
    }
    this.unknown.delete(schemaId)
    try {
      this.resolvers.set(schemaId, this.readerOf(schemaId, writer))
    } catch (e) {
      if (isDriftwatchError(e)) this.unusable.set(schemaId, e)
      throw e
    }
  }

  /**
   * Remembers that the registry did not know `schemaId`, dropping the entries that expired and,
   * beyond UNKNOWN_SCHEMA_MEMORY_MAX_IDS, the oldest. Map iteration is insertion order, and each id
   * is inserted anew (deleted first), so the first entries are the first to expire.
   */
  private rememberUnknown(schemaId: number, error: DriftwatchError): void {
    const now = this.now()
    this.unknown.delete(schemaId)
    for (const [id, { until }] of this.unknown) {
      if (now < until && this.unknown.size < UNKNOWN_SCHEMA_MEMORY_MAX_IDS) break
      this.unknown.delete(id)
    }
    this.unknown.set(schemaId, { error, until: now + UNKNOWN_SCHEMA_MEMORY_MS })
  }

  /** How many ids the registry did not know are answered from memory now (at most UNKNOWN_SCHEMA_MEMORY_MAX_IDS). */
  get unknownIdsRemembered(): number {
    return this.unknown.size
  }

  /**
   * How records of `writer` are read: natively (null) or resolved when it is a record, branch by
   * branch when it is a union with a branch driftwatch reads; throws what each of its records is
   * otherwise. Nothing but the reader schema itself is read natively, so the fast path
   * (./prediction-reader.ts, readsNatively) only ever sees records of it.
   */
  private readerOf(schemaId: number, writer: avro.Type): avro.Resolver | null | UnionWriter {
    if (isRecord(writer)) return this.recordReader(`schema ${schemaId}`, schemaId, writer)
    if (!isUnion(writer)) throw this.notRecord(`schema ${schemaId} is ${kindOf(writer)}, not a record`, schemaId)
    const branches = writer.types.map((branch, i): Branch => {
      if (!isRecord(branch)) return { error: this.notRecord(`schema ${schemaId} is ${kindOf(writer)}, and this record was written as its branch ${i} (${typeText(branch)}), not a record`, schemaId) }
      try {
        return { resolver: this.recordReader(`schema ${schemaId}'s branch ${i}`, schemaId, branch) }
      } catch (error) {
        if (!isDriftwatchError(error)) throw error
        return { error }
      }
    })
    if (branches.some((b) => 'resolver' in b)) return new UnionWriter(schemaId, branches)
    const recordBranch = writer.types.findIndex(isRecord)
    if (recordBranch >= 0) throw (branches[recordBranch] as { error: DriftwatchError }).error
    throw this.notRecord(`schema ${schemaId} is ${kindOf(writer)}, with no record branch`, schemaId)
  }

  /** The resolver for records written with record schema `writer` (null: natively); throws why they cannot be read. */
  private recordReader(what: string, schemaId: number, writer: avro.Type): avro.Resolver | null {
    const missing = missingRequiredFields(this.reader, writer)
    if (missing.length > 0) {
      throw new DriftwatchError('DW_MISSING_FIELD', `${what} lacks required field(s) ${missing.join(', ')} (no default in ${this.reader.name})`, { schemaId, path: missing[0] })
    }
    const renamed = writerRename(this.reader, writer)
    if (renamed) {
      throw new DriftwatchError('DW_DECODE_UNKNOWN_SCHEMA', `${what} (${writer.name ?? 'anonymous'}) cannot be read as ${this.reader.name}: ${renamed}`, { schemaId, path: renamed.slice(0, renamed.indexOf(':')) })
    }
    try {
      return writer.equals(this.reader) ? null : createResolver(this.reader, writer)
    } catch (cause) {
      const why = whyUnreadable(this.reader, writer)
      const path = why?.slice(0, why.indexOf(':'))
      throw new DriftwatchError('DW_DECODE_UNKNOWN_SCHEMA', `${what} (${writer.name ?? 'anonymous'}) cannot be read as ${this.reader.name}: ${why ?? describeError(cause)}`, { cause, schemaId, ...(path ? { path } : {}) })
    }
  }

  private notRecord(what: string, schemaId: number): DriftwatchError {
    return new DriftwatchError('DW_DECODE_UNSUPPORTED_SCHEMA', `${what}: driftwatch reads ${this.reader.name} records (schemas/*.avsc)`, { schemaId, path: '(root)' })
  }

  private read(schemaId: number, payload: Buffer): T {
    let resolver = this.resolvers.get(schemaId)
    if (resolver instanceof UnionWriter) ({ resolver, payload } = resolver.branchOf(payload))
    try {
      return (resolver ? this.reader.fromBuffer(payload, resolver) : this.reader.fromBuffer(payload)) as T
    } catch (cause) {
      if (cause instanceof UnknownSymbolError) {
        const path = this.enumPaths.get(cause.enumName) ?? '(root)'
        throw new DriftwatchError('DW_VALIDATION_FAILED', `${path}: ${cause.message} (schema ${schemaId} has symbols driftwatch does not read)`, { cause, schemaId, path })
      }
      throw new DriftwatchError('DW_DECODE_FAILED', `Avro payload does not match schema ${schemaId}: ${describeError(cause).slice(0, 500)}`, { cause, schemaId })
    }
  }
}

/** One branch of a union writer schema: how its records are read (null: natively), or what each of them is. */
type Branch = { readonly resolver: avro.Resolver | null } | { readonly error: DriftwatchError }

/** The branch index that starts a record written with a union schema (Avro 1.11, "Binary Encoding": a long). */
const BRANCH_INDEX = avro.Type.forSchema('long')

/** Records of a union writer schema, read by the branch each was written as. */
class UnionWriter {
  constructor(
    private readonly schemaId: number,
    private readonly branches: readonly Branch[],
  ) {}

  /** The resolver of the record's branch and the record after its branch index; throws for a branch driftwatch cannot read. */
  branchOf(payload: Buffer): { resolver: avro.Resolver | null; payload: Buffer } {
    const { value: index, offset } = BRANCH_INDEX.decode(payload, 0) as { value: number; offset: number }
    const branch = offset < 0 ? undefined : this.branches[index]
    if (!branch) throw new DriftwatchError('DW_DECODE_FAILED', `Avro payload does not match schema ${this.schemaId}: ${offset < 0 ? 'truncated buffer' : `invalid union index: ${index}`}`, { schemaId: this.schemaId })
    if ('error' in branch) throw branch.error
    return { resolver: branch.resolver, payload: payload.subarray(offset) }
  }
}

const isRecord = (t: avro.Type) => avro.Type.isType(t, 'record', 'error')
const isUnion = (t: avro.Type): t is avro.Type & { types: avro.Type[] } => avro.Type.isType(t, 'union')

/** A writer type as a message names it: `string`, `array of string`, `union of null, record com.acme.PredictionEvent`. */
function typeText(t: avro.Type): string {
  if (isUnion(t)) return `union of ${t.types.map(typeText).join(', ')}`
  if (t.name) return `${t.typeName} ${t.name}`
  if (t.typeName === 'array') return `array of ${typeText((t as avro.types.ArrayType).itemsType)}`
  if (t.typeName === 'map') return `map of ${typeText((t as avro.types.MapType).valuesType as avro.Type)}`
  return t.typeName
}

/** typeText with its article: `a string`, `an array of string`. */
function kindOf(t: avro.Type): string {
  const text = typeText(t)
  return `${/^[aeio]/.test(text) ? 'an' : 'a'} ${text}` // 'a union': of Avro's type names, only union starts with u
}

/** Top-level reader fields with no default that the writer's record does not have. */
function missingRequiredFields(reader: avro.Type, writer: avro.Type): string[] {
  const fieldsOf = (t: avro.Type) => ((t as unknown as { fields?: { name: string; defaultValue(): unknown }[] }).fields ?? [])
  const writerNames = new Set(fieldsOf(writer).map((f) => f.name))
  return fieldsOf(reader)
    .filter((f) => !writerNames.has(f.name) && f.defaultValue() === undefined)
    .map((f) => f.name)
}
