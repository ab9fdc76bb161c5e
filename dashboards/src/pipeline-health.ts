/**
 * Pipeline health: is data flowing, what is being rejected, how late are labels, what is written.
 * Consumer lag per partition is a Prometheus metric of the consumers, not in ClickHouse; see
 * docs/dashboards.md.
 */
import { dashboard } from './dashboard.js'
import { row, sql, table, timeseries } from './grafana.js'
import { alertTransitions } from './shared.js'

/**
 * An outbox row's status, with a pending row never tried for want of a leader with its channel
 * (src/alerts/service.ts, CHANNEL_NOT_CONFIGURED) shown as 'waiting' rather than as a retry.
 */
const DELIVERY_STATUS = `if(status = 'pending' AND attempts = 0 AND startsWith(last_error, 'no running alerts leader has this channel configured'), 'waiting', status)`

/** Metric tables: one row per (key, window) and evaluation; eval_version is the evaluation time in ms. */
const METRIC_TABLES = ['window_summary', 'drift', 'dataset_drift', 'performance', 'fairness', 'quality', 'comparison', 'partial_aggregates']

const writes = [
  `SELECT 'predictions' AS table_name, ingested_at AS written_at FROM predictions WHERE $__timeFilter(ingested_at)`,
  `SELECT 'ground_truth', ingested_at FROM ground_truth WHERE $__timeFilter(ingested_at)`,
  `SELECT 'dead_letters', dead_lettered_at FROM dead_letters WHERE $__timeFilter(dead_lettered_at)`,
  `SELECT 'alerts', changed_at FROM alerts WHERE $__timeFilter(changed_at)`,
  `SELECT 'alert_outbox', updated_at FROM alert_outbox WHERE $__timeFilter(updated_at)`,
  ...METRIC_TABLES.map((t) => `SELECT '${t}', fromUnixTimestamp64Milli(toInt64(eval_version), 'UTC') FROM ${t}`),
].join('\nUNION ALL\n')

