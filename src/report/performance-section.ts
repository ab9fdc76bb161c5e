/**
 * The report's performance section: the model's performance on each file
 * (src/metrics/profile/performance-profile.ts), the degradation current − reference with
 * intervals (src/metrics/concept/performance-degradation.ts; ROC AUC from the exact scores),
 * calibration drift (src/metrics/concept/calibration-drift.ts), and drift of the prediction,
 * label and score distributions (./feature-drift.ts, raw p-values: they are not features). The
 * label drift compares the label classes as the targets name them, with the statistics and the
 * method the stream's label row takes for the same counts (src/evaluate/compute.ts,
 * ./drift-rows.ts categoricalDrift: z for two classes, chi2 for more, Jensen–Shannon above 1000
 * values on both sides).
 * Everything that needs a column a file lacks is left out, with a note (a multiclass task
 * without a prediction column too: a class cannot be derived from a single score). Each side's metrics
 * carry the rows they left out by reason (`rows_left_out`, `scored_rows_left_out`,
 * ./left-out.ts), with a note when there are any: degradation, ROC AUC's DeLong test and
 * calibration drift read the same rows. The targets are the stream's (./stream-targets.ts): a
 * row whose score the stream refuses is left out of every statistic here, the prediction, label
 * and score drift included (counted by its score's reason in their `*_left_out`): the stream
 * dead-letters the prediction, so its label joins none. When most of a
 * side's scores are refused (its score column is no probability, ./left-out.ts
 * scoreNotProbability), its metrics are null and nothing is compared with them: no degradation,
 * no calibration drift. Accuracy is the exact match of predicted class and label (sklearn
 * accuracy_score), in each side's metrics and in its degradation: the profile's binary matrix is
 * one-vs-rest, which precision, recall and F1 read, and its foldedMatches are the true negatives
 * whose classes differ (src/metrics/profile/performance-profile.ts). A multiclass side also has
 * the weighted averages of precision, recall and F1 (`*_weighted`, as the stream's rows).
 */
import { pushAll } from '../arrays.js'
import { calibrationDrift, performanceDegradation } from '../metrics/concept/index.js'
import { DEGRADATION_METRIC_NAMES } from '../metrics/concept/performance-degradation.js'
import { f1, precision, recall } from '../metrics/performance/index.js'
import { type DifferenceResult } from '../metrics/comparison/index.js'
import { datasetDriftShare, MIN_ROWS_FOR_VERDICT } from '../metrics/drift/index.js'
import { type ClassificationProfile, type FeatureValue, type PerformanceProfile, performanceProfile, rankGroups, SCORE_REFUSALS, type Targets } from '../metrics/profile/index.js'
import type { ColumnRoles } from './columns.js'
import { columnDrift, verdictInput } from './feature-drift.js'
import { leftOutNote, refusedScore, SCORE_NOT_A_PROBABILITY, type ScoreRefusal, targetsLeftOut, type TargetsLeftOut } from './left-out.js'
import { scoreNotProbabilityNote } from './stream-targets.js'
import { columnOf, hasColumn, type Table } from './table.js'
import { type DifferenceJson, type FeatureDriftJson, num, type Num, type Section } from './types.js'

export interface PerformanceInput {
  /**
   * `performance`: performanceProfile(targets) when the caller has it already. `classes`: the
   * predicted classes as read (readTargets), before any is predicted from a score
   * (./stream-targets.ts); the prediction column as read when not given.
   */
  readonly reference: { readonly table: Table; readonly targets: Targets; readonly performance?: PerformanceProfile; readonly classes?: readonly FeatureValue[] }
  readonly current: { readonly table: Table; readonly targets: Targets; readonly classes?: readonly FeatureValue[] }
  readonly roles: ColumnRoles
  readonly confidence: number
}

/**
 * Whether a side has rows enough for its metrics to be read: `insufficient` below
 * MIN_ROWS_FOR_VERDICT (30) labeled rows, as a feature's drift (a gate on a metric of a
 * handful of rows cannot be checked, src/report/gates.ts).
 */
export const rowsStatus = (n: number): 'ok' | 'insufficient' => (n >= MIN_ROWS_FOR_VERDICT ? 'ok' : 'insufficient')

/**
 * A multiclass side's weighted averages of precision, recall and F1 over its confusion matrix
 * (sklearn average='weighted', zero_division 0: each class weighted by its labels), as the
 * stream's `precision_weighted` / `recall_weighted` / `f1_weighted` rows (src/evaluate/task-rows.ts).
 */
