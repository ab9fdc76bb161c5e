/**
 * The report's performance section when the label or the prediction column is continuous
 * (./continuous-targets.ts): no classification metric, degradation or calibration (the report
 * has no regression metrics), a note that says so, and the drift of the prediction and score
 * distributions. A continuous prediction column is compared as numbers, as a numerical feature
 * (KS, Wasserstein and the reference-decile bins; ./feature-drift.ts), not as one category per
 * value; a prediction column of classes beside a continuous label as classes, as
 * ./performance-section.ts compares it. Rows whose score the stream refuses are left out of both
 * drifts, as there. Pure.
 */
import { pushAll } from '../arrays.js'
import { type FeatureValue, readTargets, resolveTask, SCORE_REFUSALS } from '../metrics/profile/index.js'
import type { ColumnRoles } from './columns.js'
import { continuousNote } from './continuous-targets.js'
import { parseCell } from './csv-cells.js'
import { driftNotes, predictedClasses, rawScores, takenScores, targetDrift, withoutRefused } from './performance-section.js'
import { columnOf, hasColumn, type Table } from './table.js'
import type { FeatureDriftJson, Section } from './types.js'

export interface ContinuousInput {
  readonly reference?: Table
  readonly current: Table
  readonly roles: ColumnRoles
  readonly confidence: number
  /** The continuous label and prediction columns (continuousTargets). */
  readonly continuous: readonly string[]
}

/** A column's values as numbers: text read as a numerical column's cell (parseCell). */
const asNumbers = (column: readonly FeatureValue[]): FeatureValue[] => column.map((v) => (typeof v === 'string' ? parseCell(v, 'number') : v))

/** The section; its note goes to `notes`. Without a reference (a current-only report): no drift. */
export function continuousSection({ reference, current, roles, confidence, continuous }: ContinuousInput, notes: string[]): Section {
  const { prediction, score } = roles.targets
  const has = (t: Table | undefined, name: string): t is Table => t !== undefined && t.rowCount > 0 && hasColumn(t, name)
  const numeric = continuous.includes(prediction)
  const compared = has(reference, prediction) && has(current, prediction)
  notes.push(continuousNote(continuous, compared && numeric ? prediction : undefined))
  let predictionDrift: FeatureDriftJson | undefined
  if (reference !== undefined && compared) {
    if (numeric) {
      const side = (t: Table) => withoutRefused(asNumbers(columnOf(t, prediction)), rawScores(t, score), SCORE_REFUSALS)
      predictionDrift = targetDrift('numerical', side(reference), side(current), prediction)
    } else {
      // Classes named as the performance section names them (1.0 and 1 one class when every class is a number).
      const columns = [reference, current].map((t) => ({ prediction: columnOf(t, prediction) }))
      const spec = resolveTask(columns)
      const [ref, cur] = [reference, current].map((t, i) => predictedClasses({ table: t, classes: readTargets(columns[i] ?? {}, spec).predictions ?? [] }, roles))
      if (ref && cur) predictionDrift = targetDrift('categorical', ref, cur, prediction)
    }
  }
  const scoreDrift = has(reference, score) && has(current, score) ? targetDrift('numerical', takenScores(reference, score), takenScores(current, score), score) : undefined
  if (reference !== undefined) {
    const rows = { reference: reference.rowCount, current: current.rowCount }
    if (predictionDrift) pushAll(notes, driftNotes('prediction drift', predictionDrift, rows))
    if (scoreDrift) pushAll(notes, driftNotes('score drift', scoreDrift, rows))
  }
  return {
    task: 'continuous',
    positive_class: null,
    continuous_columns: [...continuous],
    confidence,
    ...(reference !== undefined ? { reference: {} } : {}),
    current: {},
    ...(reference !== undefined ? { degradation: {} } : {}),
    ...(predictionDrift ? { prediction_drift: predictionDrift } : {}),
    ...(scoreDrift ? { score_drift: scoreDrift } : {}),
  }
}
