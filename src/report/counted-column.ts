/**
 * A feature column as the engine hands it over: its distinct typed values, each with how often
 * it occurs (a GROUP BY), in one canonical order — numbers ascending (-0 before +0, as a
 * Float64Array sorts), then text in code-unit order, then missing (null). Every per-feature
 * statistic of the report reads a column as a multiset (drift, the reference profile, the
 * per-feature quality checks), so it reads the counts directly: the column is never built as an
 * array of a million values. Where a statistic needs the sorted sample itself (KS, Wasserstein,
 * quantiles), it is written into one Float64Array, already sorted. Pure.
 *
 * Each reader gives what it would give on the expanded column (expandCounted): the same values
 * in the same order, so the same sums in the same order, the same numbers to the bit.
 */
import { CATEGORICAL_MAX_UNIQUE, type SortedRuns } from '../metrics/drift/index.js'
import { type ColumnKind, type FeatureValue, inferKind } from '../metrics/profile/index.js'
import { type CellType, DECIMAL, MISSING_TOKENS, parseCell } from './csv-cells.js'

export interface CountedColumn {
  /**
   * The finite numbers, ascending and each once (-0 before +0, apart), with their counts (> 0),
   * as typed arrays: 8 + 4 or 8 bytes a distinct value, where an array of boxed values and one
   * of counts took ~32 (a column of a million distinct floats). A column read as numbers by
   * the engine shares the engine's arrays (NumberCells) when no two of its decimals are equal.
   */
  readonly finite: { readonly values: Float64Array; readonly counts: Float64Array | Uint32Array }
  /**
   * Every other distinct value with its count (> 0), in the canonical order: -Infinity (which
   * comes before the finite numbers), +Infinity, text in code-unit order, missing (null).
   */
  readonly rest: { readonly values: readonly FeatureValue[]; readonly counts: readonly number[] }
}

/** A column in row order, or as counted values. */
export type ColumnInput = readonly FeatureValue[] | CountedColumn

export const isCounted = (c: ColumnInput): c is CountedColumn => !Array.isArray(c)

/** Each distinct value of the column with its count, in the canonical order (expandCounted's). */
export function forEachCounted(c: CountedColumn, f: (value: FeatureValue, count: number) => void): void {
  const { values, counts } = c.rest
  let r = 0
  if (values[0] === Number.NEGATIVE_INFINITY) f(values[r], counts[r++] as number)
  const finite = c.finite
  for (let i = 0; i < finite.values.length; i++) f(finite.values[i] as number, finite.counts[i] as number)
  for (; r < values.length; r++) f(values[r], counts[r] as number)
}

/**
 * The distinct values and their counts as two arrays in the canonical order, made anew at each
 * call (for a reader that takes arrays, src/metrics/profile featureProfile): a reader holds them
 * only while it reads the one column. `missingAsNaN`: a missing value is NaN instead of null
 * (both are missing to every reading, ../metrics/profile isMissing), so that a column of numbers
 * and missing values is an array of unboxed doubles, 8 bytes a value, instead of one pointer and
 * one boxed number each.
 */
export function countedArrays(c: CountedColumn, missingAsNaN = false): { values: FeatureValue[]; counts: number[] } {
  const values: FeatureValue[] = []
  const counts: number[] = []
  forEachCounted(c, (v, n) => {
    values.push(missingAsNaN && v === null ? Number.NaN : v)
    counts.push(n)
  })
  return { values, counts }
}

/** inferKind of the column: it depends on whether a value is text and on up to 6 distinct finite numbers. */
export function countedKind(c: CountedColumn): ColumnKind {
  // Seven values that differ by Object.is hold six that differ by SameValueZero (only -0, +0 meet).
  return inferKind([...c.rest.values, ...c.finite.values.subarray(0, CATEGORICAL_MAX_UNIQUE + 2)])
}

/** A Float64Array sort's order: ascending, -0 before +0 (no NaN: parseCell gives none). */
function float64Order(x: number, y: number): number {
  if (x < y) return -1
  if (x > y) return 1
  const xNegativeZero = Object.is(x, -0)
  return xNegativeZero === Object.is(y, -0) ? 0 : xNegativeZero ? -1 : 1
}

/** Whether xs is in a Float64Array sort's order (non-decreasing, -0 before +0). */
function inFloat64Order(xs: ArrayLike<number>): boolean {
  for (let i = 1; i < xs.length; i++) if (float64Order(xs[i - 1] as number, xs[i] as number) > 0) return false
  return true
}

/** Whether xs (in a Float64Array sort's order) is finite with no two values equal (Object.is). */
function finiteAndDistinct(xs: Float64Array): boolean {
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i] as number
    if (!Number.isFinite(v) || (i > 0 && Object.is(xs[i - 1], v))) return false
  }
  return true
}

/**
 * The counted column of typed parts: numbers with their counts (any order; equal ones merged),
 * text values with their counts, the missing count, and infinities counted apart
 * ([-Infinity, +Infinity]: those among `numbers` are added).
 */
