/**
 * What the engine's CSV reader (./report-files.ts) needs beside ClickHouse to read a file as the
 * in-memory path reads it (csv-parse with bom, trim and skip_empty_lines, ./report.ts parseCsv):
 * - the header row, read here with csv-parse, after any blank lines before it, and named as
 *   pandas names it (src/report/csv-cells.ts headerNames: an empty name is `Unnamed: <i>`);
 * - blank lines: a line holding nothing but whitespace (space, tab, CR, VT, FF) outside a
 *   quoted cell is no row. ClickHouse skips only the trailing ones
 *   (input_format_csv_skip_trailing_empty_lines) and has no setting for the others, so a file
 *   with a blank line elsewhere is copied without its blank lines (copyWithoutBlankLines) and the
 *   copy is read. Quotes are counted as RFC 4180 writes them (`"` opens and closes a quoted
 *   cell, `""` inside it is one quote: two toggles), so a blank line inside a quoted cell is kept
 *   as the cell's text, as csv-parse keeps it;
 * - error messages that quote the file's data are cut to a short excerpt (fileReadMessage).
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { DriftwatchError } from '../errors.js'
import { headerNames } from '../report/csv-cells.js'

const BLANK = /^[ \t\r\v\f]*$/

export interface CsvHeader {
  /** The column names (pandas' names for empty ones). */
  readonly columns: string[]
  /** Blank lines before the header row (csv-parse skips them; the engine's CSVWithNames does not). */
  readonly blankLinesBefore: number
}

/** The header row of a CSV file: the first line that is not blank, parsed by csv-parse with the report's options. */
export function csvHeader(path: string): CsvHeader {
  const fd = openSync(path, 'r')
  try {
    let text = ''
    const buffer = Buffer.alloc(1 << 16)
    for (let offset = 0; offset < 1 << 24; offset += buffer.length) {
      const n = readSync(fd, buffer, 0, buffer.length, offset)
      text += buffer.subarray(0, n).toString('utf8')
      const lines = text.replace(/^\ufeff/, '').split('\n')
      // Complete lines only, unless the file ends here.
      const complete = n === 0 ? lines : lines.slice(0, -1)
      const header = complete.findIndex((line) => !BLANK.test(line))
      if (header >= 0) {
        const records = parse((complete[header] as string).replace(/\r$/, ''), { trim: true }) as string[][]
        return { columns: headerNames(records[0] ?? []), blankLinesBefore: header }
      }
      if (n === 0) return { columns: [], blankLinesBefore: complete.length }
    }
    return { columns: [], blankLinesBefore: 0 }
  } catch (e) {
    throw new DriftwatchError('DW_FILE_INVALID', `${path}: not a readable CSV file: ${fileReadMessage((e as Error).message)}`, { path, cause: e })
  } finally {
    closeSync(fd)
  }
}

const NEWLINE = 0x0a
const QUOTE = 0x22
const isBlankByte = (b: number) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0b || b === 0x0c

/**
 * Copies `path` to `destination` without its blank lines (outside quoted cells); returns how
 * many were left out. One pass of 1 MiB chunks: a blank line's bytes are held back until the
 * line turns out not to be blank (then written) or ends (then dropped).
 */
