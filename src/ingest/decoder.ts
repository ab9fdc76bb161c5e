/**
 * bytes -> event | DriftwatchError.
 *
 * Parsed avsc types are cached by schema id, so the hot path awaits the registry once per schema
 * id, not once per message. Decoding reads with the writer's schema from the registry, resolved
 * to our reader schema (schemas/*.avsc), so that producers on an older or newer compatible schema
 * decode into the shape this version of driftwatch expects.
 */
import type avro from 'avsc'
import { DriftwatchError, describeError, isDriftwatchError } from '../errors.js'
import { unframe } from './wire-format.js'

/**
 * Looks up a writer schema by registry id. Rejects with DW_DECODE_UNKNOWN_SCHEMA,
 * DW_DECODE_UNSUPPORTED_SCHEMA (not Avro, or unparseable) or a retriable DW_REGISTRY_UNAVAILABLE.
 */
export type SchemaResolver = (schemaId: number) => Promise<avro.Type>

export class Decoder<T> {
  private readonly resolvers = new Map<number, avro.Resolver | null>()
  /**
   * Schema ids that can never be read (registry ids are immutable): the same error again, without
   * asking the registry once per record of a flood. Ids the registry does not know (404) are not
   * remembered, as they may be registered later.
   */
  private readonly unusable = new Map<number, DriftwatchError>()

  constructor(
    private readonly reader: avro.Type,
    private readonly resolveWriter: SchemaResolver,
  ) {}

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
    return this.learn(schemaId).then(
      () => this.read(schemaId, payload),
      (e: unknown) => {
        if (isDriftwatchError(e) && !e.retriable && e.code !== 'DW_DECODE_UNKNOWN_SCHEMA') this.unusable.set(schemaId, e)
        throw e
      },
    )
  }

  private async learn(schemaId: number): Promise<void> {
    let writer: avro.Type
    try {
      writer = await this.resolveWriter(schemaId)
    } catch (cause) {
      if (isDriftwatchError(cause)) throw cause
      throw new DriftwatchError('DW_REGISTRY_UNAVAILABLE', `schema ${schemaId}: ${describeError(cause)}`, { cause, retriable: true })
    }
    const missing = missingRequiredFields(this.reader, writer)
    if (missing.length > 0) {
      throw new DriftwatchError('DW_MISSING_FIELD', `schema ${schemaId} lacks required field(s) ${missing.join(', ')} (no default in ${this.reader.name})`, { schemaId, path: missing[0] })
    }
    try {
      this.resolvers.set(schemaId, writer.equals(this.reader) ? null : this.reader.createResolver(writer))
    } catch (cause) {
      throw new DriftwatchError('DW_DECODE_UNKNOWN_SCHEMA', `schema ${schemaId} (${writer.name ?? 'anonymous'}) cannot be read as ${this.reader.name}: ${describeError(cause)}`, { cause, schemaId })
    }
  }

  private read(schemaId: number, payload: Buffer): T {
    try {
      const resolver = this.resolvers.get(schemaId)
      return (resolver ? this.reader.fromBuffer(payload, resolver) : this.reader.fromBuffer(payload)) as T
    } catch (cause) {
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
