/**
 * The windows of the metric a rule watches that decide it, as points for src/rules. Metric tables
 * are ReplacingMergeTree(eval_version): FINAL reads each window's newest evaluation. `LIMIT k BY`
 * keeps k windows of each series (src/rules/evaluate.ts windowsNeeded): those with a verdict
 * first, newest first and however old, then the newest without one. So the `consecutive`
 * windows with a verdict that decide are always read, however many newer windows have none (too
 * few samples, no value), and the rows read back do not grow with history. The points come back
 * newest first per series.
 *
 * Only windows that have started count: window_start <= now, the alert pass's clock (`nowMs`, as
 * dlq_rate and the lifecycle read it). Ingest accepts events up to `ingest.maxFutureMs` ahead, so
 * a window can be stored and evaluated before it begins: it is read once the clock reaches it, so
 * tomorrow's window, filled by events stamped ahead, never decides in place of today's.
 *
 * Values are read with inf and nan quoted (src/store/float64.ts): a stored ±∞ (an rmse that
 * overflowed, a ratio over an empty denominator) is compared like any number, so inf > 100
 * breaches and -inf < x breaches; NaN (an undefined figure) and NULL are no value, which neither
 * fires nor resolves an alert.
 */
import type { FileConfig } from '../config/file.js'
import { NO_POSITIVE_CLASS } from '../evaluate/row-status.js'
import { NOT_COMPUTABLE } from '../metrics/drift/index.js'
import type { MetricPoint } from '../rules/evaluate.js'
import { dlqLookbackPeriods, windowsNeeded } from '../rules/evaluate.js'
import type { Rule } from '../rules/schema.js'
import type { Store } from '../store/clickhouse.js'
import { float64 } from '../store/float64.js'
import { dlqRatePoints } from './dlq-rate.js'
import { relativeToReference } from './relative-performance.js'
import { queryRows } from './sql.js'

interface Row {
  model_id: string
  model_version: string
  subject: string
  ws: string
  we: string
  value: number | string | null
  n: string | number | null
  attribute?: string
  group_value?: string
  details?: string[]
}

const WINDOW = 'toUnixTimestamp64Milli(window_start) AS ws, toUnixTimestamp64Milli(window_end) AS we'
/**
 * Whether a window has a verdict, as src/rules/condition.ts verdict() judges it: a value that is
 * not NULL or NaN (±∞ is a value), and n >= minSamples when minSamples > 0. `value` and `n` are
 * the query's own columns.
 */
const JUDGED = '(value IS NOT NULL AND NOT isNaN(value) AND ({minSamples:UInt64} = 0 OR n >= {minSamples:UInt64}))'
/** The window has started at the pass's clock (see above); `window_start` is the query's own column. */
const STARTED = 'window_start <= fromUnixTimestamp64Milli({nowMs:Int64})'
const NEWEST = (by: string) =>
  `ORDER BY model_id, model_version, ${by}, ${JUDGED} DESC, window_start DESC LIMIT {k:UInt32} BY model_id, model_version, ${by}`

/**
 * A drift row's value for a rule. `p_value` is the p-value that decides (Benjamini–Hochberg
 * adjusted, as drift_detected; rows stored before adjusted p-values existed fall back to the raw
 * one), `p_value_raw` the unadjusted one. A row without enough data for a verdict (status
 * 'insufficient'), a binary row without the positive class on a side (NO_POSITIVE_CLASS), or a
 * row whose deciding figure could not be computed (NOT_COMPUTABLE, src/metrics/drift/decide.ts)
 * has no value, so it neither fires nor resolves an alert; drift_detected is NULL whenever the
 * row has no verdict.
 */
function driftValue(statistic: string): string {
  const value = (() => {
    if (statistic === 'score') return 'score'
    if (statistic === 'p_value' || statistic === 'p_value_adjusted') return 'ifNull(p_value_adjusted, p_value)'
    if (statistic === 'p_value_raw') return 'p_value'
    if (statistic === 'drift_detected') return 'toFloat64(drift_detected)'
    return 'if(mapContains(statistics, {stat:String}), statistics[{stat:String}], NULL)'
  })()
  return `if(status IN ('insufficient', '${NO_POSITIVE_CLASS}', '${NOT_COMPUTABLE}'), NULL, ${value})`
}

