/**
 * A file's targets as the stream reads the same events as far as their scores decide, from the
 * targets as read (readTargets). The report computes the metrics the stream computes
 * (docs/evaluation.md, "Conventions shared by every table"), so it takes the stream's rows. (The
 * stream also refuses events for other reasons, infinite features or probabilities out of range
 * among them, which are not applied here; and it cuts a score on its 1/1000 grid, the report on
 * the score as written.)
 *
 * - A row whose score the stream refuses (./left-out.ts refusedScore: text, ±Infinity, outside
 *   [0, 1]) is dead-lettered there (src/ingest/validate.ts) and counts in no metric. Here it has
 *   no prediction and no score, so classification, the score metrics, fairness, and the
 *   prediction and score drift (./performance-section.ts) leave it out; its label stays, so that
 *   the left-out counts give each row its first reason (no label, then the refused score,
 *   ./left-out.ts). The feature columns are not read by row (the engine counts each column's
 *   values, src/cli/report-files.ts), so feature drift and data quality still count such a row:
 *   the note says so.
 * - Binary, with a prediction column: a row with a score but no class is predicted from its score
 *   (positive when score >= 0.5), as the stream predicts a prediction sent without a
 *   class_label (src/evaluate/partials.ts predictedPositive: realized metrics, fairness and the
 *   detectors alike). Without a prediction column, readTargets predicts every row so. A
 *   multiclass row without a class has no prediction, as in the stream.
 * Pure.
 */
import { DECISION_THRESHOLD, type FeatureValue, type Targets } from '../metrics/profile/index.js'
import { emptyRefusedLeftOut, grouped, type LeftOut, reasonsText, refusedScore, total } from './left-out.js'

export interface StreamTargets {
  /** What the statistics of the targets read. */
  readonly targets: Targets
  /** The rows whose score the stream refuses, by reason (zeros included). */
  readonly refused: LeftOut
  /** The rows without a class predicted from their score. */
  readonly derived: number
}

/**
 * The predicted class of a row predicted negative from its score: any class but the positive
 * one, since a binary statistic reads only "the positive class or not" (binaryOutcomes,
 * ../metrics/profile/targets.ts); the prediction drift reads the classes as read instead.
 */
const notPositive = (positiveClass: string) => `not ${positiveClass}`

/** `read`: readTargets' targets; `rawScores`: the score column as read (none: no score column). */
export function streamTargets(read: Targets, rawScores?: readonly FeatureValue[]): StreamTargets {
  const positive = read.task === 'binary' ? read.positiveClass : null
  const { predictions, scores } = read
  const isRefused = (i: number) => rawScores !== undefined && refusedScore(rawScores[i]) !== undefined
  // A row without a class, with a score the stream takes.
  const derivable = (i: number) => positive !== null && predictions?.[i] === null && !isRefused(i) && typeof scores?.[i] === 'number'
  const refused: Record<string, number> = emptyRefusedLeftOut()
  let derived = 0
  for (let i = 0; i < (rawScores?.length ?? 0); i++) {
    const reason = refusedScore(rawScores?.[i])
    if (reason !== undefined) refused[reason] = (refused[reason] as number) + 1
  }
  for (let i = 0; predictions && i < predictions.length; i++) if (derivable(i)) derived++
  // Nothing to change (the usual file): the targets as read, no copy of a million rows.
  if (total(refused) === 0 && derived === 0) return { targets: read, refused, derived }
  return {
    targets: {
      ...read,
      ...(predictions
        ? {
            predictions: predictions.map((c, i) => {
              if (isRefused(i)) return null
              if (!derivable(i)) return c
              return (scores?.[i] as number) >= DECISION_THRESHOLD ? (positive as string) : notPositive(positive as string)
            }),
          }
        : {}),
      ...(scores ? { scores: scores.map((x, i) => (isRefused(i) ? null : x)) } : {}),
    },
    refused,
    derived,
  }
}

/** The notes on the rows the stream would refuse or predict from their score, of one side. */
export function streamTargetsNotes(side: 'reference' | 'current', rowCount: number, s: StreamTargets): string[] {
  const of = (n: number) => `${side}: ${grouped(n)} of ${grouped(rowCount)} rows`
  const notes: string[] = []
  const refused = total(s.refused)
  if (refused > 0) {
    notes.push(
      `${of(refused)} ${refused === 1 ? 'has' : 'have'} a score the stream refuses (${reasonsText(s.refused)}; it dead-letters such an event): left out of performance, fairness, prediction drift and score drift; feature drift and data quality still count them`,
    )
  }
  if (s.derived > 0) {
    notes.push(`${of(s.derived)} ${s.derived === 1 ? 'has' : 'have'} no predicted class: each is predicted from its score (positive when >= ${DECISION_THRESHOLD}), as the stream predicts an event without a class_label`)
  }
  return notes
}
