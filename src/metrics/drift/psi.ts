/**
 * Population Stability Index over matching bins (numerical reference-decile bins from
 * ./reference-bins.ts, or categories via ./categorical-distances.ts).
 *
 *   PSI = Σ_i (c_i − r_i) · ln(c_i / r_i)
 *
 * with r_i, c_i the reference and current proportions (count / total). An empty bin's
 * proportion is replaced by an epsilon, with no renormalisation afterwards: by default the one
 * Evidently's `psi` stattest uses (get_binned_data, evidently 0.7.23), chosen per side: that
 * side's smallest non-zero proportion / 1e6 when it is <= 1e-4, else 1e-4 (./counts.ts);
 * `epsilon` overrides it for both sides. Natural log. Same value as Evidently's
 * Σ (r − c)·ln(r / c). params.epsilonReference / epsilonCurrent: the epsilons used.
 * Reference values: numpy, scripts/reference/drift.py.
 *
 * Conventions: counts must be finite and >= 0 (RangeError otherwise, see ./counts.ts); either
 * side summing to 0 (an empty sample) gives NaN. A distance, not a test: no p-value.
 */
import type { StatResult } from '../types.js'
import { checkEpsilon, checkSameLength, evidentlyEpsilon, proportionsWithEpsilon, totalOf } from './counts.js'

export interface EpsilonOptions {
  /** Proportion used for an empty bin on both sides. Default: Evidently's rule, per side (./counts.ts). */
  readonly epsilon?: number
}

export function psi(
  referenceCounts: readonly number[],
  currentCounts: readonly number[],
  { epsilon }: EpsilonOptions = {},
): StatResult {
  if (epsilon !== undefined) checkEpsilon(epsilon)
  checkSameLength(referenceCounts, currentCounts)
  const refTotal = totalOf(referenceCounts, 'referenceCounts')
  const curTotal = totalOf(currentCounts, 'currentCounts')
  const bins = referenceCounts.length
  if (refTotal === 0 || curTotal === 0) return { method: 'psi', score: Number.NaN, params: { bins } }
  const params = {
    bins,
    epsilonReference: epsilon ?? evidentlyEpsilon(referenceCounts, refTotal),
    epsilonCurrent: epsilon ?? evidentlyEpsilon(currentCounts, curTotal),
  }
  const r = proportionsWithEpsilon(referenceCounts, refTotal, params.epsilonReference)
  const c = proportionsWithEpsilon(currentCounts, curTotal, params.epsilonCurrent)
  let score = 0
  for (const [i, ri] of r.entries()) {
    const ci = c[i] as number
    score += (ci - ri) * Math.log(ci / ri)
  }
  return { method: 'psi', score, params }
}