export function copyWithoutBlankLines(path: string, destination: string): number {
  const input = openSync(path, 'r')
  const output = openSync(destination, 'w')
  try {
    const chunk = Buffer.alloc(1 << 20)
    // Each byte read is written at most once, after the whitespace held back (written apart).
    const out = Buffer.alloc(chunk.length)
    // Whitespace at the start of a line outside quotes: written once the line shows other bytes.
    let pending: number[] = []
    let quoted = false
    let lineBlank = true
    let removed = 0
    for (let first = true; ; first = false) {
      const n = readSync(input, chunk, 0, chunk.length, null)
      if (n === 0) break
      // A byte order mark is no text of the first line (csv-parse's bom: true).
      const bom = first && n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0
      if (bom > 0) writeSync(output, chunk, 0, bom)
      let o = 0
      for (let i = bom; i < n; i++) {
        const b = chunk[i] as number
        if (lineBlank) {
          if (b === NEWLINE) {
            removed++
            pending = []
            continue
          }
          if (isBlankByte(b)) {
            pending.push(b)
            continue
          }
          if (pending.length > 0) {
            writeSync(output, out, 0, o)
            o = 0
            writeSync(output, Buffer.from(pending))
            pending = []
          }
          lineBlank = false
        }
        out[o++] = b
        if (b === QUOTE) quoted = !quoted
        else if (b === NEWLINE && !quoted) lineBlank = true
      }
      writeSync(output, out, 0, o)
    }
    // A last line of whitespace without a newline is blank too.
    if (lineBlank && pending.length > 0) removed++
    return removed
  } finally {
    closeSync(input)
    closeSync(output)
  }
}

/**
 * What the engine says about a file it cannot read, without its framing: the innermost exception's
 * first line (a wrapping one like "The table structure cannot be extracted ... Error:" says less
 * than the cause it wraps), without "Query failed: ", "Code: N. DB::Exception: ", its error name
 * or its version. `Not a Parquet file (wrong magic bytes at the end of file).`
 */
export function engineMessage(message: string): string {
  const exceptions = message.split(/(?:Query failed: )?Code: \d+\. DB::Exception: /).slice(1)
  const inner = (exceptions.at(-1) ?? message.replace(/^Query failed: /, '')).split('\n')[0]!
  return inner.replace(/\s*\(version [^)]*\)\.?\s*$/, '').replace(/\s*\([A-Z][A-Z0-9_]+\)\.?\s*$/, '').replace(/\s*\(version [^)]*\)\.?\s*$/, '').trim()
}

/** A quoted excerpt of the file's data in an error message: at most this many characters. */
export const EXCERPT_CHARS = 40
const MESSAGE_CHARS = 400

/**
 * An error message of a file reader (ClickHouse's, csv-parse's) fit for one line of stderr: a
 * quoted excerpt of the data ('…' as ClickHouse quotes it, "…" as csv-parse does) longer than
 * EXCERPT_CHARS is cut there and ends with "…", the whole message is cut at MESSAGE_CHARS, and
 * it is one line.
 */
export function fileReadMessage(message: string): string {
  const excerpts = message.replace(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g, (quoted: string, single?: string, double?: string) => {
    const inner = single ?? double ?? ''
    if (inner.length <= EXCERPT_CHARS) return quoted
    const q = single !== undefined ? "'" : '"'
    return `${q}${inner.slice(0, EXCERPT_CHARS).replace(/\\$/, '')}…${q}`
  })
  const line = excerpts.replace(/\s*\n\s*/g, ' ').trim()
  return line.length > MESSAGE_CHARS ? `${line.slice(0, MESSAGE_CHARS)}…` : line
}

/**
 * A JSON Lines or JSON file given where CSV is read: csv-parse and the engine would fail on its
 * first quote ("Invalid Opening Quote"), which names no cause. Known by the name (.jsonl,
 * .ndjson, .json) or by the first non-blank text: `{`, or `[` opening an array of records or
 * arrays (`[{`, `[[`, `[]`); a CSV header cell may start with `[` but not with `[{`.
 */
export function assertNotJson(path: string, what: string, head: string): void {
  const json = /\.(jsonl|ndjson|json)$/i.test(path) || /^(?:\uFEFF)?\s*(?:\{|\[\s*[[{\]])/.test(head)
  if (json) throw new DriftwatchError('DW_FILE_INVALID', `${what} ${path}: JSON Lines/JSON is not read by report; CSV or Parquet expected`, { path })
}

/** The first bytes of a file as text (for assertNotJson); the file was checked readable. */
export function fileHead(path: string, bytes = 1024): string {
  const fd = openSync(path, 'r')
  try {
    const head = Buffer.alloc(bytes)
    return head.subarray(0, readSync(fd, head, 0, bytes, 0)).toString('utf8')
  } finally {
    closeSync(fd)
  }
}
