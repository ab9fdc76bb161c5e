/**
 * A leaner decoder of the records in a fetched record batch, for kafkajs 2.2.4.
 *
 * kafkajs decodes each record's timestamp delta (a varlong) and turns the batch's first offset and
 * first timestamp (decimal strings) into each record's offset and timestamp with its `Long`, a
 * BigInt wrapper: about ten short-lived objects and two BigInt-to-string conversions per record,
 * which the bench measured at 3-5 µs of CPU per event with the garbage collector's share
 * (docs/performance.md). This decoder gives the same record, field for field, computing with
 * numbers wherever a double holds the values exactly: a varlong of up to 7 bytes (49 bits), and a
 * first offset or timestamp below 2^53 - 2^50 in magnitude. Anything else (an 8- to 10-byte
 * varlong, an offset past 2^52) takes kafkajs' own arithmetic, so every input decodes as kafkajs
 * decodes it; `record-decoder.test.ts` checks that on random records against kafkajs' decoder.
 * Headers are built in one pass instead of kafkajs' quadratic reduce, the same values except for a
 * header named after an Object.prototype property, which kafkajs garbles (`decodeHeaders`).
 *
 * kafkajs has no hook for this: `installRecordDecoder` puts the decoder in Node's module cache
 * under the path of kafkajs' record decoder, before kafkajs first loads that module (at the first
 * fetch: kafkajs requires its protocol decoders lazily). It does nothing, and kafkajs keeps its
 * own, when the installed kafkajs is not 2.2.4 (the version this mirrors) or the module is already
 * loaded.
 */
import { readFileSync } from 'node:fs'
import { createRequire, Module } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

/** The kafkajs version whose record decoder (src/protocol/recordBatch/record/v0/decoder.js) this one mirrors. */
export const KAFKAJS_VERSION = '2.2.4'

/** kafkajs' protocol Decoder, as far as records use it. */
export interface KafkajsDecoder {
  buffer: Buffer
  offset: number
  readInt8(): number
  readVarInt(): number
  readVarLong(): KafkajsLong
  readVarIntBytes(): Buffer | null
  readVarIntArray<T>(reader: (decoder: KafkajsDecoder) => T): T[]
}

interface KafkajsLong {
  add(addend: KafkajsLong | number): KafkajsLong
  toString(): string
}

interface LongClass {
  fromValue(value: string | number): KafkajsLong
}

/** What kafkajs' batch decoder hands each record (recordBatch/v0/decoder.js, recordContext). */
export interface BatchContext {
  readonly firstOffset: string
  readonly firstTimestamp: string
  readonly maxTimestamp?: string
  readonly magicByte?: number
  readonly isControlBatch?: boolean
  readonly timestampType?: number
}

export interface KafkajsRecord {
  magicByte: number | undefined
  attributes: number
  timestamp: string | undefined
  offset: string
  key: Buffer | null
  value: Buffer | null
  /**
   * A null value stays null, as kafkajs decodes it (kafkajs' published type, and SourceRecord's
   * after it, omit null: code that reads headers must expect it).
   */
  headers: Record<string, Buffer | null | (Buffer | null)[]>
  isControlRecord: boolean
  batchContext: BatchContext
}

const kafkajsDir = (): string => dirname(require.resolve('kafkajs/package.json'))
/** The path kafkajs' batch decoder requires its record decoder from. */
export const recordDecoderPath = (): string => join(kafkajsDir(), 'src/protocol/recordBatch/record/v0/decoder.js')

/** Below this magnitude a double holds an offset or timestamp plus any 49-bit delta exactly. */
const EXACT = 2 ** 53 - 2 ** 50

/** Header decoding and the LOG_APPEND_TIME constant, kafkajs' own. */
let kafkajsParts: { Long: LongClass; decodeHeader: (d: KafkajsDecoder) => { key: string; value: Buffer | null }; logAppendTime: number } | null = null
function parts(): NonNullable<typeof kafkajsParts> {
  if (kafkajsParts) return kafkajsParts
  const dir = kafkajsDir()
  const timestampTypes = require(join(dir, 'src/protocol/timestampTypes')) as { LOG_APPEND_TIME: number }
  kafkajsParts = {
    Long: require(join(dir, 'src/utils/long')) as LongClass,
    decodeHeader: require(join(dir, 'src/protocol/recordBatch/header/v0/decoder')) as (d: KafkajsDecoder) => { key: string; value: Buffer | null },
    logAppendTime: timestampTypes.LOG_APPEND_TIME,
  }
  return kafkajsParts
}

