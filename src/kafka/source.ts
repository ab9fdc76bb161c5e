/**
 * Kafka consumer-group source. Scale-out is Kafka's: run more instances with the same group id.
 *
 * Offsets are committed only after the handler resolved, i.e. after the batch's effect is
 * durable (at-least-once delivery + idempotent effects = exactly-once effect). A retriable
 * failure (ClickHouse or registry down) is retried for that partition with capped, jittered
 * backoff while the consumer keeps its group membership (heartbeats); anything else stops the
 * consumer and is reported through `done`, so the process exits and is restarted.
 *
 * A crash kafkajs restarts from itself (a broker or coordinator away, a subscribed topic deleted)
 * is restarted after a backoff of ours, and not before every subscribed topic exists
 * (restartGate).
 */
import { setTimeout as delay } from 'node:timers/promises'
import { AssignerProtocol, type Consumer, type EachBatchPayload, type Kafka } from 'kafkajs'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import type { Logger } from '../observability/logger.js'
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from '../pipeline/backoff.js'
import type { PartitionProgress } from '../pipeline/partition-progress.js'
import type { BatchHandler, SourceBatch, SourceRecord } from '../pipeline/source.js'
import { installAbortedFilter } from './aborted-transactions.js'
import { coPartitionedAssigner, decodeNotice, type MemberIdentity, type MemberNotice } from './co-partitioned-assigner.js'
import { missingTopics, topicsMissingMessage } from './topics.js'

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
  /** The coordinator evicts a member silent for this long. Default 30 s, kafkajs' own (tests set less). */
  readonly sessionTimeoutMs?: number
  /**
   * Records [from, to) of a partition that the client left out and this source committed past:
   * transaction markers and aborted transactions' records (src/pipeline/replay-guard.ts `skipped`).
   */
  readonly onSkipped?: (topic: string, partition: number, from: string, to: string) => void
  /**
   * What this member tells the group's assigner (its store, start time and driftwatch.yaml
   * fingerprint: ./co-partitioned-assigner.ts). Without it the member says nothing, and is never
   * refused nor told of another configuration.
   */
  readonly member?: MemberIdentity
  /**
   * After each rebalance, how many members of the deployment run a driftwatch.yaml other than
   * this one's (0: none, or no member identity).
   */
  readonly onConfigMismatch?: (differing: number) => void
  /** Restarts after a crash (restartGate); default RESTART_BACKOFF. */
  readonly restartBackoff?: BackoffPolicy
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
 * "Batch and fetch sizes"). kafkajs shuffles the partitions of each request, so every partition gets its
 * turn. Which partitions share a response decides where a batch ends, so a batch replayed after a
 * crash may end elsewhere than its first attempt: the replay stores only the rows not stored yet
 * (src/pipeline/event-handler.ts, storeReplay).
 */
export const FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024
export const FETCH_BYTES = PARTITIONS_CONCURRENTLY * FETCH_BYTES_PER_PARTITION

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Heartbeat at least this often while backing off, well inside kafkajs' 30 s session timeout. */
const HEARTBEAT_EVERY_MS = 3000

/** kafkajs' session timeout, kept: an instance that died loses its partitions after 30 s. */
export const DEFAULT_SESSION_TIMEOUT_MS = 30_000

/**
 * Runs `work` while heartbeating every `everyMs`, and clears the timer however `work` ends.
 *
 * kafkajs has no heartbeat thread: it heartbeats between the handler's calls, or when the handler
 * calls `heartbeat()`. A batch's handler waits on ClickHouse, whose requests may take up to 60 s
 * each (request_timeout, src/store/clickhouse.ts), several per batch (lookups, the insert, the
 * replay check), against a 30 s session timeout. A member silent for that long is evicted, and
 * another instance (or this one, rejoined) handles the batch again while the first attempt is
 * still storing it: both see nothing stored yet, and dead letters and metrics are stored twice.
 * Heartbeating on a timer keeps the membership for as long as the handler takes, however many
 * requests it makes; raising the session timeout above one request would not (a batch makes
 * several), and would leave a dead instance's partitions idle for as long. An instance that dies
 * stops its timer with it, so eviction still works. kafkajs sends at most one heartbeat per
 * heartbeatInterval and shares one in flight, so ticking at that interval costs nothing between.
 *
 * A failed heartbeat is not the batch's failure: during a rebalance the coordinator answers
 * REBALANCE_IN_PROGRESS until this member rejoins, which kafkajs does once the handler returns;
 * the failure is logged at debug and the handler goes on. What the timer cannot cover: a rebalance
 * waits for this member to rejoin for at most the rebalance timeout (kafkajs' 60 s), and kafkajs
 * rejoins only after the handler returned; a batch still running then loses its partition, its
 * commit is refused and the consumer crashes (see CRASH below), and the batch is replayed.
 * The coordination consumer of src/kafka/leadership.ts is another consumer with its own options:
 * nothing here changes it.
 */
