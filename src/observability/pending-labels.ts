/**
 * Pending labels: labels stored in ground_truth whose prediction is not stored (yet) and that the
 * evaluator has not dead-lettered as orphans (DW_ORPHAN_LABEL). A steady rise means labels
 * arrive for predictions driftwatch never sees (wrong prediction_id, another topic). Counted in
 * ClickHouse on a timer (one query a minute by default), as the orphan sweep counts them.
 */
import { unjoinedLabelsSql } from '../join/unjoined-labels.js'
import type { Store } from '../store/clickhouse.js'
import type { Logger } from './logger.js'
import type { DriftwatchMetrics } from './metrics.js'
import { startSampler, type RunningSampler } from './sampler.js'
import { withDatabase } from '../store/query.js'

export async function countPendingLabels(store: Store): Promise<number> {
  const [row] = await (
    await store.client.query({
      query: withDatabase(`SELECT count() AS c FROM ${unjoinedLabelsSql({ storedBefore: false })}`, store.database),
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
