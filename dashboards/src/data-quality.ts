/** Data quality: missing values, out-of-range values, new categories and outliers per window. */
import { dashboard, options, queryVariable } from './dashboard.js'
import { row, sql, table, timeseries, type PanelSpec } from './grafana.js'
import { each, firedAlerts, MODEL, modelVariable, VERSIONS, versionsVariable } from './shared.js'

const FEATURES = `feature IN ${each('feature')}`

const featureVariable = queryVariable({
  name: 'feature',
  label: 'Feature',
  description: 'Features to show',
  sql: sql`
    SELECT DISTINCT ${options('feature')} FROM quality
    WHERE ${MODEL} AND feature != ''
    ORDER BY __text`,
  multi: true,
  includeAll: true,
})

/** A per-feature rate over time (quality rows of one metric). */
function featureRate(metric: string, title: string, description: string): PanelSpec {
  return timeseries({
    title,
    description,
    unit: 'percentunit',
    min: 0,
    w: 8,
    sql: sql`
      SELECT window_start AS time, concat(feature, ' ', model_version) AS series, value AS Value
      FROM quality FINAL
      WHERE ${MODEL} AND ${VERSIONS} AND ${FEATURES} AND metric = '${metric}' AND isFinite(value) AND $__timeFilter(window_start)
      ORDER BY time, series`,
  })
}

export const dataQuality = dashboard({
  uid: 'driftwatch-data-quality',
  title: 'driftwatch / Data quality',
  description: 'Missing values, values outside the reference range, unseen categories and outlier events, per window.',
  variables: [modelVariable, versionsVariable, featureVariable],
  annotations: [firedAlerts],
  panels: [
    featureRate('missing_rate', 'Missing rate', 'Share of events missing the feature (absent or null).'),
    featureRate('out_of_range_rate', 'Out-of-range rate', 'Share of a numerical feature\'s values below the reference minimum or above its maximum.'),
    featureRate('new_category_rate', 'New-category rate', 'Share of a categorical feature\'s values in categories the reference never had.'),
    timeseries({
      title: 'Outlier rate',
      description: 'Share of events whose outlier score (share of their features far outside the reference) exceeds the outlier threshold.',
      unit: 'percentunit',
      min: 0,
      sql: sql`
        SELECT window_start AS time, model_version, value AS Value
        FROM quality FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND feature = '' AND metric = 'outlier_rate' AND isFinite(value) AND $__timeFilter(window_start)
        ORDER BY time, model_version`,
    }),
    timeseries({
      title: 'Outlier score',
      description: 'Mean and maximum per-event outlier score per window (share of an event\'s features far outside the reference).',
      unit: 'none',
      min: 0,
      sql: sql`
        SELECT window_start AS time, concat(model_version, ' ', replaceOne(metric, 'outlier_score_', '')) AS series, value AS Value
        FROM quality FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND feature = '' AND metric IN ('outlier_score_mean', 'outlier_score_max')
          AND isFinite(value) AND $__timeFilter(window_start)
        ORDER BY time, series`,
    }),
    row('Per feature'),
    table({
      title: 'Quality per feature over the time range',
      description: 'Mean per-window rates of each feature and the worst window.',
      w: 24,
      sql: sql`
        SELECT feature, model_version,
               avgIf(value, metric = 'missing_rate') AS missing_rate,
               maxIf(value, metric = 'missing_rate') AS worst_missing_rate,
               avgIf(value, metric = 'out_of_range_rate') AS out_of_range_rate,
               maxIf(value, metric = 'out_of_range_rate') AS worst_out_of_range_rate,
               avgIf(value, metric = 'new_category_rate') AS new_category_rate,
               maxIf(value, metric = 'new_category_rate') AS worst_new_category_rate
        FROM quality FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND ${FEATURES} AND isFinite(value) AND $__timeFilter(window_start)
        GROUP BY feature, model_version
        ORDER BY feature, model_version`,
    }),
  ],
})
