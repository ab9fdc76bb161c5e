/**
 * Kafka consumer-group source. Scale-out is Kafka's: run more instances with the same group id.
 *
 * Offsets are committed only after the handler resolved, i.e. after the batch's effect is
 * durable (at-least-once delivery + idempotent effects = exactly-once effect). A retriable
 * failure (ClickHouse or registry down) is retried for that partition with capped, jittered
 * backoff while the consumer keeps its group membership (heartbeats); anything else stops the
 * consumer and is reported through `done`, so the process exits and is restarted.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs'
import { isDriftwatchError } from '../errors.js'
import type { Logger } from '../observability/logger.js'
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from '../pipeline/backoff.js'
import type { PartitionProgress } from '../pipeline/partition-progress.js'
import type { BatchHandler, SourceBatch, SourceRecord } from '../pipeline/source.js'
import { CoPartitionedAssigner } from './co-partitioned-assigner.js'

export interface KafkaSourceOptions {
  readonly kafka: Kafka
  readonly groupId: string
  readonly handlers: Readonly<Record<string, BatchHandler>>
  readonly logger: Logger
  readonly fromBeginning?: boolean
  readonly backoff?: BackoffPolicy
  readonly random?: () => number
  /** Told when each batch starts, fails (retriable) and ends: how /readyz sees a stuck partition. */
  readonly progress?: PartitionProgress
  /** Called when this member (re)joins the group: its partitions may have been another's meanwhile (src/pipeline/replay-guard.ts). */
  readonly onJoin?: () => void
}

export interface RunningSource {
  readonly consumer: Consumer
  /** Settles when the consumer stops: resolves on stop(), rejects on a fatal error. */
  readonly done: Promise<void>
  stop(): Promise<void>
}

function toSourceBatch({ batch }: EachBatchPayload): SourceBatch {
  const records: SourceRecord[] = batch.messages.map((m) => ({
    topic: batch.topic,
    partition: batch.partition,
    offset: m.offset,
    key: m.key,
    value: m.value,
    headers: (m.headers ?? {}) as SourceRecord['headers'],
    timestamp: m.timestamp,
  }))
  return { topic: batch.topic, partition: batch.partition, records }
}

/**
 * Batches of different partitions are handled concurrently, so that decoding one overlaps the
 * engine writing another. A partition's own batches stay in order, one at a time.
 */
export const PARTITIONS_CONCURRENTLY = 3
/**
 * Fetch sizes. One batch of a partition is one insert, and the engine's cost per row falls with
 * the size of the insert (fewer parts to write and merge: docs/performance.md), so a partition's
 * batch may hold up to 4 MiB of records (kafkajs' default is 1 MiB).
 *
 * A fetch response holds as many such batches as are handled at once. kafkajs decodes a whole
 * response before it hands out its first batch, fetches again once all of them are handled, and
 * the decoded records (an object, two Buffer views and two strings each) live until then. With
 * room for 16 partitions per response, a backlog of 12 partitions came back in one response of
 * ~48 MiB, all of it decoded at once; capped at three batches' worth, an ingest of 1.2M bench
 * records peaked at a median of 791 MiB instead of 835, at the same CPU (docs/performance.md,
 * eighth round). kafkajs shuffles the partitions of each request, so every partition gets its
 * turn. Which partitions share a response decides where a batch ends, so a batch replayed after a
 * crash may end elsewhere than its first attempt: the replay stores only the rows not stored yet
 * (src/pipeline/event-handler.ts, storeReplay).
 */
export const FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024
export const FETCH_BYTES = PARTITIONS_CONCURRENTLY * FETCH_BYTES_PER_PARTITION

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Heartbeat at least this often while backing off, well inside kafkajs' 30 s session timeout. */
const HEARTBEAT_EVERY_MS = 3000

async function sleepWithHeartbeats(ms: number, heartbeat: () => Promise<void>, stillOurs: () => boolean): Promise<void> {
  for (let left = ms; left > 0 && stillOurs(); left -= HEARTBEAT_EVERY_MS) {
    await sleep(Math.min(left, HEARTBEAT_EVERY_MS))
    await heartbeat()
  }
}

export async function startKafkaSource(opts: KafkaSourceOptions): Promise<RunningSource> {
  const log = opts.logger.child({ component: 'kafka-source', groupId: opts.groupId })
  const consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    allowAutoTopicCreation: false,
    partitionAssigners: [CoPartitionedAssigner],
    maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
    maxBytes: FETCH_BYTES,
  })
  let settle!: { resolve: () => void; reject: (e: unknown) => void }
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
  let stopping = false

  if (opts.onJoin) consumer.on(consumer.events.GROUP_JOIN, opts.onJoin)
  await consumer.connect()
  for (const topic of Object.keys(opts.handlers)) await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true })

  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch, heartbeat, isRunning, isStale } = payload
      if (batch.messages.length === 0) return
      const handler = opts.handlers[batch.topic]!
      const sourceBatch = toSourceBatch(payload)
      const progress = opts.progress
      progress?.started(batch.topic, batch.partition)
      try {
        for (let attempt = 0; ; attempt++) {
          if (!isRunning() || isStale()) return // rebalanced away or stopping: uncommitted, replayed elsewhere
          try {
            await handler(sourceBatch)
            break
          } catch (e) {
            if (!isDriftwatchError(e) || !e.retriable || stopping) {
              log.fatal({ err: e, topic: batch.topic, partition: batch.partition }, 'batch failed; stopping the consumer')
              settle.reject(e)
              throw e
            }
            progress?.failed(batch.topic, batch.partition, e.code)
            const delay = backoffDelayMs(attempt, opts.backoff ?? DEFAULT_BACKOFF, opts.random ?? Math.random)
            log.warn({ code: e.code, err: e.message, attempt, delayMs: delay, topic: batch.topic, partition: batch.partition }, 'retriable failure; backing off')
            await sleepWithHeartbeats(delay, heartbeat, () => isRunning() && !isStale())
          }
        }
      } finally {
        progress?.finished(batch.topic, batch.partition)
      }
      const last = sourceBatch.records.at(-1)!
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }])
      payload.resolveOffset(last.offset)
      await heartbeat()
    },
  })

  return {
    consumer,
    done,
    async stop() {
      stopping = true
      await consumer.disconnect()
      settle.resolve()
    },
  }
}
