/**
 * Phase one of a backfill, before any connection is made: read the checkpoint, validate every row
 * of the file (with progress, for a large file), and decide where sending starts. Refuses
 * (DW_FILE_INVALID) a file with no rows, one with invalid rows unless `skipInvalid`, and one with
 * no valid row even then, printing the first problems with their line numbers.
 */
import { createReadStream, type ReadStream } from 'node:fs'
import { basename } from 'node:path'
import { DriftwatchError } from '../errors.js'
import { resumePoint, type CurrentRun, type ResumePoint } from './checkpoint.js'
import { checkpointPathFor, fingerprintFile, readCheckpoint } from './checkpoint-file.js'
import { labelFormat, type LabelFormat } from './format.js'
import { labelRows, type LabelLimits, type LabelRow } from './label-file.js'
import { FLAT_COLUMNS } from './label-row.js'
import { formatScan, scanLabels, type ScanReport } from './scan.js'

export interface BackfillOptions {
  readonly file: string
  /** 'csv' | 'jsonl'; default from the file's extension. */
  readonly format?: string
  /** Where labels go, as recorded in the checkpoint (see backfillTarget). */
  readonly target: string
  readonly limits: LabelLimits
  /** The clock for validation, read once so both passes judge rows alike. */
  readonly nowMs: number
  readonly skipInvalid: boolean
  readonly restart: boolean
  /** Invalid rows to print (the count is always complete). */
  readonly maxProblems: number
}

export interface BackfillPlan {
  readonly file: string
  readonly format: LabelFormat
  readonly run: CurrentRun
  readonly checkpointPath: string
  readonly start: ResumePoint
  readonly scan: ScanReport
  readonly startedMs: number
}

export interface Say {
  info(line: string): void
  warn(line: string): void
  /** Progress of the validation pass, in bytes of the file read (src/cli/progress.ts); default none. */
  progress?(label: string, total: number): { increment(n: number): void; stop(): void }
}

/**
 * Files from this size show the validation's progress. Validation reads 1–3 MB/s (csv-parse and
 * the event checks, one core: 9 MB of CSV took 8 s), so a smaller file is done in about a second,
 * and a progress line would only stand between the user and the one line a refused file gets.
 */
export const VALIDATION_PROGRESS_MIN_BYTES = 1024 * 1024

/** The rows, reporting to `bar` the bytes of the file read so far as each row comes. */
async function* reporting(rows: AsyncIterable<LabelRow>, file: ReadStream, bar: { increment(n: number): void }): AsyncGenerator<LabelRow> {
  let reported = 0
  for await (const r of rows) {
    if (file.bytesRead > reported) {
      bar.increment(file.bytesRead - reported)
      reported = file.bytesRead
    }
    yield r
  }
  if (file.bytesRead > reported) bar.increment(file.bytesRead - reported)
}

/**
 * Every row invalid, so nothing to send: refused, with --skip-invalid too. Rows with the fields of
 * a prediction (model_id, features …) mean a predictions file given as labels.
 */
function nothingValid(scan: ScanReport, file: string): DriftwatchError {
  const predictions = scan.predictionLike * 2 > scan.invalid
  const why = predictions
    ? `: its rows have ${scan.predictionFields.join(', ')}, fields of a prediction; \`driftwatch backfill labels\` takes labels (${FLAT_COLUMNS.join(', ')}); predictions go to POST /v1/predictions or the predictions topic`
    : ''
  return new DriftwatchError('DW_FILE_INVALID', `${file}: all ${scan.rows} row(s) are invalid; nothing was sent${why}`, { path: file, invalid: scan.invalid })
}

/**
 * No data row: refused, like a file of invalid rows, since a label file with none is almost always
 * an export that failed or was cut short, and "done" would hide it. An empty CSV, without even a
 * header, is refused by its reader (csv-rows.ts); a JSON Lines file has no header, so empty or
 * blank it is refused here.
 */
function noRows(format: LabelFormat, bytes: number, file: string): DriftwatchError {
  const what = format === 'csv' ? 'has a header and no rows' : bytes === 0 ? 'is empty' : 'has no rows, only blank lines'
  return new DriftwatchError('DW_FILE_INVALID', `${file}: the file ${what}; nothing was sent (was the export that wrote it cut short?)`, { path: file })
}

export async function prepareBackfill(o: BackfillOptions, say: Say): Promise<BackfillPlan> {
  const startedMs = performance.now()
  const format = labelFormat(o.file, o.format)
  const fingerprint = await fingerprintFile(o.file)
  const run: CurrentRun = { fileName: basename(o.file), fingerprint, format, target: o.target }
  const checkpointPath = checkpointPathFor(o.file)
  const start = resumePoint(o.restart ? null : await readCheckpoint(checkpointPath), run, { restart: o.restart, where: checkpointPath })

  const input = createReadStream(o.file)
  const bar = (fingerprint.size >= VALIDATION_PROGRESS_MIN_BYTES ? say.progress?.('validating labels (bytes read)', fingerprint.size) : undefined) ?? { increment() {}, stop() {} }
  let scan: ScanReport
  try {
    const rows = labelRows(input, format, o.nowMs, o.limits, { notUtf8AsInvalidRow: o.skipInvalid })
    scan = await scanLabels(reporting(rows, input, bar), { skipRows: start.skipRows, maxProblems: o.maxProblems })
  } finally {
    bar.stop()
  }
  if (scan.rows === 0) throw noRows(format, fingerprint.size, o.file)
  if (start.skipRows > scan.rows) {
    throw new DriftwatchError('DW_FILE_INVALID', `checkpoint ${checkpointPath} counts ${start.skipRows} rows done, but the file has ${scan.rows}: pass --restart`, { path: checkpointPath })
  }
  for (const line of formatScan(scan, o.file)) say.warn(line)
  if (scan.rows > 0 && scan.valid === 0) throw nothingValid(scan, o.file)
  if (scan.invalid > 0 && !o.skipInvalid) {
    throw new DriftwatchError(
      'DW_FILE_INVALID',
      `${o.file}: ${scan.invalid} invalid row(s); nothing was sent. Fix them, or pass --skip-invalid to send the ${scan.valid} valid row(s) and skip these`,
      { path: o.file, invalid: scan.invalid },
    )
  }
  say.info(`${o.file}: ${scan.rows} row(s) (${format}), ${scan.valid} valid label(s)${scan.invalid ? `, ${scan.invalid} invalid row(s) will be skipped` : ''}`)
  if (o.restart) {
    say.info(`--restart: any checkpoint is ignored and replaced (${checkpointPath}); every row is sent again, and replaces a stored label of its prediction_id with the same label_time (such as a correction sent since), never one with a later label_time`)
  }
  if (start.resumed) {
    const rest = start.skipRows === scan.rows ? 'nothing is left to send (--restart sends the file again)' : `resuming at row ${start.skipRows + 1}`
    say.info(`checkpoint ${checkpointPath}: an earlier run had the first ${start.skipRows} row(s) acknowledged (${start.labelsSentBefore} label(s)); they are skipped; ${rest}`)
  }
  return { file: o.file, format, run, checkpointPath, start, scan, startedMs }
}
