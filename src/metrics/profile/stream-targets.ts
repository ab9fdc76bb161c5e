/**
 * A file's targets as the stream reads the same events, as far as their scores decide: the batch
 * report and the stored baseline profile (`driftwatch baseline`) compute from a file the metrics
 * the stream computes from its events (docs/evaluation.md, "Conventions shared by every table"),
 * so they take the stream's rows.
 *
 * - A row whose score the stream refuses (refusedScore: text, ±Infinity, outside [0, 1]) is
 *   dead-lettered there (src/ingest/validate.ts) and counts in no metric. Here it has no
 *   prediction and no score, so every statistic of the targets leaves it out; its label stays, so
 *   that the report's left-out counts give each row its first reason (no label, then the refused
 *   score: src/report/left-out.ts). The baseline leaves such rows out whole
 *   (src/evaluate/baseline-profile.ts); the report cannot for its features, which its engine
 *   reads column by column (src/cli/report-files.ts), and says so in a note.
 * - Binary, with a prediction column: a row with a score but no class is predicted from its score
 *   (positive when score >= 0.5), as the stream predicts an event sent without a class_label
 *   (src/evaluate/partials.ts predictedPositive: realized metrics, fairness and the detectors
 *   alike). Without a prediction column, readTargets predicts every row so. A multiclass row
 *   without a class has no prediction, as in the stream.
 *
 * Not applied here: the stream's other refusals (infinite features, which the baseline applies
 * to its rows itself; probabilities out of range), and its cut of a score on the 1/1000 grid
 * (here the score as written).
 * Pure.
 */
import { DECISION_THRESHOLD, type Targets } from './targets.js'
import { type FeatureValue, isMissing } from './values.js'

export type ScoreRefusal = 'score_not_a_number' | 'score_not_finite' | 'score_out_of_range'

/**
 * Why the stream refuses a prediction whose score cell reads `raw`, or undefined when it takes
 * it (src/ingest/validate.ts validatePrediction): ±Infinity is DW_NON_FINITE_NUMBER, a score
 * outside [0, 1] DW_VALIDATION_FAILED, and text is no double (Avro's type; in JSON,
 * DW_VALIDATION_FAILED "has the wrong type"). A missing score is allowed (`score` is nullable),
 * and so is NaN here: in a file it is pandas' missing marker (the cell `NaN` reads as missing).
 */
export function refusedScore(raw: FeatureValue): ScoreRefusal | undefined {
  if (isMissing(raw)) return undefined
  if (typeof raw !== 'number') return 'score_not_a_number'
  if (!Number.isFinite(raw)) return 'score_not_finite'
  return raw < 0 || raw > 1 ? 'score_out_of_range' : undefined
}

/** The reasons of refusedScore, in the order the left-out counts list them. */
export const SCORE_REFUSALS: readonly ScoreRefusal[] = ['score_not_a_number', 'score_not_finite', 'score_out_of_range']

/** A zero count per reason of refusedScore, in SCORE_REFUSALS' order. */
export const noScoreRefusals = (): Record<ScoreRefusal, number> => Object.fromEntries(SCORE_REFUSALS.map((r) => [r, 0])) as Record<ScoreRefusal, number>

export interface StreamTargets {
  /** What the statistics of the targets read. */
  readonly targets: Targets
  /** The rows whose score the stream refuses, by reason (zeros included). */
  readonly refused: Readonly<Record<ScoreRefusal, number>>
  /** The rows without a class predicted from their score. */
  readonly derived: number
}

/**
 * The predicted class of a row predicted negative from its score: any class but the positive
 * one, since a binary statistic reads only "the positive class or not" (binaryOutcomes,
 * ../metrics/profile/targets.ts); the prediction drift reads the classes as read instead.
 */
export const notPositive = (positiveClass: string): string => `not ${positiveClass}`

/** `read`: readTargets' targets; `rawScores`: the score column as read (none: no score column). */
export function streamTargets(read: Targets, rawScores?: readonly FeatureValue[]): StreamTargets {
  const positive = read.task === 'binary' ? read.positiveClass : null
  const { predictions, scores } = read
  const isRefused = (i: number) => rawScores !== undefined && refusedScore(rawScores[i]) !== undefined
  // A row without a class, with a score the stream takes.
  const derivable = (i: number) => positive !== null && predictions?.[i] === null && !isRefused(i) && typeof scores?.[i] === 'number'
  const refused = noScoreRefusals()
  let derived = 0
  for (let i = 0; i < (rawScores?.length ?? 0); i++) {
    const reason = refusedScore(rawScores?.[i])
    if (reason !== undefined) refused[reason]++
  }
  for (let i = 0; predictions && i < predictions.length; i++) if (derivable(i)) derived++
  // Nothing to change (the usual file): the targets as read, no copy of a million rows.
  if (SCORE_REFUSALS.every((r) => refused[r] === 0) && derived === 0) return { targets: read, refused, derived }
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
