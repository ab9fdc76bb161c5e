/**
 * The Avro contracts in schemas/*.avsc, parsed once, and their TypeScript shapes.
 */
import { readFileSync } from 'node:fs'
import { isUtf8 } from 'node:buffer'
import { join } from 'node:path'
import { packagePath } from '../package-root.js'
import avro from 'avsc'

export const SCHEMAS_DIR = packagePath('schemas')

export type FeatureValue = number | string | boolean | null
export type Variant = 'champion' | 'challenger' | 'shadow' | 'canary'

export interface PredictionEvent {
  prediction_id: string
  model_id: string
  model_version: string
  /** ms since the Unix epoch, UTC */
  event_time: number
  features: Record<string, FeatureValue>
  prediction: {
    class_label: string | null
    score: number | null
    probabilities: Record<string, number> | null
    value: number | null
  }
  segments: Record<string, string>
  deployment: { environment: string; variant: Variant }
  subject_id: string | null
}

export interface GroundTruthEvent {
  prediction_id: string
  label: { class_label: string | null; value: number | null }
  /** ms since the Unix epoch, UTC */
  label_time: number
  source: string
}

export type EventKind = 'prediction' | 'ground-truth'

const FILES: Record<EventKind, string> = {
  prediction: 'prediction-event.avsc',
  'ground-truth': 'ground-truth-event.avsc',
}

export function rawSchema(kind: EventKind): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMAS_DIR, FILES[kind]), 'utf8')) as Record<string, unknown>
}

/** The parts of avsc's Tap (lib/utils.js) the types below read with. */
interface Tap {
  buf: Buffer
  pos: number
  /** Items the blocks of this decode may still announce (blockCount), and the buffer it counts for. */
  dwItemsLeft?: number
  dwItemsOf?: Buffer
  readLong(): number
  skipLong(): void
  skipString(): void
  _invalidate(): void
}

/** A string of the payload that is not UTF-8, which Avro requires of every string. */
export class InvalidUtf8Error extends Error {
  constructor(readonly at: number, readonly text: string) {
    super(`the string at byte ${at} is not valid UTF-8 (it reads as ${JSON.stringify(text.slice(0, 64))}); Avro strings are UTF-8`)
    this.name = 'InvalidUtf8Error'
  }
}

/**
 * Bytes [start, end) of `buf` as text; null when they are not UTF-8. Only text that holds U+FFFD
 * (what a bad sequence decodes to) is checked byte by byte. Both read paths take strings through
 * it: readUtf8 here, and the fast reader (./prediction-reader.ts).
 */
export function utf8Text(buf: Buffer, start: number, end: number): string | null {
  const text = buf.toString('utf8', start, end)
  return text.includes('\ufffd') && !isUtf8(buf.subarray(start, end)) ? null : text
}

/**
 * A string's bytes as text, refusing bytes that are not UTF-8. avsc decodes them with U+FFFD in
 * place of each bad sequence, so two ids, names or values that differ only there became one
 * (`p-\xff` and `p-\xfe` both `p-\ufffd`): one prediction replaced the other in the store, and a
 * label joined whichever was left (utf8Text). Reads
 * as avsc's Tap#readString otherwise (a negative length invalidates the tap, a length past the
 * end leaves it past the end: fromBuffer then says "truncated buffer").
 */
function readUtf8(tap: Tap): string {
  const len = tap.readLong()
  if (len < 0) {
    tap._invalidate()
    return ''
  }
  const start = tap.pos
  tap.pos += len
  if (tap.pos > tap.buf.length) return ''
  const text = utf8Text(tap.buf, start, tap.pos)
  if (text === null) throw new InvalidUtf8Error(start, tap.buf.toString('utf8', start, tap.pos))
  return text
}

/** An Avro string whose bytes must be UTF-8 (readUtf8). Writes as avsc's StringType. */
class Utf8StringType extends avro.types.StringType {
  _read(tap: Tap): string {
    return readUtf8(tap)
  }
}

/**
 * The entries of the next block of a map or an array, 0 at its end (Avro 1.11, "Complex Types
 * Serialization": a negative count is followed by the block's size in bytes). avsc's own loops
 * run once per announced entry even past the end of the buffer, noticing only afterwards: a
 * 30-byte record announcing 2^45 entries held the event loop for days, the partition with it.
 * So a count is bounded twice, and the tap invalidated past either bound (fromBuffer then says
 * "truncated buffer"; -1 is returned):
 * - by the bytes left: every map entry takes at least one byte (its key's length);
 * - by a budget of items for the whole decode, as many as the payload has bytes: items of no
 *   bytes (nulls, empty records) nested in blocks of blocks would otherwise pass the first bound
 *   block by block and still cost the square of the payload's size.
 * Every item of at least one byte fits both. An array of more items of no bytes than the payload
 * has bytes is refused, which no event of driftwatch's schemas can hold.
 */
function blockCount(tap: Tap): number {
  let n = tap.readLong()
  if (n < 0) {
    n = -n
    tap.skipLong()
  }
  if (tap.dwItemsOf !== tap.buf) {
    tap.dwItemsOf = tap.buf
    tap.dwItemsLeft = tap.buf.length
  }
  if (!(n <= tap.buf.length - tap.pos && n <= tap.dwItemsLeft!)) {
    tap._invalidate()
    return -1
  }
  tap.dwItemsLeft! -= n
  return n
}

/**
 * An Avro map decoded into a null-prototype object, keys checked as UTF-8 and block counts
 * bounded (blockCount). avsc's MapType reads into `{}` and assigns `val[key] = ...`, so a key
 * `__proto__` hits Object.prototype's setter and the entry vanishes (a feature named `__proto__`
 * was silently dropped). With no prototype every key is an own data key, kept verbatim. Schema
 * resolution (MapType#_update) reuses this `_read`, so records written with an older or newer
 * schema decode the same way.
 */
