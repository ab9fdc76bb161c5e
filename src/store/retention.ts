/**
 * Retention: a TTL on every table, from driftwatch.yaml (retention.raw for events, dead letters
 * and evaluation bookkeeping; retention.metrics for metric rows). Applied at every start with
 * ALTER ... MODIFY TTL and materialize_ttl_after_modify = 0, a metadata change: existing parts
 * expire as ClickHouse merges them.
 *
 * Every TTL counts from when driftwatch stored the row (ingested_at, or the evaluation's version
 * for metric rows), never from event time: a TTL on event time would make ClickHouse drop a
 * backfill of old predictions or labels as it arrives, silently.
 */
import { DriftwatchError } from '../errors.js'
import type { Store } from './clickhouse.js'
import { withDatabase } from './query.js'

export interface Retention {
  readonly rawMs: number
  readonly metricsMs: number
}

/** eval_version is the evaluation's time in ms. */
const EVALUATED = 'toDateTime(intDiv(eval_version, 1000))'

const RAW: Record<string, string> = {
  predictions: 'toDateTime(ingested_at)',
  ground_truth: 'toDateTime(ingested_at)',
  dead_letters: 'toDateTime(dead_lettered_at)',
  window_marks: 'toDateTime(marked_at)',
  partial_aggregates: EVALUATED,
}
const METRICS: Record<string, string> = {
  window_state: EVALUATED,
  window_summary: EVALUATED,
  drift: EVALUATED,
  dataset_drift: EVALUATED,
  performance: EVALUATED,
  fairness: EVALUATED,
  quality: EVALUATED,
  detector_state: EVALUATED,
  detector_checkpoints: EVALUATED,
  comparison: EVALUATED,
  alerts: 'toDateTime(changed_at)',
  alert_outbox: 'toDateTime(updated_at)',
  alert_silences: 'toDateTime(ends_at)',
}

export function ttlStatements(database: string, r: Retention): string[] {
  // In whole seconds, rounded up: a retention of 36h keeps rows 36 hours, not one day.
  const ttl = (table: string, time: string, ms: number) =>
    withDatabase(`ALTER TABLE {db}.${table} MODIFY TTL ${time} + INTERVAL ${Math.ceil(ms / 1000)} SECOND SETTINGS materialize_ttl_after_modify = 0`, database)
  return [
    ...Object.entries(RAW).map(([t, time]) => ttl(t, time, r.rawMs)),
    ...Object.entries(METRICS).map(([t, time]) => ttl(t, time, r.metricsMs)),
  ]
}

export async function applyRetention(store: Store, r: Retention): Promise<void> {
  for (const query of ttlStatements(store.database, r)) {
    try {
      await store.client.command({ query })
    } catch (cause) {
      throw new DriftwatchError('DW_MIGRATION_FAILED', `setting retention failed: ${(cause as Error).message}`, { cause })
    }
  }
}
