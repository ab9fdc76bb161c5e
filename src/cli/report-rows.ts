/**
 * A column of the report engine's table typed by the report's cell rules (src/report/csv-cells.ts)
 * and read in row order, without a million cells crossing as text:
 *
 * - text (label, prediction, protected attributes): the column's distinct cells are typed in JS
 *   (parseCell), and the engine sends one code per row, the cell's index among them (transform);
 * - number (the score): the engine sorts each cell into missing (MISSING_TOKENS, or no cell), a
 *   decimal that it parses itself, or anything else; per row it sends the code and, for a
 *   decimal, the double. The "anything else" cells (inf, text: type violations; usually few) are
 *   read back as text with their row numbers and typed in JS. The engine parses with `precise_float_parsing = 1` (fast_float, correctly
 *   rounded, as JavaScript's Number() is: report-rows.test.ts checks halfway cases, subnormals,
 *   overflow and 17+ digits against Number()); a decimal it cannot parse goes to the JS side.
 *
 * The codes and doubles cross as the engine's own bytes: one row of arrays (groupArray) in
 * RowBinary, each array a LEB128 length and its little-endian elements, copied into typed
 * arrays (this machine order: little-endian, checked below). One thread reads the table in
 * load order (IN_ROW_ORDER), and the same query checks the order of the row numbers it read,
 * so a change in the engine fails loudly instead of pairing wrong rows. The queries run on
 * chDB's worker thread (queryAsync, queryBindAsync), so JavaScript computes meanwhile.
 */
import type { Session } from 'chdb'
import type { FeatureValue } from '../metrics/profile/index.js'
import { type CellType, DECIMAL, INFINITY, MISSING_TOKENS, parseCell } from '../report/csv-cells.js'
import type { NumberCells } from '../report/counted-column.js'
import { sqlIdentifier, sqlString } from '../store/sql-text.js'

const IN_ROW_ORDER = 'SETTINGS max_threads = 1, precise_float_parsing = 1'

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('report engine: the row readers assume a little-endian machine')


/** 1 when the query read the rows in the order they were numbered at load, else 0 (an aggregate). */
const ROWS_IN_LOAD_ORDER = 'arrayAll((r, i) -> r = i, groupArray(__row), range(count()))'

/**
 * A cell's code by csv-cells' rules for a number column, given `cell` and `parsed`, the engine's
 * toFloat64OrNull(cell): 0 missing (MISSING_TOKENS), 1 a decimal (DECIMAL) the engine parsed,
 * 2 anything else. The rules are constants written into the query, not parameters: chDB starts
 * a parameterized async query only from the event loop, one after another, so a batch of them
 * waits on the report's JavaScript between each two.
 */
const CELL_CODE = `multiIf(has([${[...MISSING_TOKENS].map(sqlString).join(', ')}], cell), 0, match(cell, ${sqlString(DECIMAL.source)}) AND isNotNull(parsed), 1, 2)`

/** Reads RowBinary values one after another (LEB128 lengths, little-endian numbers). */
class RowBinaryReader {
  private offset = 0
  private readonly view: DataView

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  length(): number {
    let n = 0
    for (let shift = 0; ; shift += 7) {
      const b = this.bytes[this.offset++] as number
      n += (b & 0x7f) * 2 ** shift
      if (b < 0x80) return n
    }
  }

  /** An array of fixed-size elements, copied into a buffer of its own (aligned for a typed array). */
  fixed(width: number): ArrayBuffer {
    const n = this.length()
    const buffer = new ArrayBuffer(n * width)
    new Uint8Array(buffer).set(this.bytes.subarray(this.offset, this.offset + n * width))
    this.offset += n * width
    return buffer
  }

  /** An Array(String): its length, and where each string's bytes start and end, read as text only when asked. */
  strings(): [number, (i: number) => string] {
    const n = this.length()
    const starts = new Uint32Array(n)
    const sizes = new Uint32Array(n)
    for (let i = 0; i < n; i++) {
      sizes[i] = this.length()
      starts[i] = this.offset
      this.offset += sizes[i] as number
    }
    const bytes = this.bytes
    return [n, (i) => Buffer.from(bytes.buffer, bytes.byteOffset + (starts[i] as number), sizes[i] as number).toString('utf8')]
  }