export async function withHeartbeats<T>(work: () => Promise<T>, heartbeat: () => Promise<void>, everyMs: number, onError: (e: unknown) => void): Promise<T> {
  const timer = setInterval(() => heartbeat().catch(onError), everyMs)
  try {
    return await work()
  } finally {
    clearInterval(timer)
  }
}

async function sleepWithHeartbeats(ms: number, heartbeat: () => Promise<void>, stillOurs: () => boolean): Promise<void> {
  for (let left = ms; left > 0 && stillOurs(); left -= HEARTBEAT_EVERY_MS) {
    await sleep(Math.min(left, HEARTBEAT_EVERY_MS))
    await heartbeat()
  }
}

const maxOffset = (a: bigint, b: bigint) => (a > b ? a : b)

/**
 * What the group's assigner told this member besides its partitions (the assignment's userData,
 * ./co-partitioned-assigner.ts). kafkajs keeps only the partitions of the assignment it receives,
 * so it is read back from the coordinator. Only a stable group describes its assignments; a group
 * that rebalances again meanwhile is read at the next join.
 */
async function readNotice(consumer: Consumer, memberId: string): Promise<MemberNotice | null | undefined> {
  const group = await consumer.describeGroup()
  if (group.state !== 'Stable') return undefined // rebalancing again: unknown until the next join
  const me = group.members.find((m) => m.memberId === memberId)
  return me ? decodeNotice(AssignerProtocol.MemberAssignment.decode(me.memberAssignment)?.userData) : undefined
}

/**
 * The wait before kafkajs restarts a crashed consumer, by restarts since it last joined its group:
 * full jitter under 1 s, 2 s, 4 s, ... up to 30 s (../pipeline/backoff.ts).
 */
export const RESTART_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 30_000 }

export interface RestartGateOptions {
  /** The subscribed topics. */
  readonly topics: readonly string[]
  /** Which of `topics` the cluster does not have (./topics.ts missingTopics). */
  readonly missingTopics: (topics: readonly string[]) => Promise<readonly string[]>
  readonly backoff: BackoffPolicy
  readonly random: () => number
  /** Waits `ms`, or less once stopping. */
  readonly pause: (ms: number) => Promise<void>
  readonly stopping: () => boolean
  readonly logger: Logger
}

export interface RestartGate {
  /** kafkajs' `retry.restartOnFailure`: resolves once the consumer may restart, false when stopping. */
  beforeRestart(): Promise<boolean>
  /** The consumer joined its group: the next crash starts the backoff over. */
  joined(): void
}

/**
 * What a crash kafkajs restarts from waits for. kafkajs 2.2.4 restarts such a consumer 300 ms
 * after the crash (or after its own retries' last wait), however often it crashes. A subscribed
 * topic deleted under a running consumer crashes every start (its metadata request fails with
 * UNKNOWN_TOPIC_OR_PARTITION): measured, a restart every 300 ms and 10 log lines a second. And
 * each restart that gets no further adds a listener: kafkajs' disconnect calls `unref()` on the
 * broker's fetch socket, closed by the previous disconnect, and Node defers that to a `connect`
 * that never comes, so after 11 restarts Node printed MaxListenersExceededWarning to stderr.
 *
 * So a crashed consumer (which has left its group by then: its partitions go to the other
 * members) waits `backoff` before each restart, growing until it joins its group again; and while
 * a subscribed topic does not exist, it waits for it, looking again after each backoff, and
 * restarts only once every topic exists. The restarted consumer joins anew and reads the
 * committed offsets, as a restarted process would. Nothing else changes: which crashes restart
 * is kafkajs' decision, and the batch handling, its commits and fetch positions are untouched.
 */
