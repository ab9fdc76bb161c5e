/**
 * Categories of a categorical feature whose values are all numbers, compared by number.
 *
 * A numeric column with at most 5 values (a 0/1 flag, a 1–5 rating) is categorical
 * (src/metrics/profile/infer-kind.ts), and its cells are text. When a file writes `1` and the
 * other `1.0` (pandas writes an integer column that holds a missing value as floats), the
 * texts differ but the values do not. So a categorical feature whose non-missing values are all
 * numbers in both files (a number, or text written as a decimal: "1", "1.0", "1e0", "01") has
 * each category named by its number's shortest text, String(Number(x)) ("1.0" → "1",
 * "0.50" → "0.5", "01" → "1"), in every reading of its categories: drift, the reference
 * profile, data quality (new categories), outliers and fairness groups. It is the naming the
 * label and prediction classes get (src/metrics/profile/targets.ts) and the one the stream
 * gives a number sent as a categorical value (String(x)).
 * A column with any other text (a boolean, "inf", "a") in either file keeps its categories as
 * written: "1" and "1.0" are then two categories.
 * Pure.
 */
import { DECIMAL_TEXT, type FeatureValue, isMissing } from '../metrics/profile/index.js'
import { type ColumnInput, type CountedColumn, countedOf, expandCounted, forEachCounted, isCounted } from './counted-column.js'
import type { Table } from './table.js'

/** A value that is a number as a category: a finite number, or text written as a decimal. */
function isNumberValue(v: FeatureValue): boolean {
  if (typeof v === 'number') return Number.isFinite(v)
  return typeof v === 'string' && DECIMAL_TEXT.test(v)
}

/**
 * Whether every non-missing value of the column is a number (±Infinity, not a category, is
 * passed over: it is a type violation either way).
 */
export function allNumbers(c: ColumnInput): boolean {
  // A counted column's finite numbers are numbers: its other values decide.
  const values = isCounted(c) ? c.rest.values : c
  for (const v of values) {
    if (isMissing(v) || (typeof v === 'number' && !Number.isFinite(v))) continue
    if (!isNumberValue(v)) return false
  }
  return true
}

/** A value's category named by its number (decimal text → its number's shortest text); any other value as it is. */
export function byNumber(v: FeatureValue): FeatureValue {
  return typeof v === 'string' && DECIMAL_TEXT.test(v) ? String(Number(v)) : v
}

/**
 * The counted column with its decimal texts named by number, equal ones merged, in the
 * canonical order (./counted-column.ts: numbers ascending, then text in code-unit order, then
 * missing). `c`: a column of allNumbers (no boolean).
 */
export function countedByNumber(c: CountedColumn): CountedColumn {
  const texts = new Map<string, number>()
  let missing = 0
  // Numbers keep their place and order (a counted column of text has none).
  const numbers: number[] = []
  const numberCounts: number[] = []
  forEachCounted(c, (raw, n) => {
    const v = byNumber(raw)
    if (typeof v === 'number') {
      numbers.push(v)
      numberCounts.push(n)
    } else if (typeof v === 'string') texts.set(v, (texts.get(v) ?? 0) + n)
    else missing += n
  })
  return countedOf(numbers, numberCounts, texts, missing)
}

/** The column (in row order, or counted) with its categories named by number. */
export function columnByNumber(c: ColumnInput): ColumnInput {
  return isCounted(c) ? countedByNumber(c) : c.map(byNumber)
}

/**
 * A read-only view of `base` whose values get() gives (the subclasses name some columns'
 * categories by number): has, size and iteration read the base's names, which may still be filling
 * in (./csv-report.ts), each value as get() gives it at the time of the call.
 */
abstract class MapView<V> extends Map<string, V> {
  constructor(
    protected readonly base: ReadonlyMap<string, V>,
    protected readonly names: ReadonlySet<string>,
  ) {
    super()
  }

  abstract override get(name: string): V | undefined

  override has(name: string): boolean {
    return this.base.has(name)
  }

  private snapshot(): Map<string, V> {
    return new Map([...this.base.keys()].map((k) => [k, this.get(k)!]))
  }

  override get size(): number {
    return this.base.size
  }

  override keys(): MapIterator<string> {
    return this.snapshot().keys()
  }

  override values(): MapIterator<V> {
    return this.snapshot().values()
  }

  override entries(): MapIterator<[string, V]> {
    return this.snapshot().entries()
  }

  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries()
  }

  override forEach(f: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    this.snapshot().forEach((v, k) => f.call(thisArg, v, k, this))
  }
}

/**
 * A table's columns where those in `names` read with their categories named by number: a
 * counted one expanded from its counted column named so (as the table expands it, each time it
 * is read), one in row order mapped once, when first read.
 */
class ColumnsByNumber extends MapView<readonly FeatureValue[]> {
  private readonly mapped = new Map<string, readonly FeatureValue[]>()

  constructor(
    base: ReadonlyMap<string, readonly FeatureValue[]>,
    names: ReadonlySet<string>,
    private readonly counted: ReadonlyMap<string, CountedColumn> | undefined,
  ) {
    super(base, names)
  }

  override get(name: string): readonly FeatureValue[] | undefined {
    if (!this.names.has(name)) return this.base.get(name)
    const c = this.counted?.get(name)
    if (c) return expandCounted(c)
    const known = this.mapped.get(name)
    if (known) return known
    const values = this.base.get(name)?.map(byNumber)
    if (values) this.mapped.set(name, values)
    return values
  }
}

/** A table's counted columns where those in `names` have their categories named by number, each named once. */
class CountedByNumber extends MapView<CountedColumn> {
  private readonly named = new Map<string, CountedColumn>()

  override get(name: string): CountedColumn | undefined {
    const c = this.base.get(name)
    if (c === undefined || !this.names.has(name)) return c
    let named = this.named.get(name)
    if (named === undefined) {
      named = countedByNumber(c)
      this.named.set(name, named)
    }
    return named
  }
}

/** The table with the categories of the columns in `names` named by number; the others as they are. */
export function tableByNumber(t: Table, names: ReadonlySet<string>): Table {
  if (names.size === 0) return t
  const counted = t.counted && new CountedByNumber(t.counted, names)
  return { rowCount: t.rowCount, columns: new ColumnsByNumber(t.columns, names, counted), ...(counted ? { counted } : {}) }
}
