/**
 * Regression: kafkajs heartbeats only between the handler's calls, so a batch whose handler ran
 * longer than the session timeout (a ClickHouse request may take 60 s, the default session 30 s)
 * got its member evicted. The batch was then handled again (by another instance, or by this one
 * after rejoining) while the first attempt was still storing it. The source now heartbeats on a
 * timer while the handler runs. Here: a 6 s session (the broker's smallest by default), a handler
 * that takes 10 s, one member: it must keep its membership, and the batch is handled and committed
 * once.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { createLogger } from '../src/observability/logger.js'
import { startKafkaSource, type RunningSource } from '../src/kafka/source.js'
import type { SourceBatch } from '../src/pipeline/source.js'
import { testConfig, uniqueName } from './support/config.js'
import { waitFor } from './support/wait.js'

describe('Kafka source: a handler slower than the session timeout', () => {
  const config = testConfig({ partitions: 1 })
  const kafka = new Kafka({ clientId: 'dw-heartbeat-test', brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING })
  const topic = uniqueName('dw-slow-handler')
  const groupId = uniqueName('dw-slow-group')
  let admin: Admin | undefined
  let source: RunningSource | undefined
  afterAll(async () => {
    await source?.stop()
    if (admin) {
      await admin.deleteGroups([groupId]).catch(() => undefined)
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined)
      await admin.disconnect()
    }
  })

  it('keeps its membership through a 10 s handler with a 6 s session timeout, and commits the batch once', async () => {
    admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic, messages: [{ key: 'a', value: 'one' }, { key: 'b', value: 'two' }] })
    await producer.disconnect()

    const handled: { offsets: string[]; startedMs: number; endedMs: number }[] = []
    let joins = 0
    const handler = async (batch: SourceBatch) => {
      const startedMs = Date.now()
      if (handled.length === 0) await new Promise((r) => setTimeout(r, 10_000)) // a slow store request
      handled.push({ offsets: batch.records.map((r) => r.offset), startedMs, endedMs: Date.now() })
    }
    source = await startKafkaSource({ kafka, groupId, handlers: { [topic]: handler }, logger: createLogger(config.logLevel), sessionTimeoutMs: 6_000, onJoin: () => joins++ })

    const committed = async () => (await admin!.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset
    await waitFor(committed, (o) => o === '2', { what: 'the batch committed', timeoutMs: 60_000 })
    // Long enough for an evicted member to have rejoined and handled the batch again.
    await new Promise((r) => setTimeout(r, 3_000))
    expect(handled.map((h) => h.offsets)).toEqual([['0', '1']])
    // The handler outlasted the session timeout by half of it at least. Not `>= 10_000`: a 10 s
    // timer and two readings of the wall clock can disagree by a millisecond (9,999 was seen).
    expect(handled[0]!.endedMs - handled[0]!.startedMs).toBeGreaterThanOrEqual(9_000)
    expect(joins).toBe(1)
  })
})
