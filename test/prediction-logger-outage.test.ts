/**
 * The producer client loses nothing when the broker goes away (issue #12): events logged while
 * the only broker is STOPPED stay buffered, failed sends are retried with backoff, and once the
 * broker is back every event is stored exactly once. A full buffer refuses the event at the call
 * (DW_BUFFER_FULL), never silently.
 *
 * The test stops and starts the broker with scripts/infra/stop-kafka.sh and up.sh, so it needs
 * the local broker of scripts/infra (DW_TEST_INFRA=local). Run it against a broker of its own,
 * never the shared one:
 *
 *   DRIFTWATCH_INFRA_DIR=$PWD/.infra-own DW_KAFKA_PORT=29092 DW_KAFKA_CONTROLLER_PORT=29093 \
 *   DW_REGISTRY_PORT=28081 DW_TEST_INFRA=local npx vitest run test/prediction-logger-outage.test.ts
 *
 * With infrastructure from the environment or containers it cannot stop the broker, and it fails
 * saying so rather than skipping.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { isDriftwatchError } from '../src/errors.js'
import { createPredictionLogger } from '../src/index.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'
import { count } from './support/query.js'
import { waitFor } from './support/wait.js'

const run = promisify(execFile)
const script = (name: string) => join(import.meta.dirname, '..', 'scripts', 'infra', name)

describe('createPredictionLogger with the broker stopped', () => {
  const infra = inject('infra')
  let app: App | undefined
  const config = testConfig({ partitions: 3 })
  afterAll(async () => {
    await app?.stop()
    if (infra.how === 'local') await dropTestResources(config).catch(() => undefined)
  })

  it('keeps, retries and delivers every event logged while the broker is down; refuses at the call when full', { timeout: 420_000 }, async () => {
    if (infra.how !== 'local') {
      throw new Error(
        `this test stops and restarts the Kafka broker, and it can only do that to the local broker of scripts/infra ` +
          `(infrastructure here is "${infra.how}": ${infra.kafkaBrokers}). Run it with DW_TEST_INFRA=local and a broker of its own: ` +
          `DRIFTWATCH_INFRA_DIR=$PWD/.infra-own DW_KAFKA_PORT=29092 DW_KAFKA_CONTROLLER_PORT=29093 DW_REGISTRY_PORT=28081`,
      )
    }
    app = await startApp(config, createLogger(config.logLevel), { evaluate: false })
    const errors: unknown[] = []
    const logger = await createPredictionLogger({
      brokers: config.kafka!.brokers,
      registryUrl: config.registryUrl!,
      topicPrefix: config.topics.predictions.replace(/predictions$/, ''),
      batchSize: 200,
      lingerMs: 20,
      maxBufferedEvents: 1500,
      flushTimeoutMs: 240_000,
      retryBackoff: { baseMs: 200, capMs: 2000 },
      onError: (e) => errors.push(e),
    })
    const t = Date.now() - 60_000
    const predict = (i: number) =>
      logger.logPrediction({ prediction_id: `out-${i}`, model_id: 'm', model_version: 'v1', event_time: t + i, features: { x: i }, prediction: { score: (i % 100) / 100 } })

    // Before the outage: 500 predictions, acknowledged.
    for (let i = 0; i < 500; i++) predict(i)
    await logger.flush()

    await run('bash', [script('stop-kafka.sh')], { timeout: 90_000 })
    let overflow: unknown = null
    try {
      // During the outage: 1000 predictions and 500 labels fill the buffer (1500).
      for (let i = 500; i < 1500; i++) predict(i)
      for (let i = 0; i < 500; i++) logger.logGroundTruth({ prediction_id: `out-${i * 3}`, label: { class_label: 'yes' }, label_time: t + i * 3 + 1 })
      try {
        predict(1500)
      } catch (e) {
        overflow = e
      }
      // Sends fail and are retried while the broker is down.
      await waitFor(async () => errors.length, (n) => n >= 2, { what: 'two failed sends while the broker is down', timeoutMs: 120_000, intervalMs: 500 })
    } finally {
      // Whatever happened, the broker comes back for the next test files.
      await run('bash', [script('up.sh')], { timeout: 180_000 })
    }
    // The old client's flush() rejected forever here, after losing what was logged during the outage.
    await logger.flush()
    await logger.close()

    // Conservation: every accepted event stored once (in = stored + dead-lettered, none lost).
    await waitFor(() => count(app!.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 1500, { what: '1500 predictions', timeoutMs: 180_000 })
    await waitFor(() => count(app!.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === 500, { what: '500 labels', timeoutMs: 60_000 })
    expect(await count(app.store, 'SELECT uniqExact(prediction_id) AS c FROM {db}.predictions')).toBe(1500)
    expect(await count(app.store, `SELECT count() AS c FROM {db}.predictions FINAL WHERE prediction_id = 'out-1500'`)).toBe(0)
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)

    // The event refused while the buffer was full was refused at the call, with a code.
    expect(isDriftwatchError(overflow) && overflow.code).toBe('DW_BUFFER_FULL')
    expect(logger.stats()).toMatchObject({ buffered: 0, sent: 2000, rejected: 1 })
    expect(logger.stats().failedSends).toBeGreaterThanOrEqual(2)

    // Leave the broker as the next test files expect it: its group coordinator answering.
    const admin = new Kafka({ brokers: infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await waitFor(async () => admin.fetchOffsets({ groupId: `${config.kafka!.groupId}-probe`, topics: [config.topics.predictions] }).then(() => true, () => false), (ok) => ok, { what: 'the group coordinator after the restart' })
    await admin.disconnect()
  })
})
