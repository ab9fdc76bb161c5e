/**
 * What each statistic of the report left out, counted by reason, and the note that says so: a
 * reader who sees an ROC AUC, a drift test or a fairness gap learns over how many of the file's
 * rows it was computed, and why the others are not in it. The JSON carries the counts beside the
 * statistic (`*_left_out`, every reason listed, zeros included, so the shape does not depend on
 * the data); a note is written only when rows are left out (for feature drift: when a value is
 * there but unusable, since missing values have their own column in the data-quality table).
 *
 * A row whose score the stream refuses (refusedScore: its event is dead-lettered) is in no
 * statistic of the targets (./stream-targets.ts), and is counted by its score's reason:
 * `score_not_a_number` (text in the score column: read as missing by readTargets),
 * `score_not_finite` (±Infinity), `score_out_of_range` (outside [0, 1]).
 *
 * The readings are those of the statistics themselves, so the counts add up to the gap:
 * - classification (../metrics/profile/performance-profile.ts): a row with a label and a
 *   prediction; else `no_label`, a refused score's reason (when the file has a score column), or
 *   `no_prediction` (neither a class nor a score);
 * - score metrics (ROC AUC, average precision, log loss, Brier score, ECE, the calibration bins
 *   and so calibration drift; binary only): a row with a label and a score in [0, 1]; else
 *   `no_label`, `no_score` (missing), or a refused score's reason;
 * - drift of a column (./feature-drift.ts): readNumber's finite values, readCategory's values
 *   (../metrics/profile/values.ts); else `missing`, `type_violation`, `non_finite` (numerical);
 *   the score drift also `score_out_of_range`, the prediction drift every refused score's reason
 *   (./performance-section.ts);
 * - fairness (./fairness-section.ts): `no_group`, a refused score's reason, `no_prediction`, and
 *   the group ECE's scores;
 * - outlier rate and mean score (./quality-section.ts): `unscored`, no feature to evaluate.
 * Pure.
 */
import { binaryOutcomes, type ColumnKind, type FeatureValue, isMissing, noScoreRefusals, refusedScore, type ScoreRefusal, type Targets } from '../metrics/profile/index.js'
import { type ColumnInput, forEachCounted, isCounted } from './counted-column.js'

/** Reason → how many rows (or values) it left out, in the order the note lists them. */
export type LeftOut = Readonly<Record<string, number>>

export const total = (l: LeftOut): number => Object.values(l).reduce((a, b) => a + b, 0)

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many)

const PHRASES: Readonly<Record<string, (n: number) => string>> = {
  no_label: () => 'without a label',
  no_prediction: () => 'without a prediction',
  no_group: () => 'without a group',
  no_score: () => 'without a score',
  score_not_a_number: (n) => plural(n, 'score not a number', 'scores not numbers'),
  score_not_finite: (n) => plural(n, 'infinite score', 'infinite scores'),
  score_out_of_range: (n) => plural(n, 'score outside [0, 1]', 'scores outside [0, 1]'),
  missing: () => 'missing',
  type_violation: (n) => plural(n, 'type violation', 'type violations'),
  non_finite: (n) => plural(n, 'infinite value', 'infinite values'),
  unscored: () => 'with no feature to score',
}

/** 9812 → "9,812" (no locale data: the same text on every machine). */
export const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/**
 * "<what> over <kept> of <rows> <unit>: <n> <reason>, … left out", or none when nothing was
 * left out. `rows`: the rows the statistic could have read.
 */
export function leftOutNote(what: string, rows: number, leftOut: LeftOut, unit = 'rows'): string[] {
  const out = total(leftOut)
  if (out === 0) return []
  return [`${what} over ${grouped(rows - out)} of ${grouped(rows)} ${unit}: ${reasonsText(leftOut)} left out`]
}

