/**
 * Resuming a backfill. After each batch the producer acknowledged, the runner records how many
 * data rows of the file are done (`rowsAcknowledged`, counted in file order, invalid rows
 * included). A rerun on the same file and target skips those rows. The checkpoint names the file
 * by content (size + SHA-256 of every byte; mtime is kept for people, not compared: a copied or
 * touched file with the same bytes resumes), and the target (brokers + topic, or the embedded
 * store), so a checkpoint written for staging never skips rows on production.
 *
 * Pure: decisions only. Reading and writing the file is in checkpoint-file.ts.
 */
import { z } from 'zod'
import { DriftwatchError } from '../errors.js'
import { LABEL_FORMATS, type LabelFormat } from './format.js'

export interface FileFingerprint {
  readonly size: number
  readonly mtimeMs: number
  readonly sha256: string
}

const CheckpointSchema = z.strictObject({
  version: z.literal(1),
  file: z.strictObject({ name: z.string(), size: z.number().int().min(0), mtimeMs: z.number(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  format: z.enum(LABEL_FORMATS),
  target: z.string(),
  rowsAcknowledged: z.number().int().min(0),
  labelsSent: z.number().int().min(0),
  completed: z.boolean(),
  updatedAt: z.string(),
})

export type Checkpoint = z.infer<typeof CheckpointSchema>

export interface CurrentRun {
  readonly fileName: string
  readonly fingerprint: FileFingerprint
  readonly format: LabelFormat
  readonly target: string
}

export interface ResumePoint {
  /** Data rows a previous run had acknowledged; this run starts after them. */
  readonly skipRows: number
  /** Labels those rows held (valid ones), as the previous run counted them. */
  readonly labelsSentBefore: number
  readonly resumed: boolean
}

const FRESH: ResumePoint = { skipRows: 0, labelsSentBefore: 0, resumed: false }

export function parseCheckpoint(text: string, where: string): Checkpoint {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    raw = undefined
  }
  const parsed = CheckpointSchema.safeParse(raw)
  if (!parsed.success) {
    throw new DriftwatchError('DW_FILE_INVALID', `checkpoint ${where} is not a driftwatch checkpoint (damaged or from another version): delete it, or pass --restart to send the whole file`, { path: where })
  }
  return parsed.data
}

export function checkpointFor(run: CurrentRun, rowsAcknowledged: number, labelsSent: number, completed: boolean, now: Date): Checkpoint {
  return { version: 1, file: { name: run.fileName, ...run.fingerprint }, format: run.format, target: run.target, rowsAcknowledged, labelsSent, completed, updatedAt: now.toISOString() }
}

/** Where this run starts; refuses (DW_FILE_INVALID) a checkpoint of another file, format or target. */
export function resumePoint(existing: Checkpoint | null, run: CurrentRun, { restart, where }: { restart: boolean; where: string }): ResumePoint {
  if (!existing || restart) return FRESH
  // Not harmless in general: a label sent again replaces a stored one of the same prediction_id and
  // label_time (ReplacingMergeTree(label_time): of equal versions the last inserted wins), such as
  // a correction sent since; one with a later label_time stays (docs/backfill.md).
  const advice =
    `pass --restart to send every row of this file from the first, or delete ${where}; ` +
    'a label sent again replaces a stored label of its prediction_id with the same label_time (a correction sent since is undone), never one with a later label_time'
  const was = existing.file
  const now = run.fingerprint
  if (was.size !== now.size || was.sha256 !== now.sha256) {
    throw new DriftwatchError(
      'DW_FILE_INVALID',
      `checkpoint ${where} belongs to a different or changed file (then: ${was.size} bytes, sha256 ${was.sha256.slice(0, 12)}…, modified ${new Date(was.mtimeMs).toISOString()}; ` +
        `now: ${now.size} bytes, sha256 ${now.sha256.slice(0, 12)}…, modified ${new Date(now.mtimeMs).toISOString()}), so the rows it counts as sent may not be this file's rows: ${advice}`,
      { path: where },
    )
  }
  if (existing.format !== run.format) {
    throw new DriftwatchError('DW_FILE_INVALID', `checkpoint ${where} read the file as ${existing.format}, this run reads it as ${run.format}: ${advice}`, { path: where })
  }
  if (existing.target !== run.target) {
    throw new DriftwatchError('DW_FILE_INVALID', `checkpoint ${where} records a backfill to ${existing.target}, this run sends to ${run.target}: ${advice}`, { path: where })
  }
  return { skipRows: existing.rowsAcknowledged, labelsSentBefore: existing.labelsSent, resumed: existing.rowsAcknowledged > 0 }
}
