/**
 * Two-sample Kolmogorov–Smirnov test, equal to `scipy.stats.ks_2samp(reference, current)`
 * (alternative='two-sided', method='auto') of scipy 1.17.
 *
 *   D = sup_x |F_ref(x) − F_cur(x)|, with right-continuous empirical CDFs (ties count as <=).
 *
 * p-value, as scipy's 'auto' method chooses it:
 * - max(n, m) <= 10000: exact (./ks-exact.ts); D is snapped to h/lcm(n, m) as scipy does.
 *   If the exact computation fails (leaves [0, 1]) it falls back to the asymptotic one.
 * - otherwise asymptotic: kstwo.sf(D, round(n·m/(n + m))) (./kstwo.ts), the exact one-sample
 *   distribution at the effective sample size, as scipy does since 1.5.
 *
 * Cost: sorting, plus for the exact path up to O(n·m) (about 1 s at 10000 vs 10000 with
 * disjoint samples, the same as scipy's compiled code); the asymptotic path is cheap.
 *
 * Conventions: NaN and ±Infinity are excluded and counted (./sample.ts); an empty side
 * (after exclusion) gives score and p-value NaN (scipy raises). `params.mode` records which
 * p-value was used.
 */
import type { StatResult } from '../types.js'
import { exactKsTwoSided, roundHalfEven } from './ks-exact.js'
import { kstwoSf } from './kstwo.js'
import { countBefore, finiteWalk, type SampleWalk, type SortedRuns } from './sample.js'

/** scipy's MAX_AUTO_N: 'auto' is exact when both sizes are at most this. */
export const KS_MAX_EXACT_N = 10000

export function ks(reference: ArrayLike<number> | SortedRuns, current: ArrayLike<number> | SortedRuns): StatResult {
  const ref = finiteWalk(reference)
  const cur = finiteWalk(current)
  const n1 = ref.n
  const n2 = cur.n
  const base = {
    alternative: 'two-sided',
    nReference: n1,
    nCurrent: n2,
    excludedReference: ref.excluded,
    excludedCurrent: cur.excluded,
  }
  if (n1 === 0 || n2 === 0) {
    return { method: 'ks', score: Number.NaN, pValue: Number.NaN, params: { ...base, mode: null } }
  }
  let d = maxEcdfDistance(ref, cur)
  let mode: 'exact' | 'asymp' = Math.max(n1, n2) <= KS_MAX_EXACT_N ? 'exact' : 'asymp'
  let pValue = Number.NaN
  if (mode === 'exact') {
    const exact = exactKsTwoSided(n1, n2, d)
    d = exact.d
    if (exact.ok) pValue = exact.pValue
    else mode = 'asymp'
  }
  if (mode === 'asymp') {
    const m = Math.max(n1, n2)
    const n = Math.min(n1, n2)
    pValue = kstwoSf(d, roundHalfEven((m * n) / (m + n)))
  }
  return { method: 'ks', score: d, pValue: Math.min(Math.max(pValue, 0), 1), params: { ...base, mode } }
}

/**
 * max over all observed x of |F_ref(x) − F_cur(x)|, each CDF as count(<= x)/size in double
 * precision, exactly as scipy evaluates it (searchsorted side='right' / size).
 */
/** max |F_a − F_b| over the pooled values, walking both samples run by run (i, j: runs passed). */
function maxEcdfDistance(wa: SampleWalk, wb: SampleWalk): number {
  const a = wa.values
  const b = wb.values
  let i = 0
  let j = 0
  let d = 0
  while (i < a.length || j < b.length) {
    const x = Math.min(i < a.length ? (a[i] as number) : Infinity, j < b.length ? (b[j] as number) : Infinity)
    while (i < a.length && (a[i] as number) <= x) i++
    while (j < b.length && (b[j] as number) <= x) j++
    const diff = Math.abs(countBefore(wa, i) / wa.n - countBefore(wb, j) / wb.n)
    if (diff > d) d = diff
  }
  return d
}