export function restartGate(o: RestartGateOptions): RestartGate {
  let restarts = 0
  let reported: string | null = null
  const backOff = () => o.pause(backoffDelayMs(restarts++, o.backoff, o.random))
  return {
    joined: () => void (restarts = 0),
    async beforeRestart() {
      await backOff()
      while (!o.stopping()) {
        const missing = await o.missingTopics(o.topics).catch((e: unknown) => {
          o.logger.debug({ err: e }, 'listing the topics after a crash failed; restarting the consumer all the same')
          return []
        })
        if (missing.length === 0) break
        const key = missing.join('\u0000')
        if (key !== reported) o.logger.error({ code: 'DW_TOPIC_MISMATCH', missingTopics: missing }, topicsMissingMessage(missing, o.topics))
        reported = key
        await backOff()
      }
      if (o.stopping()) return false
      if (reported !== null) o.logger.warn({ topics: o.topics }, 'the consumed topics exist again; restarting the consumer')
      reported = null
      return true
    },
  }
}

export function sharedStoreMessage(groupId: string, member: MemberIdentity, conflict: NonNullable<MemberNotice['conflict']>): string {
  const others = `${conflict.members} other member${conflict.members === 1 ? '' : 's'}`
  const who = member.store === 'chdb' ? `this embedded (chDB) instance shares consumer group ${groupId} with ${others}` : `consumer group ${groupId} is shared by this instance, ${others} and an embedded (chDB) instance`
  return `${who}, each writing to a database of its own: each would hold part of the data. Member ${conflict.keptBy} keeps every partition (the instances on a ClickHouse server, or, with embedded instances alone, the one started first) and this one stops. Run one instance, or give every instance CLICKHOUSE_URL (one ClickHouse server), or give each deployment its own KAFKA_GROUP_ID`
}

export function configMismatchMessage(groupId: string, mismatch: NonNullable<MemberNotice['configMismatch']>): string {
  return `${mismatch.differing} of the ${mismatch.members} members of consumer group ${groupId} run a different driftwatch.yaml from this instance: every instance of a deployment needs the same file (one may accept a record another dead-letters, or cut its windows differently). During a rolling change of the file this is expected for a while`
}

