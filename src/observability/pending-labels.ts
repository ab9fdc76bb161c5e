/**
 * Pending labels: labels stored in ground_truth whose prediction is not stored (yet) and that the
 * evaluator has not dead-lettered as orphans (DW_ORPHAN_LABEL). A steady rise means labels
 * arrive for predictions driftwatch never sees (wrong prediction_id, another topic). Counted in
 * ClickHouse on a timer (one query a minute by default), as the orphan sweep counts them.
 */
import type { Store } from '../store/clickhouse.js'
import type { Logger } from './logger.js'
import type { DriftwatchMetrics } from './metrics.js'
import { startSampler, type RunningSampler } from './sampler.js'

export async function countPendingLabels(store: Store): Promise<number> {
  const db = store.database
  const [row] = await (
    await store.client.query({
      query: `SELECT count() AS c
              FROM (SELECT prediction_id, source_topic, source_partition, source_offset FROM ${db}.ground_truth FINAL) AS g
              WHERE prediction_id NOT IN (
                      SELECT prediction_id FROM ${db}.predictions WHERE prediction_id IN (SELECT prediction_id FROM ${db}.ground_truth))
                AND (source_topic, source_partition, source_offset) NOT IN (
                      SELECT source_topic, source_partition, source_offset FROM ${db}.dead_letters WHERE error_code = 'DW_ORPHAN_LABEL')`,
      format: 'JSONEachRow',
    })
  ).json<{ c: string }>()
  return Number(row?.c ?? 0)
}

export interface PendingLabelsSamplerOptions {
  readonly store: Store
  readonly metrics: Pick<DriftwatchMetrics, 'pendingLabels' | 'samplerErrors' | 'sampleTimestamp'>
  readonly logger: Logger
  /** Default 60 s. */
  readonly intervalMs?: number
}

export function startPendingLabelsSampler(o: PendingLabelsSamplerOptions): RunningSampler {
  return startSampler({
    name: 'pending_labels',
    intervalMs: o.intervalMs ?? 60_000,
    metrics: o.metrics,
    logger: o.logger,
    sample: async () => o.metrics.pendingLabels.set(await countPendingLabels(o.store)),
  })
}
