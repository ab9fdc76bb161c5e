/**
 * Why a --fail-on gate's figure has no value (./gates.ts), for its line: `gate
 * performance.accuracy < 0.8: no value -> FAILED (<why>)`. A gate that cannot be checked fails;
 * its line says what the report lacks and, where the user can change it, how. Read from the
 * report's JSON alone, in this order:
 * - a regression metric (mae, rmse, mape, r2) of a report whose label and prediction were read
 *   as classes, or of which only one was read as continuous: the model file's task: regression
 *   reads both as numbers;
 * - the target was read as continuous (./continuous-targets.ts): no classification metric or
 *   fairness rate, and the model file's task reads the columns as classes;
 * - a side's score column is no probability (./left-out.ts), or a side has fewer than
 *   MIN_ROWS_FOR_VERDICT labeled rows (status insufficient);
 * - the figure is not in the report: no label column, no prediction or score column, a metric
 *   the task does not have (a multiclass task has one score per row, not per class; without a
 *   score column the line says that first; a binary task has no weighted averages), no protected
 *   attribute;
 * - a drift of a target column (performance.<drift>.<key>): not in the report (a file lacks the
 *   column), without a verdict (its status), or a key its method has not (a distance has no p-value);
 * - the figure is in the report, null: what its definition divides by is 0 (zero_division
 *   'nan', as scikit-learn's; a parity metric over fewer than two groups).
 * Pure.
 */
import { MIN_ROWS_FOR_VERDICT } from '../metrics/drift/index.js'
import { SCORE_NOT_A_PROBABILITY } from './left-out.js'
import { isRegressionMetric } from './regression-metrics.js'
import type { ReportJson, Section } from './types.js'

export type Side = 'reference' | 'current'

function read(section: unknown, key: string): unknown {
  return section !== null && typeof section === 'object' && Object.hasOwn(section, key) ? (section as Record<string, unknown>)[key] : undefined
}

const isEmpty = (x: unknown) => x === undefined || (x !== null && typeof x === 'object' && Object.keys(x).length === 0)

/** The score's metrics (read from the labeled rows with a score); the others read the labeled rows with a prediction. */
const SCORED_METRICS: readonly string[] = ['roc_auc', 'average_precision', 'log_loss', 'brier_score', 'ece']

/** Whether a performance metric reads the labeled rows with a score (scored_rows, scored_status) rather than those with a prediction. */
export const isScoredMetric = (metric: string): boolean => SCORED_METRICS.includes(metric)

/** The sides (of `sides`) whose `metric` has status `status`. */
export function sidesWithStatus(performance: Section, metric: string, status: string, sides: readonly Side[] = ['reference', 'current']): Side[] {
  return sides.filter((side) => read(read(performance, side), isScoredMetric(metric) ? 'scored_status' : 'status') === status)
}

/**
 * The sides (of `sides`) whose `metric` has status `insufficient` (fewer than
 * MIN_ROWS_FOR_VERDICT rows, src/report/performance-section.ts rowsStatus): a gate on it cannot be
 * checked, and the text and HTML tables mark it. A report without statuses (older JSON) has none.
 */
export function insufficientSides(performance: Section, metric: string, sides: readonly Side[] = ['reference', 'current']): Side[] {
  return sidesWithStatus(performance, metric, 'insufficient', sides)
}

/** Why a figure of a side whose score column is not a probability has no value (./left-out.ts). */
const NOT_A_PROBABILITY = (side: Side) => `the ${side} file's score column is not a probability (see the notes)`

/** Why no classification figure: the label or prediction column was read as continuous. */
function continuousReason(performance: Section): string | undefined {
  if (performance['task'] !== 'continuous') return undefined
  const columns = (read(performance, 'continuous_columns') ?? []) as string[]
  const named = columns.length > 0 ? `${columns.map((c) => `"${c}"`).join(' and ')} ${columns.length === 1 ? 'holds' : 'hold'} numbers, not classes, by the rule the notes name` : 'the notes say why'
  return `the target was read as continuous: ${named}; set task: multiclass or task: binary in the model file to read them as classes`
}

