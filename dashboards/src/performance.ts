/** Performance: every stored metric over time by version and variant, degradation, champion vs challenger. */
import { dashboard, options, queryVariable } from './dashboard.js'
import { row, sql, table, timeseries } from './grafana.js'
import { each, firedAlerts, MODEL, modelVariable, one, VERSIONS, versionsVariable } from './shared.js'

const VARIANTS = `variant IN ${each('variant')}`
const METRICS = `metric IN ${each('metric')}`

/**
 * The comparison rows of each window's newest evaluation. The evaluator writes all of a window's
 * comparisons in one insert under one eval_version, and a re-evaluation may compare other versions
 * (the champion changed, a challenger lost its labels): those pairs have keys of their own, which
 * FINAL keeps, so older evaluations are left out by eval_version, as src/read/comparisons.ts does.
 */
const NEWEST_COMPARISONS = sql`
  (window_start, eval_version) IN (
    SELECT window_start, max(eval_version) FROM comparison
    WHERE ${MODEL} AND $__timeFilter(window_start)
    GROUP BY window_start
  )`

const variantVariable = queryVariable({
  name: 'variant',
  label: 'Variant',
  description: 'Deployment variants; "all" is the whole version',
  sql: sql`
    SELECT DISTINCT ${options('variant')} FROM performance
    WHERE ${MODEL} AND ${VERSIONS}
    ORDER BY __text`,
  multi: true,
  includeAll: true,
})

const metricVariable = queryVariable({
  name: 'metric',
  label: 'Metric',
  description: 'Realized and estimated performance metrics; one panel each',
  sql: sql`
    SELECT DISTINCT ${options('metric')} FROM performance
    WHERE ${MODEL} AND kind IN ('realized', 'estimated')
    ORDER BY __text`,
  multi: true,
  includeAll: true,
})

const DASHED_ESTIMATES = [{ matcher: { id: 'byRegexp', options: '.*estimated.*' }, properties: [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }] }]

export const performance = dashboard({
  uid: 'driftwatch-performance',
  title: 'driftwatch / Performance',
  description: 'Realized and estimated (CBPE) performance per window, version and variant; degradation against the reference; champion vs challenger.',
  variables: [modelVariable, versionsVariable, variantVariable, metricVariable],
  annotations: [firedAlerts],
  panels: [
    row('Champion vs challenger'),
    table({
      title: 'Champion vs challenger over the time range',
      description: 'Mean per-window realized and estimated value of each metric per variant and version, and the labels behind the realized one.',
      sql: sql`
        SELECT metric, variant, model_version AS version,
               avgIf(value, kind = 'realized' AND isFinite(value)) AS realized,
               avgIf(value, kind = 'estimated' AND isFinite(value)) AS estimated,
               sumIf(n, kind = 'realized') AS labeled
        FROM performance FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND variant IN ('champion', 'challenger') AND ${METRICS} AND $__timeFilter(window_start)
        GROUP BY metric, variant, model_version
        ORDER BY metric, variant DESC, version`,
    }),
    timeseries({
      title: 'Challenger − champion per window',
      description:
        'Per-window difference of each metric, challenger minus champion (comparison table), in windows where both have labels; ' +
        'one series per metric and pair of versions ("metric: challenger − champion"), from the window\'s newest evaluation. ' +
        'Its confidence interval and p-value are in the table below: a difference whose interval contains 0 is not significant.',
      sql: sql`
        SELECT window_start AS time, concat(metric, ': ', challenger_version, ' − ', champion_version) AS series, difference AS Value
        FROM comparison FINAL
        WHERE ${MODEL} AND isFinite(difference) AND $__timeFilter(window_start)
          AND ${NEWEST_COMPARISONS}
        ORDER BY time, series`,
    }),
    table({
      title: 'Comparison per window',
      description: 'Each version\'s metric, the difference, its interval and p-value, and the denominators (each window\'s newest evaluation).',
      w: 24,
      sql: sql`
        SELECT window_start, metric, method, champion_version, challenger_version, champion_value, challenger_value,
               difference, ci_low, ci_high, p_value, n_champion, n_challenger
        FROM comparison FINAL
        WHERE ${MODEL} AND $__timeFilter(window_start)
          AND ${NEWEST_COMPARISONS}
        ORDER BY window_start DESC, metric, challenger_version, champion_version`,
    }),
    row('Degradation against the reference'),
    timeseries({
      title: 'Degradation: window − reference',
      description:
        'metric(window) − metric(reference) per version and metric (kind degradation). Below 0 is worse, except for ' +
        'false_positive_rate (higher is worse) and selection_rate (a shift either way).',
      sql: sql`
        SELECT window_start AS time, concat(model_version, ' ', metric) AS series, value AS Value
        FROM performance FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND kind = 'degradation' AND isFinite(value) AND $__timeFilter(window_start)
        ORDER BY time, series`,
    }),
    table({
      title: 'Degradation with confidence intervals',
      description: 'The degradation rows with their intervals; an interval that excludes 0 is a significant change.',
      sql: sql`
        SELECT window_start, model_version, metric, value AS difference, ci_low, ci_high, n
        FROM performance FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND kind = 'degradation' AND $__timeFilter(window_start)
        ORDER BY window_start DESC, model_version, metric`,
    }),
    row('Label coverage'),
    timeseries({
      title: 'Label coverage per variant',
      description: 'Share of each variant\'s predictions that have labels, per window (what realized metrics stand on).',
      unit: 'percentunit',
      min: 0,
      max: 1,
      w: 24,
      sql: sql`
        SELECT window_start AS time, concat(model_version, ' / ', variant) AS series, any(label_coverage) AS Value
        FROM performance FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND ${VARIANTS} AND kind = 'realized' AND isFinite(label_coverage) AND $__timeFilter(window_start)
        GROUP BY time, series
        ORDER BY time, series`,
    }),
    row('Metric ${metric:text}', 'metric'),
    timeseries({
      title: '${metric:text} by version and variant',
      description: 'Realized (solid) and CBPE-estimated (dashed) values per window.',
      w: 24,
      sql: sql`
        SELECT window_start AS time, concat(model_version, ' / ', variant, ' ', kind) AS series, value AS Value
        FROM performance FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND ${VARIANTS} AND metric = ${one('metric')}
          AND kind IN ('realized', 'estimated') AND isFinite(value) AND $__timeFilter(window_start)
        ORDER BY time, series`,
      overrides: DASHED_ESTIMATES,
    }),
  ],
})