function weightedAverages(c: ClassificationProfile): Record<'precision_weighted' | 'recall_weighted' | 'f1_weighted', Num> {
  const cm = { labels: c.labels, matrix: c.matrix, n: c.n, excluded: 0 }
  const weighted = { average: 'weighted' } as const
  return { precision_weighted: num(precision(cm, weighted).score), recall_weighted: num(recall(cm, weighted).score), f1_weighted: num(f1(cm, weighted).score) }
}

/**
 * `leftOut`: targetsLeftOut of the targets `p` was computed from. `status` (accuracy, precision,
 * recall, F1 and a multiclass side's weighted averages: labeled rows with a prediction) and
 * `scored_status` (the score's metrics: labeled rows with a score) say whether there are rows
 * enough (rowsStatus). When the score column is no
 * probability (leftOut.notProbability, ./left-out.ts), every metric is null and both statuses are
 * SCORE_NOT_A_PROBABILITY: the rows left are no sample of the model's events; the counts stay.
 */
export function metricsJson(p: PerformanceProfile, leftOut: TargetsLeftOut): Section {
  const c = p.classification
  const s = p.probabilistic
  const none = leftOut.notProbability !== undefined
  const value = (x: number | null) => (none ? null : x)
  const status = (n: number) => (none ? SCORE_NOT_A_PROBABILITY : rowsStatus(n))
  const weighted = c?.average === 'macro' ? weightedAverages(c) : undefined
  return {
    ...(c ? { rows: c.n, status: status(c.n), rows_left_out: leftOut.rows, average: c.average, accuracy: value(c.accuracy), precision: value(c.precision), recall: value(c.recall), f1: value(c.f1) } : {}),
    ...(weighted ? { precision_weighted: value(weighted.precision_weighted), recall_weighted: value(weighted.recall_weighted), f1_weighted: value(weighted.f1_weighted) } : {}),
    ...(s
      ? {
          scored_rows: s.n,
          scored_status: status(s.n),
          scored_rows_left_out: leftOut.scoredRows,
          roc_auc: value(s.rocAuc),
          average_precision: value(s.averagePrecision),
          log_loss: value(s.logLoss),
          brier_score: value(s.brierScore),
          ece: value(s.expectedCalibrationError),
        }
      : {}),
  }
}

/**
 * The notes on the rows one side's metrics left out (none when they read every row); when its
 * score column is no probability, the note that says so instead (no metric reads the rows left).
 */
export function performanceNotes(side: 'reference' | 'current', rowCount: number, p: PerformanceProfile, leftOut: TargetsLeftOut): string[] {
  if (leftOut.notProbability) return [scoreNotProbabilityNote(side, leftOut.notProbability)]
  return [
    ...(p.classification && leftOut.rows ? leftOutNote(`${side} accuracy, precision, recall and F1`, rowCount, leftOut.rows) : []),
    ...(p.probabilistic && leftOut.scoredRows
      ? leftOutNote(`${side} ROC AUC, average precision, log loss, Brier score, ECE and calibration`, rowCount, leftOut.scoredRows)
      : []),
  ]
}

/** `computed`: false when a side's score column is no probability (every figure null, the method kept). */
function differenceJson(d: DifferenceResult, computed = true): DifferenceJson {
  const v = (x: number | undefined) => (computed ? num(x) : null)
  return {
    method: d.method,
    reference: v(d.estimates[1]),
    current: v(d.estimates[0]),
    difference: v(d.score),
    ci_low: v(d.ciLow),
    ci_high: v(d.ciHigh),
    p_value: v(d.pValue),
  }
}

/** A target column of one file, and the rows taken out of it by their refused score's reason (zeros included). */
export interface TargetColumn {
  readonly values: readonly FeatureValue[]
  readonly refused: Readonly<Record<string, number>>
}

/**
 * `column` without the rows whose score the stream refuses for one of `leaves` (as missing;
 * a reason the column's reading already leaves out otherwise, e.g. text in the score column
 * as a type violation, is not in `leaves`).
 */
export function withoutRefused(column: readonly FeatureValue[], rawScores: readonly FeatureValue[] | undefined, leaves: readonly ScoreRefusal[]): TargetColumn {
  const refused: Record<string, number> = Object.fromEntries(leaves.map((r) => [r, 0]))
  const leaving = (raw: FeatureValue): ScoreRefusal | undefined => {
    const reason = refusedScore(raw)
    return reason !== undefined && leaves.includes(reason) ? reason : undefined
  }
  // The usual file has none: its column as it is, no copy.
  if (rawScores === undefined || !rawScores.some((raw) => leaving(raw) !== undefined)) return { values: column, refused }
  const values = column.map((v, i) => {
    const reason = leaving(rawScores[i])
    if (reason === undefined) return v
    refused[reason] = (refused[reason] as number) + 1
    return null
  })
  return { values, refused }
}

