/**
 * The report's data-quality section: per feature, src/metrics/quality's checks of the current
 * file against the reference profile (missing values, type violations, values outside the
 * reference range, categories the reference never had, constant columns), and the outlier
 * summary of both files at the same threshold (the reference's own rate is the baseline the
 * current one should be read against).
 *
 * The outlier summary has status `insufficient` when the reference scores fewer than
 * MIN_OUTLIER_REFERENCE_ROWS (200) rows (rows with a feature to evaluate). The 1% tails are
 * [q_0.005, q_0.995] in numpy's linear quantiles (src/metrics/quality/outlier-score.ts): of n
 * values, q_0.005 lies between the two smallest while (n − 1)·0.005 < 1, so the rule marks the
 * reference's minimum and maximum, 2 of n values, which is at most 1% only from n = 200 on. With
 * fewer rows the tails are the reference's extremes, and a value drawn as the reference's falls
 * beyond them about 0.01 + 1.98/(n + 1) of the time: 7.0% at 30 rows, 2.7% at 100, 2.0% at 200
 * (simulated, normal data, 20,000 references each); with 1 row every other value is extreme.
 * So the rates read as outliers what is sampling. The figures are kept, as a
 * feature's drift statistic without a verdict is; the JSON gives the status and the count
 * needed (`min_reference_rows`), the text and HTML lines say so.
 */
import { type FeatureQuality, LOWER_QUANTILE, type OutlierSummary, qualityAccumulator } from '../metrics/quality/index.js'
import type { ReferenceProfile } from '../metrics/profile/index.js'
import { foldColumn, type Table } from './table.js'
import { leftOutNote } from './left-out.js'
import { num, type Section } from './types.js'

function featureJson(q: FeatureQuality, referenceMissingRate: number): Section {
  return {
    missing_rate: num(q.missingRate),
    reference_missing_rate: num(referenceMissingRate),
    type_violations: q.typeViolations,
    type_violation_rate: num(q.typeViolationRate),
    ...(q.kind === 'numerical'
      ? { non_finite: q.nonFinite, out_of_range: q.outOfRange, out_of_range_rate: num(q.outOfRangeRate) }
      : {
          new_category_count: q.newCategoryCount,
          new_category_rate: num(q.newCategoryRate),
          new_categories: q.newCategories,
          new_categories_truncated: q.newCategoriesTruncated,
        }),
    constant: q.constant,
    reference_constant: q.referenceConstant,
  }
}

/** The reference rows the 1% tails need: one row in each 0.5% tail (above). */
export const MIN_OUTLIER_REFERENCE_ROWS = Math.round(1 / LOWER_QUANTILE)

/** Whether the reference scored rows enough for its 1% tails (above). */
export const outlierStatus = (reference: OutlierSummary): 'ok' | 'insufficient' => (reference.scored >= MIN_OUTLIER_REFERENCE_ROWS ? 'ok' : 'insufficient')

/** `unscored`: rows with no feature to evaluate, left out of the rate and the mean (a note says so). */
function outlierJson(s: OutlierSummary): Section {
  return { scored: s.scored, unscored: s.unscored, outliers: s.outliers, outlier_rate: num(s.outlierRate), mean_score: num(s.meanScore), max_score: num(s.maxScore) }
}

/** The notes on the rows the outlier summaries left out (no feature to evaluate: all missing or type violations). */
export function outlierNotes(outliers: { readonly reference: OutlierSummary; readonly current: OutlierSummary }): string[] {
  return (['reference', 'current'] as const).flatMap((side) => {
    const s = outliers[side]
    return leftOutNote(`${side} outlier rate and mean score`, s.scored + s.unscored, { unscored: s.unscored })
  })
}

/**
 * The per-feature checks read each feature's values on their own (their order within a column
 * does not matter); the outlier summaries, which read rows across features, come in computed
 * (./outlier-counts.ts).
 */
export function qualitySection(
  profile: ReferenceProfile,
  current: Table,
  outliers: { readonly reference: OutlierSummary; readonly current: OutlierSummary },
  outlierThreshold: number,
): Section {
  // One feature at a time (the checks are per feature): one column in memory at once.
  const quality = {
    features: Object.fromEntries(
      Object.entries(profile.features).map(([name, f]) => {
        const one = foldColumn(qualityAccumulator({ ...profile, features: { [name]: f } }), current, name)
        return [name, one.features[name] as FeatureQuality]
      }),
    ),
  }
  return {
    features: Object.fromEntries(
      Object.entries(quality.features).map(([name, q]) => {
        const f = profile.features[name]
        const refMissing = f === undefined || f.count === 0 ? Number.NaN : f.missing / f.count
        return [name, featureJson(q, refMissing)]
      }),
    ),
    outliers: {
      definition: "share of an event's features in the reference's 1% tails",
      threshold: outlierThreshold,
      status: outlierStatus(outliers.reference),
      min_reference_rows: MIN_OUTLIER_REFERENCE_ROWS,
      reference: outlierJson(outliers.reference),
      current: outlierJson(outliers.current),
    },
  }
}
