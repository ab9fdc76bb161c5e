/**
 * A label file's bytes, passed on as they are once checked to be UTF-8: the readers decode
 * text with U+FFFD in place of bytes that are not, and two prediction ids that differ only there
 * (`p-\xff`, `p-\xfe`) would label one prediction twice and the other never. A file that is not
 * UTF-8 stops with DW_FILE_INVALID at the line of its first bad byte; the rows before it were read
 * (a backfill resumes from its checkpoint once the file is fixed).
 */
import { isUtf8 } from 'node:buffer'
import { Transform, type Readable } from 'node:stream'
import { DriftwatchError } from '../errors.js'

/** How many bytes at the end of `b` start a UTF-8 sequence that the next chunk may complete (0-3). */
function incompleteTail(b: Buffer): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const byte = b[b.length - back]!
    if ((byte & 0xc0) === 0x80) continue // a continuation byte: look further back
    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return needs > back ? back : 0
  }
  return 0
}

/** Where the first sequence of `b` that is not UTF-8 starts (b.length when there is none). */
export function firstBadByte(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!
    const length = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0
    if (length === 0 || !isUtf8(b.subarray(i, i + length))) return i
    i += length
  }
  return b.length
}

const countNewlines = (b: Buffer, end = b.length) => {
  let n = 0
  for (let at = b.indexOf(0x0a); at >= 0 && at < end; at = b.indexOf(0x0a, at + 1)) n++
  return n
}

export interface CheckedText {
  /** The input's bytes up to the line of the first bad byte, then its end. */
  readonly text: Readable
  /** Why the text ended early: DW_FILE_INVALID at the line of the first bad byte; null when it did not. */
  problem(): DriftwatchError | null
}

/** Bytes of a line held back until its end, at most: a longer line is passed on in parts. */
const HELD_BYTES = 1 << 20

/**
 * The lines before the bad one are read, then the text ends and the file is closed: the reader
 * sees a file that ends there, and the caller throws `problem()` once it has read it. Each line is
 * held back until its end (up to HELD_BYTES), so that no part of the bad line reaches the reader.
 */
export function utf8Checked(input: Readable): CheckedText {
  let tail: Buffer = Buffer.alloc(0)
  let held: Buffer[] = []
  let heldBytes = 0
  let lines = 0
  let problem: DriftwatchError | null = null
  const check = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      if (problem) return done()
      const data = tail.length > 0 ? Buffer.concat([tail, Buffer.from(chunk)]) : Buffer.from(chunk)
      const whole = data.subarray(0, data.length - incompleteTail(data))
      tail = Buffer.from(data.subarray(whole.length))
      const bad = isUtf8(whole) ? -1 : firstBadByte(whole)
      // The lines that end before the bad byte (none when it opens the chunk: lastIndexOf would
      // read an offset of -1 as the chunk's last byte).
      const complete = bad === 0 ? 0 : whole.lastIndexOf(0x0a, bad < 0 ? whole.length - 1 : bad - 1) + 1
      if (complete > 0) {
        for (const h of held) this.push(h)
        this.push(whole.subarray(0, complete))
        held = []
        heldBytes = 0
      }
      if (bad >= 0) return done(null, stop(lines + countNewlines(whole, bad) + 1, whole[bad]!))
      lines += countNewlines(whole)
      const rest = whole.subarray(complete)
      if (rest.length > 0) {
        held.push(Buffer.from(rest))
        heldBytes += rest.length
      }
      if (heldBytes > HELD_BYTES) {
        for (const h of held.splice(0)) this.push(h)
        heldBytes = 0
      }
      done()
    },
    flush(done) {
      if (!problem && tail.length > 0) stop(lines + 1, tail[0]!)
      if (!problem) for (const h of held) this.push(h)
      done()
    },
  })
  const stop = (line: number, byte: number) => {
    problem = new DriftwatchError('DW_FILE_INVALID', `line ${line}: not valid UTF-8 (byte 0x${byte.toString(16).padStart(2, '0')}); a label file must be UTF-8`, { line })
    input.unpipe(check)
    input.destroy()
    check.end()
  }
  input.on('error', (e) => check.destroy(e))
  // A reader that stops early destroys the text: the file is closed with it.
  check.on('close', () => input.destroy())
  input.pipe(check)
  return { text: check, problem: () => problem }
}
