/**
 * Reads a prediction payload written with driftwatch's own schema straight into its stored row
 * (src/store/rows.ts, RowBinary: src/store/row-buffer.ts), without building the event's feature
 * map: the ingest hot path. Features are most of a prediction's bytes: their names and string
 * values are copied from the Avro payload into the row with their length re-encoded, and their
 * numbers as their 8 bytes, which Avro and RowBinary write alike; nothing per feature reaches the
 * JavaScript heap.
 *
 * It returns the row and the event as validation and the join see it, with `features` reduced
 * to the first non-finite number (what validatePrediction checks in them, with reserved names,
 * which begin with two underscores: a feature named so takes the avsc path) and
 * `segments` left empty (neither reads them; the row has them), so the same validation decides
 * on both paths. Whenever the payload is anything but the plain case it
 * returns null and the caller decodes the record with avsc and predictionRow: that path gives
 * the errors of a malformed payload (truncated, trailing bytes, a bad union index), and the
 * semantics of a JavaScript object for a feature map holding a name twice (the last value
 * wins) or integer-like names (which an object lists first, in numeric order). Both paths give
 * the same row for the same payload (prediction-reader.test.ts checks it over random events).
 *
 * Avro binary encoding (spec 1.11, "Binary Encoding"): long = zig-zag varint; string = long
 * length + UTF-8 bytes; double = 8 bytes little-endian; boolean = one byte; union = long branch
 * index + value; map = blocks of `count` entries (a negative count is followed by the block's
 * byte size), ended by a zero count; enum = long index; record = its fields in order.
 */
import { isUtf8 } from 'node:buffer'
import { type PredictionEvent, utf8Text, type Variant } from './schemas.js'
import type { Privacy } from '../store/privacy.js'
import { storedFeatureValue } from '../store/privacy.js'
import { CountedEntries, RowBuffer } from '../store/row-buffer.js'
import { FeatureEntries, predictionRowEnd, predictionRowOutcome } from '../store/rows.js'
import { NameHashes } from './name-hashes.js'

/** A prediction read on the fast path: the event for validation and the join; its row is in the buffer given. */
export interface FastPrediction {
  readonly event: PredictionEvent
  /** [start, end) of its row in that buffer. */
  readonly row: readonly [number, number]
}

const VARIANTS: readonly Variant[] = ['champion', 'challenger', 'shadow', 'canary']

const NO_SEGMENTS: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>)
/** The features of an event whose numbers are all finite: validation needs none of them. */
const NO_FEATURES: PredictionEvent['features'] = Object.freeze(Object.create(null) as PredictionEvent['features'])

/** Thrown inside the reader for anything but the plain case; the caller falls back to avsc. */
const NOT_PLAIN = Symbol('not plain')

class Input {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  long(): number {
    const buf = this.buf
    let n = 0
    let k = 0
    let b: number
    do {
      if (this.pos >= buf.length) throw NOT_PLAIN
      b = buf[this.pos++]!
      n |= (b & 0x7f) << k
      k += 7
    } while (b & 0x80 && k < 28)
    if (b & 0x80) {
      // Beyond 28 bits: float arithmetic, as avsc does.
      let f = n
      let fk = 268435456
      do {
        if (this.pos >= buf.length) throw NOT_PLAIN
        b = buf[this.pos++]!
        f += (b & 0x7f) * fk
        fk *= 128
      } while (b & 0x80)
      // A varint of more than ~150 bytes overflows to Infinity, and its zigzag to NaN: no Avro long.
      if (!Number.isFinite(f)) throw NOT_PLAIN
      return (f % 2 ? -(f + 1) : f) / 2
    }
    return (n >> 1) ^ -(n & 1)
  }

  /** [start, end) of a string's bytes. */
  span(): number {
    const len = this.long()
    if (!(len >= 0 && this.pos + len <= this.buf.length)) throw NOT_PLAIN
    this.pos += len
    return len
  }

  /** Steps over a string; returns where its bytes start (they end at `pos`). */
  start(): number {
    const len = this.span()
    return this.pos - len
  }

