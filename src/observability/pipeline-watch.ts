/**
 * The sampled gauges of a running pipeline, started by the composition root after the source:
 * join index size (read at scrape time), pending labels and watermark lag (ClickHouse, every
 * minute) and, in Kafka
 * mode, the consumer group's lag (admin API, every 15 s). `stop` ends the samplers.
 */
import type { Kafka } from 'kafkajs'
import type { Store } from '../store/clickhouse.js'
import { startConsumerLagSampler } from './consumer-lag.js'
import type { Logger } from './logger.js'
import type { DriftwatchMetrics, SizedIndex } from './metrics.js'
import { startPendingLabelsSampler } from './pending-labels.js'
import { startWatermarkLagSampler } from './watermark-lag.js'
import type { RunningSampler } from './sampler.js'

export interface PipelineWatchOptions {
  readonly metrics: DriftwatchMetrics
  readonly store: Store
  readonly joinIndex: SizedIndex
  readonly logger: Logger
  /** Kafka mode only: the consumer group whose lag is sampled. */
  readonly kafka?: { readonly client: Kafka; readonly groupId: string; readonly topics: readonly string[] }
  readonly lagIntervalMs?: number
  readonly pendingLabelsIntervalMs?: number
}

export interface PipelineWatch {
  /** Samples every gauge now (tests, and a first value right after start). */
  sampleNow(): Promise<void>
  stop(): Promise<void>
}

export function startPipelineWatch(o: PipelineWatchOptions): PipelineWatch {
  const logger = o.logger.child({ component: 'metrics' })
  o.metrics.watchJoinIndex(o.joinIndex)
  const samplers: RunningSampler[] = [
    startPendingLabelsSampler({ store: o.store, metrics: o.metrics, logger, ...(o.pendingLabelsIntervalMs ? { intervalMs: o.pendingLabelsIntervalMs } : {}) }),
    startWatermarkLagSampler({ store: o.store, metrics: o.metrics, logger, ...(o.pendingLabelsIntervalMs ? { intervalMs: o.pendingLabelsIntervalMs } : {}) }),
  ]
  if (o.kafka) {
    samplers.push(
      startConsumerLagSampler({
        kafka: o.kafka.client,
        groupId: o.kafka.groupId,
        topics: o.kafka.topics,
        metrics: o.metrics,
        logger,
        ...(o.lagIntervalMs ? { intervalMs: o.lagIntervalMs } : {}),
      }),
    )
  }
  return {
    sampleNow: async () => {
      // Every sampler finishes before this settles, even when one fails (Promise.all would reject
      // while the others are still sampling, and a scrape right after would read their old values).
      const failed = (await Promise.allSettled(samplers.map((s) => s.sampleNow()))).find((r) => r.status === 'rejected')
      if (failed) throw failed.reason
    },
    stop: async () => {
      await Promise.all(samplers.map((s) => s.stop()))
    },
  }
}
