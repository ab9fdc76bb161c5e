/**
 * Jensen–Shannon distance between the reference and current distributions over matching
 * bins or categories, equal to `scipy.spatial.distance.jensenshannon(ref, cur, base=2)`:
 *
 *   p = ref/Σref, q = cur/Σcur, m = (p + q)/2
 *   JS = sqrt( (KL(p‖m) + KL(q‖m)) / (2·ln 2) )      ∈ [0, 1]
 *
 * with 0·ln(0/x) = 0. No epsilon: the mixture m is positive wherever p or q is, so empty bins
 * need no smoothing. This is the distance (square root of the divergence), as Evidently's
 * `jensenshannon` stattest reports it.
 *
 * Conventions: counts finite and >= 0 (RangeError otherwise); an empty side gives NaN.
 */
import type { StatResult } from '../types.js'
import { checkSameLength, totalOf } from './counts.js'

export function jensenShannon(referenceCounts: readonly number[], currentCounts: readonly number[]): StatResult {
  checkSameLength(referenceCounts, currentCounts)
  const refTotal = totalOf(referenceCounts, 'referenceCounts')
  const curTotal = totalOf(currentCounts, 'currentCounts')
  const params = { bins: referenceCounts.length, base: 2 }
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
  const js = (left + right) / Math.log(2)
  return { method: 'jensenshannon', score: Math.sqrt(js / 2), params }
}

/** scipy.special.rel_entr for x >= 0, y > 0 where x > 0. */
function relEntr(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(x / y)
}
