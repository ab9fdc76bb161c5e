/**
 * Pearson chi-square test of homogeneity between the reference and current category counts,
 * equal to `scipy.stats.chi2_contingency(table, correction=False)` (scipy 1.17) on the 2×k
 * table whose rows are reference and current and whose columns are the union of categories
 * (./categories.ts):
 *
 *   E_ij = (row_i total)·(column_j total) / N
 *   χ² = Σ_ij (O_ij − E_ij)² / E_ij,   dof = k − 1,   p = Pr(χ²_dof > χ²)
 *
 * The survival function is the regularised upper incomplete gamma Q(dof/2, χ²/2) of
 * ./gamma-q.ts, which matches scipy's `chi2.sf` to ~1e-12 relative for dof up to 1e6 and
 * into the tail down to 1e-300 (@stdlib's gammainc, used before, was 0.4–2.6 % off above
 * ~2,000 dof: fixtures/chi2_sf.json).
 *
 * Conventions:
 * - categories with a zero count on both sides are dropped (they carry no information and
 *   would make scipy's expected table contain a zero);
 * - a single category left gives χ² = 0, p = 1, dof = 0 (as scipy);
 * - an empty side (total 0) gives χ² and p NaN (scipy raises);
 * - no Yates continuity correction, also for dof = 1;
 * - unseen categories are part of the table, and reported in params.
 *
 * This differs from Evidently's `chisquare` stattest, a goodness-of-fit test of the current
 * counts against reference proportions, which cannot handle unseen categories.
 */
import type { StatResult } from '../types.js'
import { alignCategories, type CategoryCounts } from './categories.js'
import { totalOf } from './counts.js'
import { gammaQ } from './gamma-q.js'

export function chiSquare(reference: CategoryCounts, current: CategoryCounts): StatResult {
  const aligned = alignCategories(reference, current)
  const refTotal = totalOf(aligned.reference, 'reference')
  const curTotal = totalOf(aligned.current, 'current')
  const kept: [number, number][] = []
  for (const [i, r] of aligned.reference.entries()) {
    const c = aligned.current[i] as number
    if (r + c > 0) kept.push([r, c])
  }
  const params = {
    categories: aligned.categories.length,
    unseenCategories: aligned.unseenCategories,
    unseenCount: aligned.unseenCount,
    correction: false,
  }
  if (refTotal === 0 || curTotal === 0) {
    return { method: 'chi2', score: Number.NaN, pValue: Number.NaN, params: { ...params, dof: null } }
  }
  const dof = kept.length - 1
  if (dof === 0) return { method: 'chi2', score: 0, pValue: 1, params: { ...params, dof } }
  const total = refTotal + curTotal
  let stat = 0
  for (const [rowTotal, row] of [
    [refTotal, 0],
    [curTotal, 1],
  ] as const) {
    for (const cells of kept) {
      const expected = (rowTotal * (cells[0] + cells[1])) / total
      stat += (cells[row] - expected) ** 2 / expected
    }
  }
  return { method: 'chi2', score: stat, pValue: chiSquareSf(stat, dof), params: { ...params, dof } }
}

/** Pr(χ²_dof > x) = Q(dof/2, x/2). */
export function chiSquareSf(x: number, dof: number): number {
  if (x <= 0) return 1
  return gammaQ(dof / 2, x / 2)
}
