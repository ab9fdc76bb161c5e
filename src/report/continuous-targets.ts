/**
 * Label and prediction columns that hold a continuous quantity (a price, a temperature, a
 * count: a regression model's target), not classes. Read as classes, each value is a class of
 * its own: accuracy near 0 on both files and a chi-square over hundreds of one-off
 * "categories" whose expected counts are below 1.
 *
 * How the task is read, over the reference and the current file together. A column whose
 * non-missing values are not all numbers (a number, or text written as a decimal:
 * src/metrics/profile/values.ts DECIMAL_TEXT) holds classes (a class name, a boolean, "inf").
 * A column of numbers is continuous when
 *   1. one of them is not an integer (1.5; 1.0 is an integer): scikit-learn's type_of_target
 *      rule for 'continuous' (any y != y.astype(int));
 *   2. it holds more than MAX_INTEGER_CLASSES (50) distinct integers and
 *      a. the other column of the two holds a non-integer (counts beside a regression model's
 *         predictions), or
 *      b. the label and prediction columns are both integers and most predictions (rows) are
 *         none of the labels' values: a model of counts that rounds its predictions, where the
 *         labels are spread too thin for the rounded values to meet them; or
 *      c. the other column is absent or not numbers: nothing tells classes from counts, and
 *         more than 50 distinct integers are more often counts or amounts; or
 *      d. the label and prediction columns are both integers and the predictions that differ
 *         from their label are near it: at most 1 in 20 (NEAR_MISSES) is off by more than a
 *         quarter of the labels' range (max − min). A regression model that rounds its
 *         predictions (ages 18–80 predicted as round(age + N(0, 4))) is wrong by a little; a
 *         classifier's wrong classes fall anywhere among the codes, its confusions of near codes
 *         beside arbitrary ones (60 classes coded 0–59: 301 of 985 misses beyond a quarter of the
 *         range; the ages: 0 of 2,149). The median miss does not tell them apart (2 codes, 3.4 %
 *         of the range, for the 60 classes; 3 years, 4.8 %, for the ages): a classifier's near
 *         confusions set it; the share far off does (scripts/reference/report_integer_classes.py).
 * Otherwise the column holds classes, however many. type_of_target calls every integer column
 * 'multiclass' whatever its number of values; a classifier of 60 classes coded 0–59 predicts
 * only classes it learned, nearly all of which appear among thousands of labels, so its
 * predictions are among the labels' values (scripts/reference/report_integer_classes.py),
 * while a regression model predicts non-integers (rule 1). A count model that rounds its
 * predictions onto labels dense enough to meet them reads as classes; its note says so.
 * Departures from type_of_target: 2a, 2b, 2c and 2d (it reads them all as 'multiclass'). A
 * classifier whose every confusion is of near codes reads as continuous by 2d: its note says so,
 * and the model file's task: multiclass reads it as classes.
 *
 * The rule is not applied when the model file sets `task`: binary or multiclass reads the columns
 * as classes, regression reads both as continuous whatever their values (regressionTargets; a
 * value that is not a number is then left out of the regression metrics, counted).
 *
 * When a column is continuous the report computes no classification metric, calibration or
 * fairness rate; when the label and the prediction both are, it computes the regression metrics
 * (MAE, RMSE, MAPE, R², ./regression-metrics.ts). A note names the columns with the rule each
 * met and says which metrics there are, and a continuous prediction column is compared as numbers
 * (./continuous-section.ts). When integer columns with more than 50 distinct values are read as
 * classes, a note says so and why (integerClassesNote). Pure.
 */
import { DECIMAL_TEXT, type FeatureValue, isMissing, type TargetColumns, type TargetNames } from '../metrics/profile/index.js'
import { grouped } from './left-out.js'

export const MAX_INTEGER_CLASSES = 50

/** Rule 2d: continuous when at most 1 in NEAR_MISSES of the predictions that differ from their label is far from it. */
const NEAR_MISSES = 20

/**
 * The continuous columns' names, with why each is continuous (one phrase per column, in
 * order). The reasons travel with the list because the sections pass the list on as they got
 * it (./build-report.ts, ./current-only.ts, ./continuous-section.ts continuousNote).
 */
