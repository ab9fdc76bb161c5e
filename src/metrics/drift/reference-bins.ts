/**
 * Reference-decile binning for the binned drift distances (PSI, Jensen–Shannon, Hellinger, KL).
 *
 * Edges: the reference deciles `np.unique(np.quantile(ref, [0.1, …, 0.9], method='linear'))`
 * (numpy 2.4): q-th quantile at virtual index v = (n − 1)·q, interpolated between the sorted
 * values at ⌊v⌋ and ⌊v⌋ + 1 with numpy's `_lerp` (a + (b − a)·t, or b − (b − a)·(1 − t) when
 * t >= 1/2). Equal edges (ties, constant data) are collapsed, so there are at most 10 bins.
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
  const quantiles = Float64Array.from(REFERENCE_QUANTILES, (q) => {
    const virtual = (n - 1) * q
    const below = virtual >= n - 1 ? n - 1 : Math.floor(virtual)
    const above = virtual >= n - 1 ? n - 1 : below + 1
    return lerp(sorted[below] as number, sorted[above] as number, virtual - Math.floor(virtual))
  })
  // np.unique: sort (rounding can swap two nearly equal quantiles) and drop repeats.
  quantiles.sort()
  const edges: number[] = []
  for (const e of quantiles) if (edges.length === 0 || e !== edges[edges.length - 1]) edges.push(e)
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

/** numpy's `_lerp`, exact to the last bit so that values equal to an edge bin the same way. */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
}
