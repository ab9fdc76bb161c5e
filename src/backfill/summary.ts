/** What a backfill run did, and how it reads on the terminal. */
import type { DriftwatchError } from '../errors.js'
import type { LabelOutcomes } from './label-outcomes.js'

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
   * Embedded mode (no KAFKA_BROKERS): what became of the labels this run sent, read from the
   * store (label-outcomes.ts). Absent: Kafka mode, where the command only publishes and the
   * consumers of `driftwatch start` store the labels later.
   */
  readonly outcomes?: LabelOutcomes
}

/** Kafka mode: the command knows only that the brokers have the labels. */
export const KAFKA_OUTCOME_LINE =
  'the labels are sent, not stored by this command: the consumers of `driftwatch start` store them and join each to its prediction; ' +
  'for the outcome see `driftwatch status` (label coverage per window, orphan-label notices) and the driftwatch_pending_labels metric (stored labels waiting for their prediction)'

/** Embedded mode: the labels of this run by outcome, and when the joined ones show. */
function outcomeLines(sent: number, o: LabelOutcomes): string[] {
  const unread = o.unread > 0 ? `; ${n(o.unread)} not read (the store did not answer: see \`driftwatch status\`)` : ''
  const lines = [
    `of the ${n(sent)} label(s) sent: ${n(o.joined)} joined a stored prediction; ` +
      `${n(o.pending)} pending (stored, waiting for their prediction: each counts once it is stored, or is reported as an orphan, DW_ORPHAN_LABEL, if it is not within join.orphanAfter); ` +
      `${n(o.dropped)} dropped (their prediction was erased by \`driftwatch erase\`: not stored)${unread}`,
  ]
  if (o.joined > 0) {
    lines.push('the joined labels are stored: the windows they change are evaluated by the next `driftwatch start`; until then `driftwatch status` shows the figures from before them')
  }
  return lines
}

export function formatSummary(s: BackfillSummary, { outcomes }: SummaryOptions = {}): string[] {
  const lines = [
    `sent ${n(s.sent)}, skipped (invalid) ${n(s.skippedInvalid)}, failed ${n(s.failed)}, ` +
      `already sent by an earlier run ${n(s.alreadySentLabels)} (${n(s.alreadyAcknowledgedRows)} row(s)), ` +
      `elapsed ${(s.elapsedMs / 1000).toFixed(1)} s, ${n(Math.round(s.labelsPerSecond))} labels/s`,
  ]
  if (s.outcome === 'completed') lines.push(`done: all ${n(s.rows)} row(s) of ${s.file} are acknowledged (checkpoint ${s.checkpointPath})`)
  else if (s.outcome === 'interrupted') lines.push(`interrupted: acknowledged rows are recorded in ${s.checkpointPath}; run the same command again to resume`)
  else lines.push(`failed: ${s.error?.code ?? 'error'}: ${s.error?.message ?? ''}; acknowledged rows are recorded in ${s.checkpointPath}; run the same command again to resume`)
  if (s.sent > 0) {
    if (outcomes) for (const line of outcomeLines(s.sent, outcomes)) lines.push(line)
    else lines.push(KAFKA_OUTCOME_LINE)
  }
  return lines
}