/**
 * Why a regression metric has no value because the label and prediction were not both read as
 * continuous; undefined when they were (the metric's value, or its absence, says more).
 */
function regressionReason(performance: Section, metric: string): string | undefined {
  if (!isRegressionMetric(metric)) return undefined
  const task = performance['task']
  const regression = 'set task: regression in the model file to read the label and prediction as numbers'
  if (task !== 'continuous') {
    const read = task === undefined ? 'the report has no task' : `the task is ${String(task)}: the label and prediction were read as classes`
    return `${metric} is a regression metric and ${read}; ${regression}`
  }
  const columns = (read(performance, 'continuous_columns') ?? []) as string[]
  if (columns.length >= 2) return undefined
  const only = columns.length === 1 ? `only "${columns[0]}" holds continuous values` : 'no column holds continuous values'
  return `${metric} is a regression metric and ${only}: it needs the label and the prediction both continuous (see the notes); ${regression}`
}

/**
 * Why a performance metric has no value for a gate because of a side's rows: the first of
 * `sides` whose score column is not a probability, else the first short of rows.
 */
export function fewRows(report: ReportJson, sides: readonly Side[], metric: string): string | undefined {
  const [noProbability] = sidesWithStatus(report.performance, metric, SCORE_NOT_A_PROBABILITY, sides)
  if (noProbability !== undefined) return NOT_A_PROBABILITY(noProbability)
  const [side] = insufficientSides(report.performance, metric, sides)
  if (side === undefined) return undefined
  const scored = isScoredMetric(metric)
  const n = read(read(report.performance, side), scored ? 'scored_rows' : 'rows')
  return `the ${side} file has ${String(n)} ${scored ? 'labeled rows with a score' : 'labeled rows with a prediction'}, fewer than ${MIN_ROWS_FOR_VERDICT}`
}

/**
 * Whether a side's file has a score column, as the report shows it: a score drift (both files
 * have one), or the side's rows left out, which count the reasons a score is refused (zeros
 * included) only beside a score column (./left-out.ts targetsLeftOut). Undefined when neither tells.
 */
function hasScoreColumn(performance: Section, side: Side): boolean | undefined {
  if (read(performance, 'score_drift') !== undefined) return true
  const leftOut = read(read(performance, side), 'rows_left_out')
  if (leftOut === null || typeof leftOut !== 'object') return undefined
  return Object.keys(leftOut).some((reason) => reason !== 'no_label' && reason !== 'no_prediction')
}

/** Why a multiclass task has no score metric: no score column first, when the files have none. */
function multiclassScoreReason(performance: Section, side: Side): string {
  const why = 'the task is multiclass: ROC AUC, average precision, log loss, Brier score and ECE need one score per class'
  const sides = (['reference', 'current'] as const).filter((s) => read(performance, s) !== undefined)
  const without = sides.filter((s) => hasScoreColumn(performance, s) === false)
  if (sides.length === 2 && without.length === 2) return `neither file has a score column, and ${why}`
  if (without.includes(side)) return `the ${side} file has no score column, and ${why}`
  return `${why}, and a file has one score per row at most`
}

/** Why a side's metrics section lacks `metric` (none of the side's metrics, or not this one). */
function absentReason(performance: Section, side: Side, metric: string): string {
  const section = read(performance, side)
  const task = performance['task']
  if ((isScoredMetric(metric) || metric === 'scored_rows') && task === 'multiclass') return multiclassScoreReason(performance, side)
  if (isEmpty(section)) {
    if (performance['prediction_source'] === 'none') {
      return task === 'multiclass'
        ? `the task is multiclass and the ${side} file has no prediction column: a class cannot be derived from one score per row`
        : `the ${side} file has neither a prediction nor a score column`
    }
    return `the ${side} file has no label column`
  }
  if (isScoredMetric(metric) || metric === 'scored_rows') return `the ${side} file has no score column`
  return `the ${side} file has no labeled rows with a prediction; see the notes`
}

const NAMES: Readonly<Record<string, string>> = { roc_auc: 'ROC AUC', average_precision: 'average precision', f1: 'F1', false_positive_rate: 'the false positive rate', selection_rate: 'the selection rate' }

