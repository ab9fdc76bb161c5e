/**
 * First Wasserstein (earth mover's) distance between two 1-D samples.
 *
 *   W1 = ∫ |F_ref(x) − F_cur(x)| dx = Σ_k |F_ref(x_k) − F_cur(x_k)|·(x_{k+1} − x_k)
 *
 * over the pooled sorted values x_k, equal to `scipy.stats.wasserstein_distance(ref, cur)`
 * (scipy 1.17 `_cdf_distance` with p = 1, unweighted).
 *
 * `wasserstein` is the normed score W1 / std(ref, ddof=0)   (std: ../stable-moments.ts, exact at
 * large offsets), so that the default threshold (0.1) reads as "a tenth of a reference standard
 * deviation" in any unit: the score of a column and of the same column times 1000 is one.
 * `wassersteinDistance` is the raw W1, in the feature's own units.
 *
 * Departure from Evidently: Evidently divides by max(std(ref), 0.001). That floor is there for a
 * constant reference, but it also caps every reference whose spread is below 0.001, so the
 * verdict depended on the unit (a rate with std 5e-5 shifted by one std scored 0.05, no drift;
 * the same rate per mille 1.02, drift). Here the reference's std is used whenever it is > 0.
 * A constant reference c (std 0) is normed by the standard deviation of the even mixture of the
 * two samples, each weighted ½ whatever its size:
 *   sqrt(var(cur)/2 + (mean(cur) − c)²/4)
 * a yardstick that, like the std, follows the feature through any change of unit or origin
 * (x → a·x + b), and does not depend on the two sizes. It gives 0 when the current is that same
 * constant (no change), 2 when it is another constant, ≈ sqrt(2p) when a share p of the current
 * moved to one other value (0.1 at p = 0.5%), and never more than 2 (W1 ≤ sqrt(E(cur − c)²)).
 * Evidently's W1 / 0.001 there grows with the unit as the floored scores did.
 *
 * Range: W1 and the std are homogeneous of degree 1, so both are computed on values times a
 * power of two (exact): W1 on the pooled values brought to magnitude [1, 2) (so values more than
 * the largest double apart give a finite W1), the std on the reference's brought there, and the
 * ratio's binary exponent is applied once at the end. Subnormal features (1e-320) and features
 * near the largest double thus score what the same feature in ordinary units scores, to the bit
 * for a power-of-two change of unit, and no digit is lost to subnormal sums. Only values 2^1000
 * times smaller than the largest of the two samples go below the normal range there, and their
 * share of the score is nil. For features of ordinary magnitude every scaling is exact and the
 * result is, to the bit, the one computed without it. The raw W1 (`distance`, and
 * `params.distance` here) is the scaled one times its power of two: one rounding, and +Infinity
 * only where W1 itself exceeds the largest double (scipy's overflows as soon as two values lie
 * more than that apart, and its sum of subnormal terms rounds every term).
 *
 * Conventions: NaN and ±Infinity are excluded and counted (./sample.ts); an empty side
 * (after exclusion) gives NaN (scipy raises). The result is a distance, not a test: no p-value.
 * Reference: scripts/reference/drift.py (scipy on the scaled samples, and the same score in
 * 60-digit mpmath on the values as given).
 */
import { meanAndStd } from '../stable-moments.js'
import type { StatResult } from '../types.js'
import { ldexp } from './float-scaling.js'
import { countBefore, expandWalk, finiteWalk, type SampleWalk, type SortedRuns } from './sample.js'

