/**
 * Label and prediction columns that hold a continuous quantity (a price, a temperature: a
 * regression model's target), not classes. Read as classes, each value is a class of its own:
 * accuracy 0 on both files and a chi-square over hundreds of one-off "categories" whose
 * expected counts are below 1.
 *
 * A label or prediction column is continuous when every non-missing value of it, in the
 * reference and the current file together, is a number (a number, or text written as a decimal:
 * src/metrics/profile/values.ts DECIMAL_TEXT) and
 *   - one of them is not an integer (1.5; 1.0 is an integer), scikit-learn's type_of_target
 *     rule for 'continuous' (any y != y.astype(int)), or
 *   - they hold more than MAX_INTEGER_CLASSES (50) distinct integers, which type_of_target
 *     would call 'multiclass' but which are, far more often, counts or amounts than classes.
 * A column with any other text (a class name, a boolean, "inf") is classes. The rule is not
 * applied when the model file sets `task`: a configured task reads the columns as classes.
 *
 * The report has no regression metrics: it computes no classification metric, calibration or
 * fairness rate from such a column, says so in a note, and compares a continuous prediction
 * column as numbers (./continuous-section.ts). Pure.
 */
import { DECIMAL_TEXT, type FeatureValue, isMissing, type TargetColumns, type TargetNames } from '../metrics/profile/index.js'

export const MAX_INTEGER_CLASSES = 50

/** A value as a number when it is one (a finite number, or decimal text), else undefined. */
function numberOf(v: FeatureValue): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  return typeof v === 'string' && DECIMAL_TEXT.test(v) ? Number(v) : undefined
}

/** Whether the columns (one column of several files, read as one) hold a continuous quantity. */
export function isContinuous(columns: readonly (readonly FeatureValue[] | undefined)[]): boolean {
  // The distinct values are kept only until the answer hangs on the rest being numbers: a
  // column of classes has few, a continuous one is known early (a non-integer, or the 51st integer).
  const seen = new Set<FeatureValue>()
  const integers = new Set<number>()
  for (const column of columns) {
    for (const v of column ?? []) {
      if (isMissing(v) || seen.has(v)) continue
      seen.add(v)
      const x = numberOf(v)
      if (x === undefined) return false
      if (!Number.isInteger(x)) return allNumbers(columns)
      integers.add(x)
      if (integers.size > MAX_INTEGER_CLASSES) return allNumbers(columns)
    }
  }
  return false
}

/** Whether every non-missing value of the columns is a number. */
function allNumbers(columns: readonly (readonly FeatureValue[] | undefined)[]): boolean {
  for (const column of columns) for (const v of column ?? []) if (!isMissing(v) && numberOf(v) === undefined) return false
  return true
}

/**
 * The names of the label and prediction columns that are continuous over the files' target
 * columns (`sides`: the reference and the current file, or the current file alone).
 */
export function continuousTargets(names: TargetNames, sides: readonly TargetColumns[]): string[] {
  const out: string[] = []
  if (names.label !== undefined && sides.some((s) => s.label) && isContinuous(sides.map((s) => s.label))) out.push(names.label)
  if (names.prediction !== undefined && sides.some((s) => s.prediction) && isContinuous(sides.map((s) => s.prediction))) out.push(names.prediction)
  return out
}

/** The note on the continuous columns; `predictionDrift`: the name of a continuous prediction column whose drift is compared as numbers. */
export function continuousNote(columns: readonly string[], predictionDrift?: string): string {
  const named = columns.map((c) => `"${c}"`).join(' and ')
  const verb = columns.length === 1 ? 'holds' : 'hold'
  return (
    `${named} ${verb} continuous values (numbers, one not an integer or more than ${MAX_INTEGER_CLASSES} distinct integers), not classes: ` +
    'no accuracy, precision, recall, F1, ROC AUC, calibration or fairness rates are computed, and the report has no regression metrics' +
    `${predictionDrift !== undefined ? `; the prediction drift compares "${predictionDrift}" as numbers` : ''} (set task: in the model file to read them as classes)`
  )
}