/** Why a side's `metric` is null in the report: what its definition divides by is 0. */
function undefinedReason(performance: Section, side: Side, metric: string): string {
  const positive = performance['positive_class']
  const name = NAMES[metric] ?? metric
  if (performance['task'] === 'binary' && typeof positive === 'string') {
    const p = `the positive class "${positive}"`
    const why: Readonly<Record<string, string>> = {
      precision: `no ${side} row is predicted ${p}`,
      recall: `no ${side} label is ${p}`,
      average_precision: `no ${side} label is ${p}`,
      f1: `no ${side} label or prediction is ${p}`,
      roc_auc: `the ${side} labels are all of one class, and it needs both`,
      false_positive_rate: `no ${side} label is the negative class (any but "${positive}")`,
    }
    if (why[metric] !== undefined) return `${name} is undefined: ${why[metric]}`
  }
  return `${name} is undefined on the ${side} file's rows; see the notes`
}

/** Why a weighted average has no value because the task is binary (its precision, recall and F1 are the positive class's). */
function weightedReason(performance: Section, metric: string): string | undefined {
  return metric.endsWith('_weighted') && performance['task'] === 'binary'
    ? `${metric} is a multiclass average and the task is binary: precision, recall and f1 are those of the positive class`
    : undefined
}

/** Why `performance.<metric>` of `side` has no value. */
export function performanceReason(report: ReportJson, side: Side, metric: string): string {
  const p = report.performance
  if (isRegressionMetric(metric)) return regressionValueReason(report, side, metric)
  const why = continuousReason(p) ?? weightedReason(p, metric) ?? (metric === 'rows' || metric === 'scored_rows' ? undefined : fewRows(report, [side], metric))
  if (why !== undefined) return why
  const value = read(read(p, side), metric)
  return value === undefined ? absentReason(p, side, metric) : undefinedReason(p, side, metric)
}

/**
 * Why a regression metric of `side` has no value: not read as a regression, too few rows, no
 * label or prediction column in the file, or undefined on its rows (R² of one row; a sum beyond
 * the float64 range).
 */
function regressionValueReason(report: ReportJson, side: Side, metric: string): string {
  const p = report.performance
  const why = regressionReason(p, metric) ?? fewRows(report, [side], metric)
  if (why !== undefined) return why
  if (isEmpty(read(p, side))) return `the ${side} file has no label or no prediction column: no regression metrics (see the notes)`
  return metric === 'r2' ? `r2 is undefined on the ${side} file's rows: it needs 2 rows or more, and sums within the float64 range` : `${metric} is undefined on the ${side} file's rows: a sum beyond the float64 range`
}

/** The column each drift of a target column compares (performance.<drift>). */
const DRIFT_COLUMNS: Readonly<Record<string, string>> = { prediction_drift: 'prediction', label_drift: 'label', score_drift: 'score' }

/**
 * Why `performance.<drift>.<key>` (prediction_drift, label_drift, score_drift) has no value: not
 * in the report (a file lacks the column), no verdict (status not ok, as a feature's), a key the
 * method has not (a distance has no p-value), or undefined on the values.
 */
export function targetDriftReason(report: ReportJson, drift: string, key: string): string {
  const d = read(report.performance, drift)
  const what = drift.replace('_', ' ')
  if (d === undefined) return `the report has no ${what}: the reference or the current file has no ${DRIFT_COLUMNS[drift] ?? drift} column (see the notes)`
  const status = read(d, 'status')
  const method = String(read(d, 'method'))
  if (status === 'insufficient') return `${what} has status insufficient (fewer than ${MIN_ROWS_FOR_VERDICT} values on a side), no verdict`
  if (typeof status === 'string' && status !== 'ok') return `${what} has status ${status}, no verdict`
  if (read(d, key) === undefined) return `${what} has no ${key}: its method ${method} is a distance, not a test (gate on drift_score or drift_detected)`
  return `${what}'s ${key} is undefined on these values (method ${method})`
}

