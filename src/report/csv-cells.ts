/**
 * From CSV text cells to typed rows. Pure: the CLI parses the file (csv-parse) into records of
 * strings, this decides what each cell means.
 *
 * - missing: an empty cell or one of MISSING_TOKENS (a subset of pandas' default na_values:
 *   "", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "<NA>") → null;
 * - number columns (numerical features, the score): a decimal number (JavaScript/CSV syntax,
 *   e.g. -1.5, .5, 1e-3; not hex, not "1,5") → number; inf / Infinity with a sign → ±Infinity;
 *   anything else stays a string, which the quality checks count as a type violation;
 * - text columns (categorical features, label, prediction, protected attributes): the cell as
 *   written. "1" and "1.0" are then different texts; a categorical feature whose cells are all
 *   decimal numbers in both files has its categories named by number afterwards
 *   (./numeric-categories.ts), and so do label and prediction classes that are all numbers
 *   (src/metrics/profile/targets.ts).
 * A column whose kind is not configured is numerical when at least 95% of its non-missing
 * reference cells are numbers and there are more than 5 distinct values; its other cells are
 * then type violations (./cell-kind.ts, with src/metrics/profile/infer-kind.ts).
 */
import { DECIMAL_TEXT, type FeatureValue, type Row } from '../metrics/profile/index.js'

export type CsvRecord = Readonly<Record<string, string>>
export type CellType = 'number' | 'text'

export const MISSING_TOKENS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '<NA>'])

export const DECIMAL = DECIMAL_TEXT
/** An infinity's cell (any case; the engine's queries use its source with (?i)). */
export const INFINITY = /^([+-]?)(inf|infinity)$/i

export function parseCell(cell: string | undefined, type: CellType): FeatureValue {
  if (cell === undefined || MISSING_TOKENS.has(cell)) return null
  if (type === 'text') return cell
  if (DECIMAL.test(cell)) return Number(cell)
  const inf = INFINITY.exec(cell)
  if (inf) return inf[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  return cell
}

/**
 * The column names of a header row as pandas' read_csv names them: a header cell left empty
 * (the index column `df.to_csv()` writes, `,a,b`) is named `Unnamed: <0-based position>`, so
 * `,a,b` reads as `Unnamed: 0`, `a`, `b`. Both report paths (csv-parse in memory and the
 * engine) name the columns here.
 */
export function headerNames(header: readonly string[]): string[] {
  return header.map((name, i) => (name === '' ? `Unnamed: ${i}` : name))
}

/** Rows with each column typed as `types` says (columns not listed: text). */
export function typeRecords(records: readonly CsvRecord[], types: Readonly<Record<string, CellType>>): Row[] {
  return records.map((r) => {
    const row: Record<string, FeatureValue> = {}
    for (const [k, cell] of Object.entries(r)) row[k] = parseCell(cell, Object.hasOwn(types, k) ? (types[k] as CellType) : 'text')
    return row
  })
}