export function targetDrift(kind: 'numerical' | 'categorical', reference: TargetColumn, current: TargetColumn, name: string): FeatureDriftJson {
  const d = columnDrift(name, kind, reference.values, current.values)
  // With its status: fewer than 30 values on a side is no verdict, as for the features.
  const [verdict] = datasetDriftShare([verdictInput(name, d)], { correction: 'none' }).features
  // The refused rows were read as missing: counted by their reason instead.
  const leftOut = (l: Readonly<Record<string, number>>, refused: Readonly<Record<string, number>>) => ({
    ...l,
    missing: (l['missing'] ?? 0) - Object.values(refused).reduce((a, b) => a + b, 0),
    ...refused,
  })
  return {
    ...d.json,
    reference_left_out: leftOut(d.json.reference_left_out, reference.refused),
    current_left_out: leftOut(d.json.current_left_out, current.refused),
    drift_detected: verdict?.driftDetected ?? null,
  }
}

/**
 * The notes on the values a drift statistic left out that were there but unusable (type
 * violations, infinities, the scores the stream refuses): every reason but `missing`.
 */
export function driftNotes(what: string, d: Pick<FeatureDriftJson, 'reference_left_out' | 'current_left_out'>, rows: { reference: number; current: number }): string[] {
  const unusable = (l: Readonly<Record<string, number>>) => Object.entries(l).some(([reason, n]) => reason !== 'missing' && n > 0)
  return (['reference', 'current'] as const).flatMap((side) => {
    const l = side === 'reference' ? d.reference_left_out : d.current_left_out
    return unusable(l) ? leftOutNote(what, rows[side], l, `${side} rows`) : []
  })
}

/** The score column as read (text in it is a type violation, no score), or undefined without one. */
export const rawScores = (t: Table, name: string): readonly FeatureValue[] | undefined => (hasColumn(t, name) ? columnOf(t, name) : undefined)

/**
 * The predicted classes as read (1.0 and 1 one class when classes are numbers; none predicted
 * from a score, as the stream counts the class_labels sent), without the rows whose score the
 * stream refuses.
 */
export const predictedClasses = (side: Pick<PerformanceInput['current'], 'table' | 'classes'>, roles: ColumnRoles): TargetColumn =>
  withoutRefused(side.classes ?? columnOf(side.table, roles.targets.prediction), rawScores(side.table, roles.targets.score), SCORE_REFUSALS)

/**
 * The label classes as the targets name them (1.0 and 1 one class when classes are numbers),
 * without the rows whose score the stream refuses: it dead-letters the prediction, so the label
 * joins none and counts in no label drift.
 */
export const labelClasses = (side: Pick<PerformanceInput['current'], 'table' | 'targets'>, roles: ColumnRoles): TargetColumn =>
  withoutRefused(side.targets.labels ?? columnOf(side.table, roles.targets.label), rawScores(side.table, roles.targets.score), SCORE_REFUSALS)

/**
 * The scores the stream takes: text and infinities are left out as a numerical column's type
 * violations and infinities, and a score outside [0, 1] as `score_out_of_range`.
 */
export const takenScores = (t: Table, name: string): TargetColumn => withoutRefused(columnOf(t, name), rawScores(t, name), ['score_out_of_range'])

