/**
 * A growable byte buffer of rows in ClickHouse's RowBinary format: the ingest path writes a
 * batch's rows into one of these and inserts its bytes, without a string or a Buffer per row.
 * Reused buffers are reset by setting `pos` to 0.
 *
 * RowBinary (ClickHouse docs, formats "RowBinary"), the conventions written here:
 * - a row is its columns' values in the order of the insert's column list, nothing between;
 * - UInt32, UInt64, Int64: fixed width, little-endian; Float64: the IEEE-754 double's 8 bytes,
 *   little-endian, so every double (-0, subnormals, the extremes) is stored exactly as it is;
 * - String and LowCardinality(String): the byte length as an unsigned LEB128 varint, then the
 *   bytes. The engine takes any bytes; this buffer writes UTF-8 (a lone surrogate becomes
 *   U+FFFD, as every encoder in Node does);
 * - Nullable(T): one byte, 1 for NULL, else 0 followed by the T;
 * - Array(T): the element count as a varint, then the elements; Map(K, V): the entry count,
 *   then key, value, key, value…;
 * - DateTime64(3, 'UTC'): an Int64 of milliseconds since the Unix epoch.
 * There is no escaping and no delimiter: a value cannot break its row, whatever its bytes.
 * Pure: no I/O.
 */
import { isUtf8 } from 'node:buffer'
export class RowBuffer {
  buf: Buffer
  pos = 0

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes)
  }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  byte(b: number): void {
    this.reserve(1)
    this.buf[this.pos++] = b
  }

  /**
   * Bytes [start, end) of another buffer as they are. A few bytes (a name, a double) are copied
   * by a loop: Buffer#copy's native call costs more than the copy itself below a few dozen bytes.
   */
  copy(src: Buffer, start: number, end: number): void {
    const n = end - start
    this.reserve(n)
    if (n > 32) {
      this.pos += src.copy(this.buf, this.pos, start, end)
      return
    }
    const buf = this.buf
    let pos = this.pos
    for (let i = start; i < end; i++) buf[pos++] = src[i]!
    this.pos = pos
  }

  /** An unsigned LEB128 varint (lengths and counts), n a whole number below 2^53. */
  varUInt(n: number): void {
    this.reserve(8)
    const buf = this.buf
    if (n < 0x80) {
      buf[this.pos++] = n
      return
    }
    while (n >= 0x80) {
      buf[this.pos++] = (n % 0x80) | 0x80
      n = Math.floor(n / 0x80)
    }
    buf[this.pos++] = n
  }

  /** A String: its UTF-8 length, then its bytes. ASCII is written byte by byte, anything else by Node's encoder. */
  string(s: string): void {
    const n = s.length
    const start = this.pos
    this.reserve(n + 8)
    this.varUInt(n)
    const buf = this.buf
    let pos = this.pos
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c >= 0x80) {
        this.pos = start
        const bytes = Buffer.byteLength(s, 'utf8')
        this.reserve(bytes + 8)
        this.varUInt(bytes)
        this.pos += this.buf.write(s, this.pos, 'utf8')
        return
      }
      buf[pos++] = c
    }
    this.pos = pos
  }

  /**
   * A String from bytes [start, end) of `src`, copied as they are; false, with nothing written,
   * when they are not UTF-8 (the reader refuses such a string: src/ingest/schemas.ts readUtf8).
   * Bytes that are UTF-8 are the bytes `string()` would write for the text they decode to.
   */
  utf8Bytes(src: Buffer, start: number, end: number): boolean {
    const at = this.pos
    this.varUInt(end - start)
    this.reserve(end - start)
    const buf = this.buf
    let pos = this.pos
    let ascii = true
    for (let i = start; i < end; i++) {
      const b = src[i]!
      if (b >= 0x80) ascii = false
      buf[pos++] = b
    }
    if (!ascii && !isUtf8(src.subarray(start, end))) {
      this.pos = at
      return false
    }
    this.pos = pos
    return true
  }

  /** A Nullable(String). */
  nullableString(s: string | null): void {
    if (s === null) return this.byte(1)
    this.byte(0)
    this.string(s)
  }

  float64(x: number): void {
    this.reserve(8)
    this.pos = this.buf.writeDoubleLE(x, this.pos)
  }

  /** A Nullable(Float64). */
  nullableFloat64(x: number | null): void {
    if (x === null) return this.byte(1)
    this.byte(0)
    this.float64(x)
  }

  uint32(n: number): void {
    this.reserve(4)
    this.pos = this.buf.writeUInt32LE(n, this.pos)
  }

  /** An Int64 from a safe integer (|n| < 2^53): two's complement, low word first. */
  int64(n: number): void {
    this.reserve(8)
    const high = Math.floor(n / 0x1_0000_0000)
    this.buf.writeUInt32LE(n - high * 0x1_0000_0000, this.pos)
    this.pos = this.buf.writeInt32LE(high, this.pos + 4)
  }

  /** A UInt64 from its decimal digits (a Kafka offset). */
  uint64Decimal(digits: string): void {
    if (digits.length < 16) return this.int64(Number(digits))
    this.reserve(8)
    this.pos = this.buf.writeBigUInt64LE(BigInt(digits), this.pos)
  }

  /** A Map(String, Float64) from an object's own enumerable keys (null-prototype objects included). */
  numberMap(map: Readonly<Record<string, number>>): void {
    let n = 0
    for (const _ in map) n++
    this.varUInt(n)
    for (const k in map) {
      this.string(k)
      this.float64(map[k]!)
    }
  }

  /** A Map(String, String), as numberMap. */
  stringMap(map: Readonly<Record<string, string>>): void {
    let n = 0
    for (const _ in map) n++
    this.varUInt(n)
    for (const k in map) {
      this.string(k)
      this.string(map[k]!)
    }
  }

  /**
   * The bytes of the given [start, end) ranges, in order: a view when they are the whole
   * buffer from 0 (nothing was left out), a copy otherwise.
   */
  bytesOf(ranges: readonly (readonly [number, number])[]): Buffer {
    if (ranges.length === 0) return Buffer.alloc(0)
    let contiguous = ranges[0]![0] === 0
    for (let i = 1; contiguous && i < ranges.length; i++) contiguous = ranges[i]![0] === ranges[i - 1]![1]
    if (contiguous) return this.buf.subarray(0, ranges.at(-1)![1])
    return Buffer.concat(ranges.map(([s, e]) => this.buf.subarray(s, e)))
  }
}

/**
 * The entries of one Map or Array column, written before their number is known (a map read once
 * with its entries split among columns by type): into a row as their count, then the entries.
 */
export class CountedEntries extends RowBuffer {
  count = 0

  reset(): void {
    this.pos = 0
    this.count = 0
  }

  writeTo(out: RowBuffer): void {
    out.varUInt(this.count)
    out.copy(this.buf, 0, this.pos)
  }
}