export function countedOf(
  numbers: ArrayLike<number>,
  numberCounts: ArrayLike<number>,
  textCounts: ReadonlyMap<string, number>,
  missing: number,
  infinities: readonly [number, number] = [0, 0],
): CountedColumn {
  // Merged by value after a sort (1 and 1.0 are one value; -0 apart from +0): a sort of
  // indices instead of a Map keyed by doubles, which cost ~2 µs a cell; none when they come
  // sorted (the engine's decimals), and then no index array either.
  const sorted = inFloat64Order(numbers)
  let [negative, positive] = infinities
  const rest = () => {
    const values: FeatureValue[] = []
    const counts: number[] = []
    for (const [v, n] of [[Number.NEGATIVE_INFINITY, negative], [Number.POSITIVE_INFINITY, positive]] as const) {
      if (n === 0) continue
      values.push(v)
      counts.push(n)
    }
    appendTextAndMissing(values, counts, textCounts, missing)
    return { values, counts }
  }
  // Sorted distinct finite doubles (the engine's decimals of a column of distinct values): the
  // finite runs are the input itself.
  if (sorted && numbers instanceof Float64Array && finiteAndDistinct(numbers)) {
    const counts = numberCounts instanceof Uint32Array || numberCounts instanceof Float64Array ? numberCounts : Float64Array.from(numberCounts)
    return { finite: { values: numbers, counts }, rest: rest() }
  }
  let order: Uint32Array | undefined
  if (!sorted) {
    order = new Uint32Array(numbers.length)
    for (let i = 0; i < order.length; i++) order[i] = i
    order.sort((a, b) => float64Order(numbers[a] as number, numbers[b] as number))
  }
  const finiteValues = new Float64Array(numbers.length)
  const finiteCounts = new Float64Array(numbers.length)
  let finite = 0
  for (let k = 0; k < numbers.length; k++) {
    const i = order === undefined ? k : (order[k] as number)
    const v = numbers[i] as number
    const n = numberCounts[i] as number
    if (v === Number.NEGATIVE_INFINITY) negative += n
    else if (v === Number.POSITIVE_INFINITY) positive += n
    else if (finite > 0 && Object.is(finiteValues[finite - 1], v)) finiteCounts[finite - 1] = (finiteCounts[finite - 1] as number) + n
    else {
      finiteValues[finite] = v
      finiteCounts[finite++] = n
    }
  }
  // Copied when most were merged, so that the unused rest of the arrays is not kept.
  const trim = (xs: Float64Array) => (finite < xs.length / 2 ? xs.slice(0, finite) : xs.subarray(0, finite))
  return { finite: { values: trim(finiteValues), counts: trim(finiteCounts) }, rest: rest() }
}

/** Appends a counted column's tail in the canonical order: text in code-unit order, then missing. */
export function appendTextAndMissing(values: FeatureValue[], counts: number[], textCounts: ReadonlyMap<string, number>, missing: number): void {
  for (const t of [...textCounts.keys()].sort()) {
    values.push(t)
    counts.push(textCounts.get(t) as number)
  }
  if (missing > 0) {
    values.push(null)
    counts.push(missing)
  }
}

/** Text values and the missing count of cells typed one by one (parseCell); numbers are pushed to `numbers`. */
function typedCells(cells: Iterable<readonly [string, number]>, type: CellType, numbers: number[], numberCounts: number[]) {
  let missing = 0
  const textCounts = new Map<string, number>()
  for (const [cell, n] of cells) {
    if (n === 0) continue
    const v = parseCell(cell, type)
    if (typeof v === 'number') {
      numbers.push(v)
      numberCounts.push(n)
    } else if (typeof v === 'string') textCounts.set(v, (textCounts.get(v) ?? 0) + n)
    else missing += n
  }
  return { textCounts, missing }
}

/** The counted column of cell counts ('' for a missing cell), each distinct cell typed once (parseCell). */
export function countedColumn(cells: ReadonlyMap<string, number>, type: CellType): CountedColumn {
  const numbers: number[] = []
  const numberCounts: number[] = []
  const { textCounts, missing } = typedCells(cells, type, numbers, numberCounts)
  return countedOf(numbers, numberCounts, textCounts, missing)
}

/**
 * A column's distinct cells read as numbers, as the engine hands them over without a million
 * cells — nor a hundred thousand distinct ones — crossing as text: the decimal cells (csv-cells'
 * DECIMAL, parsed as Number() parses them) as their values in ascending order with their counts,
 * their text read only where it is needed (decimalCell); every other cell (missing, a type
 * violation, an infinity, a decimal the engine could not parse) as text with its count.
 */