  string(): string {
    const start = this.start()
    return text(this.buf, start, this.pos)
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) throw NOT_PLAIN
    const x = this.buf.readDoubleLE(this.pos)
    this.pos += 8
    return x
  }

  /** Steps over a double; returns where its 8 bytes start. */
  skipDouble(): number {
    if (this.pos + 8 > this.buf.length) throw NOT_PLAIN
    this.pos += 8
    return this.pos - 8
  }

  boolean(): boolean {
    if (this.pos >= this.buf.length) throw NOT_PLAIN
    return this.buf[this.pos++] !== 0 // avsc reads any non-zero byte as true
  }

  /** A union's branch index, checked against its number of branches. */
  branch(count: number): number {
    const i = this.long()
    if (i < 0 || i >= count) throw NOT_PLAIN
    return i
  }

  /** Entries in the next map block, 0 at the end of the map. */
  block(): number {
    let n = this.long()
    if (n < 0) {
      n = -n
      this.long()
    }
    return n
  }
}

/** Bytes [start, end) of `src` as text; not plain when they are not UTF-8, which the avsc path refuses (./schemas.ts utf8Text). */
function text(src: Buffer, start: number, end: number): string {
  const s = utf8Text(src, start, end)
  if (s === null) throw NOT_PLAIN
  return s
}

/** Bytes [start, end) of `src` into `out` as a String; not plain when they are not UTF-8. */
function utf8Into(out: RowBuffer, src: Buffer, start: number, end: number): void {
  if (!out.utf8Bytes(src, start, end)) throw NOT_PLAIN
}

/**
 * A map entry's name, bytes [start, end) of `src`, into `out` as a String (RowBuffer.utf8Bytes),
 * in the same pass as its FNV-1a hash, returned to spot a name given twice in one map. Bytes
 * that are UTF-8 name one text each, so equal hashes of the bytes are what equal names need.
 */
function nameInto(out: RowBuffer, src: Buffer, start: number, end: number): number {
  const at = out.pos
  out.varUInt(end - start)
  out.reserve(end - start)
  const buf = out.buf
  let pos = out.pos
  let hash = 0x811c9dc5
  let ascii = true
  for (let i = start; i < end; i++) {
    const b = src[i]!
    hash = Math.imul(hash ^ b, 0x01000193)
    if (b >= 0x80) ascii = false
    buf[pos++] = b
  }
  out.pos = pos
  if (!ascii && !isUtf8(src.subarray(start, end))) {
    out.pos = at
    throw NOT_PLAIN
  }
  return hash
}

/** True when the 8 little-endian bytes of a double at `at` are an infinity or a NaN (exponent all ones). */
const nonFiniteAt = (src: Buffer, at: number): boolean => (src[at + 7]! & 0x7f) === 0x7f && (src[at + 6]! & 0xf0) === 0xf0

/** True for a name an object would list before the others (an array index: digits, no leading zero). */
function integerLike(src: Buffer, start: number, end: number): boolean {
  if (end === start || end - start > 10) return false
  for (let i = start; i < end; i++) {
    const b = src[i]!
    if (b < 0x30 || b > 0x39) return false
  }
  return !(src[start] === 0x30 && end - start > 1)
}

/** True for a name that begins with two underscores, as the reserved ones do (validate.ts RESERVED_FEATURE_NAMES): validation needs to see it. */
const doubleUnderscore = (src: Buffer, start: number, end: number): boolean => end - start > 1 && src[start] === 0x5f && src[start + 1] === 0x5f

/**
 * The text of the bytes read last time, reused while they repeat: a topic's events name one or a
 * few models and versions, and a new string for each event was garbage (or, held by the batch,
 * copied by the collector) for nothing.
 */
class RepeatedText {
  private bytes = new Uint8Array(64)
  private length = -1
  private text = ''