export function wasserstein(reference: ArrayLike<number> | SortedRuns, current: ArrayLike<number> | SortedRuns): StatResult {
  const ref = finiteWalk(reference)
  const cur = finiteWalk(current)
  const params = sizes(ref, cur)
  if (ref.n === 0 || cur.n === 0) {
    return { method: 'wasserstein', score: Number.NaN, params: { ...params, normed: true, scale: Number.NaN, distance: Number.NaN } }
  }
  // W1 on the pooled values times 2^k: w = W1·2^k.
  const k = unitShift(Math.max(largest(ref), largest(cur)))
  const w = cdfL1(ref, cur, 2 ** k)
  let score: number
  let scale: number
  if (ref.values[0] === ref.values[ref.values.length - 1]) {
    // Constant reference: the even mixture's std, on the current and the constant times 2^k.
    const c = (ref.values[0] as number) * 2 ** k
    const { mean, std } = meanAndStd(times(expandWalk(cur), k))
    const mixture = Math.sqrt((std * std) / 2 + ((mean - c) * (mean - c)) / 4)
    score = mixture === 0 ? 0 : w / mixture
    scale = ldexp(mixture, -k)
  } else {
    // s = std(ref)·2^kr, the reference's values brought to magnitude [1, 2): W1/std = (w/s)·2^(kr − k).
    const kr = unitShift(largest(ref))
    const std = referenceStd(expandWalk(ref), kr)
    score = ldexp(w / std, kr - k)
    scale = ldexp(std, -kr)
  }
  return { method: 'wasserstein', score, params: { ...params, normed: true, scale, distance: ldexp(w, -k) } }
}

export function wassersteinDistance(reference: ArrayLike<number> | SortedRuns, current: ArrayLike<number> | SortedRuns): StatResult {
  const ref = finiteWalk(reference)
  const cur = finiteWalk(current)
  const empty = ref.n === 0 || cur.n === 0
  const k = empty ? 0 : unitShift(Math.max(largest(ref), largest(cur)))
  const score = empty ? Number.NaN : ldexp(cdfL1(ref, cur, 2 ** k), -k)
  return { method: 'wasserstein_distance', score, params: { ...sizes(ref, cur), normed: false } }
}

function sizes(ref: SampleWalk, cur: SampleWalk): Record<string, number> {
  return { nReference: ref.n, nCurrent: cur.n, excludedReference: ref.excluded, excludedCurrent: cur.excluded }
}

/** The largest magnitude of a non-empty sorted walk. */
const largest = (w: SampleWalk): number => Math.max(Math.abs(w.values[0] as number), Math.abs(w.values[w.values.length - 1] as number))

/**
 * k such that largest·2^k lies in [1, 2), within ±1023 so that 2^k is a double (a sample whose
 * largest value is below 2^-1023 lands in [2^-51, 1) instead); 0 for all zeros. Math.log2 may
 * round up just below a power of two: that value then lands just below 1, as good a frame.
 */
function unitShift(largestMagnitude: number): number {
  if (largestMagnitude === 0) return 0
  return Math.min(1023, Math.max(-1023, -Math.floor(Math.log2(largestMagnitude))))
}

/**
 * std(values)·2^k for a non-constant sample whose largest magnitude·2^k lies in [1, 2). That
 * std is at least 2^-69 (two values one ulp apart among 2^32), so meanAndStd's own result times
 * 2^k is exact, and needs no scaled copy, unless that result is subnormal: a largest value
 * below 2^-900, whose std is then taken on the values times 2^k.
 */
function referenceStd(values: Float64Array, k: number): number {
  if (k < 900) return meanAndStd(values).std * 2 ** k
  return meanAndStd(times(values, k)).std
}

/** values·2^k: exact, but for values that land below the normal range (2^1000 times smaller than the largest). */
function times(values: Float64Array, k: number): Float64Array {
  if (k === 0) return values
  const f = 2 ** k
  return values.map((x) => x * f)
}

/**
 * Σ |F_u − F_v|·Δx over consecutive pooled values (a merge walk instead of searchsorted), run
 * by run: the same terms, in the same order, as over the expanded samples. Each value is
 * multiplied by f (a power of two) before the difference is taken, so Δx never overflows.
 */
function cdfL1(wu: SampleWalk, wv: SampleWalk, f: number): number {
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
    total += Math.abs(countBefore(wu, i) / wu.n - countBefore(wv, j) / wv.n) * (next * f - x * f)
    x = next
  }
  return total
}
