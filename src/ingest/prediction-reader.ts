/**
 * Reads a prediction payload written with driftwatch's own schema straight into its stored line
 * (src/store/rows.ts, TabSeparated), without building the event's feature map: the ingest hot
 * path. Features are most of a prediction's bytes: their names and string values are copied
 * from the Avro payload into the line as bytes, escaped on the way (src/store/tsv.ts), and their
 * numbers as the hex digits of their 8 bytes (features_num_hex, tsv.ts); nothing per feature
 * reaches the JavaScript heap.
 *
 * It returns the line and the event as validation and the join see it, with `features` reduced
 * to the first non-finite number (the only thing validatePrediction checks in them), so the same
 * validation decides on both paths. Whenever the payload is anything but the plain case it
 * returns null and the caller decodes the record with avsc and predictionLine: that path gives
 * the errors of a malformed payload (truncated, trailing bytes, a bad union index), and the
 * semantics of a JavaScript object for a feature map holding a name twice (the last value
 * wins) or integer-like names (which an object lists first, in numeric order). Both paths give
 * the same line for the same payload (prediction-reader.test.ts checks it over random events).
 *
 * Avro binary encoding (spec 1.11, "Binary Encoding"): long = zig-zag varint; string = long
 * length + UTF-8 bytes; double = 8 bytes little-endian; boolean = one byte; union = long branch
 * index + value; map = blocks of `count` entries (a negative count is followed by the block's
 * byte size), ended by a zero count; enum = long index; record = its fields in order.
 */
import type { PredictionEvent, Variant } from './schemas.js'
import type { Privacy } from '../store/privacy.js'
import { storedFeatureValue } from '../store/privacy.js'
import { LineBuffer } from '../store/lines.js'
import { predictionLineTail } from '../store/rows.js'
import { tsvDateTime64, tsvEscape, writeDoubleHex } from '../store/tsv.js'

/** A prediction read on the fast path: the event for validation and the join; its line is in the buffer given. */
export interface FastPrediction {
  readonly event: PredictionEvent
  /** [start, end) of its line in that buffer. */
  readonly row: readonly [number, number]
}

const VARIANTS: readonly Variant[] = ['champion', 'challenger', 'shadow', 'canary']

/** Byte -> the escaped character after a backslash (tsv.ts), 0 when the byte is copied as is. */
const ESCAPE = new Uint8Array(256)
for (const [c, e] of [['\\', '\\'], ['\t', 't'], ['\n', 'n'], ['\r', 'r'], ['\0', '0'], ['\b', 'b'], ['\f', 'f'], ["'", "'"]] as const) {
  ESCAPE[c.charCodeAt(0)] = e.charCodeAt(0)
}

const QUOTE = 0x27
const COMMA = 0x2c
const COLON = 0x3a
const TAB = 0x09

/** Thrown inside the reader for anything but the plain case; the caller falls back to avsc. */
const NOT_PLAIN = Symbol('not plain')

class Input {
  pos = 0
  constructor(readonly buf: Buffer) {}

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
      return (f % 2 ? -(f + 1) : f) / 2
    }
    return (n >> 1) ^ -(n & 1)
  }

  /** [start, end) of a string's bytes. */
  span(): number {
    const len = this.long()
    if (len < 0 || this.pos + len > this.buf.length) throw NOT_PLAIN
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
    return this.buf.toString('utf8', start, this.pos)
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

/**
 * The bytes [start, end) of `src` into `out`, escaped for TSV. ASCII is copied byte by byte; a
 * string with other bytes goes through a JavaScript string, as avsc would read it (invalid UTF-8
 * becomes U+FFFD on both paths).
 */
function escapedBytes(out: LineBuffer, src: Buffer, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    if (src[i]! >= 0x80) return out.text(tsvEscape(src.toString('utf8', start, end)))
  }
  out.reserve((end - start) * 2)
  const buf = out.buf
  let pos = out.pos
  for (let i = start; i < end; i++) {
    const b = src[i]!
    const e = ESCAPE[b]!
    if (e) {
      buf[pos++] = 0x5c
      buf[pos++] = e
    } else buf[pos++] = b
  }
  out.pos = pos
}

/**
 * The bytes [start, end) of `src` into `out` between quotes, escaped (escapedBytes). Returns a
 * hash of the bytes (FNV-1a), to spot a name seen twice.
 */
function quotedBytes(out: LineBuffer, src: Buffer, start: number, end: number): number {
  let hash = 0x811c9dc5
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ src[i]!, 0x01000193)
  out.byte(QUOTE)
  escapedBytes(out, src, start, end)
  out.byte(QUOTE)
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

/**
 * One reader per consumer of the topic. Its scratch sections are reused from record to record:
 * `read` runs start to end without yielding, so batches of several partitions handled at once
 * never share them mid-record.
 */
export class PredictionReader {
  private readonly num = new LineBuffer()
  private readonly cat = new LineBuffer()
  private readonly missing = new LineBuffer()
  private readonly hashes: number[] = []

  constructor(private readonly privacy: Privacy) {}

