/**
 * Kullback–Leibler divergence of the reference from the current distribution over matching
 * bins, KL(reference ‖ current), in nats:
 *
 *   r_i, c_i = count / total, an empty bin's proportion replaced by an epsilon (by default
 *   Evidently's, per side, as PSI: ./psi.ts, ./counts.ts), then both renormalised to sum to 1;
 *   KL = Σ_i r_i · ln(r_i / c_i)
 *
 * Direction: reference ‖ current, as Evidently's `kl_div` stattest computes
 * `scipy.stats.entropy(reference_percents, current_percents)`; equal to
 * `scipy.stats.entropy(r, c)` on the epsilon-filled proportions (which renormalises).
 * KL is asymmetric and unbounded; the epsilon caps a bin that empties in the current window
 * at r·ln(r/ε) (ε = 1e-4 unless the current side's rarest bin is rarer than that).
 *
 * Conventions: counts finite and >= 0 (RangeError otherwise); an empty side gives NaN.
 */
import type { StatResult } from '../types.js'
import { checkEpsilon, checkSameLength, evidentlyEpsilon, proportionsWithEpsilon, totalOf } from './counts.js'
import type { EpsilonOptions } from './psi.js'

export function kl(
  referenceCounts: readonly number[],
  currentCounts: readonly number[],
  { epsilon }: EpsilonOptions = {},
): StatResult {
  if (epsilon !== undefined) checkEpsilon(epsilon)
  checkSameLength(referenceCounts, currentCounts)
  const refTotal = totalOf(referenceCounts, 'referenceCounts')
  const curTotal = totalOf(currentCounts, 'currentCounts')
  const shape = { bins: referenceCounts.length, direction: 'reference||current', base: 'e' }
  if (refTotal === 0 || curTotal === 0) return { method: 'kl_div', score: Number.NaN, params: shape }
  const params = {
    ...shape,
    epsilonReference: epsilon ?? evidentlyEpsilon(referenceCounts, refTotal),
    epsilonCurrent: epsilon ?? evidentlyEpsilon(currentCounts, curTotal),
  }
  const r = normalised(proportionsWithEpsilon(referenceCounts, refTotal, params.epsilonReference))
  const c = normalised(proportionsWithEpsilon(currentCounts, curTotal, params.epsilonCurrent))
  let score = 0
  for (const [i, ri] of r.entries()) score += ri * Math.log(ri / (c[i] as number))
  return { method: 'kl_div', score, params }
}

function normalised(p: number[]): number[] {
  const sum = p.reduce((a, b) => a + b, 0)
  return p.map((x) => x / sum)
}
