/**
 * Phase one of a backfill, before any connection is made: read the checkpoint, validate every row
 * of the file, and decide where sending starts. Refuses (DW_FILE_INVALID) a file with invalid
 * rows unless `skipInvalid`, printing the first problems with their line numbers.
 */
import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { DriftwatchError } from '../errors.js'
import { resumePoint, type CurrentRun, type ResumePoint } from './checkpoint.js'
import { checkpointPathFor, fingerprintFile, readCheckpoint } from './checkpoint-file.js'
import { labelFormat, type LabelFormat } from './format.js'
import { labelRows, type LabelLimits } from './label-file.js'
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
}

export async function prepareBackfill(o: BackfillOptions, say: Say): Promise<BackfillPlan> {
  const startedMs = performance.now()
  const format = labelFormat(o.file, o.format)
  const fingerprint = await fingerprintFile(o.file)
  const run: CurrentRun = { fileName: basename(o.file), fingerprint, format, target: o.target }
  const checkpointPath = checkpointPathFor(o.file)
  const start = resumePoint(o.restart ? null : await readCheckpoint(checkpointPath), run, { restart: o.restart, where: checkpointPath })

  const scan = await scanLabels(labelRows(createReadStream(o.file), format, o.nowMs, o.limits), {
    skipRows: start.skipRows,
    maxProblems: o.maxProblems,
  })
  if (start.skipRows > scan.rows) {
    throw new DriftwatchError('DW_FILE_INVALID', `checkpoint ${checkpointPath} counts ${start.skipRows} rows done, but the file has ${scan.rows}: pass --restart`, { path: checkpointPath })
  }
  for (const line of formatScan(scan, o.file)) say.warn(line)
  if (scan.invalid > 0 && !o.skipInvalid) {
    throw new DriftwatchError(
      'DW_FILE_INVALID',
      `${o.file}: ${scan.invalid} invalid row(s); nothing was sent. Fix them, or pass --skip-invalid to send the ${scan.valid} valid row(s) and skip these`,
      { path: o.file, invalid: scan.invalid },
    )
  }
  say.info(`${o.file}: ${scan.rows} row(s) (${format}), ${scan.valid} valid label(s)${scan.invalid ? `, ${scan.invalid} invalid row(s) will be skipped` : ''}`)
  if (o.restart) say.info(`--restart: any checkpoint is ignored and replaced (${checkpointPath})`)
  if (start.resumed) {
    const rest = start.skipRows === scan.rows ? 'nothing is left to send (--restart sends the file again)' : `resuming at row ${start.skipRows + 1}`
    say.info(`checkpoint ${checkpointPath}: an earlier run had the first ${start.skipRows} row(s) acknowledged (${start.labelsSentBefore} label(s)); they are skipped; ${rest}`)
  }
  return { file: o.file, format, run, checkpointPath, start, scan, startedMs }
}