export type ContinuousColumns = string[] & { readonly reasons?: readonly string[]; readonly configured?: boolean }

/** Why each column is continuous when the model file sets the task. */
const CONFIGURED = 'the model file sets task: regression'

/** What one column holds over the files. */
interface ColumnValues {
  /** 'text': a non-missing value is not a number; 'none': no value at all. */
  readonly kind: 'numbers' | 'text' | 'none'
  /** The first value that is not an integer, if any. */
  readonly nonInteger?: number
  /** Rows by value, while every value is an integer (empty once a non-integer is seen). */
  readonly integers: ReadonlyMap<number, number>
  /** Rows with a value. */
  readonly rows: number
}

/** A value as a number when it is one (a finite number, or decimal text), else undefined. */
function numberOf(v: FeatureValue): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  return typeof v === 'string' && DECIMAL_TEXT.test(v) ? Number(v) : undefined
}

function columnValues(parts: readonly (readonly FeatureValue[] | undefined)[]): ColumnValues {
  // Each distinct cell is parsed once while the column is all integers (a column of classes
  // repeats few cells); after a non-integer only the text check is left to do.
  const parsed = new Map<FeatureValue, number | undefined>()
  const integers = new Map<number, number>()
  let nonInteger: number | undefined
  let rows = 0
  for (const part of parts) {
    for (const v of part ?? []) {
      if (isMissing(v)) continue
      rows++
      if (nonInteger !== undefined) {
        if (numberOf(v) === undefined) return { kind: 'text', integers: new Map(), rows }
        continue
      }
      let x = parsed.get(v)
      if (x === undefined && !parsed.has(v)) parsed.set(v, (x = numberOf(v)))
      if (x === undefined) return { kind: 'text', integers: new Map(), rows }
      if (Number.isInteger(x)) integers.set(x, (integers.get(x) ?? 0) + 1)
      else {
        nonInteger = x
        integers.clear()
        parsed.clear()
      }
    }
  }
  if (rows === 0) return { kind: 'none', integers, rows }
  return { kind: 'numbers', ...(nonInteger !== undefined ? { nonInteger } : {}), integers, rows }
}

const allIntegers = (c: ColumnValues | undefined): c is ColumnValues => c?.kind === 'numbers' && c.nonInteger === undefined
const manyIntegers = (c: ColumnValues | undefined): boolean => allIntegers(c) && c.integers.size > MAX_INTEGER_CLASSES

/** The prediction rows whose value is one of the labels' values (both columns integers). */
function predictionsAmongLabels(label: ColumnValues, prediction: ColumnValues): number {
  let among = 0
  for (const [x, n] of prediction.integers) if (label.integers.has(x)) among += n
  return among
}

/** Rule 2d's figures: the predictions that differ from their label, and how many are off by more than a quarter of the labels' range. */
interface Misses {
  readonly rows: number
  readonly farther: number
  /** The labels' smallest and largest value. */
  readonly low: number
  readonly high: number
}

/** The smallest and largest value (a loop: a spread into Math.min overflows the stack on many values). */
function extent(values: Iterable<number>): { low: number; high: number } {
  let low = Infinity
  let high = -Infinity
  for (const x of values) {
    if (x < low) low = x
    if (x > high) high = x
  }
  return { low, high }
}

/**
 * Rule 2d's figures over the files' rows (`sides`, label and prediction in row order), the rows
 * with both values; `labels`: the label column over the files (all integers).
 */
function missesOf(sides: readonly TargetColumns[], labels: ColumnValues): Misses {
  const { low, high } = extent(labels.integers.keys())
  const far = (high - low) / 4
  const parsed = new Map<FeatureValue, number | undefined>()
  const num = (v: FeatureValue) => {
    if (typeof v === 'number') return v
    if (!parsed.has(v)) parsed.set(v, numberOf(v))
    return parsed.get(v)
  }
  let rows = 0
  let farther = 0
  for (const { label, prediction } of sides) {
    if (label === undefined || prediction === undefined) continue
    for (let i = 0; i < Math.min(label.length, prediction.length); i++) {
      const l = label[i] as FeatureValue
      const p = prediction[i] as FeatureValue
      if (isMissing(l) || isMissing(p)) continue
      const y = num(l)
      const x = num(p)
      if (y === undefined || x === undefined || x === y) continue
      rows++
      if (Math.abs(x - y) > far) farther++
    }
  }
  return { rows, farther, low, high }
}