  of(src: Buffer, start: number, end: number): string {
    const n = end - start
    if (n === this.length) {
      const bytes = this.bytes
      let i = 0
      while (i < n && bytes[i] === src[start + i]) i++
      if (i === n) return this.text
    }
    this.text = text(src, start, end)
    if (n > this.bytes.length) this.bytes = new Uint8Array(n)
    for (let i = 0; i < n; i++) this.bytes[i] = src[start + i]!
    this.length = n
    return this.text
  }
}

/**
 * One reader per consumer of the topic. Its scratch entries are reused from record to record:
 * `read` runs start to end without yielding, so batches of several partitions handled at once
 * never share them mid-record.
 */
export class PredictionReader {
  private readonly entries = new FeatureEntries()
  private readonly hashes = new NameHashes()
  private readonly segments = new CountedEntries(1024)
  private readonly segmentHashes = new NameHashes()
  private readonly modelText = new RepeatedText()
  private readonly versionText = new RepeatedText()
  private readonly environmentText = new RepeatedText()

  /**
   * `limits`: the feature map's width limits validation applies (validate.ts checkFeatures). A map
   * that may pass one is not plain: the avsc path builds every feature, so validation counts them.
   * A name's UTF-8 bytes are at least its UTF-16 length, so a name within the limit in bytes is
   * within it in characters.
   */
  constructor(
    private readonly privacy: Privacy,
    private readonly limits: { readonly maxFeatures: number; readonly maxFeatureNameLength: number } = { maxFeatures: Infinity, maxFeatureNameLength: Infinity },
  ) {}

  /**
   * The Avro payload, `value` from `start` on (after the wire format's 5-byte header), as an
   * event, with its row appended to `out`; or null for the avsc path, with nothing appended.
   */
  read(value: Buffer, start: number, source: { readonly topic: string; readonly partition: number; readonly offset: string }, out: RowBuffer): FastPrediction | null {
    try {
      return this.readPlain(new Input(value, start), source, out)
    } catch (e) {
      if (e === NOT_PLAIN) return null
      throw e
    }
  }

  private readPlain(input: Input, source: { readonly topic: string; readonly partition: number; readonly offset: string }, out: RowBuffer): FastPrediction | null {
    const src = input.buf
    const idStart = input.start()
    const idEnd = input.pos
    const modelStart = input.start()
    const modelEnd = input.pos
    const versionStart = input.start()
    const versionEnd = input.pos
    const event_time = input.long()
    // avsc refuses a long a double cannot hold exactly ("potential precision loss").
    if (!(event_time >= -9007199254740990 && event_time <= 9007199254740990)) throw NOT_PLAIN
    const model_id = this.modelText.of(src, modelStart, modelEnd)
    const features = this.features(input, model_id)
    const class_label = input.branch(2) === 1 ? input.string() : null
    const score = input.branch(2) === 1 ? input.double() : null
    const probabilities = input.branch(2) === 1 ? this.numberMap(input) : null
    const value = input.branch(2) === 1 ? input.double() : null
    this.readSegments(input)
    const environmentStart = input.start()
    const environment = this.environmentText.of(src, environmentStart, input.pos)
    const variantIndex = input.long()
    const variant = VARIANTS[variantIndex]
    if (variant === undefined) throw NOT_PLAIN
    const subject_id = input.branch(2) === 1 ? input.string() : null
    if (input.pos !== input.buf.length) throw NOT_PLAIN

    const start = out.pos
    // Ids copied from the payload; the time as written, unchecked: validation runs on the event
    // next, and a row whose event it rejects is never stored.
    utf8Into(out, src, idStart, idEnd)
    utf8Into(out, src, modelStart, modelEnd)
    utf8Into(out, src, versionStart, versionEnd)
    out.int64(event_time)
    this.entries.writeTo(out)
    const event: PredictionEvent = {
      prediction_id: src.toString('utf8', idStart, idEnd), // checked as UTF-8 above
      model_id,
      model_version: this.versionText.of(src, versionStart, versionEnd),
      event_time,
      features,
      prediction: { class_label, score, probabilities, value },
      // Not read by validation or the join: written to the row from the payload's bytes.
      segments: NO_SEGMENTS,
      deployment: { environment, variant },
      subject_id,
    }
    predictionRowOutcome(out, event.prediction)
    this.segments.writeTo(out)
    predictionRowEnd(out, event, source, this.privacy)
    const row = [start, out.pos] as const
    return { event, row }
  }

