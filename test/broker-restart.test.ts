/**
 * A Kafka broker restart mid-run loses nothing: predictions are produced before, during and
 * after a controlled restart of the (single) broker; producers retry what failed, the consumer
 * group rides through, and every prediction is stored exactly once.
 * Needs the local broker of scripts/infra (DW_TEST_INFRA=local, the default without Docker);
 * with brokers from the environment or containers it cannot restart them and says so.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { startApp, type App } from '../src/app.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count } from './support/query.js'
import { waitFor } from './support/wait.js'

const N = 30_000
const CHUNK = 1000

describe('Kafka broker restart', () => {
  const infra = inject('infra')
  let app: App
  afterAll(async () => {
    await app?.stop()
  })

  it.skipIf(infra.how !== 'local')('stores every prediction exactly once across a broker restart', { timeout: 300_000 }, async () => {
    const config = testConfig({ partitions: 3 })
    app = await startApp(config, createLogger(config.logLevel), { evaluate: false })
    const base = Date.now() - 3_600_000
    const send = async (i: number) => {
      const batch = Array.from({ length: CHUNK }, (_, j) => prediction({ prediction_id: `r-${i + j}`, event_time: base + i + j }))
      for (let attempt = 0; ; attempt++) {
        try {
          return await app.publisher.publishPredictions(batch)
        } catch (e) {
          if (attempt > 60) throw e
          await new Promise((r) => setTimeout(r, 1000)) // the broker is restarting: resend; ids make it idempotent
        }
      }
    }
    for (let i = 0; i < N / 3; i += CHUNK) await send(i)
    const restart = promisify(execFile)('bash', [join(import.meta.dirname, '..', 'scripts', 'infra', 'restart-kafka.sh')], { timeout: 180_000 })
    for (let i = N / 3; i < N; i += CHUNK) await send(i)
    await restart
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === N, { what: 'all predictions stored', timeoutMs: 180_000 })
    // Leave the broker as the next test files expect it: its group coordinator answering.
    const admin = new Kafka({ brokers: infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await waitFor(async () => admin.fetchOffsets({ groupId: `${config.kafka!.groupId}-probe`, topics: [config.topics.predictions] }).then(() => true, () => false), (ok) => ok, { what: 'the group coordinator after the restart' })
    await admin.disconnect()
    expect(await count(app.store, 'SELECT uniqExact(prediction_id) AS c FROM {db}.predictions')).toBe(N)
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)
  })
})