export const pipelineHealth = dashboard({
  uid: 'driftwatch-pipeline-health',
  title: 'driftwatch / Pipeline health',
  description: 'Throughput, dead letters, label lag, alerts and ClickHouse writes of the whole deployment.',
  from: 'now-24h',
  variables: [],
  panels: [
    timeseries({
      title: 'Throughput',
      description: 'Predictions and labels stored per interval, by ingest time. A replayed batch counts again until ClickHouse merges the duplicates.',
      unit: 'short',
      bars: true,
      sql: sql`
        SELECT * FROM (
          SELECT $__timeInterval(ingested_at) AS time, 'predictions' AS stream, count() AS Value
          FROM predictions WHERE $__timeFilter(ingested_at) GROUP BY time
          UNION ALL
          SELECT $__timeInterval(ingested_at) AS time, 'labels' AS stream, count() AS Value
          FROM ground_truth WHERE $__timeFilter(ingested_at) GROUP BY time
        )
        ORDER BY time, stream`,
    }),
    timeseries({
      title: 'Predictions per model',
      description: 'Predictions stored per interval and model, by ingest time.',
      unit: 'short',
      sql: sql`
        SELECT $__timeInterval(ingested_at) AS time, model_id, count() AS Value
        FROM predictions
        WHERE $__timeFilter(ingested_at)
        GROUP BY time, model_id
        ORDER BY time, model_id`,
    }),
    timeseries({
      title: 'Ingest delay',
      description:
        'Time from an event\'s own timestamp (event_time, label_time) to its storage, median and 95th percentile. ' +
        'Backfills show up as days; a live stream should stay at seconds.',
      unit: 's',
      sql: sql`
        SELECT * FROM (
          SELECT $__timeInterval(ingested_at) AS time, 'predictions' AS stream,
                 quantile(0.5)(dateDiff('millisecond', event_time, ingested_at)) / 1000 AS p50,
                 quantile(0.95)(dateDiff('millisecond', event_time, ingested_at)) / 1000 AS p95
          FROM predictions WHERE $__timeFilter(ingested_at) GROUP BY time
          UNION ALL
          SELECT $__timeInterval(ingested_at) AS time, 'labels' AS stream,
                 quantile(0.5)(dateDiff('millisecond', label_time, ingested_at)) / 1000 AS p50,
                 quantile(0.95)(dateDiff('millisecond', label_time, ingested_at)) / 1000 AS p95
          FROM ground_truth WHERE $__timeFilter(ingested_at) GROUP BY time
        )
        ORDER BY time, stream`,
    }),
    timeseries({
      title: 'Label lag per window',
      description: 'Mean time from prediction to label, per evaluation window and model (window_summary, labeled predictions only).',
      unit: 's',
      sql: sql`
        SELECT window_start AS time, model_id,
               sumIf(mean_label_delay_s * labeled, labeled > 0) / sum(labeled) AS Value
        FROM window_summary FINAL
        WHERE $__timeFilter(window_start)
        GROUP BY time, model_id
        HAVING sum(labeled) > 0
        ORDER BY time, model_id`,
    }),
    row('Dead letters'),
    timeseries({
      title: 'Dead letters by code',
      description:
        'Records that failed to decode or validate, per interval and error code (docs/events.md#dead-letters); ' +
        'a record dead-lettered again by a replay counts once.',
      unit: 'short',
      bars: true,
      sql: sql`
        SELECT $__timeInterval(dead_lettered_at) AS time, error_code, count() AS Value
        FROM dead_letters FINAL
        WHERE $__timeFilter(dead_lettered_at)
        GROUP BY time, error_code
        ORDER BY time, error_code`,
    }),
    table({
      title: 'Dead letters by topic and code',
      description: 'Counts, first and last occurrence and one sample message; the raw bytes are on <topic>.dlq.',
      sql: sql`
        SELECT source_topic, error_code, count() AS dead_letters, min(dead_lettered_at) AS first_seen,
               max(dead_lettered_at) AS last_seen, any(error_message) AS sample_message
        FROM dead_letters FINAL
        WHERE $__timeFilter(dead_lettered_at)
        GROUP BY source_topic, error_code
        ORDER BY dead_letters DESC`,
    }),
    row('Alerts and storage'),
    timeseries({
      title: 'Alert state changes',
      description: 'Alerts that fired and resolved per interval, all models (alerts table; a transition stored again by a re-run alert pass counts once).',
      unit: 'short',
      bars: true,
      sql: sql`
        SELECT $__timeInterval(changed_at) AS time, status, count() AS Value
        FROM (
          ${alertTransitions('$__timeFilter(changed_at)')}
        )
        GROUP BY time, status
        ORDER BY time, status`,
    }),
    timeseries({
      title: 'Alert deliveries',
      description:
        'Notifications per interval by channel and current status (alert_outbox, newest version of each), by the time of ' +
        'their last status change: sent, pending (waiting to retry), sending, failed (given up), and waiting (for an alerts ' +
        'leader with the channel configured: the rule names a channel this deployment does not send on).',
      unit: 'short',
      bars: true,
      sql: sql`
        SELECT $__timeInterval(updated_at) AS time, concat(channel, ' ', ${DELIVERY_STATUS}) AS delivery, count() AS Value
        FROM alert_outbox FINAL
        WHERE channel != '' AND $__timeFilter(updated_at)
        GROUP BY time, delivery
        ORDER BY time, delivery`,
    }),
    table({
      title: 'Undelivered notifications',
      description:
        'Notifications not (yet) sent, and sent ones that may have arrived twice (in_doubt: an attempt timed out or the ' +
        'process stopped between sending and recording it). "waiting": never tried, for want of an alerts leader with the channel.',
      sql: sql`
        SELECT updated_at, channel, ${DELIVERY_STATUS} AS status, in_doubt, attempts, rule, model_id, model_version, transition,
               next_attempt_at, last_error, created_at
        FROM alert_outbox FINAL
        WHERE channel != '' AND (status != 'sent' OR in_doubt = 1) AND $__timeFilter(updated_at)
        ORDER BY updated_at DESC
        LIMIT 500`,
    }),
    timeseries({
      title: 'ClickHouse rows written',
      description:
        'Rows written per interval and table, from each table\'s own write time (ingested_at, dead_lettered_at, changed_at, eval_version). ' +
        'Counts rows still stored: metric versions superseded by a re-evaluation disappear when ClickHouse merges them.',
      unit: 'short',
      sql: sql`
        SELECT $__timeInterval(written_at) AS time, table_name, count() AS Value
        FROM (
          ${writes}
        )
        WHERE $__timeFilter(written_at)
        GROUP BY time, table_name
        ORDER BY time, table_name`,
    }),
    table({
      title: 'Stored tables',
      description: 'Rows and bytes on disk of every driftwatch table now (system.parts of the datasource\'s database).',
      w: 24,
      sql: sql`
        SELECT table, sum(rows) AS stored_rows, sum(bytes_on_disk) AS bytes_on_disk, count() AS parts
        FROM system.parts
        WHERE database = currentDatabase() AND active
        GROUP BY table
        ORDER BY bytes_on_disk DESC`,
      overrides: [{ matcher: { id: 'byName', options: 'bytes_on_disk' }, properties: [{ id: 'unit', value: 'bytes' }] }],
    }),
  ],
})
