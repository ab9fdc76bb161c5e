/**
 * Variables, filters and the alert annotation the model dashboards share.
 *
 * Every template variable is interpolated with an explicit `:singlequote` format. The plugin's
 * own formatter (CHDatasource.format) quotes only multi-value selections and leaves a single
 * value bare, so `'${model}'` would break on a quote in the value and `IN (${version})` on a
 * single selection; `${x:singlequote}` gives `'a'` or `'a','b'` with quotes escaped either way.
 *
 * Tables are unqualified: the datasource's defaultDatabase is the connection's database.
 * Metric tables are ReplacingMergeTree(eval_version) and are read with FINAL, so a window that
 * was re-evaluated after late data shows its newest version only.
 */
import { annotation, queryVariable } from './dashboard.js'
import { sql } from './grafana.js'

export const MODEL = 'model_id = ${model:singlequote}'
export const VERSIONS = 'model_version IN (${version:singlequote})'
export const VERSION = 'model_version = ${version:singlequote}'

export const modelVariable = queryVariable({
  name: 'model',
  label: 'Model',
  description: 'The monitored model (model_id)',
  sql: 'SELECT DISTINCT model_id FROM window_summary ORDER BY model_id',
})

export const versionsVariable = queryVariable({
  name: 'version',
  label: 'Version',
  description: 'Model versions (model_version) to show',
  sql: sql`
    SELECT DISTINCT model_version FROM window_summary
    WHERE ${MODEL}
    ORDER BY model_version`,
  multi: true,
  includeAll: true,
})

/** Drift and its reference are per version: one version at a time. */
export const versionVariable = queryVariable({
  name: 'version',
  label: 'Version',
  description: 'The model version (model_version); drift is measured against its own reference',
  sql: sql`
    SELECT DISTINCT model_version FROM window_summary
    WHERE ${MODEL}
    ORDER BY model_version`,
})

/**
 * Alerts that fired for the model, drawn on every time series. The alerts table holds one row
 * per state change; a firing row marks when the alert started.
 */
export const firedAlerts = annotation(
  'Fired alerts',
  'red',
  sql`
    SELECT
      changed_at AS time,
      concat(rule, ' [', severity, '] ', subject, ' (', model_version, '): ',
             toString(round(value, 4)), ' vs threshold ', toString(threshold)) AS text,
      concat(rule, ',', severity) AS tags
    FROM alerts
    WHERE status = 'firing' AND ${MODEL} AND $__timeFilter(changed_at)
    ORDER BY time`,
)

/** Value mappings for a 0/1 drift_detected column. */
export const DRIFT_MAPPINGS = [
  { type: 'value', options: { '0': { text: 'no drift', color: 'green', index: 0 }, '1': { text: 'drift', color: 'red', index: 1 } } },
]
