/**
 * The kind of a reference column whose kind is not configured, read from its cells (parseCell
 * as numbers). A column is numerical when at least NUMERIC_CELL_SHARE (95%) of its non-missing
 * reference cells are numbers and those numbers have more than 5 distinct values
 * (src/metrics/profile/infer-kind.ts); its other cells are then type violations, as a text
 * value in a numerical feature is for the stream (left out of the statistics and counted in
 * `type_violation`). One stray `unknown` among 500 incomes thus leaves the column numerical,
 * where requiring every cell to be a number made it categorical (every float its own
 * category). A column with more text than that is categorical, and it is id-like (left out of
 * the inferred features) only when most of its non-missing cells are text and nearly every one
 * is distinct (./id-like.ts).
 *
 * One exception to the few-values rule: a column whose numbers (the same share rule) hold one
 * distinct finite value, a constant reference, is numerical. The few-values rule reads a 0/1
 * flag or a 1–5 rating as categories of their values, but one value is no sign of categories,
 * and read as a category it was compared as one: any current value but the constant was a new
 * category, 5 → 4.8–5.2 read as 401 categories, and the many-categories note
 * (./high-cardinality.ts) called a distance over them noise when the values had moved. Numerical, it
 * is compared by its values: with more than 5 distinct values over both files by KS and
 * Wasserstein (normed by the two samples' mixture when the reference's std is 0,
 * src/metrics/drift/wasserstein.ts), with at most 5 as categories of its values (treated_as:
 * categorical, ./feature-drift.ts), and data quality reads its range. The stream and
 * `driftwatch baseline` read such a column as numbers too (src/evaluate/baseline-profile.ts). Pure.
 */
import { type ColumnKind, type FeatureValue, inferKind, isMissing } from '../metrics/profile/index.js'
import { CATEGORICAL_MAX_UNIQUE } from '../metrics/drift/index.js'
import { type CountedColumn, forEachCounted } from './counted-column.js'

/** The share of a column's non-missing reference cells that must be numbers for it to be read as numbers. */
export const NUMERIC_CELL_SHARE = 0.95

/** Non-missing cells that are numbers (infinities too) and that are text. */
export interface CellTally {
  readonly numbers: number
  readonly text: number
}

export function tallyCounted(c: CountedColumn): CellTally {
  let numbers = 0
  let text = 0
  forEachCounted(c, (v, n) => {
    if (typeof v === 'number') numbers += n
    else if (typeof v === 'string') text += n
  })
  return { numbers, text }
}

export function tallyValues(values: readonly FeatureValue[]): CellTally {
  let numbers = 0
  let text = 0
  for (const v of values) {
    if (typeof v === 'number') numbers++
    else if (typeof v === 'string') text++
  }
  return { numbers, text }
}

/** Whether the column's text cells are few enough to be type violations of a column of numbers. */
export function textIsViolation({ numbers, text }: CellTally): boolean {
  return text > 0 && numbers > 0 && numbers >= NUMERIC_CELL_SHARE * (numbers + text)
}

/** Whether most non-missing cells are text (the first condition of an id-like column). */
export function mostlyText({ numbers, text }: CellTally): boolean {
  return text > numbers
}

/**
 * Whether the column's non-missing values are all numbers (±Infinity among them) with exactly
 * one distinct finite value (-0 and +0 are one, as inferKind counts them).
 */
function oneNumber(values: Iterable<FeatureValue>): boolean {
  let value: number | undefined
  for (const v of values) {
    if (isMissing(v)) continue
    if (typeof v !== 'number') return false
    if (!Number.isFinite(v)) continue
    if (value === undefined) value = v
    else if (v !== value) return false
  }
  return value !== undefined
}

/** inferKind, but numerical for a column of one number (the exception above). */
function kindOf(values: readonly FeatureValue[]): ColumnKind {
  const kind = inferKind(values)
  return kind === 'categorical' && oneNumber(values) ? 'numerical' : kind
}

/** The inferred kind of a counted reference column (the rule above). */
export function countedCellKind(c: CountedColumn): ColumnKind {
  const numbersOnly = textIsViolation(tallyCounted(c))
  const rest = numbersOnly ? c.rest.values.filter((v) => typeof v !== 'string') : c.rest.values
  // Seven values that differ by Object.is hold six that differ by SameValueZero (only -0, +0 meet).
  return kindOf([...rest, ...c.finite.values.subarray(0, CATEGORICAL_MAX_UNIQUE + 2)])
}

/** The inferred kind of a reference column in row order, its cells parsed as numbers (the rule above). */
export function valuesCellKind(values: readonly FeatureValue[]): ColumnKind {
  return kindOf(textIsViolation(tallyValues(values)) ? values.filter((v) => typeof v !== 'string') : values)
}