export async function startKafkaSource(opts: KafkaSourceOptions): Promise<RunningSource> {
  const log = opts.logger.child({ component: 'kafka-source', groupId: opts.groupId })
  if (!installAbortedFilter()) log.warn('kafkajs is not the version whose aborted-transaction filter driftwatch corrects (./aborted-transactions.ts): records of overlapping aborted transactions may be delivered')
  const sessionTimeout = opts.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS
  // kafkajs' ratio (3 s for 30 s): several heartbeats fit in a session even when one is late.
  const heartbeatInterval = Math.max(100, Math.floor(sessionTimeout / 10))
  let stopping = false
  const stopped = new AbortController()
  const topics = Object.keys(opts.handlers)
  const restarts = restartGate({
    topics,
    missingTopics: async (wanted) => {
      const admin = opts.kafka.admin({ retry: { retries: 0 } })
      try {
        await admin.connect()
        return await missingTopics(admin, wanted)
      } finally {
        await admin.disconnect().catch(() => undefined)
      }
    },
    backoff: opts.restartBackoff ?? RESTART_BACKOFF,
    random: opts.random ?? Math.random,
    pause: (ms) => delay(ms, undefined, { signal: stopped.signal }).catch(() => undefined),
    stopping: () => stopping,
    logger: log,
  })
  const consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    allowAutoTopicCreation: false,
    // kafkajs' own retries (5) kept; restartOnFailure is asked before each restart after a crash.
    retry: { retries: 5, restartOnFailure: () => restarts.beforeRestart() },
    partitionAssigners: [coPartitionedAssigner(opts.member ?? null)],
    maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
    maxBytes: FETCH_BYTES,
    sessionTimeout,
    heartbeatInterval,
  })
  let settle!: { resolve: () => void; reject: (e: unknown) => void }
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
  // `done` may reject (a crash, a refusal by the group) before the caller waits on it: handled here
  // so that Node does not call it unhandled; the caller still sees the rejection.
  done.catch(() => undefined)

  consumer.on(consumer.events.GROUP_JOIN, () => restarts.joined())
  if (opts.onJoin) consumer.on(consumer.events.GROUP_JOIN, opts.onJoin)
  if (opts.member) {
    const member = opts.member
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      readNotice(consumer, payload.memberId).then(
        (notice) => {
          // Unknown (the group rebalancing again) leaves the last count as it is: 0 would say all agree.
          if (notice !== undefined) opts.onConfigMismatch?.(notice?.configMismatch?.differing ?? 0)
          if (notice?.configMismatch) log.error({ code: 'DW_GROUP_CONFIG_MISMATCH', ...notice.configMismatch }, configMismatchMessage(opts.groupId, notice.configMismatch))
          if (notice?.conflict && !stopping) {
            // Given no partitions: leave the group, and stop the process through `done`.
            stopping = true
            settle.reject(new DriftwatchError('DW_GROUP_SHARED_EMBEDDED_STORE', sharedStoreMessage(opts.groupId, member, notice.conflict), { retriable: false }))
            consumer.disconnect().catch((e: unknown) => log.debug({ err: e }, 'leaving the group after its refusal failed'))
          }
        },
        (e: unknown) => log.debug({ err: e }, 'reading this member\'s assignment notice failed; the next rebalance reads it again'),
      )
    })
  }
  // kafkajs stops a consumer for good after an error it does not retry (a commit refused because
  // the member was evicted, ILLEGAL_GENERATION, is one). Consuming nothing while the process runs
  // on would go unseen: `done` rejects, so the process exits and is restarted.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart || stopping) return
    log.fatal({ err: payload.error }, 'the consumer crashed and kafkajs does not restart it; stopping')
    settle.reject(payload.error)
  })
  await consumer.connect()
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true })

  // A fetch of a partition whose records were all left out (an aborted transaction and its marker)
  // never reaches eachBatch: kafkajs moves its position past them and commits only with
  // autoCommit, which this source does not use. Committed here, or the group stays behind them.
  // kafkajs emits this between the partition's batches, and the commit request goes out before
  // the partition's next batch starts, so it cannot land after that batch's commit. Registered
  // before run(), so the first fetches are seen too.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize !== 0 || payload.firstOffset === null || stopping) return
    const from = payload.firstOffset
    const to = (BigInt(payload.lastOffset) + 1n).toString()
    consumer.commitOffsets([{ topic: payload.topic, partition: payload.partition, offset: to }]).then(
      () => opts.onSkipped?.(payload.topic, payload.partition, from, to),
      (e: unknown) => log.debug({ err: e, topic: payload.topic, partition: payload.partition }, 'committing past left-out records failed; the next batch commits'),
    )
  })

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
            await withHeartbeats(() => handler(sourceBatch), heartbeat, heartbeatInterval, (e) =>
              log.debug({ err: e, topic: batch.topic, partition: batch.partition }, 'heartbeat during a batch failed'),
            )
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
      // Past the fetch's last offset, which counts the control records and aborted transactions'
      // records kafkajs left out after the last record handled: a transactional producer's commit
      // marker ends most of its fetches, and committing only past the last record left the group
      // one offset behind for good (consumer lag never 0) and made every next batch look like a replay.
      const last = sourceBatch.records.at(-1)!
      const handledTo = BigInt(last.offset) + 1n
      const next = maxOffset(handledTo, BigInt(batch.lastOffset()) + 1n)
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next.toString() }])
      payload.resolveOffset((next - 1n).toString())
      if (next > handledTo) opts.onSkipped?.(batch.topic, batch.partition, handledTo.toString(), next.toString())
      await heartbeat()
    },
  })
  return {
    consumer,
    done,
    async stop() {
      stopping = true
      stopped.abort()
      await consumer.disconnect()
      settle.resolve()
    },
  }
}