/** "<n> <reason>, …" of the reasons that left something out. */
export function reasonsText(leftOut: LeftOut): string {
  return Object.entries(leftOut)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${grouped(n)} ${PHRASES[reason]?.(n) ?? reason}`)
    .join(', ')
}

export { noScoreRefusals, refusedScore, type ScoreRefusal } from '../metrics/profile/index.js'

/**
 * Why a row's score is not in the score metrics, or undefined when it is; `raw`: the score cell
 * as read (the score itself when not given), which tells why a score was left out.
 */
export function scoreReason(score: number | null | undefined, raw: FeatureValue): string | undefined {
  const refused = refusedScore(isMissing(raw) ? score : raw)
  if (refused !== undefined) return refused
  return score === null || score === undefined ? 'no_score' : undefined
}

export const emptyScoreLeftOut = () => ({ no_score: 0, ...noScoreRefusals() })

/**
 * Why a row with a label (classification metrics) or a group (fairness) is left out, or undefined
 * when it is kept: its score's refusal, else `no_prediction`; `prediction`: as the statistic
 * reads it, `raw`: the score cell as read.
 */
export function predictionReason(prediction: unknown, raw: FeatureValue): ScoreRefusal | 'no_prediction' | undefined {
  return refusedScore(raw) ?? (prediction === null || prediction === undefined ? 'no_prediction' : undefined)
}

/**
 * A file whose score column is no probability: more than half of its rows with a score (a cell
 * not missing) have one the stream refuses, as a logit or a percentage (0–100) has. The stream
 * would dead-letter most of the model's events, and the few rows left (the scores that happen to
 * fall in [0, 1]) are no sample of them: no performance metric, degradation or fairness rate is
 * computed from them (./performance-section.ts, ./fairness-section.ts; status
 * SCORE_NOT_A_PROBABILITY, so that a gate on one cannot be checked), and the classes of the rows
 * whose score is a number decide the task (./task-notes.ts). At half or fewer, the rows the
 * stream refuses are left out, and the statistics read the others.
 */
export interface ScoreNotProbability {
  /** The rows with a score the stream refuses, by reason (zeros included). */
  readonly refused: Readonly<Record<ScoreRefusal, number>>
  /** The rows with a score: a cell not missing (text and ±Infinity included). */
  readonly scored: number
}

/** The status of the metrics of a file whose score column is no probability (ScoreNotProbability). */
export const SCORE_NOT_A_PROBABILITY = 'score_not_a_probability'

/** Whether the score column `rawScores` (as read) is no probability, or undefined when it is one (or there is none). */
export function scoreNotProbability(rawScores: readonly FeatureValue[] | undefined): ScoreNotProbability | undefined {
  if (rawScores === undefined) return undefined
  const refused = noScoreRefusals()
  let scored = 0
  for (const raw of rawScores) {
    if (isMissing(raw)) continue
    scored++
    const reason = refusedScore(raw)
    if (reason !== undefined) refused[reason]++
  }
  return 2 * total(refused) > scored ? { refused, scored } : undefined
}

export interface TargetsLeftOut {
  /** The classification metrics' rows; absent when there are none (no labels or predictions). */
  readonly rows?: LeftOut
  /** The score metrics' rows; absent when there are none (no labels or scores, or multiclass). */
  readonly scoredRows?: LeftOut
  /** Set when the score column is no probability: no metric is computed from the rows left. */
  readonly notProbability?: ScoreNotProbability
}

/**
 * What the classification and score metrics of `targets` leave out; `targets`: as the
 * statistics read them (./stream-targets.ts), `rawScores`: the score column as read.
 */
export function targetsLeftOut(targets: Targets, rawScores?: readonly FeatureValue[]): TargetsLeftOut {
  const { yTrue, yPred } = binaryOutcomes(targets)
  const labels: readonly unknown[] | undefined = targets.task === 'binary' ? yTrue : targets.labels
  const predictions: readonly unknown[] | undefined = targets.task === 'binary' ? yPred : targets.predictions
  const scores = targets.task === 'binary' ? targets.scores : undefined
  const rows: Record<string, number> | undefined = labels && predictions ? { no_label: 0, ...(rawScores ? noScoreRefusals() : {}), no_prediction: 0 } : undefined
  const scoredRows: Record<string, number> | undefined = labels && scores ? { no_label: 0, ...emptyScoreLeftOut() } : undefined
  for (let i = 0; labels && i < labels.length; i++) {
    const unlabeled = labels[i] === null || labels[i] === undefined
    if (rows) {
      const reason = unlabeled ? 'no_label' : predictionReason(predictions?.[i], rawScores?.[i])
      if (reason !== undefined) rows[reason] = (rows[reason] as number) + 1
    }
    if (scoredRows) {
      const reason = unlabeled ? 'no_label' : scoreReason(scores?.[i], rawScores?.[i])
      if (reason !== undefined) scoredRows[reason] = (scoredRows[reason] as number) + 1
    }
  }
  const notProbability = scoreNotProbability(rawScores)
  return { ...(rows ? { rows } : {}), ...(scoredRows ? { scoredRows } : {}), ...(notProbability ? { notProbability } : {}) }
}

/**
 * The values the drift statistics of a column leave out (its reading by `kind`), from a
 * column in row order or counted (each distinct value once, with its count).
 */
export function valuesLeftOut(c: ColumnInput, kind: ColumnKind): LeftOut {
  let missing = 0
  let typeViolation = 0
  let nonFinite = 0
  const add = (v: FeatureValue, n: number) => {
    if (isMissing(v)) missing += n
    else if (typeof v === 'number') {
      // ±Infinity: out of every numerical statistic, and no category (readCategory's violation).
      if (!Number.isFinite(v)) {
        if (kind === 'numerical') nonFinite += n
        else typeViolation += n
      }
      // Text and booleans: categories, and no number.
    } else if (kind === 'numerical') typeViolation += n
  }
  if (isCounted(c)) forEachCounted(c, add)
  else for (const v of c) add(v, 1)
  return kind === 'numerical' ? { missing, type_violation: typeViolation, non_finite: nonFinite } : { missing, type_violation: typeViolation }
}
