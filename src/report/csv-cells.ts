/**
 * From text cells to typed rows. Pure: the CLI parses the file (csv-parse, or the engine's
 * reading of a CSV or Parquet file, src/cli/report-files.ts) into records of strings, this
 * decides what each cell means.
 *
 * - missing: an empty cell or one of MISSING_TOKENS → null: pandas read_csv's default missing
 *   markers (keep_default_na=True, na_filter=True), compared as written (case and all, so `N/a`,
 *   `NAN` and `na` are values). These are a CSV file's missing markers, on both report paths:
 *   the engine's queries write this list into their SQL (src/cli/report-rows.ts). A cell is
 *   trimmed of unquoted spaces before it comes here (csv-parse's trim, the engine's
 *   input_format_csv_trim_whitespaces), where pandas keeps them: ` NA` and a cell of spaces are
 *   values to pandas and missing here. In Parquet only a null (and a float NaN) is missing, as
 *   pandas.read_parquet reads it: a string that is one of these tokens is text there, and the
 *   Parquet reader hands it over marked VERBATIM (below), which this reads as the text after
 *   the mark;
 * - booleans: a cell written true or false in any case (`True`, `TRUE`, `true`; pandas
 *   read_csv's C parser compares them without case, and reads a column of them as bool) is the
 *   boolean, named `True` / `False` as pandas writes a bool to CSV and as a Parquet boolean is
 *   read (src/cli/report-parquet-text.ts). So a file written by pandas (`True`) and one written
 *   by Spark or JavaScript (`true`) hold the same categories, classes and groups. The rule is
 *   the cell's, not the column's: pandas keeps a column that mixes them with other text as
 *   strings, where a `true` among `maybe`s is read as `True` here too, so that two files
 *   compare alike whichever of them has the other text;
 * - number columns (numerical features, the score): a decimal number (JavaScript/CSV syntax,
 *   e.g. -1.5, .5, 1e-3; not hex, not "1,5") → number; inf / Infinity with a sign → ±Infinity;
 *   anything else stays a string, which the quality checks count as a type violation;
 * - text columns (categorical features, label, prediction, protected attributes): the cell as
 *   written (a boolean as above). "1" and "1.0" are then different texts; a categorical feature
 *   whose cells are all decimal numbers in both files has its categories named by number
 *   afterwards (./numeric-categories.ts), and so do label and prediction classes that are all
 *   numbers (src/metrics/profile/targets.ts).
 * A column whose kind is not configured is numerical when at least 95% of its non-missing
 * reference cells are numbers and there are more than 5 distinct values; its other cells are
 * then type violations (./cell-kind.ts, with src/metrics/profile/infer-kind.ts).
 *
 * `driftwatch baseline` reads a CSV file for the stream, which names a boolean feature value
 * `true` / `false` and compares class labels as sent: it reads cells as written (cellValue),
 * and a feature column of booleans (isBooleanColumn) as booleans (src/evaluate/baseline-profile.ts).
 */
import { DECIMAL_TEXT, type FeatureValue, type Row } from '../metrics/profile/index.js'

export type CsvRecord = Readonly<Record<string, string>>
export type CellType = 'number' | 'text'

/**
 * pandas.read_csv's default missing markers: pandas._libs.parsers.STR_NA_VALUES of pandas 3.1.1
 * (scripts/reference/requirements.txt), checked against it by csv-cells.test.ts with the fixture
 * of scripts/reference/report_missing_markers.py. `#N/A` is how Excel writes a missing value.
 */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
])

export const DECIMAL = DECIMAL_TEXT
/** An infinity's cell (any case; the engine's queries use its source with (?i)). */
export const INFINITY = /^([+-]?)(inf|infinity)$/i

/**
 * The mark before a Parquet string that a CSV file would hold as a missing marker (one of
 * MISSING_TOKENS, the empty string too): the cell is that text, not missing. A NUL, which a CSV
 * text cell does not start with; only NUL + a missing token is read so, any other cell as written.
 */
export const VERBATIM = '\u0000'

/** A cell written as a boolean: true or false in any case (pandas read_csv's C parser). */
export const BOOLEAN = /^(true|false)$/i

/** The boolean a cell is written as (BOOLEAN), else undefined. */
export function booleanOf(cell: string): boolean | undefined {
  if (cell.length !== 4 && cell.length !== 5) return undefined
  return BOOLEAN.test(cell) ? cell.length === 4 : undefined
}

/** A boolean's text in the report, as pandas writes a bool to CSV: `True` / `False`. */
export const booleanText = (b: boolean): string => (b ? 'True' : 'False')

/** The cell as written: missing tokens, numbers in a number column, a VERBATIM string; no boolean naming. */
export function cellValue(cell: string | undefined, type: CellType): FeatureValue {
  if (cell === undefined || MISSING_TOKENS.has(cell)) return null
  if (cell.charCodeAt(0) === 0 && MISSING_TOKENS.has(cell.slice(1))) return cell.slice(1)
  if (type === 'text') return cell
  if (DECIMAL.test(cell)) return Number(cell)
  const inf = INFINITY.exec(cell)
  if (inf) return inf[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  return cell
}

/** The report's reading of a cell (the rules above): cellValue, with a boolean named `True` / `False`. */
export function parseCell(cell: string | undefined, type: CellType): FeatureValue {
  const v = cellValue(cell, type)
  if (typeof v !== 'string') return v
  const b = booleanOf(v)
  return b === undefined ? v : booleanText(b)
}

/**
 * Whether a column is boolean by pandas read_csv's rule: it has a non-missing cell, and every
 * non-missing cell is written as a boolean (BOOLEAN).
 */
export function isBooleanColumn(cells: Iterable<string | undefined>): boolean {
  let any = false
  for (const cell of cells) {
    const v = cellValue(cell, 'text')
    if (v === null) continue
    if (typeof v !== 'string' || booleanOf(v) === undefined) return false
    any = true
  }
  return any
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

/** How typeRecords reads a column: a CellType, or 'boolean' (a column of isBooleanColumn). */
export type RecordType = CellType | 'boolean'

/** A cell of a column read as 'boolean': true / false (cellValue's other values as they are). */
function booleanValue(cell: string | undefined): FeatureValue {
  const v = cellValue(cell, 'text')
  return typeof v === 'string' ? (booleanOf(v) ?? v) : v
}

/**
 * Rows with each column typed as `types` says (columns not listed: text), each cell as written
 * (cellValue: no boolean naming), a 'boolean' column's cells as true / false: the values of a
 * stream's event (`driftwatch baseline`).
 */
export function typeRecords(records: readonly CsvRecord[], types: Readonly<Record<string, RecordType>>): Row[] {
  return records.map((r) => {
    const row: Record<string, FeatureValue> = {}
    for (const [k, cell] of Object.entries(r)) {
      const type = Object.hasOwn(types, k) ? (types[k] as RecordType) : 'text'
      row[k] = type === 'boolean' ? booleanValue(cell) : cellValue(cell, type)
    }
    return row
  })
}
