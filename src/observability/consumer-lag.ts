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

/**
 * Lag of `groupId` on each topic, by topic, each topic read on its own: one that cannot be read
 * (deleted, not authorized) is in `failed` and leaves the others' lag measured, so the lag of the
 * topic still consumed keeps moving while the other is missing.
 */
export async function fetchConsumerLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<{ lags: Map<string, PartitionLag[]>; failed: { topic: string; error: unknown }[] }> {
  const lags = new Map<string, PartitionLag[]>()
  const failed: { topic: string; error: unknown }[] = []
  for (const topic of topics) {
    try {
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] })
      const ends = await admin.fetchTopicOffsets(topic)
      lags.set(topic, partitionLags(ends, committed.find((c) => c.topic === topic)?.partitions ?? []))
    } catch (error) {
      failed.push({ topic, error })
    }
  }
  return { lags, failed }
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
      const { lags, failed } = await fetchConsumerLag(admin, o.groupId, o.topics)
      for (const [topic, partitions] of lags) {
        for (const { partition, lag } of partitions) o.metrics.consumerLag.set({ topic, partition: String(partition) }, lag)
      }
      // Counted as a failed sample (sampler_errors_total), after the topics that could be read.
      if (failed.length > 0) throw new Error(failed.map((f) => `lag of ${f.topic} not read: ${(f.error as Error).message ?? String(f.error)}`).join('; '))
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
