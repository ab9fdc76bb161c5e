/**
 * Two-proportion z-test for a binary feature, Evidently's `z` stattest (its default for
 * categorical data with at most two values and <= 1000 reference rows):
 *
 *   categories sorted; p_ref, p_cur = share of observations that are NOT the first category
 *   P = (p_ref·n_ref + p_cur·n_cur)/(n_ref + n_cur)
 *   z = (p_ref − p_cur) / sqrt(P(1 − P)(1/n_ref + 1/n_cur)),   p = 2·Φ(−|z|) = erfc(|z|/√2)
 *
 * Evidently writes p = 2·(1 − Φ(|z|)); erfc (@stdlib/math-base-special-erfc) is the same
 * value without losing small p-values to cancellation. z² equals the uncorrected chi-square
 * statistic of the 2×2 table, and the p-values agree (./chi-square.ts).
 *
 * Conventions: both samples holding one and the same category gives z = 0, p = 1 (as
 * Evidently); an empty side gives NaN; more than two categories is a RangeError (the method
 * was chosen for binary data, see ./select-method.ts). Reference values: scipy.stats.norm.
 */
import erfc from '@stdlib/math-base-special-erfc'
import type { StatResult } from '../types.js'
import { alignCategories, type CategoryCounts } from './categories.js'
import { totalOf } from './counts.js'

export function zTest(reference: CategoryCounts, current: CategoryCounts): StatResult {
  const aligned = alignCategories(reference, current)
  const n1 = totalOf(aligned.reference, 'reference')
  const n2 = totalOf(aligned.current, 'current')
  const present = aligned.categories.filter(
    (_, i) => (aligned.reference[i] as number) + (aligned.current[i] as number) > 0,
  )
  if (present.length > 2) {
    throw new RangeError(`the z-test needs at most two categories, got ${present.length}`)
  }
  const params = { unseenCategories: aligned.unseenCategories, unseenCount: aligned.unseenCount }
  if (n1 === 0 || n2 === 0) return { method: 'z', score: Number.NaN, pValue: Number.NaN, params }
  if (present.length <= 1) return { method: 'z', score: 0, pValue: 1, params }
  const first = [...present].sort()[0] as string
  const index = aligned.categories.indexOf(first)
  const p1 = (n1 - (aligned.reference[index] as number)) / n1
  const p2 = (n2 - (aligned.current[index] as number)) / n2
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
  return { method: 'z', score: z, pValue: erfc(Math.abs(z) / Math.SQRT2), params }
}
