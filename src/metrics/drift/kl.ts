/**
 * Kullback–Leibler divergence of the reference from the current distribution over matching
 * bins, KL(reference ‖ current), in nats:
 *
 *   r_i, c_i = count / total, an empty bin's proportion replaced by epsilon (default 1e-4,
 *   the same as PSI), then both renormalised to sum to 1;
 *   KL = Σ_i r_i · ln(r_i / c_i)
 *
 * Direction: reference ‖ current, as Evidently's `kl_div` stattest computes
 * `scipy.stats.entropy(reference_percents, current_percents)`; equal to
 * `scipy.stats.entropy(r, c)` on the epsilon-filled proportions (which renormalises).
 * KL is asymmetric and unbounded; the epsilon caps a bin that empties in the current window
 * at r·ln(r/1e-4).
 *
 * Conventions: counts finite and >= 0 (RangeError otherwise); an empty side gives NaN.
 */
import type { StatResult } from '../types.js'
import { checkEpsilon, checkSameLength, DEFAULT_EPSILON, proportionsWithEpsilon, totalOf } from './counts.js'
import type { EpsilonOptions } from './psi.js'

export function kl(
  referenceCounts: readonly number[],
  currentCounts: readonly number[],
  { epsilon = DEFAULT_EPSILON }: EpsilonOptions = {},
): StatResult {
  checkEpsilon(epsilon)
  checkSameLength(referenceCounts, currentCounts)
  const refTotal = totalOf(referenceCounts, 'referenceCounts')
  const curTotal = totalOf(currentCounts, 'currentCounts')
  const params = { bins: referenceCounts.length, epsilon, direction: 'reference||current', base: 'e' }
  if (refTotal === 0 || curTotal === 0) return { method: 'kl_div', score: Number.NaN, params }
  const r = normalised(proportionsWithEpsilon(referenceCounts, refTotal, epsilon))
  const c = normalised(proportionsWithEpsilon(currentCounts, curTotal, epsilon))
  let score = 0
  for (const [i, ri] of r.entries()) score += ri * Math.log(ri / (c[i] as number))
  return { method: 'kl_div', score, params }
}

function normalised(p: number[]): number[] {
  const sum = p.reduce((a, b) => a + b, 0)
  return p.map((x) => x / sum)
}
