/**
 * Variables, filters and the alert annotation the model dashboards share.
 *
 * Variable values are hex. Grafana's `singlequote` formatter escapes only `'` (as `\'`), while
 * ClickHouse also reads backslash escapes in a string literal: a model id such as `C:\new` would
 * reach ClickHouse as `C:` + newline + `ew`, and `ops\tools\` would swallow its closing quote.
 * No Grafana formatter escapes both. So every query variable returns two columns, the plugin's
 * convention for value and text (grafana-clickhouse-datasource src/data/CHDatasource.ts,
 * metricFindQuery: the first column is the value, the second the text shown): `hex(x) AS __value,
 * x AS __text` (./dashboard.ts, `options`). A hex value holds [0-9A-F] only, nothing any
 * formatter or ClickHouse escapes, and the SQL turns it back with unhex: `x = unhex(${v:singlequote})`
 * for one value, `x IN arrayMap(v -> unhex(v), [${v:singlequote}])` for several (an empty
 * selection is an empty array and matches nothing). Panel titles show the text: `${v:text}`.
 * `:singlequote` stays explicit because the plugin's own formatter (CHDatasource.format) quotes
 * only multi-value selections and leaves a single value bare.
 *
 * Tables are unqualified: the datasource's defaultDatabase is the connection's database.
 * Metric tables are ReplacingMergeTree(eval_version) and are read with FINAL, so a row that was
 * re-evaluated after late data shows its newest version only.
 */
import { annotation, options, queryVariable } from './dashboard.js'
import { sql } from './grafana.js'

/** One selected value of variable `name`, as a ClickHouse string expression. */
export const one = (name: string) => `unhex(\${${name}:singlequote})`
/** The selected values of multi-value variable `name`, as a ClickHouse array of strings (for `x IN ...`). */
export const each = (name: string) => `arrayMap(v -> unhex(v), [\${${name}:singlequote}])`

export const MODEL = `model_id = ${one('model')}`
export const VERSIONS = `model_version IN ${each('version')}`
export const VERSION = `model_version = ${one('version')}`

export const modelVariable = queryVariable({
  name: 'model',
  label: 'Model',
  description: 'The monitored model (model_id)',
  sql: `SELECT DISTINCT ${options('model_id')} FROM window_summary ORDER BY __text`,
})

export const versionsVariable = queryVariable({
  name: 'version',
  label: 'Version',
  description: 'Model versions (model_version) to show',
  sql: sql`
    SELECT DISTINCT ${options('model_version')} FROM window_summary
    WHERE ${MODEL}
    ORDER BY __text`,
  multi: true,
  includeAll: true,
})

/** Drift and its reference are per version: one version at a time. */
export const versionVariable = queryVariable({
  name: 'version',
  label: 'Version',
  description: 'The model version (model_version); drift is measured against its own reference',
  sql: sql`
    SELECT DISTINCT ${options('model_version')} FROM window_summary
    WHERE ${MODEL}
    ORDER BY __text`,
})

/**
 * The alerts table's state changes matching `where`, each once. An alert pass that runs again
 * after a crash stores the same transition again (same transition_id, a later changed_at), and
 * ReplacingMergeTree only collapses rows with the same changed_at; as the read API does
 * (src/read/alerts.ts), the newest copy of each transition is kept. Rows stored before
 * transitions had ids (transition_id '') are each a transition of their own.
 */
export function alertTransitions(where: string): string {
  return sql`
    SELECT * FROM alerts
    WHERE ${where}
    ORDER BY changed_at DESC
    LIMIT 1 BY alert_key, transition_id, if(transition_id = '', toUnixTimestamp64Milli(changed_at), 0)`
}

/**
 * The window an alert judged, as a region: `window_end`, or `window_start` (a point) in rows
 * stored before the alerts table had a window_end (schemas/clickhouse/0009_alerting.sql added it,
 * so those read 1970).
 */
const ALERT_WINDOW_END = 'if(window_end > window_start, window_end, window_start)'

/**
 * Alerts that fired for the model, drawn on every time series as a region over the window that
 * breached: the time axis is the window's start, as in every panel. An alert fires when its window
 * is evaluated, which with late labels, a backfill or a replay is days after the window; a marker
 * at that time (changed_at) would sit on other data, and a range filter on it would hide the
 * windows in range whose alert fired after it. So the region is the window, the range picks the
 * windows it overlaps, and the text says when the alert fired.
 */
export const firedAlerts = annotation(
  'Fired alerts',
  'red',
  sql`
    SELECT
      window_start AS time,
      ${ALERT_WINDOW_END} AS timeEnd,
      concat(rule, ' [', severity, '] ', subject, ' (', model_version, '): ',
             toString(round(value, 4)), ' vs threshold ', toString(threshold),
             '; fired ', formatDateTime(changed_at, '%Y-%m-%d %H:%i UTC')) AS text,
      concat(rule, ',', severity) AS tags
    FROM (
      ${alertTransitions(`status = 'firing' AND ${MODEL} AND window_start <= $__toTime AND ${ALERT_WINDOW_END} >= $__fromTime`)}
    )
    ORDER BY time`,
)

/** Value mappings for a 0/1 drift_detected column. */
export const DRIFT_MAPPINGS = [
  { type: 'value', options: { '0': { text: 'no drift', color: 'green', index: 0 }, '1': { text: 'drift', color: 'red', index: 1 } } },
]
