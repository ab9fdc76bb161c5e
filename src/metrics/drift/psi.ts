/**
 * Population Stability Index over matching bins (numerical reference-decile bins from
 * ./reference-bins.ts, or categories via ./categorical-distances.ts).
 *
 *   PSI = Σ_i (c_i − r_i) · ln(c_i / r_i)
 *
 * with r_i, c_i the reference and current proportions (count / total). An empty bin's
 * proportion is replaced by epsilon (default 1e-4, as Evidently's `psi` stattest does), with
 * no renormalisation afterwards. Natural log. Same value as Evidently's
 * Σ (r − c)·ln(r / c). Reference values: numpy, scripts/reference/drift.py.
 *
 * Conventions: counts must be finite and >= 0 (RangeError otherwise, see ./counts.ts); either
 * side summing to 0 (an empty sample) gives NaN. A distance, not a test: no p-value.
 */
import type { StatResult } from '../types.js'
import { checkEpsilon, checkSameLength, DEFAULT_EPSILON, proportionsWithEpsilon, totalOf } from './counts.js'

export interface EpsilonOptions {
  /** Proportion used for an empty bin. Default 1e-4. */
  readonly epsilon?: number
}

export function psi(
  referenceCounts: readonly number[],
  currentCounts: readonly number[],
  { epsilon = DEFAULT_EPSILON }: EpsilonOptions = {},
): StatResult {
  checkEpsilon(epsilon)
  checkSameLength(referenceCounts, currentCounts)
  const refTotal = totalOf(referenceCounts, 'referenceCounts')
  const curTotal = totalOf(currentCounts, 'currentCounts')
  const params = { bins: referenceCounts.length, epsilon }
  if (refTotal === 0 || curTotal === 0) return { method: 'psi', score: Number.NaN, params }
  const r = proportionsWithEpsilon(referenceCounts, refTotal, epsilon)
  const c = proportionsWithEpsilon(currentCounts, curTotal, epsilon)
  let score = 0
  for (const [i, ri] of r.entries()) {
    const ci = c[i] as number
    score += (ci - ri) * Math.log(ci / ri)
  }
  return { method: 'psi', score, params }
}
