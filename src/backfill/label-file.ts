/**
 * A label file -> a stream of numbered rows, each a GroundTruthEvent or the reason it is invalid.
 * `row` counts data rows from 1 in file order (the header and blank lines are not rows); the
 * checkpoint counts in rows, the messages in file lines. Each valid row is also measured as the
 * record the consumers will see, key and value, with the rule they apply (src/ingest/record-size.ts),
 * as HTTP ingest does: one larger than `maxRecordBytes` would be dead-lettered downstream, so it is
 * invalid here.
 */
import type { Readable } from 'node:stream'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import type { Parsed } from '../ingest/json-events.js'
import { DEFAULT_MAX_RECORD_BYTES } from '../ingest/limits.js'
import { eventRecordBytes, recordSizeProblem } from '../ingest/record-size.js'
import type { GroundTruthEvent } from '../ingest/schemas.js'
import type { ValidationLimits } from '../ingest/validate.js'
import { csvRows } from './csv-rows.js'
import type { LabelFormat } from './format.js'
import { jsonlRows } from './jsonl-rows.js'
import { flatLabel, jsonLabel } from './label-row.js'
import { ICONV_ADVICE, notUtf8, utf8Checked, type BadLine } from './utf8-check.js'

export interface LabelLimits extends ValidationLimits {
  /** ingest.maxRecordBytes of driftwatch.yaml; default 1 MiB, its default there. */
  readonly maxRecordBytes?: number
}

export interface LabelRow {
  /** 1-based data row number. */
  readonly row: number
  /** 1-based line of the file the row starts on. */
  readonly line: number
  readonly result: Parsed<GroundTruthEvent>
  /** Record size (key, and value in the Confluent frame) of a valid row's event; 0 for an invalid row. */
  readonly bytes: number
}


function measured(row: number, line: number, result: Parsed<GroundTruthEvent>, maxRecordBytes: number): LabelRow {
  if (!result.ok) return { row, line, result, bytes: 0 }
  const bytes = eventRecordBytes('ground-truth', result.event)
  const error = recordSizeProblem(bytes, maxRecordBytes)
  return error ? { row, line, result: { ok: false, error }, bytes: 0 } : { row, line, result, bytes }
}

export interface LabelRowsOptions {
  /**
   * A line that is not UTF-8 makes the row that holds it an invalid row (--skip-invalid), instead
   * of stopping the file there (DW_FILE_INVALID). Rows are numbered alike either way up to it.
   */
  readonly notUtf8AsInvalidRow?: boolean
}

/** A row as its reader gives it: the line it starts on, and the label or why it is none. */
interface ReadRow {
  readonly line: number
  readonly result: Parsed<GroundTruthEvent>
}

async function* readRows(text: Readable, format: LabelFormat, nowMs: number, limits: LabelLimits): AsyncGenerator<ReadRow> {
  if (format === 'csv') {
    for await (const r of csvRows(text)) yield { line: r.line, result: 'error' in r ? { ok: false, error: r.error } : flatLabel(r.record, nowMs, limits) }
  } else {
    for await (const r of jsonlRows(text)) yield { line: r.line, result: 'error' in r ? { ok: false, error: r.error } : jsonLabel(r.value, nowMs, limits) }
  }
}

const notUtf8Row = (bad: BadLine, rowLine: number): Parsed<never> => ({
  ok: false,
  error: new DriftwatchError('DW_VALIDATION_FAILED', `(row): ${notUtf8(bad.byte)}${bad.line === rowLine ? '' : ` on line ${bad.line}`}`, { path: '(row)', notUtf8: true }),
})

const fileNotUtf8 = (bad: BadLine): DriftwatchError =>
  new DriftwatchError('DW_FILE_INVALID', `line ${bad.line}: ${notUtf8(bad.byte)}; a label file must be UTF-8: ${ICONV_ADVICE}`, { line: bad.line })

export async function* labelRows(input: Readable, format: LabelFormat, nowMs: number, limits: LabelLimits, o: LabelRowsOptions = {}): AsyncGenerator<LabelRow> {
  const max = limits.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES
  const marking = o.notUtf8AsInvalidRow === true
  let row = 0
  const checked = utf8Checked(input, { markBadLines: marking })
  /**
   * Mark mode: a row spans the lines from its own to the next row's (a quoted CSV field may hold
   * line breaks), so it is held until the next row is read; by then every bad line it spans has
   * been found. A bad line before it belongs to no row (the CSV header): the file's problem.
   */
  let pending: ReadRow | null = null
  let raised: DriftwatchError | null = null
  const badFile = (bad: BadLine) => (raised = fileNotUtf8(bad))
  const release = (before: number): LabelRow => {
    const p = pending!
    pending = null
    const bad = checked.takeBadLines(before)
    if (bad.length > 0 && bad[0]!.line < p.line) throw badFile(bad[0]!)
    return measured(++row, p.line, bad.length > 0 ? notUtf8Row(bad[0]!, p.line) : p.result, max)
  }
  try {
    for await (const r of readRows(checked.text, format, nowMs, limits)) {
      if (!marking) {
        yield measured(++row, r.line, r.result, max)
        continue
      }
      if (pending) yield release(r.line)
      else {
        const before = checked.takeBadLines(r.line)
        if (before.length > 0) throw badFile(before[0]!)
      }
      pending = r
    }
    if (pending) yield release(Number.POSITIVE_INFINITY)
  } catch (e) {
    if (e === raised) throw e
    // The text ended at the bad line: what a reader makes of that end (an empty CSV, a quote left
    // open) is not the file's problem; its bytes are. Marked: a reader that fails at or after a
    // line that is not UTF-8 (a header of U+FFFD) fails for it.
    const line = isDriftwatchError(e) && typeof e.context['line'] === 'number' ? e.context['line'] : Number.POSITIVE_INFINITY
    const bad = marking ? checked.takeBadLines(line + 1)[0] : undefined
    throw checked.problem() ?? (bad ? fileNotUtf8(bad) : e)
  }
  const stopped = checked.problem()
  if (stopped) throw stopped
}