/**
 * A zigzag varlong of at most 7 bytes at `decoder.offset` as a number, the decoder moved past it;
 * null, the decoder unmoved, for a longer one.
 */
function smallVarLong(decoder: KafkajsDecoder): number | null {
  const buf = decoder.buffer
  let pos = decoder.offset
  let result = 0
  let scale = 1
  for (let n = 0; ; n++) {
    if (n === 7) return null
    const b = buf[pos++]!
    result += (b & 0x7f) * scale
    scale *= 128
    if (b < 0x80) break
  }
  decoder.offset = pos
  return result % 2 === 1 ? -(result + 1) / 2 : result / 2
}

/** `first` (a decimal int64) plus `delta`, as kafkajs' Long would write it. */
function plus(first: string, delta: number | KafkajsLong): string {
  if (typeof delta === 'number') {
    const base = Number(first)
    if (base > -EXACT && base < EXACT) return String(base + delta)
  }
  return parts().Long.fromValue(first).add(delta).toString()
}

const NO_HEADERS: KafkajsRecord['headers'] = Object.freeze(Object.create(null) as KafkajsRecord['headers'])

/**
 * A record's headers as one object: a key given twice collects its values in an array, in order;
 * a header whose value is null (Kafka's -1 length) is null, in an array too.
 *
 * kafkajs builds it with a reduce that copies the object for every header and the array for
 * every repeat: quadratic in the number of headers, and one record of a few tens of KB can carry
 * tens of thousands of them (10,000 keys held the event loop for 27 s, long enough to be evicted
 * from the group). This builds one object in place. It has no prototype, which also fixes what
 * kafkajs' reduce does with a header named after an Object.prototype property: it reads the
 * inherited value as an earlier one, turning `toString=t` into `[Function toString, <t>]` and
 * `__proto__=p` into `[Object.prototype, <p>]`, values its own producer cannot encode. Here each
 * is the header's own value, as for any other name.
 */
export function decodeHeaders(list: readonly { key: string; value: Buffer | null }[]): KafkajsRecord['headers'] {
  // Most records have none: one shared empty object, not a dictionary-mode object per record.
  if (list.length === 0) return NO_HEADERS
  const headers = Object.create(null) as KafkajsRecord['headers']
  for (const { key, value } of list) {
    const had = headers[key]
    if (had === undefined) headers[key] = value
    else if (Array.isArray(had)) had.push(value)
    else headers[key] = [had, value]
  }
  return headers
}

/** One record at the decoder's position: kafkajs' record decoder, with number arithmetic where exact. */
export function decodeRecord(decoder: KafkajsDecoder, batchContext: BatchContext = {} as BatchContext): KafkajsRecord {
  const { firstOffset, firstTimestamp, magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext
  const attributes = decoder.readInt8()
  const timestampDelta = smallVarLong(decoder) ?? decoder.readVarLong()
  const timestamp = timestampType === parts().logAppendTime && maxTimestamp ? maxTimestamp : plus(firstTimestamp, timestampDelta)
  const offset = plus(firstOffset, decoder.readVarInt())
  const key = decoder.readVarIntBytes()
  const value = decoder.readVarIntBytes()
  const headers = decodeHeaders(decoder.readVarIntArray(parts().decodeHeader))
  return { magicByte, attributes, timestamp, offset, key, value, headers, isControlRecord: isControlBatch, batchContext }
}

/**
 * kafkajs' own record decoder, compiled from its file (the module cache may hold ours): the
 * reference that tests and the bench compare `decodeRecord` with.
 */
export function kafkajsRecordDecoder(): typeof decodeRecord {
  const path = recordDecoderPath()
  const module = new Module(path) as Module & { _compile(code: string, file: string): void }
  module.filename = path
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(path))
  module._compile(readFileSync(path, 'utf8'), path)
  return module.exports as typeof decodeRecord
}

/**
 * Puts `decodeRecord` where kafkajs loads its record decoder from. Returns whether it did: not
 * when kafkajs is another version than KAFKAJS_VERSION or has loaded its own already.
 */
export function installRecordDecoder(): boolean {
  const path = recordDecoderPath()
  if (require.cache[path]) return require.cache[path].exports === decodeRecord
  const { version } = require('kafkajs/package.json') as { version: string }
  if (version !== KAFKAJS_VERSION) return false
  const module = new Module(path)
  module.filename = path
  module.loaded = true
  module.exports = decodeRecord
  require.cache[path] = module
  return true
}
