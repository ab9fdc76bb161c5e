/**
 * Reference-decile binning for the binned drift distances (PSI, Jensen–Shannon, Hellinger, KL).
 *
 * Edges: the reference deciles `np.unique(np.quantile(ref, [0.1, …, 0.9], method='linear'))`
 * (numpy 2.4): q-th quantile at virtual index v = (n − 1)·q, interpolated between the sorted
 * values at ⌊v⌋ and ⌊v⌋ + 1 with numpy's `_lerp` (a + (b − a)·t, or b − (b − a)·(1 − t) when
 * t >= 1/2). Equal edges (ties, constant data) are collapsed.
 *
 * Range closure, when ties collapse the deciles (fewer than 9 distinct: some value fills about a
 * tenth of the reference's order statistics or more): the outer bins end at the reference's
 * extreme values, (−∞, nextUp(min)) holding the values <= min and [max, +∞) the values >= max
 * (nextUp(x) = np.nextafter(x, inf)). Each holds the reference's own extreme value, a reference
 * share of at least 1/n, and beside it the current values beyond the reference's range. An
 * extreme that is itself a decile (an atom at that end) instead keeps a bin of its own,
 * [m, nextUp(m)), with what lies beyond it apart: at the bottom that is the decile edge min as
 * numpy's deciles always had it, at the top the edge nextUp(max) is added. So the edges also
 * take nextUp(min) unless min is a decile, max, and nextUp(max) when max is a decile (none
 * above the largest double). At most 11 edges then, 12 bins.
 *   Why: an atom swallows the deciles, so the values off it share one or two bins, and the open
 *   outer bin also holds everything beyond them. With 85 % zeros and the rest 1..19, the edges
 *   were [0, 7]; moving the non-zero values to 1000..1999 kept about a tenth of each side in
 *   [7, +∞) and PSI read 0.02 (Evidently 0.7's psi on the same data: 0.88). With the closure,
 *   [7, 19) keeps the reference's values 7..18 apart from the moved ones in [19, +∞): PSI 1.1
 *   (scripts/reference/fixtures/drift.json, the tie cases).
 *   Why the extremes inside the outer bins, not bins beyond them that the reference leaves
 *   empty (edges at min and nextUp(max)): a current sample of the same law reaches beyond a
 *   reference's range (about 1/(n + 1) of it per side), which PSI and KL weigh by
 *   ln(share / 1e-4) in an empty bin. On 30 % zeros and the rest lognormal, reference 100
 *   values and current 1,000 of the same law, bins beyond the range raised P(PSI >= 0.2), the
 *   default alert rule, from 0.3 % (deciles only) to 9.8 %, and P(PSI >= 0.1) from 21 % to
 *   52 %; with the extremes inside the outer bins they read 2.3 % and 32 % (400 and 300 draws;
 *   from a reference of 200 values on, 0 % at 0.2 under all three).
 *   Why only on collapse: without ties each open outer bin already holds a tenth of the
 *   reference, and every added edge adds noise to the distances. Without ties the edges are
 *   numpy's deciles, as they always were.
 *
 * A reference held elsewhere (stored predictions in ClickHouse) gives the two order statistics
 * around each decile, which `quantileBetween` interpolates with this same arithmetic, and its
 * min and max, with which `decileEdges` closes the range by the same rule: every reference
 * gives the same edges to the bit. scripts/reference/drift.py `bin_edges` is the numpy side.
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
  const deciles = REFERENCE_QUANTILES.map((q) => {
    const [below, above] = orderStatisticIndices(n, q)
    return quantileBetween(n, q, sorted[below] as number, sorted[above] as number)
  })
  return decileEdges(deciles, sorted[0] as number, sorted[n - 1] as number)
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

/**
 * A reference's edges from its deciles (REFERENCE_QUANTILES, numpy 'linear') and the smallest
 * and largest of its finite values: the deciles as np.unique (sorted, as rounding can swap two
 * nearly equal quantiles; repeats dropped), and when that drops any, also the double just above
 * `min` unless `min` is a decile, `max`, and the double just above `max` when `max` is a decile
 * (the range closure of the header).
 */
export function decileEdges(deciles: readonly number[], min: number, max: number): number[] {
  const unique = sortedUnique(deciles)
  if (unique.length === deciles.length) return unique
  // includes: SameValueZero, so a -0 extreme matches a decile 0.
  const closure = unique.includes(min) ? [max] : [nextUp(min), max]
  if (unique.includes(max)) closure.push(nextUp(max))
  // + 0: a -0 edge (a -0 maximum, or nextUp(-MIN_VALUE)) is the edge 0 on every path: ClickHouse's max may say 0.
  return sortedUnique([...unique, ...closure.filter(Number.isFinite).map((e) => e + 0)])
}

function sortedUnique(xs: readonly number[]): number[] {
  const sorted = Float64Array.from(xs).sort()
  const out: number[] = []
  for (const e of sorted) if (out.length === 0 || e !== out[out.length - 1]) out.push(e)
  return out
}

/** The smallest double above a finite x (np.nextafter(x, inf)): +Infinity above the largest double. */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE
  const bits = new BigInt64Array(Float64Array.of(x).buffer)
  bits[0] = (bits[0] as bigint) + (x > 0 ? 1n : -1n)
  return new Float64Array(bits.buffer)[0] as number
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
