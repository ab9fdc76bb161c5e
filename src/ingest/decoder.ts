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
 * (DW_MISSING_FIELD for a required top-level field it lacks, DW_DECODE_UNKNOWN_SCHEMA with the
 * field path otherwise); a record carrying an enum symbol driftwatch does not know is a dead
 * letter of its own (DW_VALIDATION_FAILED at the enum's path), and the writer's other records are
 * read.
 */
import type avro from 'avsc'
import { DriftwatchError, describeError, isDriftwatchError } from '../errors.js'
import { createResolver, enumPaths, whyUnreadable } from './schema-resolution.js'
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

export class Decoder<T> {
  private readonly resolvers = new Map<number, avro.Resolver | null>()
  /**
   * Schema ids that can never be read (registry ids are immutable): the same error again, without
   * asking the registry once per record of a flood.
   */
  private readonly unusable = new Map<number, DriftwatchError>()
  /** Ids the registry did not know, until when that answer is reused (UNKNOWN_SCHEMA_MEMORY_MS). */
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
    if (unknown && this.now() < unknown.until) throw unknown.error
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
      if (cause.code === 'DW_DECODE_UNKNOWN_SCHEMA') this.unknown.set(schemaId, { error: cause, until: this.now() + UNKNOWN_SCHEMA_MEMORY_MS })
      else if (!cause.retriable) this.unusable.set(schemaId, cause)
      throw cause
    }
    this.unknown.delete(schemaId)
    const missing = missingRequiredFields(this.reader, writer)
    const unusable = (e: DriftwatchError) => {
      this.unusable.set(schemaId, e)
      return e
    }
    if (missing.length > 0) {
      throw unusable(new DriftwatchError('DW_MISSING_FIELD', `schema ${schemaId} lacks required field(s) ${missing.join(', ')} (no default in ${this.reader.name})`, { schemaId, path: missing[0] }))
    }
    try {
      this.resolvers.set(schemaId, writer.equals(this.reader) ? null : createResolver(this.reader, writer))
    } catch (cause) {
      const why = whyUnreadable(this.reader, writer)
      const path = why?.slice(0, why.indexOf(':'))
      throw unusable(new DriftwatchError('DW_DECODE_UNKNOWN_SCHEMA', `schema ${schemaId} (${writer.name ?? 'anonymous'}) cannot be read as ${this.reader.name}: ${why ?? describeError(cause)}`, { cause, schemaId, ...(path ? { path } : {}) }))
    }
  }

  private read(schemaId: number, payload: Buffer): T {
    try {
      const resolver = this.resolvers.get(schemaId)
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

/** Top-level reader fields with no default that the writer's record does not have. */
function missingRequiredFields(reader: avro.Type, writer: avro.Type): string[] {
  const fieldsOf = (t: avro.Type) => ((t as unknown as { fields?: { name: string; defaultValue(): unknown }[] }).fields ?? [])
  const writerNames = new Set(fieldsOf(writer).map((f) => f.name))
  return fieldsOf(reader)
    .filter((f) => !writerNames.has(f.name) && f.defaultValue() === undefined)
    .map((f) => f.name)
}
