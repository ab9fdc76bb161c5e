/**
 * Consumer lag of driftwatch's group, per partition: the partition's high watermark (offset of
 * the next message to be written) minus the group's committed offset (the next one it will
 * process). Read with the admin API (fetchTopicOffsets + fetchOffsets), the way Kafka's own
 * kafka-consumer-groups.sh computes LAG, so it is right while the consumer is stuck retrying a
 * batch (when the batch's own offsetLag() would stop moving) and when no instance is running.
 *
 * A partition the group never committed is read from its low watermark (the consumers
 * subscribe fromBeginning), so its lag is everything retained.
 */
import type { Admin, Kafka } from 'kafkajs'
import type { Logger } from './logger.js'
import type { DriftwatchMetrics } from './metrics.js'
import { startSampler, type RunningSampler } from './sampler.js'

export interface PartitionEnds {
  readonly partition: number
  /** High watermark, decimal int64. */
  readonly high: string
  /** Low watermark (log start), decimal int64. */
  readonly low: string
}

export interface CommittedOffset {
  readonly partition: number
  /** Next offset to consume, decimal int64; '-1' when the group has not committed. */
  readonly offset: string
}

export interface PartitionLag {
  readonly partition: number
  readonly lag: number
}

/** Pure. Lag per partition of one topic; never negative (a commit may race a fresh watermark read). */
export function partitionLags(ends: readonly PartitionEnds[], committed: readonly CommittedOffset[]): PartitionLag[] {
  const byPartition = new Map(committed.map((c) => [c.partition, BigInt(c.offset)]))
  return ends
    .map((e) => {
      const high = BigInt(e.high)
      const c = byPartition.get(e.partition) ?? -1n
      const from = c < 0n ? BigInt(e.low) : c
      const lag = high > from ? high - from : 0n
      return { partition: e.partition, lag: Number(lag) }
    })
    .sort((a, b) => a.partition - b.partition)
}

/** Lag of `groupId` on each topic, by topic. */
export async function fetchConsumerLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<Map<string, PartitionLag[]>> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] })
  const result = new Map<string, PartitionLag[]>()
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic)
    result.set(topic, partitionLags(ends, committed.find((c) => c.topic === topic)?.partitions ?? []))
  }
  return result
}

export interface LagSamplerOptions {
  readonly kafka: Kafka
  readonly groupId: string
  readonly topics: readonly string[]
  readonly metrics: Pick<DriftwatchMetrics, 'consumerLag' | 'samplerErrors' | 'sampleTimestamp'>
  readonly logger: Logger
  /** Default 15 s, Prometheus' usual scrape interval. */
  readonly intervalMs?: number
}

/** Samples the lag into driftwatch_consumer_lag_messages on a timer, with its own admin client. */
export function startConsumerLagSampler(o: LagSamplerOptions): RunningSampler {
  // No retries: a sample that fails is counted and the next interval tries again.
  const admin = o.kafka.admin({ retry: { retries: 0 } })
  let connected: Promise<void> | null = null
  const sampler = startSampler({
    name: 'consumer_lag',
    intervalMs: o.intervalMs ?? 15_000,
    metrics: o.metrics,
    logger: o.logger,
    async sample() {
      connected ??= admin.connect().catch((e: unknown) => {
        connected = null
        throw e
      })
      await connected
      for (const [topic, lags] of await fetchConsumerLag(admin, o.groupId, o.topics)) {
        for (const { partition, lag } of lags) o.metrics.consumerLag.set({ topic, partition: String(partition) }, lag)
      }
    },
  })
  return {
    sampleNow: sampler.sampleNow,
    async stop() {
      await sampler.stop()
      await admin.disconnect().catch(() => undefined)
    },
  }
}
