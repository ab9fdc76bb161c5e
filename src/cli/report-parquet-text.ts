/**
 * A Parquet column's values as the text pandas writes to CSV for them (DataFrame.to_csv, pandas
 * 2.2 with pyarrow), so that a Parquet file and the CSV of the same frame give the same report
 * (docs/report.md). The engine's toString differs for:
 * - Bool: pandas writes `True` / `False` (toString: `true` / `false`);
 * - timestamps without a time zone (isAdjustedToUTC=false): a column whose every value is at
 *   midnight as `2024-01-01`; otherwise `2024-01-01 12:34:56`, with the fraction of a second to
 *   the finest precision any value of the column needs (3, 6 or 9 digits) on every value
 *   (pandas' format_array_from_datetime with its column-wide resolution);
 * - timestamps with a time zone (isAdjustedToUTC=true): each value in the zone pandas recorded
 *   in the file's `pandas` metadata (UTC without it) as str(Timestamp) writes it:
 *   `2024-01-01 13:34:56+01:00`, with a fraction only where the value has one (6 digits, or 9
 *   where it has nanoseconds).
 * Dates (Date, Date32) are `2024-01-01` in both; missing values are empty in both. The engine
 * reads a timestamp's zone as UTC whatever the file says, so the zone comes from the footer.
 * Timestamps are read as nanoseconds (pandas' own range, 1677–2262).
 *
 * Missing values are Parquet's own, as pandas.read_parquet reads them: a null, and a float NaN
 * (toString writes `nan`, a missing marker). A string is never missing: one that a CSV file
 * would hold as a missing marker ("NA", "None", "", any of src/report/csv-cells.ts
 * MISSING_TOKENS) is written after the VERBATIM mark, which the report's cell rules read as
 * that text. Every other string is its text, read by the same rules as a CSV cell (a string
 * `true` is the boolean `True` there, as in a CSV file).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import type { Session } from 'chdb'
import { sqlIdentifier, sqlString } from '../store/sql-text.js'
import { MISSING_TOKENS, VERBATIM } from '../report/csv-cells.js'

/** A timestamp column's rendering: naive (its column-wide format) or in a zone. */
type TimestampText = { readonly zone: string } | { readonly datesOnly: boolean; readonly digits: 0 | 3 | 6 | 9 }

/** The time zones pandas recorded for its columns (the `pandas` key of the footer's metadata). */
export function pandasZones(path: string): Map<string, string> {
  const zones = new Map<string, string>()
  const metadata = pandasMetadata(path)
  if (metadata === undefined) return zones
  try {
    const parsed = JSON.parse(metadata) as { columns?: { name?: unknown; metadata?: { timezone?: unknown } | null }[] }
    for (const c of parsed.columns ?? []) {
      if (typeof c.name === 'string' && typeof c.metadata?.timezone === 'string') zones.set(c.name, c.metadata.timezone)
    }
  } catch {
    // Not pandas' JSON: no zones (UTC, as pandas reads a zone-less UTC timestamp).
  }
  return zones
}

/**
 * The JSON text pandas stores under the footer's `pandas` key: the footer is the Thrift-encoded
 * FileMetaData before its 4-byte length and `PAR1`; the JSON is a string in it, found by its
 * opening and read to its closing brace (quotes and escapes skipped).
 */
function pandasMetadata(path: string): string | undefined {
  const size = statSync(path).size
  if (size < 12) return undefined
  const fd = openSync(path, 'r')
  try {
    const tail = Buffer.alloc(8)
    readSync(fd, tail, 0, 8, size - 8)
    const length = tail.readUInt32LE(0)
    if (tail.toString('latin1', 4) !== 'PAR1' || length + 8 > size) return undefined
    const footer = Buffer.alloc(length)
    readSync(fd, footer, 0, length, size - 8 - length)
    const text = footer.toString('utf8')
    const start = text.indexOf('{"index_columns"')
    if (start < 0) return undefined
    let depth = 0
    let inString = false
    for (let i = start; i < text.length; i++) {
      const ch = text[i]
      if (inString) {
        if (ch === '\\') i++
        else if (ch === '"') inString = false
      } else if (ch === '"') inString = true
      else if (ch === '{') depth++
      else if (ch === '}' && --depth === 0) return text.slice(start, i + 1)
    }
    return undefined
  } finally {
    closeSync(fd)
  }
}

const ns = (c: string) => `toUnixTimestamp64Nano(toDateTime64(${c}, 9, 'UTC'))`
const subSecond = (c: string) => `positiveModulo(${ns(c)}, 1000000000)`
const padded = (x: string, digits: number) => `leftPad(toString(${x}), ${digits}, '0')`

