/**
 * A label file -> a stream of numbered rows, each a GroundTruthEvent or the reason it is invalid.
 * `row` counts data rows from 1 in file order (the header and blank lines are not rows); the
 * checkpoint counts in rows, the messages in file lines. Each valid row is also measured as the
 * Avro record the consumers will see, as HTTP ingest does (src/http/ingest-items.ts): one larger
 * than `maxRecordBytes` would be dead-lettered downstream, so it is invalid here.
 */
import type { Readable } from 'node:stream'
import { DriftwatchError } from '../errors.js'
import type { Parsed } from '../ingest/json-events.js'
import { avroType, type GroundTruthEvent } from '../ingest/schemas.js'
import type { ValidationLimits } from '../ingest/validate.js'
import { csvRows } from './csv-rows.js'
import type { LabelFormat } from './format.js'
import { jsonlRows } from './jsonl-rows.js'
import { flatLabel, jsonLabel } from './label-row.js'

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
  /** Size on the wire (Confluent frame + Avro) of a valid row's event; 0 for an invalid row. */
  readonly bytes: number
}

/** Magic byte + 4-byte schema id of the Confluent wire format. */
const FRAME_BYTES = 5
const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024
let groundTruthType: ReturnType<typeof avroType> | undefined

function measured(row: number, line: number, result: Parsed<GroundTruthEvent>, maxRecordBytes: number): LabelRow {
  if (!result.ok) return { row, line, result, bytes: 0 }
  const bytes = FRAME_BYTES + (groundTruthType ??= avroType('ground-truth')).toBuffer(result.event).length
  if (bytes <= maxRecordBytes) return { row, line, result, bytes }
  const error = new DriftwatchError('DW_RECORD_TOO_LARGE', `(root): the label is ${bytes} bytes as Avro, the limit is ${maxRecordBytes} (ingest.maxRecordBytes)`, { path: '(root)' })
  return { row, line, result: { ok: false, error }, bytes: 0 }
}

export async function* labelRows(input: Readable, format: LabelFormat, nowMs: number, limits: LabelLimits): AsyncGenerator<LabelRow> {
  const max = limits.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES
  let row = 0
  if (format === 'csv') {
    for await (const r of csvRows(input)) {
      yield measured(++row, r.line, 'error' in r ? { ok: false, error: r.error } : flatLabel(r.record, nowMs, limits), max)
    }
    return
  }
  for await (const r of jsonlRows(input)) {
    yield measured(++row, r.line, 'error' in r ? { ok: false, error: r.error } : jsonLabel(r.value, nowMs, limits), max)
  }
}