export function performanceSection({ reference, current, roles, confidence }: PerformanceInput, notes: string[]): Section {
  const ref = reference.performance ?? performanceProfile(reference.targets)
  const cur = performanceProfile(current.targets)
  const refLeftOut = targetsLeftOut(reference.targets, rawScores(reference.table, roles.targets.score))
  const curLeftOut = targetsLeftOut(current.targets, rawScores(current.table, roles.targets.score))
  const has = (t: Table, name: string) => t.rowCount > 0 && hasColumn(t, name)
  const both = (name: string) => has(reference.table, name) && has(current.table, name)
  const degradation = performanceDegradation(
    { performance: ref, rankGroups: rankGroups(reference.targets) },
    { performance: cur, rankGroups: rankGroups(current.targets) },
    { confidence },
  )
  if (!has(current.table, roles.targets.label)) notes.push(`the current file has no "${roles.targets.label}" column: no current performance, degradation or fairness`)
  if (reference.targets.task === 'multiclass' && (has(reference.table, roles.targets.score) || has(current.table, roles.targets.score))) {
    notes.push(`the "${roles.targets.score}" column is one score per row, and a multiclass task needs one per class: no ROC AUC, log loss, Brier score, ECE or calibration; its score drift is reported`)
  }
  // A multiclass prediction cannot be derived from the one score per row (../metrics/profile/targets.ts).
  const noPrediction = (['reference', 'current'] as const).filter((side) => {
    const t = (side === 'reference' ? reference : current).table
    return t.rowCount > 0 && !hasColumn(t, roles.targets.prediction) && (hasColumn(t, roles.targets.label) || hasColumn(t, roles.targets.score))
  })
  if (reference.targets.task === 'multiclass' && noPrediction.length > 0) {
    const files = noPrediction.length === 2 ? 'neither file has' : `the ${noPrediction[0]} file has no`
    notes.push(`the task is multiclass and ${files} a "${roles.targets.prediction}" column: a predicted class cannot be derived from a score (one per row, not one per class), so no accuracy, precision, recall or F1 ${noPrediction.length === 2 ? 'on either file' : `on the ${noPrediction[0]} file`}, and no degradation`)
  }
  pushAll(notes, performanceNotes('reference', reference.table.rowCount, ref, refLeftOut))
  pushAll(notes, performanceNotes('current', current.table.rowCount, cur, curLeftOut))
  // A side whose score column is no probability has no metric: nothing to compare (./left-out.ts scoreNotProbability).
  const compared = refLeftOut.notProbability === undefined && curLeftOut.notProbability === undefined
  const calibration = compared && ref.probabilistic && cur.probabilistic ? calibrationDrift(ref.probabilistic.calibration, cur.probabilistic.calibration) : undefined
  const predictionDrift = both(roles.targets.prediction)
    ? targetDrift('categorical', predictedClasses(reference, roles), predictedClasses(current, roles), roles.targets.prediction)
    : undefined
  const labelDrift = both(roles.targets.label) ? targetDrift('categorical', labelClasses(reference, roles), labelClasses(current, roles), roles.targets.label) : undefined
  const scoreDrift = both(roles.targets.score)
    ? targetDrift('numerical', takenScores(reference.table, roles.targets.score), takenScores(current.table, roles.targets.score), roles.targets.score)
    : undefined
  const rows = { reference: reference.table.rowCount, current: current.table.rowCount }
  if (predictionDrift) pushAll(notes, driftNotes('prediction drift', predictionDrift, rows))
  if (labelDrift) pushAll(notes, driftNotes('label drift', labelDrift, rows))
  if (scoreDrift) pushAll(notes, driftNotes('score drift', scoreDrift, rows))
  return {
    task: reference.targets.task,
    positive_class: reference.targets.positiveClass,
    prediction_source: current.targets.predictionSource,
    confidence,
    reference: metricsJson(ref, refLeftOut),
    current: metricsJson(cur, curLeftOut),
    // snake_case keys, as every other key of the JSON and the performance.degradation.<metric> gates.
    degradation: Object.fromEntries(Object.entries(degradation).map(([k, d]) => [DEGRADATION_METRIC_NAMES[k as keyof typeof DEGRADATION_METRIC_NAMES], differenceJson(d, compared)])),
    ...(calibration
      ? {
          calibration_drift: {
            method: calibration.method,
            // Fewer than 30 labeled scores on a side: its test is noise (no verdict), as a feature's.
            status: rowsStatus(Math.min(ref.probabilistic?.n ?? 0, cur.probabilistic?.n ?? 0)),
            statistic: num(calibration.score),
            p_value: num(calibration.pValue),
            dof: calibration.params['dof'],
            ece_reference: num(calibration.eceReference),
            ece_current: num(calibration.eceCurrent),
            ece_difference: num(calibration.eceDifference),
            bins: calibration.bins.map((b) => ({
              reference_count: b.referenceCount,
              current_count: b.currentCount,
              reference_rate: num(b.referenceRate),
              current_rate: num(b.currentRate),
              difference: num(b.difference),
            })),
          },
        }
      : {}),
    // The predicted classes as the targets name them (1.0 and 1 one class when classes are numbers), rows the stream refuses left out.
    ...(predictionDrift ? { prediction_drift: predictionDrift } : {}),
    // The label classes as the targets name them, rows the stream refuses left out (labelClasses).
    ...(labelDrift ? { label_drift: labelDrift } : {}),
    ...(scoreDrift ? { score_drift: scoreDrift } : {}),
  }
}
