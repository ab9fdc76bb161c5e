/**
 * A label file -> a stream of numbered rows, each a GroundTruthEvent or the reason it is invalid.
 * `row` counts data rows from 1 in file order (the header and blank lines are not rows); the
 * checkpoint counts in rows, the messages in file lines. Each valid row is also measured as the
 * record the consumers will see, key and value, with the rule they apply (src/ingest/record-size.ts),
 * as HTTP ingest does: one larger than `maxRecordBytes` would be dead-lettered downstream, so it is
 * invalid here.
 */
import type { Readable } from 'node:stream'
import type { Parsed } from '../ingest/json-events.js'
import { DEFAULT_MAX_RECORD_BYTES } from '../ingest/limits.js'
import { eventRecordBytes, recordSizeProblem } from '../ingest/record-size.js'
import type { GroundTruthEvent } from '../ingest/schemas.js'
import type { ValidationLimits } from '../ingest/validate.js'
import { csvRows } from './csv-rows.js'
import type { LabelFormat } from './format.js'
import { jsonlRows } from './jsonl-rows.js'
import { flatLabel, jsonLabel } from './label-row.js'
import { utf8Checked } from './utf8-check.js'

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

export async function* labelRows(input: Readable, format: LabelFormat, nowMs: number, limits: LabelLimits): AsyncGenerator<LabelRow> {
  const max = limits.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES
  let row = 0
  const { text, problem } = utf8Checked(input)
  try {
    if (format === 'csv') {
      for await (const r of csvRows(text)) {
        yield measured(++row, r.line, 'error' in r ? { ok: false, error: r.error } : flatLabel(r.record, nowMs, limits), max)
      }
    } else {
      for await (const r of jsonlRows(text)) {
        yield measured(++row, r.line, 'error' in r ? { ok: false, error: r.error } : jsonLabel(r.value, nowMs, limits), max)
      }
    }
  } catch (e) {
    // The text ended at the bad line: what a reader makes of that end (an empty CSV, a quote left
    // open) is not the file's problem; its bytes are.
    throw problem() ?? e
  }
  const stopped = problem()
  if (stopped) throw stopped
}
