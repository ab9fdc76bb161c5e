/**
 * Reference-decile binning for the binned drift distances (PSI, Jensen–Shannon, Hellinger, KL).
 *
 * Edges: the reference deciles `np.unique(np.quantile(ref, [0.1, …, 0.9], method='linear'))`
 * (numpy 2.4): q-th quantile at virtual index v = (n − 1)·q, interpolated between the sorted
 * values at ⌊v⌋ and ⌊v⌋ + 1 with numpy's `_lerp` (a + (b − a)·t, or b − (b − a)·(1 − t) when
 * t >= 1/2). Equal edges (ties, constant data) are collapsed, so there are at most 10 bins.
 * A reference held elsewhere (stored predictions in ClickHouse) gives the two order statistics
 * around each decile and `decileEdges` interpolates them with this same arithmetic, so every
 * reference gives the same edges to the bit.
 *
 * Overflow: when two neighbouring order statistics are more than the largest double apart
 * (b − a overflows), numpy's lerp gives ±Infinity or NaN. Here the same formula runs on a/2 and
 * b/2 and the result is doubled: both steps are exact at that magnitude, so the edge is what
 * numpy's arithmetic gives with an unbounded exponent, a finite value between a and b.
 *
 * Bins, for edges e_1 < … < e_k: (−∞, e_1), [e_1, e_2), …, [e_k, +∞): left-closed like
 * numpy.histogram, with open outer bins so current values outside the reference range still
 * land somewhere. The bin of x is the number of edges <= x (np.searchsorted side='right').
 * An empty reference gives no edges: a single bin holding everything.
 *
 * NaN and ±Infinity are excluded and counted, never binned (./sample.ts).
 */
import { countAtMost, finiteSorted, isSortedRuns, runLength, type SortedRuns } from './sample.js'

export const REFERENCE_QUANTILES: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]

export interface BinCounts {
  /** counts[i] is the number of values in bin i; counts.length === edges.length + 1. */
  readonly counts: readonly number[]
  /** NaN and ±Infinity values, not in any bin. */
  readonly nonFinite: number
}

export function referenceBinEdges(reference: ArrayLike<number>): number[] {
  const { sorted } = finiteSorted(reference)
  const n = sorted.length
  if (n === 0) return []
  return decileEdges(REFERENCE_QUANTILES.map((q) => {
    const [below, above] = orderStatisticIndices(n, q)
    return quantileBetween(n, q, sorted[below] as number, sorted[above] as number)
  }))
}

/**
 * The 0-based indices of the two sorted values numpy's 'linear' quantile q of n values lies
 * between: ⌊(n − 1)·q⌋ and min(⌊(n − 1)·q⌋ + 1, n − 1).
 */
export function orderStatisticIndices(n: number, q: number): [number, number] {
  const below = Math.min(Math.floor((n - 1) * q), n - 1)
  return [below, Math.min(below + 1, n - 1)]
}

/** numpy's 'linear' quantile q of n sorted values, from the two values it lies between (orderStatisticIndices). */
export function quantileBetween(n: number, q: number, below: number, above: number): number {
  const virtual = (n - 1) * q
  return lerp(below, above, virtual - Math.floor(virtual))
}

/** The edges of a reference's deciles, as np.unique: sorted (rounding can swap two nearly equal quantiles), repeats dropped. */
export function decileEdges(quantiles: readonly number[]): number[] {
  const sorted = Float64Array.from(quantiles).sort()
  const edges: number[] = []
  for (const e of sorted) if (edges.length === 0 || e !== edges[edges.length - 1]) edges.push(e)
  return edges
}

export function binCounts(edges: readonly number[], values: ArrayLike<number> | SortedRuns): BinCounts {
  checkEdges(edges)
  const sortedEdges = Float64Array.from(edges)
  const counts = new Array<number>(edges.length + 1).fill(0)
  if (isSortedRuns(values)) {
    // Runs ascend: each run's bin by walking up the edges, its count added at once.
    let bin = 0
    values.values.forEach((x, k) => {
      while (bin < sortedEdges.length && (sortedEdges[bin] as number) <= x) bin++
      counts[bin]! += runLength(values, k)
    })
    return { counts, nonFinite: 0 }
  }
  let nonFinite = 0
  // The bin of x, found by walking up from the previous value's bin while the values ascend
  // (the report passes sorted samples: one pass instead of a binary search per value), by
  // binary search when a value is smaller than the one before.
  let bin = 0
  let previous = Number.NEGATIVE_INFINITY
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number
    if (!Number.isFinite(x)) {
      nonFinite++
      continue
    }
    if (x < previous) bin = countAtMost(sortedEdges, x)
    else while (bin < sortedEdges.length && (sortedEdges[bin] as number) <= x) bin++
    previous = x
    counts[bin]! += 1
  }
  return { counts, nonFinite }
}

/** Edges must be finite and strictly increasing: anything else is a bug upstream. */
export function checkEdges(edges: readonly number[]): void {
  for (const [i, e] of edges.entries()) {
    if (!Number.isFinite(e)) throw new RangeError(`edges[${i}] must be finite, got ${e}`)
    if (i > 0 && !(e > (edges[i - 1] as number))) throw new RangeError('edges must be strictly increasing')
  }
}

/**
 * numpy's `_lerp`, exact to the last bit so that values equal to an edge bin the same way; at
 * half scale when b − a overflows (see the header: only finite a and b more than the largest
 * double apart, both then far from the subnormal range, so halving and doubling are exact).
 */
export function lerp(a: number, b: number, t: number): number {
  const diff = b - a
  if (!Number.isFinite(diff) && Number.isFinite(a) && Number.isFinite(b)) return 2 * lerp(a / 2, b / 2, t)
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
}
