/**
 * One prediction_id, one model, with batches of several partitions handled at once in one process
 * (src/kafka/source.ts PARTITIONS_CONCURRENTLY; src/join/in-flight-ids.ts): a prediction whose id
 * a batch of another partition holds for another model, while that batch is being stored, is
 * dead-lettered as DW_PREDICTION_ID_CONFLICT as it would be once the id is stored, never stored
 * beside it.
 *
 * First through the real handlers on chDB, with the order made by hand: the insert of one
 * partition's batch is held until the other partition's batch is screened. Then through Kafka:
 * one produce request puts the same ids in two partitions for two models.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { startApp } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { avroType } from '../src/ingest/schemas.js'
import { frame } from '../src/ingest/wire-format.js'
import { Joiner } from '../src/join/joiner.js'
import { createLogger } from '../src/observability/logger.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import { topicHandlers } from '../src/pipeline/handlers.js'
import type { BatchHandler, SourceBatch } from '../src/pipeline/source.js'
import { LOCAL_SCHEMA_IDS, localResolver } from '../src/registry/resolvers.js'
import type { Store } from '../src/store/clickhouse.js'
import { privacyFor } from '../src/store/privacy.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'
import { appAndProducer } from './support/app-producer.js'

const T = Date.UTC(2026, 10, 1, 12)
const file = parseFileConfig('models:\n  - id: loan-approval\n  - id: other\n', 'test.yaml')

/** Holds the predictions insert of one partition until released (or failed) by the test. */
class InsertGate {
  private partition: number | null = null
  private reachedNow: (() => void) | null = null
  private release: ((failure: Error | null) => void) | null = null
  reached: Promise<void> = Promise.resolve()

  hold(partition: number): void {
    this.partition = partition
    this.reached = new Promise((resolve) => (this.reachedNow = resolve))
  }

  open(failure: Error | null = null): void {
    this.partition = null
    this.release?.(failure)
    this.release = null
  }

  store(base: Store, topic: string): Store {
    return {
      ...base,
      insertRowBinary: async (table, layout, payload, token) => {
        if (table === 'predictions' && this.partition !== null && token.startsWith(`predictions:${topic}:${this.partition}:`)) {
          const failure = await new Promise<Error | null>((resolve) => {
            this.release = resolve
            this.reachedNow?.()
          })
          if (failure) throw failure
        }
        return base.insertRowBinary(table, layout, payload, token)
      },
    }
  }
}

