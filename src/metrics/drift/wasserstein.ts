/**
 * First Wasserstein (earth mover's) distance between two 1-D samples.
 *
 *   W1 = ∫ |F_ref(x) − F_cur(x)| dx = Σ_k |F_ref(x_k) − F_cur(x_k)|·(x_{k+1} − x_k)
 *
 * over the pooled sorted values x_k, equal to `scipy.stats.wasserstein_distance(ref, cur)`
 * (scipy 1.17 `_cdf_distance` with p = 1, unweighted).
 *
 * `wasserstein` is Evidently's "Wasserstein distance (normed)" drift score:
 *   W1 / max(std(ref, ddof=0), 0.001)      (std: ../stable-moments.ts, exact at large offsets)
 * so that the default threshold (0.1) reads as "a tenth of a reference standard deviation";
 * the 0.001 floor keeps a constant reference from dividing by zero.
 * `wassersteinDistance` is the raw W1, in the feature's own units.
 *
 * Conventions: NaN and ±Infinity are excluded and counted (./sample.ts); an empty side
 * (after exclusion) gives NaN (scipy raises). The result is a distance, not a test: no p-value.
 */
import { meanAndStd } from '../stable-moments.js'
import type { StatResult } from '../types.js'
import { type FiniteSample, finiteSorted } from './sample.js'

export const WASSERSTEIN_MIN_SCALE = 0.001

export function wasserstein(reference: ArrayLike<number>, current: ArrayLike<number>): StatResult {
  const ref = finiteSorted(reference)
  const raw = distance(ref, finiteSorted(current))
  const scale = ref.sorted.length === 0 ? Number.NaN : Math.max(meanAndStd(ref.sorted).std, WASSERSTEIN_MIN_SCALE)
  return {
    method: 'wasserstein',
    score: raw.score / scale,
    params: { ...raw.params, normed: true, scale, distance: raw.score },
  }
}

export function wassersteinDistance(reference: ArrayLike<number>, current: ArrayLike<number>): StatResult {
  const raw = distance(finiteSorted(reference), finiteSorted(current))
  return { method: 'wasserstein_distance', score: raw.score, params: { ...raw.params, normed: false } }
}

function distance(ref: FiniteSample, cur: FiniteSample): { score: number; params: Record<string, number> } {
  const params = {
    nReference: ref.sorted.length,
    nCurrent: cur.sorted.length,
    excludedReference: ref.excluded,
    excludedCurrent: cur.excluded,
  }
  const empty = ref.sorted.length === 0 || cur.sorted.length === 0
  return { score: empty ? Number.NaN : cdfL1(ref.sorted, cur.sorted), params }
}

/** Σ |F_u − F_v|·Δx over consecutive pooled values (a merge walk instead of searchsorted). */
function cdfL1(u: Float64Array, v: Float64Array): number {
  let i = 0
  let j = 0
  let total = 0
  let x = Math.min(u[0] as number, v[0] as number)
  while (i < u.length || j < v.length) {
    while (i < u.length && (u[i] as number) <= x) i++
    while (j < v.length && (v[j] as number) <= x) j++
    if (i === u.length && j === v.length) break
    const next = Math.min(i < u.length ? (u[i] as number) : Infinity, j < v.length ? (v[j] as number) : Infinity)
    total += Math.abs(i / u.length - j / v.length) * (next - x)
    x = next
  }
  return total
}
