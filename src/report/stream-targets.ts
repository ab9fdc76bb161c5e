/**
 * The notes on a file's rows that the stream would read otherwise than as written: a score it
 * refuses, a class predicted from the score (../metrics/profile/stream-targets.ts says which and
 * how the report reads them), a score column that is no probability (./left-out.ts
 * scoreNotProbability). Pure.
 */
import { DECISION_THRESHOLD, type StreamTargets } from '../metrics/profile/index.js'
import { grouped, reasonsText, type ScoreNotProbability, total } from './left-out.js'

/** The notes on the rows the stream would refuse or predict from their score, of one side. */
export function streamTargetsNotes(side: 'reference' | 'current', rowCount: number, s: StreamTargets): string[] {
  const of = (n: number) => `${side}: ${grouped(n)} of ${grouped(rowCount)} rows`
  const notes: string[] = []
  const refused = total(s.refused)
  if (refused > 0) {
    notes.push(
      `${of(refused)} ${refused === 1 ? 'has' : 'have'} a score the stream refuses (${reasonsText(s.refused)}; it dead-letters such an event): left out of performance, fairness, prediction, label and score drift; feature drift and data quality still count them`,
    )
  }
  if (s.derived > 0) {
    notes.push(`${of(s.derived)} ${s.derived === 1 ? 'has' : 'have'} no predicted class: each is predicted from its score (positive when >= ${DECISION_THRESHOLD}), as the stream predicts an event without a class_label`)
  }
  return notes
}

/**
 * The note on a side whose score column is no probability (./left-out.ts scoreNotProbability):
 * what the stream would do with its events, that no metric is computed from the rows left, and
 * how to give the report a probability.
 */
export function scoreNotProbabilityNote(side: 'reference' | 'current', n: ScoreNotProbability): string {
  const refused = total(n.refused)
  const outOfRange = n.refused.score_out_of_range
  const which = outOfRange === refused ? 'are outside [0, 1]' : `are refused by the stream (${reasonsText(n.refused)})`
  const metrics = side === 'current' ? 'no current performance metric, degradation or fairness rate is' : 'no reference performance metric or degradation is'
  return (
    `${side}: ${grouped(refused)} of ${grouped(n.scored)} scores ${which}: the score column does not look like a probability` +
    `${outOfRange > 0 ? ' (a logit or a percentage?)' : ''}, and the stream refuses such events, so ${metrics} computed from the rows left (a gate on one cannot be checked). ` +
    'Drop the score column (--exclude), name a probability column in the model file (columns: { score: ... }), or scale the scores to [0, 1]'
  )
}
