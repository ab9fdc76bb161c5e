/** Model overview: is the model getting traffic and labels, is it drifting, is it performing, what is firing. */
import { MAIN_METRICS } from '../../src/read/headline.js'
import { dashboard, options, queryVariable } from './dashboard.js'
import { row, sql, stat, table, timeseries } from './grafana.js'
import { alertTransitions, firedAlerts, MODEL, modelVariable, one, VERSIONS, versionsVariable } from './shared.js'

const SUMMARY = `FROM window_summary FINAL\nWHERE ${MODEL} AND ${VERSIONS} AND $__timeFilter(window_start)`

/** The newest state of every alert of the model; an alert is current while that state is 'firing'. */
const LATEST_ALERTS = sql`
  SELECT
    alert_key,
    argMax(rule, changed_at) AS latest_rule,
    argMax(metric, changed_at) AS latest_metric,
    argMax(model_version, changed_at) AS latest_version,
    argMax(subject, changed_at) AS latest_subject,
    argMax(status, changed_at) AS latest_status,
    argMax(severity, changed_at) AS latest_severity,
    argMax(value, changed_at) AS latest_value,
    argMax(threshold, changed_at) AS latest_threshold,
    argMax(window_start, changed_at) AS latest_window,
    max(changed_at) AS since
  FROM alerts
  WHERE ${MODEL}
  GROUP BY alert_key`

/**
 * The headline metric of every task (src/read/headline.ts), most preferred first. One list serves
 * all tasks because their metric names tell them apart: only binary models store roc_auc, only
 * regression models mae, so a model's first metric in this order is its own task's headline one.
 */
const HEADLINE_ORDER = `[${[...new Set(Object.values(MAIN_METRICS).flat())].map((m) => `'${m}'`).join(', ')}]`

/** Realized and estimated metrics (multiclass and regression have realized ones only), the headline metric first. */
const metricVariable = queryVariable({
  name: 'metric',
  label: 'Metric',
  description: 'The performance metric compared realized vs estimated (the model\'s headline metric first)',
  sql: sql`
    SELECT DISTINCT ${options('metric')} FROM performance
    WHERE ${MODEL} AND variant = 'all' AND kind IN ('realized', 'estimated')
    ORDER BY indexOf(${HEADLINE_ORDER}, __text) = 0, indexOf(${HEADLINE_ORDER}, __text), __text`,
})

export const modelOverview = dashboard({
  uid: 'driftwatch-model-overview',
  title: 'driftwatch / Model overview',
  description: 'Traffic, labels, drift, performance and alerts of one model, per evaluation window.',
  variables: [modelVariable, versionsVariable, metricVariable],
  annotations: [firedAlerts],
  panels: [
    stat({ title: 'Predictions', description: 'Predictions in the evaluated windows of the time range.', unit: 'short', sql: sql`
        SELECT sum(predictions) AS predictions
        ${SUMMARY}` }),
    stat({
      title: 'Label coverage',
      description: 'Share of those predictions that have a ground-truth label so far.',
      unit: 'percentunit',
      decimals: 1,
      thresholds: [['red', null], ['orange', 0.5], ['green', 0.8]],
      sql: sql`
        SELECT sum(labeled) / nullIf(sum(predictions), 0) AS label_coverage
        ${SUMMARY}`,
    }),
    stat({
      title: 'Mean latency to label',
      description: 'Mean time from a prediction to its label, over the labeled predictions.',
      unit: 's',
      sql: sql`
        SELECT sumIf(mean_label_delay_s * labeled, labeled > 0) / nullIf(sum(labeled), 0) AS mean_label_delay_s
        ${SUMMARY}`,
    }),
    stat({
      title: 'Firing alerts',
      description: 'Alerts of this model whose latest state is firing.',
      thresholds: [['green', null], ['red', 1]],
      sql: sql`
        SELECT countIf(latest_status = 'firing') AS firing
        FROM (
          ${LATEST_ALERTS}
        )`,
    }),
    timeseries({
      title: 'Predictions per window',
      description: 'Volume per evaluation window and version (window_summary).',
      unit: 'short',
      bars: true,
      sql: sql`
        SELECT window_start AS time, model_version, predictions AS Value
        ${SUMMARY}
        ORDER BY time, model_version`,
    }),
    timeseries({
      title: 'Label coverage per window',
      description: 'Labeled / predictions per window. Recent windows fill up as delayed labels arrive.',
      unit: 'percentunit',
      min: 0,
      max: 1,
      sql: sql`
        SELECT window_start AS time, model_version, label_coverage AS Value
        ${SUMMARY} AND predictions > 0
        ORDER BY time, model_version`,
    }),
    timeseries({
      title: 'Mean latency to label per window',
      description: 'Mean time from prediction to label for the labeled predictions of each window.',
      unit: 's',
      sql: sql`
        SELECT window_start AS time, model_version, mean_label_delay_s AS Value
        ${SUMMARY} AND labeled > 0
        ORDER BY time, model_version`,
    }),
    timeseries({
      title: 'Drift share',
      description: 'Share of features drifted per window (Benjamini-Hochberg over the p-value tests; dataset_drift).',
      unit: 'percentunit',
      min: 0,
      max: 1,
      sql: sql`
        SELECT window_start AS time, model_version, drift_share AS Value
        FROM dataset_drift FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND $__timeFilter(window_start)
        ORDER BY time, model_version`,
    }),
    timeseries({
      title: 'Realized vs estimated ${metric:text}',
      description:
        'Realized performance from joined labels and the CBPE estimate made before labels arrive (variant all). ' +
        'The gap between them is estimation error; realized values of recent windows move as labels arrive.',
      w: 24,
      sql: sql`
        SELECT window_start AS time, concat(model_version, ' ', kind) AS series, value AS Value
        FROM performance FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND variant = 'all' AND metric = ${one('metric')}
          AND kind IN ('realized', 'estimated') AND isFinite(value) AND $__timeFilter(window_start)
        ORDER BY time, series`,
      overrides: [{ matcher: { id: 'byRegexp', options: '.*estimated.*' }, properties: [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }] }],
    }),
    row('Alerts'),
    table({
      title: 'Current alerts',
      description: 'Alerts of this model whose latest state is firing, most severe first.',
      w: 24,
      sql: sql`
        SELECT latest_rule AS rule, latest_severity AS severity, latest_metric AS metric, latest_subject AS subject, latest_version AS version,
               latest_value AS value, latest_threshold AS threshold, latest_window AS window_start, since AS firing_since, alert_key
        FROM (
          ${LATEST_ALERTS}
        )
        WHERE latest_status = 'firing'
        ORDER BY multiIf(severity = 'critical', 0, severity = 'warning', 1, 2), firing_since DESC`,
    }),
    table({
      title: 'Alert history',
      description: 'Every state change of this model\'s alerts in the time range, newest first.',
      w: 24,
      sql: sql`
        SELECT changed_at, status, rule, severity, metric, subject, model_version, value, threshold, window_start, alert_key
        FROM (
          ${alertTransitions(`${MODEL} AND $__timeFilter(changed_at)`)}
        )
        ORDER BY changed_at DESC
        LIMIT 500`,
    }),
  ],
})
