/**
 * A topic written by a transactional producer holds control records (each transaction's commit or
 * abort marker) and, for aborted transactions, records a read-committed consumer never sees.
 * kafkajs leaves both out of a batch. The source must commit past them: committing only past the
 * last record handled left the group one offset behind the end of the partition for good
 * (consumer lag never 0) and made the next batch, which starts after the marker, look like a
 * replay to the replay guard (each one checked against the stored rows).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { createLogger } from '../src/observability/logger.js'
import { startKafkaSource, type RunningSource } from '../src/kafka/source.js'
import { ReplayGuard } from '../src/pipeline/replay-guard.js'
import type { SourceBatch } from '../src/pipeline/source.js'
import { testConfig, uniqueName } from './support/config.js'
import { waitFor } from './support/wait.js'

/**
 * A one-partition topic and a consumer group of the describe's own: the topic created before its
 * tests, the source stopped and both deleted after them.
 */
function ownTopic(name: string) {
  const config = testConfig({ partitions: 1 })
  const kafka = new Kafka({ clientId: `${name}-test`, brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING })
  const own = { config, kafka, admin: kafka.admin(), topic: uniqueName(name), groupId: uniqueName(`${name}-group`), source: undefined as RunningSource | undefined }
  beforeAll(async () => {
    await own.admin.connect()
    await own.admin.createTopics({ topics: [{ topic: own.topic, numPartitions: 1 }], waitForLeaders: true })
  })
  afterAll(async () => {
    await own.source?.stop()
    await own.admin.deleteGroups([own.groupId]).catch(() => undefined)
    await own.admin.deleteTopics({ topics: [own.topic] }).catch(() => undefined)
    await own.admin.disconnect()
  })
  return own
}

describe('Kafka source: a transactional producer', () => {
  const own = ownTopic('dw-transactions')
  const { config, kafka, admin, topic, groupId } = own

  it('commits past commit markers and aborted transactions, and treats only the first batch as a possible replay', async () => {
    const producer = kafka.producer({ transactionalId: uniqueName('dw-tx'), idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()

    // What event-handler.ts does with the guard: begin when a batch starts, end once it is stored.
    const guard = new ReplayGuard()
    const handled: string[] = []
    const replays: boolean[] = []
    const handler = async (batch: SourceBatch) => {
      replays.push(guard.begin(batch.topic, batch.partition, batch.records[0]!.offset))
      handled.push(...batch.records.map((r) => r.value!.toString()))
      guard.end(batch.topic, batch.partition, batch.records.at(-1)!.offset)
    }
    own.source = await startKafkaSource({
      kafka, groupId, handlers: { [topic]: handler }, logger: createLogger(config.logLevel),
      onSkipped: (t, p, from, to) => guard.skipped(t, p, from, to),
    })

    const committed = async () => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset
    const highWatermark = async () => (await admin.fetchTopicOffsets(topic))[0]!.high
    // Both read again on each poll: a transaction's markers are written after commit() returns.
    const caughtUp = async (what: string, records: number, high: string) => {
      await waitFor(async () => [handled.length, await committed(), await highWatermark()] as const, ([n, c, h]) => n === records && c === high && h === high, {
        what: `${what}: ${records} records handled and the group committed up to the high watermark ${high}`,
        timeoutMs: 30_000,
      })
    }
    const transaction = async (values: string[], outcome: 'commit' | 'abort') => {
      const tx = await producer.transaction()
      await tx.send({ topic, messages: values.map((value) => ({ key: value, value })) })
      await (outcome === 'commit' ? tx.commit() : tx.abort())
    }

    // One record per transaction, each handled alone: record, marker, record, marker, ... (4
    // records, 2 aborted records and 5 markers: the high watermarks below).
    for (const [i, value] of ['a', 'b', 'c'].entries()) {
      await transaction([value], 'commit')
      await caughtUp(`committed transaction ${value}`, i + 1, String(2 * (i + 1)))
    }
    // An aborted transaction at the end of the partition: its records and marker only.
    await transaction(['x', 'y'], 'abort')
    await caughtUp('aborted transaction', 3, '9')
    await transaction(['d'], 'commit')
    await caughtUp('committed transaction d', 4, '11')
    await producer.disconnect()

    expect(handled).toEqual(['a', 'b', 'c', 'd'])
    expect(replays).toEqual([true, false, false, false])
  })
})

describe('Kafka source: transactions of two producers aborted in the other order than they started', () => {
  const own = ownTopic('dw-transactions-order')
  const { config, kafka, admin, topic, groupId } = own

  it('delivers none of their records, and the committed records around them', async () => {
    const transactional = async (name: string) => {
      const p = kafka.producer({ transactionalId: uniqueName(name), idempotent: true, maxInFlightRequests: 1 })
      await p.connect()
      return p
    }
    const [p1, p2, p3] = [await transactional('dw-tx-1'), await transactional('dw-tx-2'), await transactional('dw-tx-3')]
    const send = (tx: Awaited<ReturnType<typeof p1.transaction>>, value: string) => tx.send({ topic, messages: [{ key: value, value }] })
    // Offsets: before 0 and its commit marker 1; A1 2, B1 3, A2 4; B's abort 5, A's abort 6 (the
    // broker lists A's transaction after B's: the order they ended); after 7 and its marker 8.
    const before = await p3.transaction()
    await send(before, 'before')
    await before.commit()
    const a = await p1.transaction()
    await send(a, 'aborted-A1')
    const b = await p2.transaction()
    await send(b, 'aborted-B1')
    await send(a, 'aborted-A2')
    await b.abort()
    await a.abort()
    const after = await p3.transaction()
    await send(after, 'after')
    await after.commit()
    for (const p of [p1, p2, p3]) await p.disconnect()

    const handled: string[] = []
    own.source = await startKafkaSource({
      kafka, groupId, logger: createLogger(config.logLevel),
      handlers: { [topic]: async (batch: SourceBatch) => void handled.push(...batch.records.map((r) => r.value!.toString())) },
    })
    const committed = async () => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset
    const high = (await admin.fetchTopicOffsets(topic))[0]!.high
    expect(high).toBe('9')
    await waitFor(committed, (c) => c === high, { what: `the group committed up to the high watermark ${high}`, timeoutMs: 30_000 })
    expect(handled).toEqual(['before', 'after'])
  })
})