interface Reading {
  /** Per column role, why it is continuous; absent: classes. */
  readonly label?: string
  readonly prediction?: string
  /** Set when integer columns with more than 50 distinct values are read as classes. */
  readonly integerClasses?: { readonly distinct: number; readonly among: number; readonly rows: number; readonly misses?: Misses }
}

const missesText = (m: Misses) =>
  `${grouped(m.farther)} of the ${grouped(m.rows)} predictions that differ from their label are off by more than a quarter of the labels' range (${m.low}–${m.high})`

/**
 * The rule above, over the label and prediction columns' values (`names` for the reasons);
 * `misses`: rule 2d's figures, over the rows (none for a column alone).
 */
function readColumns(
  label: ColumnValues | undefined,
  prediction: ColumnValues | undefined,
  names: { label: string; prediction: string },
  misses?: (labels: ColumnValues) => Misses,
): Reading {
  const both = allIntegers(label) && allIntegers(prediction) ? { label, prediction } : undefined
  const among = both ? predictionsAmongLabels(both.label, both.prediction) : 0
  // Rule 2b: most prediction rows are none of the labels' values.
  const offLabels = both !== undefined && among * 2 < both.prediction.rows
  // Rule 2d: the predictions that differ from their label are near it (none differing: no sign of a regression).
  const m = both && !offLabels && misses && (manyIntegers(label) || manyIntegers(prediction)) ? misses(both.label) : undefined
  const near = m !== undefined && m.rows > 0 && m.farther * NEAR_MISSES <= m.rows
  const why = (c: ColumnValues | undefined, name: string, other: ColumnValues | undefined, otherName: string, otherRole: string): string | undefined => {
    if (c?.kind !== 'numbers') return undefined
    if (c.nonInteger !== undefined) return `"${name}" holds numbers that are not integers, such as ${c.nonInteger}`
    const k = c.integers.size
    if (k <= MAX_INTEGER_CLASSES) return undefined
    if (other?.kind === 'numbers' && other.nonInteger !== undefined) return `"${name}" holds ${grouped(k)} distinct integers beside the non-integers of "${otherName}"`
    if (both && offLabels) return `"${name}" holds ${grouped(k)} distinct integers and ${grouped(both.prediction.rows - among)} of ${grouped(both.prediction.rows)} predictions are none of the labels' values`
    if (both && near && m) return `"${name}" holds ${grouped(k)} distinct integers and ${missesText(m)}, at most 1 in ${NEAR_MISSES}: a regression's small errors, where a classifier's wrong classes fall anywhere among the codes`
    if (both) return undefined
    return `"${name}" holds ${grouped(k)} distinct integers (more than ${MAX_INTEGER_CLASSES}) and there is no integer ${otherRole} column to tell classes from counts`
  }
  const labelWhy = why(label, names.label, prediction, names.prediction, 'prediction')
  const predictionWhy = why(prediction, names.prediction, label, names.label, 'label')
  const classes = both && !offLabels && !near && (manyIntegers(label) || manyIntegers(prediction))
  return {
    ...(labelWhy !== undefined ? { label: labelWhy } : {}),
    ...(predictionWhy !== undefined ? { prediction: predictionWhy } : {}),
    ...(classes
      ? { integerClasses: { distinct: new Set([...both.label.integers.keys(), ...both.prediction.integers.keys()]).size, among, rows: both.prediction.rows, ...(m ? { misses: m } : {}) } }
      : {}),
  }
}

/**
 * Whether one column (of several files, read as one) holds a continuous quantity, with no
 * other column to compare it with (rules 1 and 2c).
 */
export function isContinuous(columns: readonly (readonly FeatureValue[] | undefined)[]): boolean {
  return readColumns(columnValues(columns), undefined, { label: '', prediction: '' }).label !== undefined
}

