/**
 * Shared input handling for the sample-based statistics (KS, Wasserstein, reference bins).
 *
 * Convention, the same in every drift statistic: an observation that is NaN or ±Infinity is
 * excluded and counted, never thrown on and never clamped. Such values are data (a missing or
 * overflowed feature), not bugs; data-quality metrics report them, and every drift result
 * records how many were excluded (`params.excludedReference` / `params.excludedCurrent`).
 * This matches Evidently, which drops NaN and ±Infinity before running a stattest.
 */

export interface FiniteSample {
  /** The finite observations, sorted ascending. */
  readonly sorted: Float64Array
  /** How many observations were NaN or ±Infinity and left out. */
  readonly excluded: number
}

// Samples their maker declared finite, ascending and never to be changed (sortedSample).
const declared = new WeakSet<Float64Array>()

/**
 * Declares `values` finite and ascending (-0 before +0), and that nothing will change them:
 * finiteSorted then takes them as they are, without checking or copying them again (the batch
 * report hands one sorted million-value sample to KS, Wasserstein and the bins in turn).
 * Returns `values`.
 */
export function sortedSample(values: Float64Array): Float64Array {
  declared.add(values)
  return values
}

/**
 * Keeps the finite values, sorted ascending (a copy: the input is not touched; a sample
 * declared by sortedSample is taken as it is, and not changed either).
 */
export function finiteSorted(values: ArrayLike<number>): FiniteSample {
  if (values instanceof Float64Array && declared.has(values)) return { sorted: values, excluded: 0 }
  // Input already finite and ascending (the batch report sorts a column once for all its
  // statistics): one check instead of a sort. Same result (-0 and +0 compare equal everywhere).
  // (slice: a plain copy of a Float64Array; Float64Array.from walks its iterator.)
  if (isFiniteAscending(values)) return { sorted: values instanceof Float64Array ? values.slice() : Float64Array.from(values), excluded: 0 }
  const kept: number[] = []
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) kept.push(values[i] as number)
  // Float64Array sorts numerically (no string comparison), with -0 before +0.
  const sorted = Float64Array.from(kept).sort()
  return { sorted, excluded: values.length - kept.length }
}

function isFiniteAscending(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (!Number.isFinite(v) || (i > 0 && v < (values[i - 1] as number))) return false
  }
  return true
}

/**
 * A finite ascending sample as runs of equal values: values[k] occurs ends[k] − ends[k − 1]
 * times (ends[−1] = 0). The same multiset as the expanded array, in a fraction of its size
 * when values repeat (a counted column: a million rows, 50k distinct values). Adjacent runs
 * may hold -0 and +0, equal under the comparisons below as in the expanded array.
 */
export interface SortedRuns {
  readonly values: Float64Array
  readonly ends: Float64Array
}

export const isSortedRuns = (x: ArrayLike<number> | SortedRuns): x is SortedRuns => !(x instanceof Float64Array) && 'ends' in x

/** How many values the runs hold. */
export const runsSize = (r: SortedRuns): number => (r.ends.length === 0 ? 0 : (r.ends[r.ends.length - 1] as number))

/** How often run k's value occurs. */
export const runLength = (r: SortedRuns, k: number): number => (r.ends[k] as number) - (k === 0 ? 0 : (r.ends[k - 1] as number))

/**
 * A finite ascending sample walked value by value: its runs, or an expanded sorted array
 * (ends null: each element a run of one). The statistics that merge two samples in order
 * (KS, Wasserstein, the bins) read both alike, so a sample given as runs gives the very same
 * counts, in the same steps, as its expanded array.
 */
export interface SampleWalk {
  readonly values: Float64Array
  readonly ends: Float64Array | null
  /** Number of finite values. */
  readonly n: number
  /** NaN and ±Infinity left out. */
  readonly excluded: number
}

export function finiteWalk(values: ArrayLike<number> | SortedRuns): SampleWalk {
  if (isSortedRuns(values)) return { values: values.values, ends: values.ends, n: runsSize(values), excluded: 0 }
  const { sorted, excluded } = finiteSorted(values)
  return { values: sorted, ends: null, n: sorted.length, excluded }
}

/** How many values the walk's first k runs hold. */
export const countBefore = (w: SampleWalk, k: number): number => (k === 0 ? 0 : w.ends === null ? k : (w.ends[k - 1] as number))

/** The expanded sorted array of a walk (each value repeated as often as it occurs). */
export function expandWalk(w: SampleWalk): Float64Array {
  if (w.ends === null) return w.values
  const out = new Float64Array(w.n)
  for (let k = 0; k < w.values.length; k++) out.fill(w.values[k] as number, countBefore(w, k), w.ends[k] as number)
  return out
}

/** Number of elements of `sorted` that are <= x (numpy's searchsorted side='right'). */
export function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] as number) <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}
