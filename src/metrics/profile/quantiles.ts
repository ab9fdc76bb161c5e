/**
 * Quantiles of a sorted sample, numpy's default `np.quantile(x, q, method='linear')`
 * (numpy 2.4): the q-th quantile sits at virtual index v = q·(n − 1) and is interpolated
 * between the sorted values at ⌊v⌋ and min(⌊v⌋ + 1, n − 1) with numpy's `_lerp`
 * (a + (b − a)·t, or b − (b − a)·(1 − t) when t >= 1/2), exact to the last bit. This is the
 * same arithmetic as ../drift/reference-bins.ts's decile edges, and the same departure from
 * numpy: when the two values are more than the largest double apart (b − a overflows), numpy
 * gives ±Infinity or NaN, and here the quantile is the finite value between them that numpy's
 * arithmetic gives with an unbounded exponent.
 *
 * Input: finite values sorted ascending (../drift/sample.ts's finiteSorted). An empty sample
 * has no quantiles: NaN. Reference values: numpy, scripts/reference/quality.py.
 */
import { lerp } from '../drift/reference-bins.js'

/** The quantiles a reference profile records: tails for outliers, quartiles, median. */
export const PROFILE_QUANTILES: readonly number[] = [0, 0.005, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.995, 1]

export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`)
  const n = sorted.length
  if (n === 0) return Number.NaN
  const virtual = q * (n - 1)
  const below = Math.min(Math.floor(virtual), n - 1)
  const above = Math.min(below + 1, n - 1)
  const t = virtual - below
  return lerp(sorted[below] as number, sorted[above] as number, t)
}