/** The files' label and prediction columns read by the rule above; a role without a column in any file is left out. */
function readSides(names: TargetNames, sides: readonly TargetColumns[]): Reading {
  const column = (role: 'label' | 'prediction') => (names[role] !== undefined && sides.some((s) => s[role]) ? columnValues(sides.map((s) => s[role])) : undefined)
  return readColumns(column('label'), column('prediction'), { label: names.label ?? 'label', prediction: names.prediction ?? 'prediction' }, (labels) => missesOf(sides, labels))
}

/**
 * The names of the label and prediction columns that are continuous over the files' target
 * columns (`sides`: the reference and the current file, or the current file alone), label
 * first, with the reasons (ContinuousColumns).
 */
export function continuousTargets(names: TargetNames, sides: readonly TargetColumns[]): ContinuousColumns {
  const reading = readSides(names, sides)
  const out: string[] = []
  const reasons: string[] = []
  for (const role of ['label', 'prediction'] as const) {
    const name = names[role]
    const why = reading[role]
    if (name === undefined || why === undefined) continue
    out.push(name)
    reasons.push(why)
  }
  return Object.assign(out, { reasons })
}

/**
 * The label and prediction columns read as continuous whatever their values, as the model file's
 * `task: regression` reads them: those with a column in some file, label first (ContinuousColumns,
 * `configured`).
 */
export function regressionTargets(names: TargetNames, sides: readonly TargetColumns[]): ContinuousColumns {
  const out = (['label', 'prediction'] as const).flatMap((role) => {
    const name = names[role]
    return name !== undefined && sides.some((s) => s[role] !== undefined) ? [name] : []
  })
  return Object.assign(out, { reasons: out.map(() => CONFIGURED), configured: true })
}

/**
 * The note on integer label and prediction columns with more than MAX_INTEGER_CLASSES distinct
 * values read as classes (rules 2b and 2d not met), or none. Only for a task the model file leaves unset.
 */
export function integerClassesNote(names: TargetNames, sides: readonly TargetColumns[]): string[] {
  const c = readSides(names, sides).integerClasses
  if (c === undefined) return []
  return [
    `"${names.label}" and "${names.prediction}" hold ${grouped(c.distinct)} distinct integers and ${grouped(c.among)} of ${grouped(c.rows)} predictions are among the labels' values` +
      `${c.misses !== undefined && c.misses.rows > 0 ? `, and ${missesText(c.misses)}, more than 1 in ${NEAR_MISSES}` : ''}: ` +
      'read as classes, a multiclass task, as scikit-learn\'s type_of_target reads integers (a model of counts would predict non-integers, read as continuous: ' +
      'one that rounds its predictions reads as classes, write them unrounded; the model file\'s task: sets binary or multiclass)',
  ]
}

/**
 * The note on the continuous columns; `predictionDrift`: the name of a continuous prediction
 * column whose drift is compared as numbers. Names the rule each column met when `columns`
 * carries its reasons (continuousTargets). Two columns are the label and the prediction, both
 * continuous: the regression metrics are computed.
 */
export function continuousNote(columns: readonly string[] | ContinuousColumns, predictionDrift?: string): string {
  const regression = columns.length === 2
  const named = columns.map((c) => `"${c}"`).join(' and ')
  const verb = columns.length === 1 ? 'holds' : 'hold'
  const { reasons, configured } = columns as ContinuousColumns
  const why = reasons !== undefined && reasons.length > 0 ? [...new Set(reasons)].join('; ') : `numbers, one not an integer or more than ${MAX_INTEGER_CLASSES} distinct integers that are not classes`
  const metrics = regression
    ? 'MAE, RMSE, MAPE and R² are computed, and no accuracy, precision, recall, F1, ROC AUC, calibration or fairness rates'
    : `no accuracy, precision, recall, F1, ROC AUC, calibration or fairness rates are computed, and no regression metrics: MAE, RMSE, MAPE and R² need ${configured ? 'a label and a prediction column' : 'the label and the prediction both continuous'}`
  const hint = configured ? '' : ` (set task: multiclass or task: binary in the model file to read them as classes${regression ? '' : ', task: regression to read both as numbers'})`
  return (
    `${named} ${verb} continuous values, not classes (${why}): the task is read as continuous; ${metrics}` +
    `${predictionDrift !== undefined ? `; the prediction drift compares "${predictionDrift}" as numbers` : ''}${hint}`
  )
}
