/** What a backfill run did, and how it reads on the terminal. */
import type { DriftwatchError } from '../errors.js'

export interface BackfillSummary {
  readonly file: string
  readonly checkpointPath: string
  /** Data rows in the file. */
  readonly rows: number
  /** Labels acknowledged in this run. */
  readonly sent: number
  /** Invalid rows this run passed over (--skip-invalid). */
  readonly skippedInvalid: number
  /** Labels of the batch that could not be published (outcome 'failed'). */
  readonly failed: number
  /** Rows an earlier run had acknowledged, skipped by this one. */
  readonly alreadyAcknowledgedRows: number
  /** Labels among those rows. */
  readonly alreadySentLabels: number
  readonly elapsedMs: number
  readonly labelsPerSecond: number
  readonly outcome: 'completed' | 'interrupted' | 'failed'
  readonly error?: DriftwatchError
}

const n = (x: number) => x.toLocaleString('en-US')

export interface SummaryOptions {
  /**
   * The labels went to an embedded store (no KAFKA_BROKERS): stored, and their windows marked,
   * but evaluated only by the evaluator of `driftwatch start` (the backfill runs none).
   */
  readonly embedded?: boolean
}

export function formatSummary(s: BackfillSummary, { embedded = false }: SummaryOptions = {}): string[] {
  const lines = [
    `sent ${n(s.sent)}, skipped (invalid) ${n(s.skippedInvalid)}, failed ${n(s.failed)}, ` +
      `already sent by an earlier run ${n(s.alreadySentLabels)} (${n(s.alreadyAcknowledgedRows)} row(s)), ` +
      `elapsed ${(s.elapsedMs / 1000).toFixed(1)} s, ${n(Math.round(s.labelsPerSecond))} labels/s`,
  ]
  if (s.outcome === 'completed') lines.push(`done: all ${n(s.rows)} row(s) of ${s.file} are acknowledged (checkpoint ${s.checkpointPath})`)
  else if (s.outcome === 'interrupted') lines.push(`interrupted: acknowledged rows are recorded in ${s.checkpointPath}; run the same command again to resume`)
  else lines.push(`failed: ${s.error?.code ?? 'error'}: ${s.error?.message ?? ''}; acknowledged rows are recorded in ${s.checkpointPath}; run the same command again to resume`)
  if (embedded && s.sent > 0) {
    lines.push('the labels are stored: the windows they change are evaluated by the next `driftwatch start`; until then `driftwatch status` shows the figures from before them')
  }
  return lines
}