  uint8(): number {
    return this.view.getUint8(this.offset++)
  }

  done(): boolean {
    return this.offset === this.bytes.length
  }
}

/**
 * Reads RowBinary's arrays of fixed-size elements, one after another, and the row-order flag
 * (a UInt8) after them: each array is copied into a buffer of its own (aligned for a typed array).
 */
function rowBinaryArrays(bytes: Uint8Array, widths: readonly number[], rowCount: number): ArrayBuffer[] {
  const reader = new RowBinaryReader(bytes)
  const arrays = widths.map((width) => {
    const buffer = reader.fixed(width)
    if (buffer.byteLength !== rowCount * width) throw new Error(`report engine: ${buffer.byteLength / width} rows read, ${rowCount} loaded`)
    return buffer
  })
  if (reader.uint8() !== 1 || !reader.done()) throw new Error(`report engine: rows came back out of order (of ${rowCount})`)
  return arrays
}

/**
 * The column's distinct cells read as numbers (src/report/counted-column.ts NumberCells): the
 * engine counts the cells (GROUP BY), sorts each distinct cell into missing, a decimal it parses
 * itself, or anything else, as the score read does, and sends the decimals' doubles ascending
 * with their counts, and the other cells with their counts: one row of arrays in RowBinary. A
 * column of 100k distinct numbers crosses as 100k doubles, not as 100k strings to parse.
 *
 * The decimals' texts come along only where the column may be read as text after all
 * (NumberCells.decimalCell: a categorical feature's counts, ./report-files.ts): at most
 * TEXTS_UP_TO decimals (the kind is inferred categorical at 5 distinct numbers or fewer:
 * src/metrics/profile/infer-kind.ts), or a cell that is text (not missing, not an infinity:
 * csv-cells' rules), which makes the inferred kind categorical. Otherwise only the doubles
 * are kept: the outlier score judges them by value (./report-outliers.ts), and a million
 * distinct full-precision floats held their texts beside their doubles, ~30 bytes a value.
 */
export const TEXTS_UP_TO = 1000

export async function numberCellsOf(session: Session, table: string, name: string): Promise<NumberCells> {
  const isText = `NOT has([${[...MISSING_TOKENS].map(sqlString).join(', ')}], o.1) AND NOT match(o.1, ${sqlString(`(?i)${INFINITY.source}`)})`
  const result = await session.queryAsync(
    `SELECT arrayMap(d -> d.1, decimals), arrayMap(d -> d.2, decimals),
            if(length(decimals) <= ${TEXTS_UP_TO} OR arrayExists(o -> ${isText}, others), arrayMap(d -> d.3, decimals), []),
            arrayMap(o -> o.1, others), arrayMap(o -> o.2, others)
     FROM (
       SELECT arraySort(d -> d.1, groupArrayIf((value, n, cell), code = 1)) AS decimals, groupArrayIf((cell, n), code != 1) AS others
       FROM (SELECT cell, n, toFloat64OrNull(cell) AS parsed,
                    ${CELL_CODE} AS code, if(code = 1, assumeNotNull(parsed), 0) AS value
             FROM (SELECT ifNull(${sqlIdentifier(name)}, '') AS cell, toUInt32(count()) AS n FROM ${table} GROUP BY cell)))
     SETTINGS precise_float_parsing = 1`,
    { format: 'RowBinary' },
  )
  const reader = new RowBinaryReader(result.bytes())
  const decimals = new Float64Array(reader.fixed(8))
  const decimalCounts = new Uint32Array(reader.fixed(4))
  const [texts, decimalCell] = reader.strings()
  const [, otherCell] = reader.strings()
  const otherCounts = new Uint32Array(reader.fixed(4))
  if (!reader.done() || decimalCounts.length !== decimals.length || (texts !== 0 && texts !== decimals.length)) throw new Error(`report engine: the number cells of ${name} came back malformed`)
  // Added, not set: two cells that are not UTF-8 read back as the same text (U+FFFD).
  const others = new Map<string, number>()
  otherCounts.forEach((n, i) => {
    const cell = otherCell(i)
    others.set(cell, (others.get(cell) ?? 0) + n)
  })
  // Without texts, nothing keeps the query's bytes.
  return texts === decimals.length ? { decimals, decimalCounts, decimalCell, others } : { decimals, decimalCounts, others }
}

