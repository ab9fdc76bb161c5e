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
 * Overflow: when finite values lie more than the largest double apart, W1 (scipy gives inf) or
 * the std overflows; the normed score is scale-free, so it is then computed on the values
 * divided by 4 (exact, but for subnormal values, whose share of such a W1 is nil) and stays
 * finite; `distance` still reports the raw W1.
 */
import { meanAndStd } from '../stable-moments.js'
import type { StatResult } from '../types.js'
import { countBefore, expandWalk, finiteWalk, type SampleWalk, type SortedRuns } from './sample.js'

export const WASSERSTEIN_MIN_SCALE = 0.001

export function wasserstein(reference: ArrayLike<number> | SortedRuns, current: ArrayLike<number> | SortedRuns): StatResult {
  const ref = finiteWalk(reference)
  const cur = finiteWalk(current)
  const raw = distance(ref, cur)
  // The scale is the reference's standard deviation over its values one by one (runs expanded).
  const scale = ref.n === 0 ? Number.NaN : Math.max(meanAndStd(expandWalk(ref)).std, WASSERSTEIN_MIN_SCALE)
  let score = raw.score / scale
  if (!Number.isFinite(score) && ref.n > 0 && cur.n > 0) {
    const quarter = (w: SampleWalk): SampleWalk => ({ ...w, values: w.values.map((x) => x / 4) })
    const small = quarter(ref)
    score = distance(small, quarter(cur)).score / Math.max(meanAndStd(expandWalk(small)).std, WASSERSTEIN_MIN_SCALE / 4)
  }
  return {
    method: 'wasserstein',
    score,
    params: { ...raw.params, normed: true, scale, distance: raw.score },
  }
}

export function wassersteinDistance(reference: ArrayLike<number> | SortedRuns, current: ArrayLike<number> | SortedRuns): StatResult {
  const raw = distance(finiteWalk(reference), finiteWalk(current))
  return { method: 'wasserstein_distance', score: raw.score, params: { ...raw.params, normed: false } }
}

function distance(ref: SampleWalk, cur: SampleWalk): { score: number; params: Record<string, number> } {
  const params = {
    nReference: ref.n,
    nCurrent: cur.n,
    excludedReference: ref.excluded,
    excludedCurrent: cur.excluded,
  }
  const empty = ref.n === 0 || cur.n === 0
  return { score: empty ? Number.NaN : cdfL1(ref, cur), params }
}

/**
 * Σ |F_u − F_v|·Δx over consecutive pooled values (a merge walk instead of searchsorted), run
 * by run: the same terms, in the same order, as over the expanded samples.
 */
function cdfL1(wu: SampleWalk, wv: SampleWalk): number {
  const u = wu.values
  const v = wv.values
  let i = 0
  let j = 0
  let total = 0
  let x = Math.min(u[0] as number, v[0] as number)
  while (i < u.length || j < v.length) {
    while (i < u.length && (u[i] as number) <= x) i++
    while (j < v.length && (v[j] as number) <= x) j++
    if (i === u.length && j === v.length) break
    const next = Math.min(i < u.length ? (u[i] as number) : Infinity, j < v.length ? (v[j] as number) : Infinity)
    total += Math.abs(countBefore(wu, i) / wu.n - countBefore(wv, j) / wv.n) * (next - x)
    x = next
  }
  return total
}