  /**
   * The payload (after the 5-byte header) as an event, with its line appended to `out`; or null
   * for the avsc path, with nothing appended.
   */
  read(payload: Buffer, source: { readonly topic: string; readonly partition: number; readonly offset: string }, out: LineBuffer): FastPrediction | null {
    try {
      return this.readPlain(new Input(payload), source, out)
    } catch (e) {
      if (e === NOT_PLAIN) return null
      throw e
    }
  }

  private readPlain(input: Input, source: { readonly topic: string; readonly partition: number; readonly offset: string }, line: LineBuffer): FastPrediction | null {
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
    const model_id = src.toString('utf8', modelStart, modelEnd)
    const features = this.features(input, model_id)
    const class_label = input.branch(2) === 1 ? input.string() : null
    const score = input.branch(2) === 1 ? input.double() : null
    const probabilities = input.branch(2) === 1 ? this.numberMap(input) : null
    const value = input.branch(2) === 1 ? input.double() : null
    const segments = this.stringMap(input)
    const environment = input.string()
    const variantIndex = input.long()
    const variant = VARIANTS[variantIndex]
    if (variant === undefined) throw NOT_PLAIN
    const subject_id = input.branch(2) === 1 ? input.string() : null
    if (input.pos !== input.buf.length) throw NOT_PLAIN

    const start = line.pos
    // Ids copied from the payload; the time as written, unchecked: validation runs on the event
    // next, and a line whose event it rejects is never stored.
    escapedBytes(line, src, idStart, idEnd)
    line.byte(TAB)
    escapedBytes(line, src, modelStart, modelEnd)
    line.byte(TAB)
    escapedBytes(line, src, versionStart, versionEnd)
    line.text(`\t${tsvDateTime64(event_time)}\t{`)
    line.copy(this.num.buf, 0, this.num.pos)
    line.text('}\t{')
    line.copy(this.cat.buf, 0, this.cat.pos)
    line.text('}\t[')
    line.copy(this.missing.buf, 0, this.missing.pos)
    const event: PredictionEvent = {
      prediction_id: src.toString('utf8', idStart, idEnd),
      model_id,
      model_version: src.toString('utf8', versionStart, versionEnd),
      event_time,
      features,
      prediction: { class_label, score, probabilities, value },
      segments,
      deployment: { environment, variant },
      subject_id,
    }
    line.text(`]\t${predictionLineTail(event, source, this.privacy)}`)
    const row = [start, line.pos] as const
    return { event, row }
  }

  /**
   * The feature map into the num, cat and missing sections. Returns the features validation
   * needs: the first non-finite number, or none.
   */
  private features(input: Input, modelId: string): PredictionEvent['features'] {
    const { num, cat, missing, hashes } = this
    num.pos = cat.pos = missing.pos = 0
    hashes.length = 0
    const pii = this.privacy.piiFeatures(modelId)
    const stored = pii.size > 0 ? storedFeatureValue(this.privacy, modelId) : null
    const src = input.buf
    let nonFinite: PredictionEvent['features'] | null = null
    for (let n = input.block(); n !== 0; n = input.block()) {
      for (; n > 0; n--) {
        const ks = input.start()
        const ke = input.pos
        if (integerLike(src, ks, ke)) throw NOT_PLAIN
        const branch = input.branch(4)
        let v: number | string | boolean | null = null
        let vs = 0
        let ve = 0
        if (branch === 1) {
          // The number itself is read only when something needs it: its bytes go to the line.
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
          const key = src.toString('utf8', ks, ke)
          const raw = branch === 2 ? src.toString('utf8', vs, ve) : v
          const s = stored(key, raw)
          if (s !== raw) {
            this.entry(cat, src, ks, ke)
            cat.byte(COLON)
            cat.text(`'${tsvEscape(s as string)}'`)
            continue
          }
        }
        if (branch === 0) this.entry(missing, src, ks, ke)
        else if (branch === 1) {
          this.entry(num, src, ks, ke)
          num.reserve(19)
          num.buf[num.pos++] = COLON
          num.buf[num.pos++] = QUOTE
          num.pos = writeDoubleHex(src, vs, num.buf, num.pos)
          num.buf[num.pos++] = QUOTE
        } else {
          this.entry(cat, src, ks, ke)
          cat.byte(COLON)
          if (branch === 2) quotedBytes(cat, src, vs, ve)
          else cat.text(v ? "'true'" : "'false'")
        }
      }
    }
    return nonFinite ?? (Object.create(null) as PredictionEvent['features'])
  }

  /** A quoted name into a section, after a comma when it is not the first; a name seen before in this map is not plain. */
  private entry(out: LineBuffer, src: Buffer, start: number, end: number): void {
    if (out.pos > 0) out.byte(COMMA)
    const hash = quotedBytes(out, src, start, end)
    if (this.hashes.includes(hash)) throw NOT_PLAIN
    this.hashes.push(hash)
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

  private stringMap(input: Input): Record<string, string> {
    const out = Object.create(null) as Record<string, string>
    for (let n = input.block(); n !== 0; n = input.block()) {
      for (; n > 0; n--) {
        const key = input.string()
        out[key] = input.string()
      }
    }
    return out
  }
}
