/**
 * The TypeScript producer client against real Kafka and the registry: batched sends, flush on
 * close, validation at the call, and a prediction and its label on the same partition; and a
 * close() that gives up says which events were not delivered and which may have been.
 */

/** The keys (prediction_ids) of every record in `topic`, read up to its end. */
async function keysIn(brokers: readonly string[], topic: string): Promise<string[]> {
  const kafka = new Kafka({ brokers: [...brokers], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  const ends = await admin.fetchTopicOffsets(topic)
  await admin.disconnect()
  const left = new Map(ends.filter((p) => Number(p.high) > 0).map((p) => [p.partition, Number(p.high)]))
  const keys: string[] = []
  if (left.size === 0) return keys
  const consumer = kafka.consumer({ groupId: `keys-${Date.now()}-${Math.random()}` })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        keys.push(message.key?.toString() ?? '')
        if (Number(message.offset) + 1 >= (left.get(partition) ?? 0)) left.delete(partition)
        if (left.size === 0) resolve()
      },
    })
  })
  await consumer.disconnect()
  return keys
}
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { isDriftwatchError } from '../src/errors.js'
import { createPredictionLogger } from '../src/index.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { count } from './support/query.js'
import { waitFor } from './support/wait.js'

describe('createPredictionLogger', () => {
  const config = testConfig({ partitions: 4 })
  let app: App
  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { evaluate: false })
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('sends batched predictions and labels, flushing on close', async () => {
    const logger = await createPredictionLogger({
      brokers: config.kafka!.brokers,
      registryUrl: config.registryUrl!,
      topicPrefix: config.topics.predictions.replace(/predictions$/, ''),
      batchSize: 300,
      lingerMs: 50,
    })
    const t = Date.now() - 60_000
    for (let i = 0; i < 1000; i++) {
      logger.logPrediction({ prediction_id: `pl-${i}`, model_id: 'm', model_version: 'v1', event_time: t + i, features: { x: i, c: i % 2 ? 'a' : 'b' }, prediction: { score: (i % 100) / 100 } })
      if (i % 2 === 0) logger.logGroundTruth({ prediction_id: `pl-${i}`, label: { class_label: i % 3 ? 'yes' : 'no' }, label_time: t + i + 10 })
    }
    expect(() => logger.logPrediction({ prediction_id: '', model_id: 'm', model_version: 'v1', event_time: t, features: {}, prediction: { score: 0.5 } })).toThrow(/prediction_id/)
    const closing = logger.close()
    // A second close() is the first one, and flush() after close() says nothing is sent any more.
    expect(logger.close()).toBe(closing)
    await closing
    await expect(logger.flush()).rejects.toMatchObject({ code: 'DW_VALIDATION_FAILED', message: expect.stringMatching(/closed: nothing is sent or retried after close\(\)/) })

    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 1000, { what: 'predictions' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === 500, { what: 'labels' })
    const misplaced = await count(
      app.store,
      `SELECT count() AS c FROM {db}.predictions AS p FINAL INNER JOIN {db}.ground_truth AS g FINAL USING prediction_id WHERE p.source_partition != g.source_partition`,
    )
    expect(misplaced).toBe(0)
    expect(await count(app.store, 'SELECT uniqExact(source_partition) AS c FROM {db}.predictions')).toBe(4)
  })

  it('close() that gives up counts apart the events not delivered and those in flight, and lists their prediction_ids', async () => {
    const logger = await createPredictionLogger({
      brokers: config.kafka!.brokers,
      registryUrl: config.registryUrl!,
      topicPrefix: config.topics.predictions.replace(/predictions$/, ''),
      batchSize: 500,
      lingerMs: 60_000,
      flushTimeoutMs: 1, // gives up while the first batch is still in flight
    })
    const t = Date.now() - 60_000
    for (let i = 0; i < 1000; i++) logger.logPrediction({ prediction_id: `cl-${i}`, model_id: 'm', model_version: 'v1', event_time: t + i, features: { x: i }, prediction: { score: 0.5 } })
    let failure: unknown
    await logger.close().catch((e: unknown) => (failure = e))

    expect(isDriftwatchError(failure) && failure.code).toBe('DW_KAFKA_UNAVAILABLE')
    const { message, context } = failure as { message: string; context: { undelivered: { kind: string; prediction_id: string }[]; inFlight: { kind: string; prediction_id: string }[] } }
    const [, notDelivered, mayHaveBeen] = /(\d+) not delivered, (\d+) may have been \(in flight when close gave up\)/.exec(message) ?? []
    expect(Number(notDelivered)).toBe(context.undelivered.length)
    expect(Number(mayHaveBeen)).toBe(context.inFlight.length)
    expect(message).not.toMatch(/stay buffered|are retried/)
    expect(context.undelivered.every((u) => u.kind === 'prediction')).toBe(true)

    // What it says not delivered is not in Kafka; everything else it did not list is.
    const inKafka = new Set((await keysIn(config.kafka!.brokers, config.topics.predictions)).filter((k) => k.startsWith('cl-')))
    const undelivered = new Set(context.undelivered.map((u) => u.prediction_id))
    const inFlight = new Set(context.inFlight.map((u) => u.prediction_id))
    expect([...undelivered].filter((id) => inKafka.has(id))).toEqual([])
    const missing = Array.from({ length: 1000 }, (_, i) => `cl-${i}`).filter((id) => !inKafka.has(id) && !undelivered.has(id) && !inFlight.has(id))
    expect(missing).toEqual([])
    expect(context.undelivered.length + context.inFlight.length).toBeGreaterThan(0)
  })
})