/** Why `performance.degradation.<metric>` has no value. */
export function degradationReason(report: ReportJson, metric: string): string {
  const p = report.performance
  if (isRegressionMetric(metric)) {
    const why = regressionReason(p, metric) ?? fewRows(report, ['reference', 'current'], metric)
    if (why !== undefined) return why
    const side = (['current', 'reference'] as const).find((s) => read(read(p, s), metric) === undefined || read(read(p, s), metric) === null)
    return side === undefined ? `the difference of ${metric} is beyond the float64 range` : regressionValueReason(report, side, metric)
  }
  const why = continuousReason(p) ?? fewRows(report, ['reference', 'current'], metric)
  if (why !== undefined) return why
  const d = read(read(p, 'degradation'), metric)
  const sides: Side[] = ['current', 'reference']
  if (d === undefined) {
    const empty = sides.find((side) => isEmpty(read(p, side)))
    if (empty !== undefined) return absentReason(p, empty, metric)
    if (p['task'] === 'multiclass') return 'the task is multiclass: of the degradations, only accuracy\'s is computed'
    if (metric === 'roc_auc') return absentReason(p, sides.find((side) => read(read(p, side), 'roc_auc') === undefined) ?? 'current', metric)
    return `the report has no degradation of ${metric}; see the notes`
  }
  const side = sides.find((s) => read(d, s) === null)
  if (side === undefined) return `the difference of ${metric} is undefined; see the notes`
  return read(read(p, side), metric) === undefined && !['false_positive_rate', 'selection_rate'].includes(metric)
    ? absentReason(p, side, metric)
    : undefinedReason(p, side, metric)
}

/** Why `fairness.<attribute>.<metric>` has no value; `attribute` undefined: the report has no attribute at all. */
export function fairnessReason(report: ReportJson, attribute: string | undefined, metric: string): string {
  const p = report.performance
  const section = attribute === undefined ? undefined : report.fairness[attribute]
  if (section === undefined) {
    const continuous = continuousReason(p)
    if (continuous !== undefined) return continuous
    if (p['task'] !== undefined && p['task'] !== 'binary') return `fairness is computed for binary tasks only, and the task is ${String(p['task'])}`
    if (isEmpty(read(p, 'current'))) return `fairness needs labels and predictions in the current file: ${absentReason(p, 'current', 'rows')}`
    return Object.keys(report.fairness).length === 0
      ? 'the report has no protected attribute: set protected: in the model file, or --protected'
      : `the report has no protected attribute "${attribute}"`
  }
  const groups = read(section, 'groups')
  const statuses = groups !== null && typeof groups === 'object' ? Object.values(groups).map((g) => read(g, 'status')) : []
  if (statuses.includes(SCORE_NOT_A_PROBABILITY)) return NOT_A_PROBABILITY('current')
  if (read(section, metric) === undefined) return `the report has no ${metric} of "${attribute}"`
  const min = read(section, 'min_group_size')
  const positive = typeof p['positive_class'] === 'string' ? `the positive class "${p['positive_class']}"` : 'the positive class'
  const compared = (key: string, what: string) => {
    const n = read(section, key)
    return typeof n === 'number' && n < 2 ? `${n} of the groups of "${attribute}" ${n === 1 ? 'has' : 'have'} ${String(min)} or more ${what} (min_group_size): a comparison needs 2` : undefined
  }
  // A ratio over two groups or more is undefined only as 0 over 0 (parity.ts).
  const ratio = () => compared('groups_compared', 'predictions') ?? (typeof read(section, 'groups_compared') === 'number' ? `no compared group of "${attribute}" is predicted ${positive}: 0 over 0` : undefined)
  const why: Readonly<Record<string, () => string | undefined>> = {
    demographic_parity_difference: () => compared('groups_compared', 'predictions'),
    demographic_parity_ratio: ratio,
    disparate_impact_ratio: ratio,
    disparate_impact_ratio_upper: ratio,
    equal_opportunity_difference: () => compared('equal_opportunity_groups_compared', `labeled rows and a label of ${positive}`),
    equalized_odds_difference: () => compared('equalized_odds_groups_compared', 'labeled rows and labels of both classes'),
  }
  return why[metric]?.() ?? `${metric} of "${attribute}" is undefined; see its groups' rates`
}