/** The column's cells typed as `type`, in row order; `distinct`: its distinct cells, '' for none. */
export async function typedRows(
  session: Session,
  table: string,
  rowCount: number,
  name: string,
  type: CellType,
  distinct: () => Promise<Iterable<string>>,
  textCells: () => Promise<readonly string[]>,
): Promise<FeatureValue[]> {
  const cell = `ifNull(${sqlIdentifier(name)}, '')`
  if (type === 'text') {
    const cells = [...(await distinct())]
    const typed = cells.map((c) => parseCell(c, 'text'))
    // The narrowest code that holds every index and the "not listed" code (the last value).
    const [Codes, width] = cells.length < 255 ? ([Uint8Array, 'UInt8'] as const) : cells.length < 65535 ? ([Uint16Array, 'UInt16'] as const) : ([Uint32Array, 'UInt32'] as const)
    const result = await session.queryBindAsync(
      `SELECT groupArray(transform(${cell}, {d:Array(String)}, {v:Array(${width})}, to${width}(-1))), ${ROWS_IN_LOAD_ORDER} FROM ${table} ${IN_ROW_ORDER}`,
      { d: cells, v: cells.map((_, i) => i) },
      { format: 'RowBinary' },
    )
    const [buffer] = rowBinaryArrays(result.bytes(), [Codes.BYTES_PER_ELEMENT], rowCount)
    const codes = new Codes(buffer as ArrayBuffer)
    // Pushed, not preallocated: V8 keeps `new Array(n)` above 100k elements as a slow dictionary.
    const out: FeatureValue[] = []
    for (let i = 0; i < rowCount; i++) {
      const code = codes[i] as number
      // A cell the distinct list misses: its text did not survive the trip to JS and back as a
      // parameter (bytes that are not UTF-8 come back with U+FFFD). The column is read as text.
      if (code >= typed.length) return (await textCells()).map((c) => parseCell(c, 'text'))
      out.push(typed[code])
    }
    return out
  }
  // A decimal by csv-cells' rule that the engine parses: its double comes from the engine.
  // Code per row: 0 missing, 1 the engine's double, 2 anything else (its cell read below).
  const result = await session.queryAsync(
    `SELECT groupArray(code), groupArray(value), ${ROWS_IN_LOAD_ORDER}
     FROM (SELECT __row, ${cell} AS cell, toFloat64OrNull(cell) AS parsed, toUInt8(${CELL_CODE}) AS code, if(code = 1, assumeNotNull(parsed), 0) AS value FROM ${table})
     ${IN_ROW_ORDER}`,
    { format: 'RowBinary' },
  )
  const [codeBuffer, valueBuffer] = rowBinaryArrays(result.bytes(), [1, 8], rowCount)
  const codes = new Uint8Array(codeBuffer as ArrayBuffer)
  const values = new Float64Array(valueBuffer as ArrayBuffer)
  const out: FeatureValue[] = []
  let others = 0
  for (let i = 0; i < rowCount; i++) {
    const c = codes[i] as number
    if (c === 0) out.push(null)
    else if (c === 1) out.push(values[i] as number)
    else {
      out.push(null) // the cell's value is set below
      others++
    }
  }
  if (others === 0) return out
  // The rest (infinities, type violations: usually few) as text, typed here.
  const [rows, cells] = (
    await session.queryAsync(`SELECT __row, cell FROM (SELECT __row, ${cell} AS cell, toFloat64OrNull(cell) AS parsed FROM ${table}) WHERE ${CELL_CODE} = 2 ${IN_ROW_ORDER}`, { format: 'JSONCompactColumns' })
  ).json<[number[], string[]]>()
  if (rows.length !== others) throw new Error(`report engine: ${rows.length} cells of ${name} read back, ${others} expected`)
  rows.forEach((row, k) => {
    if (codes[row] !== 2 || (k > 0 && row <= (rows[k - 1] as number))) throw new Error(`report engine: rows came back out of order (row ${row} of ${name})`)
    out[row] = parseCell(cells[k], 'number')
  })
  return out
}
