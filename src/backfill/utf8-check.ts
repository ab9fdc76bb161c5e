/**
 * A label file's bytes, passed on as they are once checked to be UTF-8: the readers decode
 * text with U+FFFD in place of bytes that are not, and two prediction ids that differ only there
 * (`p-\xff`, `p-\xfe`) would label one prediction twice and the other never. Two ways to meet a
 * line that is not UTF-8:
 * - stop (the default): the text ends before that line, and `problem()` says DW_FILE_INVALID at
 *   the line of its first bad byte;
 * - mark (--skip-invalid): the line is passed on with U+FFFD in place of its bad bytes, so that
 *   quotes, separators and line breaks (ASCII, never part of a bad sequence) still frame the rows,
 *   and the line is recorded; the caller makes the row holding it an invalid row, never a label.
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

const countNewlines = (b: Buffer, end = b.length, start = 0) => {
  let n = 0
  for (let at = b.indexOf(0x0a, start); at >= 0 && at < end; at = b.indexOf(0x0a, at + 1)) n++
  return n
}

/** A line holding bytes that are not UTF-8 (mark mode): its number, and its first bad byte. */
export interface BadLine {
  readonly line: number
  readonly byte: number
}

/** The one-line advice for a file in another encoding. */
export const ICONV_ADVICE = 'convert the file with iconv -f <encoding> -t UTF-8 (the encoding it was written in, e.g. WINDOWS-1252)'

export const notUtf8 = (byte: number): string => `not valid UTF-8 (byte 0x${byte.toString(16).padStart(2, '0')})`

export interface CheckedText {
  /** The input's bytes up to the line of the first bad byte, then its end. */
  readonly text: Readable
  /** Why the text ended early: DW_FILE_INVALID at the line of the first bad byte; null when it did not. */
  problem(): DriftwatchError | null
  /**
   * Mark mode: removes and returns the lines not UTF-8 found so far with a number below
   * `before`, in file order. A line is found once its bytes have passed on, so before the reader
   * sees any row that starts after it.
   */
  takeBadLines(before: number): BadLine[]
}

/** Bytes of a line held back until its end, at most: a longer line is passed on in parts. */
const HELD_BYTES = 1 << 20

/**
 * Stop mode: the lines before the bad one are read, then the text ends and the file is closed:
 * the reader sees a file that ends there, and the caller throws `problem()` once it has read it.
 * Each line is held back until its end (up to HELD_BYTES), so that no part of the bad line reaches
 * the reader. Mark mode passes every line on, and records the bad ones (`takeBadLines`).
 */
export function utf8Checked(input: Readable, { markBadLines = false } = {}): CheckedText {
  let tail: Buffer = Buffer.alloc(0)
  let held: Buffer[] = []
  let heldBytes = 0
  let lines = 0
  let problem: DriftwatchError | null = null
  const marked: BadLine[] = []
  /** Records each line of `whole` that holds a bad byte, the first at `bad`. */
  const mark = (whole: Buffer, bad: number) => {
    let line = lines + countNewlines(whole, bad) + 1
    for (let at = bad; ; ) {
      if (marked.at(-1)?.line !== line) marked.push({ line, byte: whole[at]! })
      const end = whole.indexOf(0x0a, at)
      if (end < 0) return
      const next = end + 1 + firstBadByte(whole.subarray(end + 1))
      if (next >= whole.length) return
      line += 1 + countNewlines(whole, next, end + 1)
      at = next
    }
  }
  const check = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      if (problem) return done()
      const data = tail.length > 0 ? Buffer.concat([tail, Buffer.from(chunk)]) : Buffer.from(chunk)
      let whole = data.subarray(0, data.length - incompleteTail(data))
      tail = Buffer.from(data.subarray(whole.length))
      let bad = isUtf8(whole) ? -1 : firstBadByte(whole)
      if (bad >= 0 && markBadLines) {
        mark(whole, bad)
        // U+FFFD in place of each bad sequence (WHATWG decoding: a bad sequence never takes an
        // ASCII byte with it), so the line count and every quote and separator stay as they were.
        whole = Buffer.from(whole.toString('utf8'))
        bad = -1
      }
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
      if (!problem && tail.length > 0) {
        // A sequence cut by the end of the file.
        if (!markBadLines) stop(lines + 1, tail[0]!)
        else {
          if (marked.at(-1)?.line !== lines + 1) marked.push({ line: lines + 1, byte: tail[0]! })
          held.push(Buffer.from(tail.toString('utf8')))
        }
      }
      if (!problem) for (const h of held) this.push(h)
      done()
    },
  })
  const stop = (line: number, byte: number) => {
    problem = new DriftwatchError('DW_FILE_INVALID', `line ${line}: ${notUtf8(byte)}; a label file must be UTF-8: ${ICONV_ADVICE}, or pass --skip-invalid to count such lines as invalid rows and send the others`, { line })
    input.unpipe(check)
    input.destroy()
    check.end()
  }
  input.on('error', (e) => check.destroy(e))
  // A reader that stops early destroys the text: the file is closed with it.
  check.on('close', () => input.destroy())
  input.pipe(check)
  return {
    text: check,
    problem: () => problem,
    takeBadLines: (before) => {
      const n = marked.findIndex((b) => b.line >= before)
      return marked.splice(0, n < 0 ? marked.length : n)
    },
  }
}
