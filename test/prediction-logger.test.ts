/**
 * The TypeScript producer client against real Kafka and the registry: batched sends, flush on
 * close, validation at the call, and a prediction and its label on the same partition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
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
    await logger.close()

    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 1000, { what: 'predictions' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === 500, { what: 'labels' })
    const misplaced = await count(
      app.store,
      `SELECT count() AS c FROM {db}.predictions AS p FINAL INNER JOIN {db}.ground_truth AS g FINAL USING prediction_id WHERE p.source_partition != g.source_partition`,
    )
    expect(misplaced).toBe(0)
    expect(await count(app.store, 'SELECT uniqExact(source_partition) AS c FROM {db}.predictions')).toBe(4)
  })
})