describe('one prediction_id for two models in two partitions at once', () => {
  const config = testConfig({ partitions: 2 })
  const logger = createLogger(config.logLevel)
  const running = appAndProducer(config, () => startApp(config, logger, { file, evaluate: false, alerts: false }))

  const stored = (prefix: string) =>
    queryRows<{ id: string; model: string; partition: number }>(
      running.app().store,
      'SELECT prediction_id AS id, model_id AS model, source_partition AS partition FROM {db}.predictions FINAL WHERE startsWith(prediction_id, {p:String}) ORDER BY id, model',
      { p: prefix },
    )
  const conflicts = (prefix: string) =>
    queryRows<{ partition: number; message: string }>(
      running.app().store,
      "SELECT source_partition AS partition, error_message AS message FROM {db}.dead_letters FINAL WHERE error_code = 'DW_PREDICTION_ID_CONFLICT' AND startsWith(base64Decode(raw_key_base64), {p:String}) ORDER BY partition",
      { p: prefix },
    )

  describe('through the handlers, in an order made by hand', () => {
    // Its own topic name: the app's consumer never sees these batches.
    const topic = `${config.topics.predictions}-by-hand`
    const gate = new InsertGate()
    let joiner: Joiner
    let handle: BatchHandler
    let offset = 0
    beforeAll(() => {
      const store = gate.store(running.app().store, topic)
      joiner = new Joiner(store, file)
      handle = topicHandlers({
        store, file, topics: { ...config.topics, predictions: topic }, joiner, now: () => T, logger,
        privacy: privacyFor(config, file), deadLetters: createDeadLetterSink(store, null), resolver: localResolver(),
      })[topic]!
    })
    const batch = (partition: number, id: string, model: string): SourceBatch => ({
      topic,
      partition,
      records: [{
        topic, partition, offset: String(offset++), key: Buffer.from(id), headers: {}, timestamp: String(T),
        value: frame(LOCAL_SCHEMA_IDS.prediction, avroType('prediction').toBuffer(prediction({ prediction_id: id, model_id: model, event_time: T - 60_000 }))),
      }],
    })
    /** Settles once `handling` settled or its screen waits for a batch being stored, whichever comes first. */
    const screenedOrDone = async (handling: Promise<void>, waitedBefore: number) => {
      let done = false
      handling.then(() => (done = true), () => (done = true))
      await waitFor(async () => done || joiner.screenStats.waited > waitedBefore, (x) => x, { what: 'the second batch screened', intervalMs: 10 })
    }

    it('dead-letters the second model\'s prediction as a conflict while the first one\'s batch is being stored', async () => {
      gate.hold(0)
      const first = handle(batch(0, 'hand-x', 'loan-approval'))
      await gate.reached // screened, held at its insert
      const waited = joiner.screenStats.waited
      const second = handle(batch(1, 'hand-x', 'other'))
      await screenedOrDone(second, waited)
      const waitedWhileHeld = joiner.screenStats.waited
      gate.open()
      await Promise.all([first, second])

      expect(await stored('hand-x')).toEqual([{ id: 'hand-x', model: 'loan-approval', partition: 0 }])
      const dead = await conflicts('hand-x')
      expect(dead).toHaveLength(1)
      expect(dead[0]!.partition).toBe(1)
      expect(dead[0]!.message).toContain('already belongs to model "loan-approval"')
      // The second batch waited for the first one's store, which then let the id go.
      expect(waitedWhileHeld).toBe(waited + 1)
      expect(joiner.inFlight.size).toBe(0)
    })

    it('lets the id go when the batch holding it fails to store it: the other model\'s batch stores it, the retry is the conflict', async () => {
      gate.hold(0)
      const firstBatch = batch(0, 'hand-y', 'loan-approval')
      const first = handle(firstBatch)
      await gate.reached
      const waited = joiner.screenStats.waited
      const second = handle(batch(1, 'hand-y', 'other'))
      await screenedOrDone(second, waited)
      const waitedWhileHeld = joiner.screenStats.waited
      gate.open(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123 (injected outage)'), { code: 'ECONNREFUSED' }))
      await expect(first).rejects.toMatchObject({ code: 'DW_CLICKHOUSE_UNAVAILABLE', retriable: true })
      await second
      expect(await stored('hand-y')).toEqual([{ id: 'hand-y', model: 'other', partition: 1 }])
      expect(waitedWhileHeld).toBe(waited + 1)

      // The source retries the failed batch: the id is stored for the other model now.
      await handle(firstBatch)
      expect(await stored('hand-y')).toEqual([{ id: 'hand-y', model: 'other', partition: 1 }])
      expect((await conflicts('hand-y')).map((d) => d.partition)).toEqual([0])
      expect(joiner.inFlight.size).toBe(0)
    })

    it('stores a re-send of the id for the same model at once, as one row, without waiting', async () => {
      gate.hold(0)
      const first = handle(batch(0, 'hand-z', 'loan-approval'))
      await gate.reached
      const waited = joiner.screenStats.waited
      await handle(batch(1, 'hand-z', 'loan-approval')) // done while the first is still held
      expect(joiner.screenStats.waited).toBe(waited)
      gate.open()
      await first
      expect((await stored('hand-z')).map((r) => [r.id, r.model])).toEqual([['hand-z', 'loan-approval']])
      expect(await conflicts('hand-z')).toEqual([])
    })
  })

  it('through Kafka: the same ids sent to two partitions for two models in one request are each stored once, the other use a conflict', async () => {
    const registry = new SchemaRegistry({ host: config.registryUrl! })
    const schemaId = await registry.getLatestSchemaId(`${config.topics.predictions}-value`)
    const now = Date.now()
    const ids = Array.from({ length: 200 }, (_, i) => `kafka-${i}`)
    const encode = (id: string, model: string) => registry.encode(schemaId, prediction({ prediction_id: id, model_id: model, event_time: now - 60_000 }))
    const messages = (
      await Promise.all(ids.map(async (id) => [
        { key: id, partition: 0, value: await encode(id, 'loan-approval') },
        { key: id, partition: 1, value: await encode(id, 'other') },
      ]))
    ).flat()
    await running.producer().send({ topic: config.topics.predictions, acks: -1, messages })

    const storedCount = () => count(running.app().store, "SELECT count() AS c FROM {db}.predictions FINAL WHERE startsWith(prediction_id, 'kafka-')")
    const conflictCount = () =>
      count(running.app().store, "SELECT count() AS c FROM {db}.dead_letters FINAL WHERE error_code = 'DW_PREDICTION_ID_CONFLICT' AND startsWith(base64Decode(raw_key_base64), 'kafka-')")
    await waitFor(async () => (await storedCount()) + (await conflictCount()), (n) => n >= 2 * ids.length, { what: 'every record stored or dead-lettered', timeoutMs: 90_000 })

    // Each id once, for one of the two models; its other use a conflict.
    const rows = await stored('kafka-')
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort())
    expect(await conflictCount()).toBe(ids.length)
    expect(await count(running.app().store, "SELECT count() AS c FROM {db}.dead_letters FINAL WHERE startsWith(base64Decode(raw_key_base64), 'kafka-')")).toBe(ids.length)
    // Every batch let its ids go once stored.
    await waitFor(async () => running.app().joiner.inFlight.size, (n) => n === 0, { what: 'no ids held' })
  })
})
