/**
 * Data-quality rows of a window (table quality). Pure.
 *
 *   missing_rate       per feature of the window (./compute.ts: the model's configured
 *                      features, the reference's and the window's): events missing it / events.
 *                      An event misses a feature when it carries no value of it: sent as null,
 *                      or left out. The partial counts both for every feature some event of the
 *                      window mentions (./queries.ts volumeQuery); a feature no event mentions is
 *                      missing from every event. Written with or without a reference.
 *   new_category_rate  per feature compared as categories: values in categories the reference
 *                      never had (the drift row's unseen_categories) / values. A categorical
 *                      feature counts from the window's category counts; a numerical feature
 *                      with few values, compared as categories (./drift-rows.ts), from the
 *                      window's exact value counts (./compute.ts passes them in `categories`),
 *                      or from its deterministic sample when a partial has no value counts (one
 *                      stored before they were kept; n = sample size).
 *                      With neither, or with a reference that has no values of the feature
 *                      (a first window), no row (never a rate that was not measured).
 *   out_of_range_rate  per numerical feature with a reference range: values < reference min or
 *                      > reference max / values (src/metrics/quality/feature-quality.ts)
 *   outlier_score_mean, outlier_rate, outlier_score_max   feature '': the per-event outlier
 *                      score of src/metrics/quality/outlier-score.ts aggregated as its
 *                      outlierAccumulator does, threshold OUTLIER_THRESHOLD (0.25); n = events
 *                      with at least one evaluated feature
 * Rates with a zero denominator are NaN. The outlier aggregates come from event counts by
 * (evaluated, extreme) features, summed in ascending key order, so they are deterministic; the
 * mean equals the accumulator's up to float summation order (~1e-16 relative).
 */
import { own } from '../metrics/own.js'
import { OUTLIER_THRESHOLD, type OutlierSummary, outlierSummaryOfGroups } from '../metrics/quality/index.js'
import type { DriftRow } from './drift-rows.js'
import type { Partial } from './partial-state.js'
import type { QualityBounds } from './quality-bounds.js'

export interface QualityRow {
  feature: string
  metric: string
  value: number
  n: number
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN)

export const outlierKey = (evaluated: number, extreme: number) => `${evaluated}/${extreme}`

/** outlierAccumulator's summary from event counts by (evaluated, extreme) (outlierSummaryOfGroups). */
export function outlierSummary(counts: Readonly<Record<string, number>>, threshold = OUTLIER_THRESHOLD): OutlierSummary {
  return outlierSummaryOfGroups(
    Object.entries(counts).map(([key, count]) => {
      const [evaluated, extreme] = key.split('/').map(Number) as [number, number]
      return { evaluated, extreme, count }
    }),
    threshold,
  )
}

/**
 * Events of the window that carry no value of `feature` (./queries.ts volumeQuery). A feature the
 * partial has no count for was mentioned by no event, unless the window has values of it (a
 * partial whose counts list only the features sent as null): then none is missing.
 */
export function missingEvents(cur: Partial, feature: string, samples: ReadonlyMap<string, readonly number[]> = new Map()): number {
  const counted = own(cur.missing, feature)
  if (counted !== undefined) return counted
  const hasValues = own(cur.numeric, feature) !== undefined || own(cur.categorical, feature) !== undefined || (samples.get(feature)?.length ?? 0) > 0
  return hasValues ? 0 : cur.predictions
}

/**
 * `features`: every feature of the window, for missing_rate; `drift`: the feature drift rows, for
 * new_category_rate; `categories`: the window's category counts of the features compared as
 * categories with their numbers as one (./compute.ts categoriesOf), where they differ from the
 * partial's.
 */
export function qualityRows(
  cur: Partial, features: readonly string[], drift: readonly DriftRow[], bounds: QualityBounds, samples: ReadonlyMap<string, readonly number[]> = new Map(),
  categories: ReadonlyMap<string, Readonly<Record<string, number>>> = new Map(),
): QualityRow[] {
  const rows: QualityRow[] = [...new Set(features)].sort().map((feature) => (
    { feature, metric: 'missing_rate', value: ratio(missingEvents(cur, feature, samples), cur.predictions), n: cur.predictions }
  ))
  for (const r of drift) {
    // Against a reference without values of the feature (a model's first window compared with
    // the windows before it), every category is "new": that measures the reference, not the window.
    if (r.column_kind !== 'categorical' || r.n_current === 0 || r.n_reference === 0) continue
    // A feature with numbers and categories is compared with its numbers as one category (./compute.ts categoriesOf).
    const counts = categories.get(r.column) ?? own(cur.categorical, r.column)
    const sample = samples.get(r.column)
    if (counts) {
      const unseen = r.unseen_categories.reduce((s, c) => s + (own(counts, c) ?? 0), 0)
      rows.push({ feature: r.column, metric: 'new_category_rate', value: ratio(unseen, r.n_current), n: r.n_current })
    } else if (sample && sample.length > 0) {
      // Categories of a numerical feature are String(x), as drift-rows.ts's countValues names them.
      const unseen = new Set(r.unseen_categories)
      const count = sample.reduce((s, x) => s + (unseen.has(String(x)) ? 1 : 0), 0)
      rows.push({ feature: r.column, metric: 'new_category_rate', value: count / sample.length, n: sample.length })
    }
  }
  for (const feature of Object.keys(bounds.ranges).sort()) {
    const checked = own(cur.rangeChecked, feature) ?? 0
    rows.push({ feature, metric: 'out_of_range_rate', value: ratio(own(cur.outOfRange, feature) ?? 0, checked), n: checked })
  }
  if (Object.keys(bounds.tails).length + Object.keys(bounds.usual).length > 0) {
    const o = outlierSummary(cur.outliers)
    rows.push(
      { feature: '', metric: 'outlier_score_mean', value: o.meanScore, n: o.scored },
      { feature: '', metric: 'outlier_rate', value: o.outlierRate, n: o.scored },
      { feature: '', metric: 'outlier_score_max', value: o.maxScore, n: o.scored },
    )
  }
  return rows
}