  /**
   * The feature map into the num, cat and missing entries. Returns the features validation
   * needs: the first non-finite number, or none.
   */
  private features(input: Input, modelId: string): PredictionEvent['features'] {
    const { hashes } = this
    this.entries.reset()
    const { num, cat, missing } = this.entries
    hashes.clear()
    const pii = this.privacy.piiFeatures(modelId)
    const stored = pii.size > 0 ? storedFeatureValue(this.privacy, modelId) : null
    const src = input.buf
    let nonFinite: PredictionEvent['features'] | null = null
    const { maxFeatures, maxFeatureNameLength } = this.limits
    let count = 0
    for (let n = input.block(); n !== 0; n = input.block()) {
      for (; n > 0; n--) {
        const ks = input.start()
        const ke = input.pos
        if (++count > maxFeatures || ke - ks > maxFeatureNameLength) throw NOT_PLAIN
        if (integerLike(src, ks, ke) || doubleUnderscore(src, ks, ke)) throw NOT_PLAIN
        const branch = input.branch(4)
        let v: number | string | boolean | null = null
        let vs = 0
        let ve = 0
        if (branch === 1) {
          // The number itself is read only when something needs it: its bytes go to the row.
          vs = input.skipDouble()
          if (nonFiniteAt(src, vs) && nonFinite === null) {
            nonFinite = Object.create(null) as PredictionEvent['features']
            nonFinite[src.toString('utf8', ks, ke)] = src.readDoubleLE(vs)
          }
          if (stored !== null) v = src.readDoubleLE(vs)
        } else if (branch === 2) {
          vs = input.start()
          ve = input.pos
        } else if (branch === 3) v = input.boolean()
        if (stored !== null) {
          // A pii feature's value is stored as the pseudonym of its text (privacy.ts).
          const key = text(src, ks, ke)
          const raw = branch === 2 ? text(src, vs, ve) : v
          const s = stored(key, raw)
          if (!Object.is(s, raw)) {
            this.name(cat, src, ks, ke)
            cat.string(s as string)
            continue
          }
        }
        if (branch === 0) {
          this.name(missing, src, ks, ke)
        } else if (branch === 1) {
          this.name(num, src, ks, ke)
          num.copy(src, vs, vs + 8)
        } else {
          this.name(cat, src, ks, ke)
          if (branch === 2) utf8Into(cat, src, vs, ve)
          else cat.string(v ? 'true' : 'false')
        }
      }
    }
    return nonFinite ?? NO_FEATURES
  }

  /**
   * An entry's name, opening an entry of `out` (counted); a name whose hash is in `seen` (the
   * names of this map so far) is not plain.
   */
  private name(out: CountedEntries, src: Buffer, start: number, end: number, seen = this.hashes): void {
    if (!seen.add(nameInto(out, src, start, end))) throw NOT_PLAIN
    out.count++
  }

  private numberMap(input: Input): Record<string, number> {
    const out = Object.create(null) as Record<string, number>
    for (let n = input.block(); n !== 0; n = input.block()) {
      for (; n > 0; n--) {
        const key = input.string()
        out[key] = input.double()
      }
    }
    return out
  }

  /**
   * The segments map into its section, as Map(String, String) entries, with the semantics of the
   * object avsc builds: a name given twice or an integer-like name is not plain.
   */
  private readSegments(input: Input): void {
    const section = this.segments
    const hashes = this.segmentHashes
    section.reset()
    hashes.clear()
    const src = input.buf
    for (let n = input.block(); n !== 0; n = input.block()) {
      for (; n > 0; n--) {
        const ks = input.start()
        const ke = input.pos
        if (integerLike(src, ks, ke)) throw NOT_PLAIN
        this.name(section, src, ks, ke, hashes)
        const vs = input.start()
        utf8Into(section, src, vs, input.pos)
      }
    }
  }
}
