/**
 * A growable byte buffer for rows in the store's line format (src/store/tsv.ts): the ingest path
 * writes a batch's rows into one of these and inserts its bytes, without a string or a Buffer
 * per row. Reused buffers are reset by setting `pos` to 0.
 */
export class LineBuffer {
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

  /** A string as UTF-8. */
  text(s: string): void {
    this.reserve(s.length * 3)
    this.pos += this.buf.write(s, this.pos, 'utf8')
  }

  /** Bytes [start, end) of another buffer as they are. */
  copy(src: Buffer, start: number, end: number): void {
    this.reserve(end - start)
    this.pos += src.copy(this.buf, this.pos, start, end)
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
