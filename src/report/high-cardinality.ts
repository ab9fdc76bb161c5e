/**
 * The note on a categorical feature with many categories for its rows: the distance that
 * decides its verdict would read as drift between two samples of one distribution. A distance
 * has no p-value, so its threshold does not account for sampling noise, and over K categories
 * that noise grows with K/n. The note fires when the distance two samples of one distribution
 * show by chance alone is at least half the verdict's threshold.
 *
 * Expected noise under one distribution p over K categories, reference of n_r values, current
 * of n_c (second order in d = p̂ − q̂, with m = (p̂ + q̂)/2 and E[d_i²] = p_i(1 − p_i)(1/n_r + 1/n_c),
 * so E[Σ d_i²/m_i] ≈ (K − 1)(1/n_r + 1/n_c), whatever p is):
 *
 *   jensenshannon (natural log, ../metrics/drift/jensen-shannon.ts): JS² = ½(KL(p̂‖m) + KL(q̂‖m))
 *                 ≈ Σ d²/(8m), so JS ≈ sqrt((K − 1)/8 · (1/n_r + 1/n_c));
 *                 equal sizes n: sqrt((K − 1)/(4n)) (base 2 would be 1/sqrt(ln 2) times that)
 *   psi:          Σ d·ln(p̂/q̂) ≈ Σ d²/m, so PSI ≈ (K − 1)(1/n_r + 1/n_c) (a floor: empty
 *                 categories, smoothed by epsilon, add more)
 *
 * Measured (seeded, ./high-cardinality.test.ts): 10,000 uniform categories, 50,000 rows a side,
 * JS 0.232 against 0.2236 estimated; 200,000 rows a side, 0.1124 against 0.1118; within 1% when
 * the smaller side expects ~25 values or more per category, and up to ~10% below the measured
 * mean when it expects a few (terms past the second order): a floor there. The chi-square test
 * on such counts gives p ≈ 0.7–0.95, no drift. A test (chi2, z) decides on a p-value that
 * accounts for the sizes already, and linf has no estimate here: no note for them. Pure.
 */
import { type FeatureValue, readCategory } from '../metrics/profile/index.js'
import { type ColumnInput, forEachCounted, isCounted } from './counted-column.js'
import { grouped } from './left-out.js'
import type { FeatureDriftJson } from './types.js'

/** The note fires when the expected noise is at least this share of the threshold. */
export const NOISE_SHARE_OF_THRESHOLD = 0.5

/** The distinct categories of a column (missing values and type violations are none), added to `seen`. */
export function addCategories(c: ColumnInput, seen: Set<string>): Set<string> {
  const add = (v: FeatureValue) => {
    const r = readCategory(v)
    if (r.kind === 'value') seen.add(r.value)
  }
  if (isCounted(c)) forEachCounted(c, add)
  else for (const v of c) add(v)
  return seen
}

/** The distinct categories of a column. */
export const distinctCategories = (c: ColumnInput): number => addCategories(c, new Set()).size

/**
 * The distance two samples of one distribution over `categories` categories show by chance,
 * of sizes `referenceCount` and `currentCount` (formulas above); undefined for a method with no
 * estimate (the tests, linf).
 */
export function expectedNoise(method: string, categories: number, referenceCount: number, currentCount: number): number | undefined {
  const spread = Math.max(categories - 1, 0) * (1 / referenceCount + 1 / currentCount)
  if (method === 'jensenshannon') return Math.sqrt(spread / 8)
  if (method === 'psi') return spread
  return undefined
}

type Drift = Pick<FeatureDriftJson, 'treated_as' | 'method' | 'threshold' | 'threshold_kind' | 'reference_count' | 'current_count' | 'drift_detected'>

/** The note on a categorical feature whose deciding distance is mostly noise for its rows (none otherwise). */
export function highCardinalityNotes(name: string, d: Drift, reference: ColumnInput, current: ColumnInput): string[] {
  if (d.treated_as !== 'categorical' || d.threshold_kind !== 'score' || d.reference_count === 0 || d.current_count === 0) return []
  const referenceCategories = addCategories(reference, new Set())
  const categories = addCategories(current, new Set(referenceCategories)).size
  const noise = expectedNoise(d.method, categories, d.reference_count, d.current_count)
  if (noise === undefined || !(noise >= NOISE_SHARE_OF_THRESHOLD * d.threshold)) return []
  const counts = [
    `reference ${grouped(referenceCategories.size)} in ${grouped(d.reference_count)} values`,
    `current ${grouped(distinctCategories(current))} in ${grouped(d.current_count)} values`,
  ].join(', ')
  return [
    `feature "${name}" has many categories for its rows (${counts}): its ${d.method} over the categories is dominated by sampling noise, ` +
      `about ${noise.toFixed(4)} between two samples of one distribution, at least half its threshold ${d.threshold}, so identical distributions can read as drifted; ` +
      `read its verdict with care: the chi-square p-value in the JSON (chi2.p_value) is the better reading there`,
  ]
}
