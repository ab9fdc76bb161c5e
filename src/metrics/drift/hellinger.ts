/**
 * Hellinger distance between the reference and current distributions over matching bins:
 *
 *   H = sqrt( Σ_i (√p_i − √q_i)² / 2 )      ∈ [0, 1]
 *
 * with p, q the reference and current proportions. No epsilon: empty bins are exact zeros.
 * This is the same quantity as Evidently's sqrt(1 − Σ √(p·q)) (the Bhattacharyya form) but
 * evaluated without its cancellation when the distributions are close.
 * Reference values: numpy, scripts/reference/drift.py.
 *
 * Conventions: counts finite and >= 0 (RangeError otherwise); an empty side gives NaN.
 */
import type { StatResult } from '../types.js'
import { checkSameLength, totalOf } from './counts.js'

export function hellinger(referenceCounts: readonly number[], currentCounts: readonly number[]): StatResult {
  checkSameLength(referenceCounts, currentCounts)
  const refTotal = totalOf(referenceCounts, 'referenceCounts')
  const curTotal = totalOf(currentCounts, 'currentCounts')
  const params = { bins: referenceCounts.length }
  if (refTotal === 0 || curTotal === 0) return { method: 'hellinger', score: Number.NaN, params }
  let sum = 0
  for (const [i, rc] of referenceCounts.entries()) {
    sum += (Math.sqrt(rc / refTotal) - Math.sqrt((currentCounts[i] as number) / curTotal)) ** 2
  }
  return { method: 'hellinger', score: Math.sqrt(sum / 2), params }
}
