/**
 * A Kafka broker restart mid-run loses nothing: predictions are produced before, during and
 * after a controlled restart of the (single) broker; producers retry what failed, the consumer
 * group rides through, and every prediction is stored exactly once.
 * Needs the local broker of scripts/infra (DW_TEST_INFRA=local, the default without Docker);
 * with brokers from the environment or containers it cannot restart them, and FAILS saying so:
 * a claim that is not checked must not pass as a skipped test nobody reads.
 * scripts/infra/restart-kafka.sh gets the broker's port from here and the infra directory
 * (DRIFTWATCH_INFRA_DIR, DW_KAFKA_CONTROLLER_PORT) from the environment the tests run with, and
 * refuses to restart a broker that does not listen on that port. To run it beside another broker:
 *   export DRIFTWATCH_INFRA_DIR=$PWD/.infra-own DW_KAFKA_PORT=39092 DW_KAFKA_CONTROLLER_PORT=39093 DW_REGISTRY_PORT=38081
 *   bash scripts/infra/up.sh && DW_TEST_INFRA=local npx vitest run test/broker-restart.test.ts
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { startApp, type App } from '../src/app.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count } from './support/query.js'
import { waitFor } from './support/wait.js'

const N = 30_000
const CHUNK = 1000

describe('Kafka broker restart', () => {
  const infra = inject('infra')
  const config = testConfig({ partitions: 3 })
  let app: App | undefined
  afterAll(async () => {
    await app?.stop()
    if (app) await dropTestResources(config)
  })

  it('stores every prediction exactly once across a broker restart', { timeout: 300_000 }, async () => {
    if (infra.how !== 'local') {
      throw new Error(
        `cannot restart the broker: the infrastructure came from ${infra.how === 'env' ? 'KAFKA_BROKERS (DW_TEST_INFRA=env)' : 'containers'}, ` +
          'and only the local broker of scripts/infra can be restarted. Run this file with DW_TEST_INFRA=local (see its header).',
      )
    }
    const port = /:(\d+)$/.exec(infra.kafkaBrokers)?.[1]
    if (!port || infra.kafkaBrokers.includes(',')) throw new Error(`expected one local broker, got KAFKA_BROKERS=${infra.kafkaBrokers}`)
    const running = await startApp(config, createLogger(config.logLevel), { evaluate: false })
    app = running
    const base = Date.now() - 3_600_000
    const send = async (i: number) => {
      const batch = Array.from({ length: CHUNK }, (_, j) => prediction({ prediction_id: `r-${i + j}`, event_time: base + i + j }))
      for (let attempt = 0; ; attempt++) {
        try {
          return await running.publisher.publishPredictions(batch)
        } catch (e) {
          if (attempt > 60) throw e
          await new Promise((r) => setTimeout(r, 1000)) // the broker is restarting: resend; ids make it idempotent
        }
      }
    }
    for (let i = 0; i < N / 3; i += CHUNK) await send(i)
    const restart = promisify(execFile)('bash', [join(import.meta.dirname, '..', 'scripts', 'infra', 'restart-kafka.sh')], {
      timeout: 180_000,
      env: { ...process.env, DW_KAFKA_PORT: port },
    })
    for (let i = N / 3; i < N; i += CHUNK) await send(i)
    // The script restarted the broker this test uses: it stopped one and printed our address.
    const { stdout, stderr } = await restart
    expect(stderr).toContain('kafka stopped; starting it again')
    expect(stdout).toContain(`export KAFKA_BROKERS=${infra.kafkaBrokers}\n`)
    await waitFor(() => count(running.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === N, { what: 'all predictions stored', timeoutMs: 180_000 })
    // Leave the broker as the next test files expect it: its group coordinator answering.
    const admin = new Kafka({ brokers: infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await waitFor(async () => admin.fetchOffsets({ groupId: `${config.kafka!.groupId}-probe`, topics: [config.topics.predictions] }).then(() => true, () => false), (ok) => ok, { what: 'the group coordinator after the restart' })
    await admin.disconnect()
    expect(await count(running.store, 'SELECT uniqExact(prediction_id) AS c FROM {db}.predictions')).toBe(N)
    expect(await count(running.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)
  })
})
