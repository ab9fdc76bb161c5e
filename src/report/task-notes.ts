/**
 * How the report reads the label and prediction classes of two files for the task
 * (../metrics/profile/targets.ts resolveTask):
 * - only the rows the stream reads count: a row whose score the stream refuses (a repeated header
 *   row, whose score cell is the text "score") brings no class to the task; but when most of a
 *   file's scores are refused (its score column is no probability: a logit, a percentage,
 *   ./left-out.ts scoreNotProbability), the few rows left are no sample of the model's classes,
 *   so every row whose score is a number brings its class (text still brings none);
 * - classes that are the booleans True / False (as the report names a boolean cell) and the
 *   numbers 0 / 1 are compared as booleans, 1 as True (REPORT_CLASSES), as pandas compares them;
 * - a class the current file adds to the reference's is named in a note, with its rows and what
 *   it did to the task (left it binary, the reference fixing it, or made it multiclass).
 * Pure.
 */
import { type FeatureValue, refusedScore, resolveTask, type TargetColumns, type TaskSpec } from '../metrics/profile/index.js'
import { classesAdded } from '../metrics/profile/targets.js'
import { grouped, scoreNotProbability } from './left-out.js'

/** How the report compares classes, beside the model file's task and positive class (resolveTask's options). */
export const REPORT_CLASSES = { numbersAsBooleans: true } as const

/**
 * The columns without the classes of the rows whose score the stream refuses, or, when the score
 * column is no probability, of the rows whose score is text (no copy when there is none).
 */
export function readClassColumns(c: TargetColumns): TargetColumns {
  const score = c.score
  if (score === undefined) return c
  const dropped = scoreNotProbability(score) === undefined
    ? (raw: FeatureValue) => refusedScore(raw) !== undefined
    : (raw: FeatureValue) => refusedScore(raw) === 'score_not_a_number'
  if (!score.some(dropped)) return c
  const read = (column: TargetColumns['label']) => column?.map((v, i) => (dropped(score[i]) ? null : v))
  return { ...c, ...(c.label ? { label: read(c.label) } : {}), ...(c.prediction ? { prediction: read(c.prediction) } : {}) }
}

export interface ClassNoteInput {
  readonly reference: TargetColumns
  readonly current: TargetColumns
  readonly spec: TaskSpec
  readonly names: { readonly label: string; readonly prediction: string }
  readonly currentRows: number
  /** The task set in the model file, if any. */
  readonly configuredTask?: TaskSpec['task']
}

/** The note on the classes the current file adds to the reference's (none when it adds none). */
export function addedClassNotes({ reference, current, spec, names, currentRows, configuredTask }: ClassNoteInput): string[] {
  const added = classesAdded(reference, current, spec)
  if (added === undefined) return []
  const rowsText = (n: number) => `${grouped(n)} ${n === 1 ? 'row' : 'rows'}`
  const where = [
    ...(added.labelRows > 0 ? [`"${names.label}" in ${rowsText(added.labelRows)}`] : []),
    ...(added.predictionRows > 0 ? [`"${names.prediction}" in ${rowsText(added.predictionRows)}`] : []),
  ].join(', ')
  const classes = added.classes.map((c) => `"${c}"`).join(', ')
  const what = `the current file has ${added.classes.length === 1 ? 'a class' : 'classes'} the reference has none of: ${classes} (${where}; ${grouped(added.rows)} of ${grouped(currentRows)} rows, the first at data row ${grouped(added.firstRow + 1)})`
  const positiveAdded = spec.positiveClass !== null && added.classes.includes(spec.positiveClass)
  const asNegative = positiveAdded ? `, and the positive class "${spec.positiveClass}" is one of them` : `, so they read as not the positive class "${spec.positiveClass}"`
  if (configuredTask !== undefined) {
    return [`${what}; the model file sets the task (${configuredTask})${spec.task === 'binary' ? asNegative : ''}`]
  }
  if (spec.task === 'binary') {
    return [`${what}; the task is binary, positive class "${spec.positiveClass}"${asNegative} (task: multiclass in the model file compares them as classes)`]
  }
  if (resolveTask(reference, REPORT_CLASSES).task === 'multiclass') return [`${what}; the reference alone is multiclass, so they change no reference metric`]
  return [`${what}; with them the task is multiclass: precision, recall and F1 are macro averages, and no score metric is computed`]
}
