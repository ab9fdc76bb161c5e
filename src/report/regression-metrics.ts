/**
 * The regression metrics of the report's performance section when the label and the prediction
 * are both continuous (./continuous-targets.ts): per file, over the rows with a label and a
 * prediction that are finite numbers,
 *
 *   MAE  = (1/n) Σ |y − ŷ|          RMSE = sqrt( (1/n) Σ (y − ŷ)² )
 *   MAPE = (1/n) Σ |y − ŷ| / max(|y|, ε), ε = float64 eps (a fraction, not a percentage)
 *   R²   = 1 − Σ (y − ŷ)² / Σ (y − ȳ)²  (1 when every prediction is its label; 0 for a constant
 *          label otherwise; undefined, null, below 2 rows)
 *
 * computed by the stream's regressionAccumulator (src/metrics/performance/regression.ts, whose
 * conventions are scikit-learn 1.9.1's mean_absolute_error, root_mean_squared_error,
 * mean_absolute_percentage_error and r2_score with force_finite=True), so a file's figures are
 * those the stream stores for the same events (src/evaluate/task-rows.ts regressionRows).
 * scripts/reference/report_regression.py records scikit-learn's on the same files.
 *
 * A row is left out, counted by the first reason that holds, in this order: `no_label` (missing),
 * `label_not_a_number` (text), `label_not_finite` (±Infinity, or a number beyond the float64
 * range), a score the stream refuses (score_not_a_number, score_not_finite, score_out_of_range:
 * its event is dead-lettered, ./left-out.ts; counted only beside a score column), `no_prediction`,
 * `prediction_not_a_number`, `prediction_not_finite`. `rows` is the pairs read (n); `rows` +
 * the left-out counts = the file's rows. `status` is insufficient below 30 rows, as the
 * classification metrics' (./performance-section.ts rowsStatus): a gate on them cannot be checked.
 *
 * The degradation is current − reference of each metric, with no interval: the differences of
 * two files' MAE, RMSE, MAPE or R² have no closed-form interval the report could share with the
 * stream, and a bootstrap would make the figures depend on a seed. Pure.
 */
import { DECIMAL_TEXT, type FeatureValue, isMissing, noScoreRefusals, refusedScore } from '../metrics/profile/index.js'
import { regressionAccumulator } from '../metrics/performance/index.js'
import { grouped, type LeftOut, total } from './left-out.js'
import { rowsStatus } from './performance-section.js'
import { num, type Num, type Section } from './types.js'

export const REGRESSION_METRICS = ['mae', 'rmse', 'mape', 'r2'] as const
export type RegressionMetric = (typeof REGRESSION_METRICS)[number]

/** Whether a performance figure is one of the regression metrics. */
export const isRegressionMetric = (metric: string): boolean => (REGRESSION_METRICS as readonly string[]).includes(metric)

/** A value of the label or prediction column as a finite number, or why it is none. */
function read(v: FeatureValue): number | 'missing' | 'not_a_number' | 'not_finite' {
  if (isMissing(v)) return 'missing'
  if (typeof v === 'number') return Number.isFinite(v) ? v : 'not_finite'
  if (typeof v !== 'string') return 'not_a_number'
  if (DECIMAL_TEXT.test(v)) {
    const x = Number(v)
    return Number.isFinite(x) ? x : 'not_finite'
  }
  return /^[+-]?(inf|infinity)$/i.test(v) ? 'not_finite' : 'not_a_number'
}

export interface RegressionSide {
  /** The side's metrics as the JSON carries them (rows, status, rows_left_out, mae, rmse, mape, r2). */
  readonly json: Section
  readonly values: Readonly<Record<RegressionMetric, number>>
  readonly leftOut: LeftOut
}

/**
 * One file's metrics over its label and prediction columns in row order; `rawScores`: the score
 * column as read, when the file has one (rows whose score the stream refuses are left out).
 */
export function regressionSide(labels: readonly FeatureValue[], predictions: readonly FeatureValue[], rawScores?: readonly FeatureValue[]): RegressionSide {
  const leftOut: Record<string, number> = {
    no_label: 0, label_not_a_number: 0, label_not_finite: 0, ...(rawScores ? noScoreRefusals() : {}), no_prediction: 0, prediction_not_a_number: 0, prediction_not_finite: 0,
  }
  const count = (reason: string) => void (leftOut[reason] = (leftOut[reason] as number) + 1)
  const acc = regressionAccumulator()
  const state = acc.create()
  const rows = Math.max(labels.length, predictions.length)
  for (let i = 0; i < rows; i++) {
    const y = read(labels[i] ?? null)
    if (typeof y !== 'number') {
      count(y === 'missing' ? 'no_label' : `label_${y}`)
      continue
    }
    const refused = rawScores ? refusedScore(rawScores[i] ?? null) : undefined
    if (refused !== undefined) {
      count(refused)
      continue
    }
    const p = read(predictions[i] ?? null)
    if (typeof p !== 'number') {
      count(p === 'missing' ? 'no_prediction' : `prediction_${p}`)
      continue
    }
    acc.update(state, { yTrue: y, yPred: p })
  }
  const r = acc.result(state)
  const values = { mae: r.mae.score, rmse: r.rmse.score, mape: r.mape.score, r2: r.r2.score }
  return {
    json: { rows: state.n, status: rowsStatus(state.n), rows_left_out: leftOut, mae: num(values.mae), rmse: num(values.rmse), mape: num(values.mape), r2: num(values.r2) },
    values,
    leftOut,
  }
}

/** current − reference of each metric (null when either is undefined); no interval (see above). */
export function regressionDegradation(reference: RegressionSide, current: RegressionSide): Section {
  const d = (m: RegressionMetric): Readonly<Record<string, Num | string>> => {
    const [ref, cur] = [num(reference.values[m]), num(current.values[m])]
    return { method: 'difference', reference: ref, current: cur, difference: ref === null || cur === null ? null : num(cur - ref) }
  }
  return Object.fromEntries(REGRESSION_METRICS.map((m) => [m, d(m)]))
}

const PHRASES: Readonly<Record<string, (n: number) => string>> = {
  no_label: () => 'without a label',
  label_not_a_number: (n) => (n === 1 ? 'label not a number' : 'labels not numbers'),
  label_not_finite: (n) => (n === 1 ? 'infinite label' : 'infinite labels'),
  score_not_a_number: (n) => (n === 1 ? 'score not a number' : 'scores not numbers'),
  score_not_finite: (n) => (n === 1 ? 'infinite score' : 'infinite scores'),
  score_out_of_range: (n) => (n === 1 ? 'score outside [0, 1]' : 'scores outside [0, 1]'),
  no_prediction: () => 'without a prediction',
  prediction_not_a_number: (n) => (n === 1 ? 'prediction not a number' : 'predictions not numbers'),
  prediction_not_finite: (n) => (n === 1 ? 'infinite prediction' : 'infinite predictions'),
}

/** "<side> MAE, RMSE, MAPE and R² over <n> of <rows> rows: <k> <reason>, … left out", or none when every row was read. */
export function regressionNotes(side: 'reference' | 'current', rowCount: number, leftOut: LeftOut): string[] {
  const out = total(leftOut)
  if (out === 0) return []
  const reasons = Object.entries(leftOut)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${grouped(n)} ${PHRASES[reason]?.(n) ?? reason}`)
    .join(', ')
  return [`${side} MAE, RMSE, MAPE and R² over ${grouped(rowCount - out)} of ${grouped(rowCount)} rows: ${reasons} left out`]
}
