/**
 * The binned distributions of one feature on both sides, for charts (the HTML report): what
 * the binned drift statistics compared, so a chart shows exactly the numbers behind the score.
 *
 *   numerical:   the reference-decile bins of src/metrics/drift/reference-bins.ts — interior
 *                edges e_1 < … < e_k, bins (−∞, e_1), [e_1, e_2), …, [e_k, +∞) — and the count
 *                of finite values in each bin per side; min/max over both sides bound the open
 *                outer bins on a chart;
 *   categorical: counts per category over the union of categories, the DISTRIBUTION_CATEGORIES
 *                most frequent (both sides together; ties in text order), the rest summed
 *                in `other`.
 * Pure.
 */
import type { SortedRuns } from '../metrics/drift/index.js'
import { valuesOf } from './column-values.js'
import { compareText } from '../metrics/profile/index.js'
import type { CategoryDistributionJson, NumericDistributionJson } from './types.js'

export const DISTRIBUTION_CATEGORIES = 50

export function numericDistribution(
  edges: readonly number[],
  reference: readonly number[],
  current: readonly number[],
  range: { readonly min: number; readonly max: number },
): NumericDistributionJson {
  const finite = Number.isFinite(range.min) && Number.isFinite(range.max)
  return { type: 'bins', edges: [...edges], min: finite ? range.min : null, max: finite ? range.max : null, reference: [...reference], current: [...current] }
}

export function categoryDistribution(
  reference: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
): CategoryDistributionJson {
  const all = [...new Set([...reference.keys(), ...current.keys()])]
  const total = (k: string) => (reference.get(k) ?? 0) + (current.get(k) ?? 0)
  all.sort((a, b) => total(b) - total(a) || compareText(a, b))
  const shown = all.slice(0, DISTRIBUTION_CATEGORIES)
  const rest = all.slice(DISTRIBUTION_CATEGORIES)
  const sum = (m: ReadonlyMap<string, number>) => rest.reduce((s, k) => s + (m.get(k) ?? 0), 0)
  return {
    type: 'categories',
    categories: shown,
    reference: shown.map((k) => reference.get(k) ?? 0),
    current: shown.map((k) => current.get(k) ?? 0),
    other: { categories: rest.length, reference: sum(reference), current: sum(current) },
  }
}

/** Smallest and largest finite value of two samples (±Infinity when there is none). */
export function finiteRange(a: ArrayLike<number> | SortedRuns, b: ArrayLike<number> | SortedRuns): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  // A run's repeats change neither bound.
  for (const xs of [valuesOf(a), valuesOf(b)]) {
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i] as number
      if (!Number.isFinite(x)) continue
      if (x < min) min = x
      if (x > max) max = x
    }
  }
  return { min, max }
}
