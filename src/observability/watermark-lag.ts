/**
 * Watermark lag: wall clock minus each model's event-time watermark (src/evaluate/due.ts, before
 * the allowed lateness is subtracted). It grows when a model's traffic stops or a partition's
 * consumer falls behind; it goes negative by at most the 5-minute future bound when producers'
 * clocks run ahead. Read from the bounded watermarks table on a timer (one query a minute).
 */
import { watermarkQuery } from '../evaluate/due.js'
import type { Store } from '../store/clickhouse.js'
import type { Logger } from './logger.js'
import type { DriftwatchMetrics } from './metrics.js'
import { startSampler, type RunningSampler } from './sampler.js'
import { withDatabase } from '../store/query.js'

export async function modelWatermarks(store: Store): Promise<Map<string, number>> {
  const rows = await (await store.client.query({ query: withDatabase(watermarkQuery, store.database), format: 'JSONEachRow' })).json<{ model_id: string; t: string }>()
  return new Map(rows.map((r) => [r.model_id, Number(r.t)]))
}

export interface WatermarkLagSamplerOptions {
  readonly store: Store
  readonly metrics: Pick<DriftwatchMetrics, 'watermarkLag' | 'samplerErrors' | 'sampleTimestamp'>
  readonly logger: Logger
  readonly now?: () => number
  /** Default 60 s. */
  readonly intervalMs?: number
}

export function startWatermarkLagSampler(o: WatermarkLagSamplerOptions): RunningSampler {
  const now = o.now ?? Date.now
  return startSampler({
    name: 'watermark_lag',
    intervalMs: o.intervalMs ?? 60_000,
    metrics: o.metrics,
    logger: o.logger,
    sample: async () => {
      const watermarks = await modelWatermarks(o.store)
      const t = now()
      o.metrics.watermarkLag.reset()
      for (const [model, ms] of watermarks) o.metrics.watermarkLag.set({ model }, (t - ms) / 1000)
    },
  })
}
