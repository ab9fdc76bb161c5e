/**
 * Jensen–Shannon distance between the reference and current distributions over matching
 * bins or categories, in natural log, equal to `scipy.spatial.distance.jensenshannon(ref, cur)`
 * (base e, scipy's default), which is what Evidently 0.7's `jensenshannon` stattest reports
 * and what its default threshold 0.1 is meant for:
 *
 *   p = ref/Σref, q = cur/Σcur, m = (p + q)/2
 *   JS = sqrt( (KL(p‖m) + KL(q‖m)) / 2 )      ∈ [0, sqrt(ln 2)] ≈ [0, 0.8326]
 *
 * with 0·ln(0/x) = 0. No epsilon: the mixture m is positive wherever p or q is, so empty bins
 * need no smoothing. This is the distance (square root of the divergence).
 * Base 2 (∈ [0, 1]) would be 1/sqrt(ln 2) ≈ 1.2011 times larger and, judged against 0.1,
 * flag drift that Evidently does not (fixtures/evidently.json).
 *
 * Conventions: counts finite and >= 0 (RangeError otherwise); an empty side gives NaN.
 */
import type { StatResult } from '../types.js'
import { checkSameLength, totalOf } from './counts.js'

export function jensenShannon(referenceCounts: readonly number[], currentCounts: readonly number[]): StatResult {
  checkSameLength(referenceCounts, currentCounts)
  const refTotal = totalOf(referenceCounts, 'referenceCounts')
  const curTotal = totalOf(currentCounts, 'currentCounts')
  const params = { bins: referenceCounts.length, base: Math.E }
  if (refTotal === 0 || curTotal === 0) return { method: 'jensenshannon', score: Number.NaN, params }
  let left = 0
  let right = 0
  for (const [i, rc] of referenceCounts.entries()) {
    const p = rc / refTotal
    const q = (currentCounts[i] as number) / curTotal
    const m = (p + q) / 2
    left += relEntr(p, m)
    right += relEntr(q, m)
  }
  return { method: 'jensenshannon', score: Math.sqrt((left + right) / 2), params }
}

/** scipy.special.rel_entr for x >= 0, y > 0 where x > 0. */
function relEntr(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(x / y)
}
