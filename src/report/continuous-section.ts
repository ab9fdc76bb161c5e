/**
 * The report's performance section when the label or the prediction column is continuous
 * (./continuous-targets.ts): no classification metric, calibration or fairness rate, a note
 * that says so, and the drift of the prediction, label and score distributions. When the label and the
 * prediction are both continuous, each file's regression metrics (MAE, RMSE, MAPE, R²,
 * ./regression-metrics.ts) and their degradation, current − reference, in the shape of the
 * classification section's (`reference`, `current`: rows, status, rows_left_out and the metrics;
 * `degradation`: one entry per metric, without an interval); otherwise `reference`, `current`
 * and `degradation` are empty. A file without the label or the prediction column has no metrics.
 * A continuous prediction column is compared as numbers, as a numerical feature
 * (KS, Wasserstein and the reference-decile bins; ./feature-drift.ts), not as one category per
 * value; a prediction column of classes beside a continuous label as classes, as
 * ./performance-section.ts compares it. The label drift reads the label column the same way: a
 * continuous label as numbers, a label of classes as classes (the stream has no label drift of a
 * regression model: its label counts hold classes only, src/evaluate/compute.ts). Rows whose
 * score the stream refuses are left out of every drift and of the metrics, as there. Pure.
 */
import { pushAll } from '../arrays.js'
import { type FeatureValue, readTargets, resolveTask, SCORE_REFUSALS } from '../metrics/profile/index.js'
import type { ColumnRoles } from './columns.js'
import { continuousNote } from './continuous-targets.js'
import { regressionDegradation, regressionNotes, type RegressionSide, regressionSide } from './regression-metrics.js'
import { parseCell } from './csv-cells.js'
import { driftNotes, rawScores, takenScores, targetDrift, withoutRefused } from './performance-section.js'
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

/**
 * The drift of a target column between two files: as numbers when it is continuous (a
 * numerical feature's statistics), else as classes named as the performance section names them
 * (1.0 and 1 one class when every class is a number); rows whose score the stream refuses left out.
 */
function targetColumnDrift(role: 'label' | 'prediction', reference: Table, current: Table, { continuous, roles }: Pick<ContinuousInput, 'continuous' | 'roles'>): FeatureDriftJson {
  const name = roles.targets[role]
  const side = (t: Table, values: readonly FeatureValue[]) => withoutRefused(values, rawScores(t, roles.targets.score), SCORE_REFUSALS)
  if (continuous.includes(name)) return targetDrift('numerical', side(reference, asNumbers(columnOf(reference, name))), side(current, asNumbers(columnOf(current, name))), name)
  const columns = [reference, current].map((t) => ({ [role]: columnOf(t, name) }))
  const spec = resolveTask(columns)
  const classes = (t: Table, i: number) => {
    const read = readTargets(columns[i] ?? {}, spec)
    return side(t, (role === 'label' ? read.labels : read.predictions) ?? [])
  }
  return targetDrift('categorical', classes(reference, 0), classes(current, 1), name)
}

/** The section; its note goes to `notes`. Without a reference (a current-only report): no drift. */
export function continuousSection({ reference, current, roles, confidence, continuous }: ContinuousInput, notes: string[]): Section {
  const { prediction, label, score } = roles.targets
  const has = (t: Table | undefined, name: string): t is Table => t !== undefined && t.rowCount > 0 && hasColumn(t, name)
  const numeric = continuous.includes(prediction)
  const compared = has(reference, prediction) && has(current, prediction)
  const regression = numeric && continuous.includes(label)
  notes.push(continuousNote(continuous, compared && numeric ? prediction : undefined))
  // Each file's regression metrics, when it has both columns.
  const metrics = (t: Table | undefined, side: 'reference' | 'current'): RegressionSide | undefined => {
    if (!regression || t === undefined) return undefined
    const absent = [roles.targets.label, prediction].filter((name) => !hasColumn(t, name))
    if (absent.length > 0) {
      notes.push(`the ${side} file has no ${absent.map((name) => `"${name}"`).join(' or ')} column: no ${side} regression metrics${reference !== undefined ? ' and no degradation' : ''}`)
      return undefined
    }
    const m = regressionSide(columnOf(t, roles.targets.label), columnOf(t, prediction), rawScores(t, score))
    pushAll(notes, regressionNotes(side, t.rowCount, m.leftOut))
    return m
  }
  const refMetrics = metrics(reference, 'reference')
  const curMetrics = metrics(current, 'current')
  const predictionDrift = reference !== undefined && compared ? targetColumnDrift('prediction', reference, current, { continuous, roles }) : undefined
  const labelDrift = has(reference, label) && has(current, label) ? targetColumnDrift('label', reference, current, { continuous, roles }) : undefined
  const scoreDrift = has(reference, score) && has(current, score) ? targetDrift('numerical', takenScores(reference, score), takenScores(current, score), score) : undefined
  if (reference !== undefined) {
    const rows = { reference: reference.rowCount, current: current.rowCount }
    if (predictionDrift) pushAll(notes, driftNotes('prediction drift', predictionDrift, rows))
    if (labelDrift) pushAll(notes, driftNotes('label drift', labelDrift, rows))
    if (scoreDrift) pushAll(notes, driftNotes('score drift', scoreDrift, rows))
  }
  return {
    task: 'continuous',
    positive_class: null,
    continuous_columns: [...continuous],
    confidence,
    ...(reference !== undefined ? { reference: refMetrics?.json ?? {} } : {}),
    current: curMetrics?.json ?? {},
    ...(reference !== undefined ? { degradation: refMetrics && curMetrics ? regressionDegradation(refMetrics, curMetrics) : {} } : {}),
    ...(predictionDrift ? { prediction_drift: predictionDrift } : {}),
    ...(labelDrift ? { label_drift: labelDrift } : {}),
    ...(scoreDrift ? { score_drift: scoreDrift } : {}),
  }
}