/** The column's text, as pandas writes it (see above); NULL where the value is missing. */
function timestampExpression(c: string, t: TimestampText): string {
  if ('zone' in t) {
    const zone = sqlString(t.zone)
    const offset = `formatDateTime(${c}, '%z', ${zone})`
    const fraction = `multiIf(${subSecond(c)} = 0, '', ${subSecond(c)} % 1000 = 0, concat('.', ${padded(`intDiv(${subSecond(c)}, 1000)`, 6)}), concat('.', ${padded(subSecond(c), 9)}))`
    return `concat(formatDateTime(${c}, '%Y-%m-%d %H:%i:%S', ${zone}), ${fraction}, substring(${offset}, 1, 3), ':', substring(${offset}, 4, 2))`
  }
  if (t.datesOnly) return `formatDateTime(${c}, '%Y-%m-%d', 'UTC')`
  const base = `formatDateTime(${c}, '%Y-%m-%d %H:%i:%S', 'UTC')`
  if (t.digits === 0) return base
  return `concat(${base}, '.', ${padded(`intDiv(${subSecond(c)}, ${10 ** (9 - t.digits)})`, t.digits)})`
}

/** Whether the engine's type (Nullable, LowCardinality or not) is one of these. */
const typeIs = (type: string, ...names: string[]) => names.some((n) => type.replace(/^LowCardinality\((.*)\)$/, '$1').replace(/^Nullable\((.*)\)$/, '$1').startsWith(n))

/** The missing markers of a CSV file, as an SQL array: a string among them is marked VERBATIM. */
const MISSING_ARRAY = `[${[...MISSING_TOKENS].map(sqlString).join(', ')}]`

/**
 * The SELECT expression of each column: its text as pandas writes it to CSV, '' where missing
 * (a string that CSV would read as missing marked VERBATIM, above).
 * `types`: the engine's type of each column (DESCRIBE).
 */
export function parquetTextExpressions(session: Session, path: string, columns: readonly string[], types: readonly string[]): string[] {
  const timestamps = columns.filter((_, i) => typeIs(types[i] as string, 'DateTime'))
  const adjusted = new Set<string>()
  if (timestamps.length > 0) {
    const meta = JSON.parse(session.query(`SELECT columns FROM file(${sqlString(path)}, ParquetMetadata)`, 'JSONEachRow').trim().split('\n')[0] ?? '{}') as {
      columns?: { name: string; logical_type: string }[]
    }
    for (const c of meta.columns ?? []) if (/isAdjustedToUTC=true/.test(c.logical_type)) adjusted.add(c.name)
  }
  const zones = adjusted.size > 0 ? pandasZones(path) : new Map<string, string>()
  const naive = timestamps.filter((c) => !adjusted.has(c))
  // The column-wide format of the naive timestamps, from one pass over them.
  const formats = new Map<string, TimestampText>()
  if (naive.length > 0) {
    const parts = naive.flatMap((c) => {
      const id = sqlIdentifier(c)
      const sub = subSecond(id)
      return [
        `toUInt8(countIf(${id} IS NOT NULL AND positiveModulo(${ns(id)}, 86400000000000) != 0) = 0)`,
        `toUInt8(countIf(${sub} % 1000 != 0) > 0)`,
        `toUInt8(countIf(${sub} % 1000000 != 0) > 0)`,
        `toUInt8(countIf(${sub} != 0) > 0)`,
      ]
    })
    const row = JSON.parse(session.query(`SELECT ${parts.join(', ')} FROM file(${sqlString(path)}, Parquet)`, 'JSONCompactEachRow').trim()) as number[]
    naive.forEach((c, i) => {
      const [datesOnly, nanos, micros, millis] = row.slice(4 * i, 4 * i + 4)
      formats.set(c, { datesOnly: datesOnly === 1, digits: nanos === 1 ? 9 : micros === 1 ? 6 : millis === 1 ? 3 : 0 })
    })
  }
  return columns.map((c, i) => {
    const id = sqlIdentifier(c)
    const type = types[i] as string
    if (typeIs(type, 'Bool')) return `multiIf(${id} IS NULL, '', ${id}, 'True', 'False')`
    if (typeIs(type, 'DateTime')) {
      const format = formats.get(c) ?? { zone: zones.get(c) ?? 'UTC' }
      return `ifNull(${timestampExpression(id, format)}, '')`
    }
    if (typeIs(type, 'String', 'FixedString', 'Enum')) {
      const text = `toString(${id})`
      return `multiIf(${id} IS NULL, '', has(${MISSING_ARRAY}, ${text}), concat(char(${VERBATIM.charCodeAt(0)}), ${text}), ${text})`
    }
    return `ifNull(toString(${id}), '')`
  })
}
