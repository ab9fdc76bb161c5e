/**
 * Pending labels: labels stored in ground_truth whose prediction is not stored (yet) and that the
 * evaluator has not dead-lettered as orphans (DW_ORPHAN_LABEL). A steady rise means labels
 * arrive for predictions driftwatch never sees (wrong prediction_id, another topic). Counted in
 * ClickHouse on a timer (one query a minute by default), as the orphan sweep counts them, over
 * the labels stored since the sweep's cursor.
 */
import { unjoinedLabelsSql } from '../join/unjoined-labels.js'
import type { Store } from '../store/clickhouse.js'
import type { Logger } from './logger.js'
import type { DriftwatchMetrics } from './metrics.js'
import { startSampler, type RunningSampler } from './sampler.js'
import { withDatabase } from '../store/query.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { CURSOR_OVERLAP_MS, readCursor } from '../evaluate/cursor.js'

/**
 * The count query. Labels stored before the orphan sweep's cursor (less its overlap) were each
 * joined or dead-lettered when the sweep looked at them (src/evaluate/orphans.ts), so only labels
 * stored since can be pending: the query merges those (FINAL) and not every label ever stored,
 * which took seconds at a few million labels and held the engine, in embedded mode, from ingest.
 * Before the first sweep every label is looked at.
 */
export function pendingLabelsQuery(sweptUntilMs: number): { readonly sql: string; readonly params: Record<string, string> } {
  return {
    sql: `SELECT count() AS c FROM ${unjoinedLabelsSql({ storedSince: sweptUntilMs > 0 })}`,
    params: { cutoff: clickhouseDateTime64(LATEST_STORED_MS), since: clickhouseDateTime64(Math.max(0, sweptUntilMs - CURSOR_OVERLAP_MS)) },
  }
}

/** No label is stored after this: the upper bound the query needs, in DateTime64(3)'s range. */
const LATEST_STORED_MS = Date.UTC(2299, 0, 1)

export async function countPendingLabels(store: Store): Promise<number> {
  const { sql, params } = pendingLabelsQuery(await readCursor(store, 'orphan_sweep'))
  const [row] = await (await store.client.query({ query: withDatabase(sql, store.database), query_params: params, format: 'JSONEachRow' })).json<{ c: string }>()
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