export interface NumberCells {
  /** The decimal cells' values, ascending (equal values from different cells, "1" and "1.0", side by side). */
  readonly decimals: Float64Array
  /** decimalCounts[i]: how often the cell of decimals[i] occurs. */
  readonly decimalCounts: Uint32Array
  /**
   * The text of the cell of decimals[i], where the source kept the texts: always in memory; the
   * engine only for a column that may be read as text (src/cli/report-rows.ts numberCellsOf).
   */
  readonly decimalCell?: (i: number) => string
  /** Every other distinct cell with its count ('' for a missing cell). */
  readonly others: ReadonlyMap<string, number>
}

/** NumberCells of cell counts in memory (the in-memory source, and the reference for the engine's). */
export function numberCells(counts: ReadonlyMap<string, number>): NumberCells {
  const cells: string[] = []
  const values: number[] = []
  const others = new Map<string, number>()
  for (const [cell, n] of counts) {
    if (n === 0) continue
    if (!MISSING_TOKENS.has(cell) && DECIMAL.test(cell)) {
      cells.push(cell)
      values.push(Number(cell))
    } else others.set(cell, n)
  }
  const order = Array.from(values.keys()).sort((a, b) => float64Order(values[a] as number, values[b] as number))
  return {
    decimals: Float64Array.from(order, (i) => values[i] as number),
    decimalCounts: Uint32Array.from(order, (i) => counts.get(cells[i] as string) as number),
    decimalCell: (i) => cells[order[i] as number] as string,
    others,
  }
}

/** The cell counts the NumberCells were read from (every decimal cell read as text); undefined without the texts. */
export function cellCountsOf(c: NumberCells): Map<string, number> | undefined {
  const cell = c.decimalCell
  if (cell === undefined) return undefined
  const counts = new Map<string, number>()
  c.decimalCounts.forEach((n, i) => counts.set(cell(i), n))
  for (const [cell, n] of c.others) counts.set(cell, n)
  return counts
}

/** countedColumn(counts, 'number') of the same cells. */
export function countedNumbers(c: NumberCells): CountedColumn {
  const numbers: number[] = []
  const numberCounts: number[] = []
  const { textCounts, missing } = typedCells(c.others, 'number', numbers, numberCounts)
  // Infinities are counted apart; decimals the engine left as text join the decimals (and are
  // sorted with them).
  const infinities: [number, number] = [0, 0]
  const finite: number[] = []
  const finiteCounts: number[] = []
  numbers.forEach((v, i) => {
    const n = numberCounts[i] as number
    if (v === Number.NEGATIVE_INFINITY) infinities[0] += n
    else if (v === Number.POSITIVE_INFINITY) infinities[1] += n
    else {
      finite.push(v)
      finiteCounts.push(n)
    }
  })
  if (finite.length === 0) return countedOf(c.decimals, c.decimalCounts, textCounts, missing, infinities)
  return countedOf([...c.decimals, ...finite], [...c.decimalCounts, ...finiteCounts], textCounts, missing, infinities)
}

/** The column with each value repeated by its count (the canonical order). */
export function expandCounted(c: CountedColumn): FeatureValue[] {
  // Pushed, not preallocated: V8 keeps `new Array(n)` above 100k elements as a slow dictionary.
  const out: FeatureValue[] = []
  forEachCounted(c, (v, n) => {
    for (let k = n; k > 0; k--) out.push(v)
  })
  return out
}

/** Number of cells. */
export function countedLength(c: CountedColumn): number {
  let n = 0
  for (const k of c.finite.counts) n += k
  for (const k of c.rest.counts) n += k
  return n
}

/** The finite numbers of a counted column, sorted ascending (-0 before +0), one Float64Array. */
export function countedFiniteSorted(c: CountedColumn): Float64Array {
  const { values, counts } = c.finite
  let n = 0
  for (let i = 0; i < counts.length; i++) n += counts[i] as number
  const out = new Float64Array(n)
  let k = 0
  for (let i = 0; i < values.length; i++) {
    const w = counts[i] as number
    out.fill(values[i] as number, k, k + w)
    k += w
  }
  return out
}

/**
 * The finite numbers of a counted column as runs (src/metrics/drift/sample.ts SortedRuns):
 * countedFiniteSorted's multiset without writing a million values, for the statistics that
 * walk a sorted sample in order (KS, Wasserstein, the bins).
 */
export function countedRuns(c: CountedColumn): SortedRuns {
  const ends = new Float64Array(c.finite.counts.length)
  let sum = 0
  for (let i = 0; i < ends.length; i++) ends[i] = sum += c.finite.counts[i] as number
  return { values: c.finite.values, ends }
}

/**
 * readCategory's values with their counts (text as is, booleans and finite numbers as their
 * text), in order of first appearance in the expanded column, as the report's countsOf of
 * categoryValues gives them; and how many there are.
 */
export function countedCategories(c: CountedColumn): { readonly counts: Map<string, number>; readonly n: number } {
  const counts = new Map<string, number>()
  let n = 0
  forEachCounted(c, (v, w) => {
    const text = typeof v === 'string' ? v : typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? String(v) : undefined
    if (text === undefined) return
    counts.set(text, (counts.get(text) ?? 0) + w)
    n += w
  })
  return { counts, n }
}