function sqlFor(rule: Rule): { sql: string; params: Record<string, unknown> } | null {
  switch (rule.metric) {
    case 'drift':
      return {
        sql: `SELECT model_id, model_version, column AS subject, ${WINDOW}, ${driftValue(rule.statistic)} AS value, n_current AS n
              FROM {db}.drift FINAL WHERE target = {target:String} AND ${STARTED} ${NEWEST('subject')}`,
        params: { target: rule.target, stat: rule.statistic },
      }
    case 'dataset_drift':
      return {
        sql: `SELECT model_id, model_version, '' AS subject, ${WINDOW}, drift_share AS value, n_features AS n, drifted_features AS details
              FROM {db}.dataset_drift FINAL WHERE ${STARTED} ${NEWEST('subject')}`,
        params: {},
      }
    case 'performance':
      return {
        sql: `SELECT model_id, model_version, '' AS subject, ${WINDOW}, value, n
              FROM {db}.performance FINAL WHERE metric = {name:String} AND kind = {kind:String} AND variant = {variant:String} AND ${STARTED} ${NEWEST('subject')}`,
        params: { name: rule.statistic, kind: rule.kind, variant: rule.variant },
      }
    case 'fairness':
      return {
        sql: `SELECT model_id, model_version, if(group_value = '', attribute, concat(attribute, '=', group_value)) AS subject, attribute, group_value,
                     ${WINDOW}, value, n
              FROM {db}.fairness FINAL WHERE metric = {name:String} AND ${STARTED} ${NEWEST('subject')}`,
        params: { name: rule.statistic },
      }
    case 'quality':
      return {
        sql: `SELECT model_id, model_version, feature AS subject, ${WINDOW}, value, n FROM {db}.quality FINAL WHERE metric = {name:String} AND ${STARTED} ${NEWEST('subject')}`,
        params: { name: rule.statistic },
      }
    case 'label_coverage':
      return {
        sql: `SELECT model_id, model_version, '' AS subject, ${WINDOW}, label_coverage AS value, predictions AS n FROM {db}.window_summary FINAL WHERE ${STARTED} ${NEWEST('subject')}`,
        params: {},
      }
    case 'detector':
      // detector_state has no windows: a window's value is how many detections fell inside it
      // (never NULL), its n the window's predictions.
      return {
        sql: `SELECT w.model_id AS model_id, w.model_version AS model_version, d.detector AS subject, w.ws AS ws, w.we AS we,
                     toFloat64(arrayCount(t -> t >= w.window_start AND t < w.window_end, d.detections)) AS value, w.predictions AS n
              FROM (SELECT model_id, model_version, window_start, window_end, predictions, ${WINDOW}
                    FROM {db}.window_summary FINAL WHERE ${STARTED}
                    ORDER BY model_id, model_version, ({minSamples:UInt64} = 0 OR predictions >= {minSamples:UInt64}) DESC, window_start DESC
                    LIMIT {k:UInt32} BY model_id, model_version) AS w
              INNER JOIN (SELECT model_id, model_version, detector, detections FROM {db}.detector_state FINAL) AS d
                ON d.model_id = w.model_id AND d.model_version = w.model_version`,
        params: {},
      }
    case 'dlq_rate':
      return null
  }
}

/** A stored value as a point's value: ±Infinity stays, NaN and NULL are no value. */
function pointValue(x: unknown): number | null {
  const v = float64(x)
  return v === null || Number.isNaN(v) ? null : v
}

function toPoint(rule: Rule, r: Row): MetricPoint {
  const labels = {
    model: r.model_id,
    version: r.model_version,
    ...(rule.metric === 'drift' || rule.metric === 'quality' ? { feature: r.subject } : {}),
    ...(rule.metric === 'fairness' ? { group: r.attribute ?? '', groupValue: r.group_value ?? '' } : {}),
    ...(rule.metric === 'detector' ? { detector: r.subject } : {}),
  }
  return {
    modelId: r.model_id,
    modelVersion: r.model_version,
    subject: r.subject,
    labels,
    windowStartMs: Number(r.ws),
    windowEndMs: Number(r.we),
    value: pointValue(r.value),
    n: r.n === null || r.n === undefined ? null : Number(r.n),
    ...(r.details?.length ? { details: r.details } : {}),
  }
}

export async function loadPoints(store: Store, rule: Rule, file: FileConfig, nowMs: number): Promise<MetricPoint[]> {
  if (rule.metric === 'dlq_rate') return dlqRatePoints(store, rule.period, dlqLookbackPeriods(rule), nowMs)
  const q = sqlFor(rule)!
  // Newest first per series, whichever windows the read kept.
  const sql = `SELECT * FROM (${q.sql}) ORDER BY model_id, model_version, subject, ws DESC`
  const rows = await queryRows<Row>(store, sql, { ...q.params, k: windowsNeeded(rule), minSamples: rule.condition.minSamples, nowMs }, { quoteDenormals: true })
  const points = rows.map((r) => toPoint(rule, r))
  if (rule.metric === 'performance' && rule.relativeTo === 'reference') return relativeToReference(store, rule, file, points)
  return points
}
