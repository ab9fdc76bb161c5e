/**
 * CSV (RFC 4180, UTF-8, optional BOM, LF or CRLF) -> records keyed by the header row, each with
 * the file line it starts on. csv-parse does the quoting (quoted commas, line breaks and ""
 * escapes); we count lines ourselves from each record's raw text, because csv-parse's own
 * `info.lines` counts CRLF as two lines and reports an unclosed quote at the end of the file.
 * Counting happens in `on_record`, synchronously, so the count is right even for records that a
 * fatal parse error keeps from reaching the consumer.
 *
 * Blank and whitespace-only lines are skipped. A row with the wrong number of fields is a row
 * error; a bad header or malformed quoting is a file error (DW_FILE_INVALID), because the parser
 * cannot find where the next row starts.
 */
import { pipeline, type Readable } from 'node:stream'
import { parse, type CsvError, type Options } from 'csv-parse'
import { DriftwatchError } from '../errors.js'
import { MAX_ROW_CHARS } from './format.js'
import { FLAT_COLUMNS, predictionFieldsIn } from './label-row.js'

export type CsvRow =
  | { readonly line: number; readonly record: Readonly<Record<string, string>> }
  | { readonly line: number; readonly error: DriftwatchError }

interface Numbered {
  readonly line: number
  readonly fields: string[]
}

const NEWLINE = /\r\n|\r|\n/g
const LEADING_BLANK_LINES = /^(?:[ \t]*(?:\r\n|\r|\n))*/

const countLines = (s: string) => s.match(NEWLINE)?.length ?? 0

/** Header names -> problems (unknown, duplicate, missing columns). */
export function headerProblems(names: readonly string[]): string[] {
  const problems: string[] = []
  const predictionFields = predictionFieldsIn(names)
  if (predictionFields.length) problems.push(`${predictionFields.join(', ')} are columns of a predictions file; \`driftwatch backfill labels\` takes labels`)
  if (names.length === 1 && /[;\t|]/.test(names[0]!)) problems.push('fields are separated by commas (this header has none)')
  const unknown = names.filter((n) => !(FLAT_COLUMNS as readonly string[]).includes(n))
  if (unknown.length) problems.push(`unknown column(s) ${unknown.map((n) => JSON.stringify(n)).join(', ')}; the columns are ${FLAT_COLUMNS.join(', ')}`)
  const dup = names.filter((n, i) => names.indexOf(n) !== i)
  if (dup.length) problems.push(`column(s) ${[...new Set(dup)].join(', ')} appear more than once`)
  for (const required of ['prediction_id', 'label_time']) if (!names.includes(required)) problems.push(`column ${required} is missing`)
  if (!names.includes('label') && !names.includes('label_value')) problems.push('needs a label column (classes) or a label_value column (numbers), or both')
  return problems
}

export async function* csvRows(input: Readable, maxRowChars = MAX_ROW_CHARS): AsyncGenerator<CsvRow> {
  let linesBefore = 0
  // With raw: true, on_record receives { record, raw } (csv-parse lib/api/index.js, __push);
  // the typings describe only the bare record, hence the cast below.
  const options: Options<Numbered, { record: string[]; raw: string }> = {
    bom: true,
    raw: true,
    max_record_size: maxRowChars,
    relax_column_count: true,
    skip_empty_lines: true,
    on_record: ({ record, raw }: { record: string[]; raw: string }): Numbered | null => {
      const line = linesBefore + 1 + countLines(LEADING_BLANK_LINES.exec(raw)?.[0] ?? '')
      linesBefore += countLines(raw)
      return record.every((f) => f.trim() === '') ? null : { line, fields: record }
    },
  }
  const parser = parse(options as unknown as Options)
  // pipeline, not pipe: a read error reaches the parser, and stopping early closes the file.
  pipeline(input, parser, () => {})
  let header: string[] | null = null
  try {
    for await (const { line, fields } of parser as AsyncIterable<Numbered>) {
      if (!header) {
        header = fields.map((f) => f.trim())
        const problems = headerProblems(header)
        if (problems.length) throw new DriftwatchError('DW_FILE_INVALID', `line ${line}: bad header row: ${problems.join('; ')}`, { line, problems })
        continue
      }
      if (fields.length !== header.length) {
        const error = new DriftwatchError('DW_VALIDATION_FAILED', `(row): has ${fields.length} field(s), the header has ${header.length}`, { path: '(row)' })
        yield { line, error }
        continue
      }
      const record: Record<string, string> = {}
      header.forEach((name, i) => (record[name] = fields[i]!))
      yield { line, record }
    }
  } catch (e) {
    if (e instanceof DriftwatchError) throw e
    const csv = e as CsvError
    if (typeof csv.code !== 'string' || (!csv.code.startsWith('CSV_') && csv.code !== 'INVALID_OPENING_QUOTE')) throw e
    // With raw: true the error carries the failing record's text so far, blank lines before it included.
    const line = linesBefore + 1 + countLines(LEADING_BLANK_LINES.exec(typeof csv['raw'] === 'string' ? csv['raw'] : '')?.[0] ?? '')
    // csv-parse's message names its own line count, which differs for CRLF files: leave it out.
    const reason = csv.message.replace(/ at line \d+/g, '')
    throw new DriftwatchError('DW_FILE_INVALID', `line ${line}: malformed CSV in the row starting here (${csv.code}): ${reason}`, { line, cause: e })
  } finally {
    parser.destroy()
  }
  if (!header) throw new DriftwatchError('DW_FILE_INVALID', 'line 1: the file is empty: a CSV label file starts with a header row', { line: 1 })
}
