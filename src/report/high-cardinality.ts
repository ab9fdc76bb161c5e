/**
 * The note on a categorical feature with many categories for its rows. Its binned distances
 * (Jensen–Shannon, PSI) and chi-square compare per-category shares, and with few values per
 * category those shares are mostly sampling noise: two samples of one Zipf-like distribution
 * over 1,000 categories, 5,000 rows each, are 0.24 apart in Jensen–Shannon, over the 0.1
 * threshold (Evidently gives the same value). The statistic is kept, as Evidently's; the note
 * says when to read it with care: at least HIGH_CARDINALITY_MIN_CATEGORIES distinct categories
 * on a side, and at least one per HIGH_CARDINALITY_VALUES_PER_CATEGORY of that side's values
 * (1,000 categories in 5,000 values). Pure.
 */
import { type FeatureValue, readCategory } from '../metrics/profile/index.js'
import { type ColumnInput, forEachCounted, isCounted } from './counted-column.js'
import { grouped } from './left-out.js'
import type { FeatureDriftJson } from './types.js'

export const HIGH_CARDINALITY_VALUES_PER_CATEGORY = 5
export const HIGH_CARDINALITY_MIN_CATEGORIES = 10

/** The distinct categories of a column (missing values and type violations are none). */
export function distinctCategories(c: ColumnInput): number {
  const seen = new Set<string>()
  const add = (v: FeatureValue) => {
    const r = readCategory(v)
    if (r.kind === 'value') seen.add(r.value)
  }
  if (isCounted(c)) forEachCounted(c, add)
  else for (const v of c) add(v)
  return seen.size
}

type Drift = Pick<FeatureDriftJson, 'treated_as' | 'method' | 'reference_count' | 'current_count' | 'drift_detected'>

/** The note on a categorical feature whose categories are many for its values (none otherwise). */
export function highCardinalityNotes(name: string, d: Drift, reference: ColumnInput, current: ColumnInput): string[] {
  if (d.treated_as !== 'categorical' || d.reference_count === 0 || d.current_count === 0) return []
  const sides = [
    { side: 'reference', categories: distinctCategories(reference), values: d.reference_count },
    { side: 'current', categories: distinctCategories(current), values: d.current_count },
  ]
  const many = (s: (typeof sides)[number]) => s.categories >= HIGH_CARDINALITY_MIN_CATEGORIES && s.categories * HIGH_CARDINALITY_VALUES_PER_CATEGORY >= s.values
  if (!sides.some(many)) return []
  const counts = sides.map((s) => `${s.side} ${grouped(s.categories)} in ${grouped(s.values)} values`).join(', ')
  return [
    `feature "${name}" has many categories for its rows (${counts}; one per ${HIGH_CARDINALITY_VALUES_PER_CATEGORY} values or more): its ${d.method} over the categories is dominated by sampling noise, so identical distributions can read as drifted; read its verdict with care`,
  ]
}
