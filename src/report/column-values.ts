/**
 * A column's values as the drift statistics take them, in one pass and without an object per
 * value (a million-row column is read many times): the same readings as
 * src/metrics/profile/values.ts's readNumber / readCategory, whose `value` results they keep.
 * Pure.
 */
import { isSortedRuns, type SortedRuns } from '../metrics/drift/index.js'
import type { FeatureValue } from '../metrics/profile/index.js'

/** readCategory's values: text as is, booleans and finite numbers as their text. */
export function categoryValues(xs: readonly FeatureValue[]): string[] {
  const out: string[] = []
  for (const v of xs) {
    if (typeof v === 'string') out.push(v)
    else if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out.push(String(v))
  }
  return out
}

/** Whether xs is ascending as a Float64Array sort leaves it (numerically, -0 before +0). */
function isSorted(xs: readonly number[]): boolean {
  for (let i = 1; i < xs.length; i++) {
    const a = xs[i - 1] as number
    const b = xs[i] as number
    if (a > b || (a === 0 && b === 0 && Object.is(a, 0) && Object.is(b, -0))) return false
  }
  return true
}

/** The values of a sorted sample, each run's once (a run's repeats add no distinct value). */
export const valuesOf = (x: ArrayLike<number> | SortedRuns): ArrayLike<number> => (isSortedRuns(x) ? x.values : x)

/** Number of distinct values in a ∪ b, two samples of finite numbers already sorted ascending (or their runs): one merge pass. */
export function distinctCountSorted(sampleA: ArrayLike<number> | SortedRuns, sampleB: ArrayLike<number> | SortedRuns): number {
  const a = valuesOf(sampleA)
  const b = valuesOf(sampleB)
  let i = 0
  let j = 0
  let n = 0
  let last = Number.NaN
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number)) ? (a[i++] as number) : (b[j++] as number)
    if (n === 0 || x !== last) n++
    last = x
  }
  return n
}

/**
 * readNumber's finite values, sorted ascending (-0 before +0), as the one Float64Array the
 * statistics read (sorted only when they do not come sorted; a million-value column, the
 * score, was turned back into an array of numbers and then into a Float64Array again).
 */
export function finiteSortedValues(xs: readonly FeatureValue[]): Float64Array {
  const out: number[] = []
  for (const v of xs) if (typeof v === 'number' && Number.isFinite(v)) out.push(v)
  const typed = Float64Array.from(out)
  return isSorted(out) ? typed : typed.sort()
}
