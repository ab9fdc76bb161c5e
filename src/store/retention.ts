/**
 * Retention: a TTL on every table, from driftwatch.yaml (retention.raw for events, dead letters
 * and evaluation bookkeeping; retention.metrics for metric rows). Applied at every start with
 * ALTER ... MODIFY TTL and materialize_ttl_after_modify = 0, a metadata change: existing parts
 * expire as ClickHouse merges them.
 */
import { DriftwatchError } from '../errors.js'
import type { Store } from './clickhouse.js'

export interface Retention {
  readonly rawDays: number
  readonly metricsDays: number
}

const RAW: Record<string, string> = {
  predictions: 'event_time',
  ground_truth: 'label_time',
  dead_letters: 'dead_lettered_at',
  window_marks: 'marked_at',
  partial_aggregates: 'window_start',
}
const METRICS = ['window_state', 'window_summary', 'drift', 'dataset_drift', 'performance', 'fairness', 'quality', 'alerts'] as const
const METRIC_TIME: Record<string, string> = { alerts: 'changed_at' }

export function ttlStatements(database: string, r: Retention): string[] {
  const ttl = (table: string, column: string, days: number) =>
    `ALTER TABLE ${database}.${table} MODIFY TTL toDateTime(${column}) + INTERVAL ${Math.floor(days)} DAY SETTINGS materialize_ttl_after_modify = 0`
  return [
    ...Object.entries(RAW).map(([t, c]) => ttl(t, c, r.rawDays)),
    ...METRICS.map((t) => ttl(t, METRIC_TIME[t] ?? 'window_start', r.metricsDays)),
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