class GuardedMapType extends avro.types.MapType {
  _read(tap: Tap): Record<string, unknown> {
    const values = this.valuesType as unknown as { _read(t: Tap): unknown }
    const out = Object.create(null) as Record<string, unknown>
    for (let n = blockCount(tap); n > 0; n = blockCount(tap)) {
      for (; n > 0; n--) {
        const key = readUtf8(tap)
        out[key] = values._read(tap)
      }
    }
    return out
  }

  /** Steps over a map (a field of a writer's schema the reader does not have). */
  _skip(tap: Tap): void {
    const values = this.valuesType as unknown as { _skip(t: Tap): void }
    for (let n = blockCount(tap); n > 0; n = blockCount(tap)) {
      for (; n > 0; n--) {
        tap.skipString()
        values._skip(tap)
      }
    }
  }
}

/** An Avro array with block counts bounded (blockCount). */
class GuardedArrayType extends avro.types.ArrayType {
  _read(tap: Tap): unknown[] {
    const items = this.itemsType as unknown as { _read(t: Tap): unknown }
    const out: unknown[] = []
    for (let n = blockCount(tap); n > 0; n = blockCount(tap)) {
      for (; n > 0; n--) out.push(items._read(tap))
    }
    return out
  }

  _skip(tap: Tap): void {
    const items = this.itemsType as unknown as { _skip(t: Tap): void }
    for (let n = blockCount(tap); n > 0; n = blockCount(tap)) {
      for (; n > 0; n--) items._skip(tap)
    }
  }
}

/** A record carries a symbol its writer's enum has and driftwatch's does not (ClosedEnumType). */
export class UnknownSymbolError extends Error {
  constructor(readonly enumName: string, readonly symbol: string, readonly symbols: readonly string[]) {
    super(`${JSON.stringify(symbol)} is not one of ${symbols.join(', ')}`)
    this.name = 'UnknownSymbolError'
  }
}

/** The parts of avsc's Resolver (lib/types.js) an enum's `_update` fills in. */
interface EnumResolver {
  _read: ((tap: Tap) => unknown) | null
}

const unqualified = (name: string) => name.slice(name.lastIndexOf('.') + 1)

/**
 * An Avro enum whose symbols are the whole set driftwatch reads. Avro (1.11, "Schema Resolution")
 * reads an enum by symbol name, and a symbol of the writer's that the reader lacks is an error
 * for the record that carries it, or the reader's enum default when it has one. avsc instead
 * refuses the whole writer schema when the reader has no default, so every record of it, the
 * ones with a known symbol too, would fail. This type resolves a writer's enum with more symbols
 * by name and throws UnknownSymbolError for a record carrying one of the others (the decoder
 * makes that record a dead letter, src/ingest/decoder.ts). The bundled enums have no default on
 * purpose: a default relabels every unknown symbol as itself (docs/events.md).
 */
class ClosedEnumType extends avro.types.EnumType {
  _update(resolver: EnumResolver, writer: avro.Type, opts: { ignoreNamespaces?: boolean }): void {
    ;(avro.types.EnumType.prototype as unknown as { _update(r: EnumResolver, w: avro.Type, o: object): void })._update.call(this, resolver, writer, opts)
    if (resolver._read || !(writer instanceof avro.types.EnumType) || !this.namedLike(writer, opts.ignoreNamespaces === true)) return
    const written = writer.symbols
    const known = new Set(this.symbols)
    const name = this.name!
    const symbols = this.symbols
    resolver._read = (tap) => {
      const index = tap.readLong()
      const symbol = written[index]
      if (symbol === undefined) throw new Error(`invalid ${writer.name} enum index: ${index}`)
      if (!known.has(symbol)) throw new UnknownSymbolError(name, symbol, symbols)
      return symbol
    }
  }

  /** avsc's name rule for resolution (lib/types.js hasCompatibleName): the name or an alias, unqualified when namespaces are ignored. */
  private namedLike(writer: avro.Type, ignoreNamespaces: boolean): boolean {
    const wanted = ignoreNamespaces ? unqualified(writer.name!) : writer.name
    return [this.name!, ...((this as unknown as { aliases: string[] }).aliases ?? [])].some((a) => (ignoreNamespaces ? unqualified(a) : a) === wanted)
  }
}

/**
 * avsc's typeHook for every Avro type driftwatch reads, its own schemas and the writer schemas the
 * registry serves (src/registry/client.ts): strings checked as UTF-8, maps into null-prototype
 * objects, block counts of maps and arrays bounded, enums closed (ClosedEnumType). A logical type
 * keeps avsc's handling.
 */
export function guardedTypes(schema: avro.Schema, opts: avro.ForSchemaOptions): avro.Type | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined
  const { type, logicalType } = schema as { type?: unknown; logicalType?: unknown }
  if (logicalType !== undefined && opts.logicalTypes) return undefined
  if (type === 'map') return new GuardedMapType(schema as avro.Schema, opts)
  if (type === 'array') return new GuardedArrayType(schema as avro.Schema, opts)
  if (type === 'string') return new Utf8StringType()
  if (type === 'enum') return new ClosedEnumType(schema as avro.Schema, opts)
  return undefined
}

/**
 * avsc types in the form avsc gives Avro's nullable unions: a union with null maps to the bare
 * value (wrapUnions: false), so decoded events have the plain shapes above. Strings, maps and
 * arrays read as guardedTypes says.
 */
export function avroType(kind: EventKind): avro.Type {
  return avro.Type.forSchema(rawSchema(kind) as avro.Schema, { wrapUnions: false, typeHook: guardedTypes })
}
