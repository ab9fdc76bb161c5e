/**
 * The notes on a file's rows that the stream would read otherwise than as written: a score it
 * refuses, a class predicted from the score (../metrics/profile/stream-targets.ts says which and
 * how the report reads them). Pure.
 */
import { DECISION_THRESHOLD, type StreamTargets } from '../metrics/profile/index.js'
import { grouped, reasonsText, total } from './left-out.js'

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
