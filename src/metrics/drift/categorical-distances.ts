/**
 * Categorical drift distances over the union of reference and current categories
 * (./categories.ts), reusing the binned definitions with one bin per category:
 *
 * - categoricalPsi: PSI, empty proportions replaced by an epsilon (Evidently's, per side), see ./psi.ts;
 * - categoricalJensenShannon: Jensen–Shannon distance, natural log (as Evidently), no epsilon,
 *   equal to `scipy.spatial.distance.jensenshannon(ref, cur)`, see ./jensen-shannon.ts;
 * - linf: L∞ distance max_i |p_i − q_i| between the category frequencies (∈ [0, 1]).
 *
 * Every result reports `categories`, `unseenCategories` and `unseenCount` in its params.
 * Counts must be finite and >= 0 (RangeError otherwise); an empty side gives NaN.
 */
import type { StatResult } from '../types.js'
import { type AlignedCategories, alignCategories, type CategoryCounts } from './categories.js'
import { totalOf } from './counts.js'
import { jensenShannon } from './jensen-shannon.js'
import { type EpsilonOptions, psi } from './psi.js'

export function categoricalPsi(
  reference: CategoryCounts,
  current: CategoryCounts,
  options: EpsilonOptions = {},
): StatResult {
  const aligned = alignCategories(reference, current)
  return withCategories(psi(aligned.reference, aligned.current, options), aligned)
}

export function categoricalJensenShannon(reference: CategoryCounts, current: CategoryCounts): StatResult {
  const aligned = alignCategories(reference, current)
  return withCategories(jensenShannon(aligned.reference, aligned.current), aligned)
}

export function linf(reference: CategoryCounts, current: CategoryCounts): StatResult {
  const aligned = alignCategories(reference, current)
  const refTotal = totalOf(aligned.reference, 'reference')
  const curTotal = totalOf(aligned.current, 'current')
  let score = refTotal === 0 || curTotal === 0 ? Number.NaN : 0
  for (const [i, r] of aligned.reference.entries()) {
    score = Math.max(score, Math.abs(r / refTotal - (aligned.current[i] as number) / curTotal))
  }
  return withCategories({ method: 'linf', score, params: {} }, aligned)
}

function withCategories(result: StatResult, aligned: AlignedCategories): StatResult {
  const { bins: _bins, ...rest } = result.params
  return {
    ...result,
    params: {
      ...rest,
      categories: aligned.categories.length,
      unseenCategories: aligned.unseenCategories,
      unseenCount: aligned.unseenCount,
    },
  }
}
