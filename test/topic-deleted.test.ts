/**
 * A consumed topic deleted under a running instance, through startApp on real Kafka, Apicurio and
 * chDB. The consumer crashes once kafkajs' fetch retries give up; from then on kafkajs would
 * restart it every 300 ms (each start failing on the missing topic) with a screenful of warnings
 * a second, a `connect` listener more on a closed socket each time until Node printed
 * MaxListenersExceededWarning, while /readyz said DW_KAFKA_UNAVAILABLE of a broker that answered.
 *
 * Asserted: /readyz names the missing topic (DW_TOPIC_MISMATCH, missingTopics); the consumer is
 * not restarted while the topic is missing and Node warns of no listener leak; once the topic is
 * created again with the same partitions the consumer goes on by itself, reads the new topic from
 * its start, and every record sent is stored once.
 */
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs'
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { pino } from 'pino'
import { startApp, type App } from '../src/app.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { createKafka } from '../src/kafka/client.js'
import { createReadiness, type Readiness, type ReadinessReport } from '../src/observability/readiness.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'
import { watchDone } from './support/app-done.js'

/** While the topic is missing, the consumer is watched this long for restarts: kafkajs restarted it ~3 times a second. */
const WATCH_MS = 15_000

describe('a consumed topic deleted while running', () => {
  const PARTITIONS = 2
  const config = testConfig({ partitions: PARTITIONS })
  const topic = config.topics.predictions
  const lines: { msg: string; component?: string; code?: string; missingTopics?: string[] }[] = []
  const logger = pino({ level: 'warn' }, new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as (typeof lines)[number])
      done()
    },
  }))
  const warnings: Error[] = []
  const onWarning = (w: Error) => void warnings.push(w)
  let app: App | undefined
  let readiness: Readiness | undefined
  let admin: Admin
  let producer: Producer
  const registry = new SchemaRegistry({ host: config.registryUrl! })

  beforeAll(async () => {
    process.on('warning', onWarning)
    const kafka = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    await admin.connect()
    producer = kafka.producer()
    await producer.connect()
  })
  afterAll(async () => {
    process.off('warning', onWarning)
    await readiness?.close()
    await app?.stop()
    await producer?.disconnect()
    await admin?.disconnect()
    await dropTestResources(config)
  })

  const send = async (ids: readonly string[]) => {
    const schemaId = await registry.getLatestSchemaId(`${topic}-value`)
    const messages = await Promise.all(ids.map(async (id) => ({ key: id, value: await registry.encode(schemaId, prediction({ prediction_id: id, event_time: Date.now() - 60_000 })) })))
    await producer.send({ topic, acks: -1, messages })
  }
  const stored = async () => (await queryRows<{ id: string }>(app!.store, 'SELECT prediction_id AS id FROM {db}.predictions FINAL ORDER BY id')).map((r) => r.id)
  const kafkajs = (prefix: string) => lines.filter((l) => l.component === 'kafkajs' && l.msg.startsWith(prefix)).length

  it('says so in /readyz, waits for the topic without restarting the consumer, and goes on once it exists again', { timeout: 300_000 }, async () => {
    app = await startApp(config, logger, { file: DEFAULT_FILE_CONFIG, evaluate: false, alerts: false })
    const crashed = watchDone(app)
    readiness = createReadiness({ store: app.store, kafka: createKafka(config.kafka!, logger), registryUrl: config.registryUrl, logger, stuckPartitions: () => app!.stuckPartitions(), topics: config.topics })
    await send(['before-1', 'before-2'])
    await waitFor(stored, (ids) => ids.length === 2, { what: 'the first records stored' })
    expect((await readiness.check()).ready).toBe(true)

    await admin.deleteTopics({ topics: [topic] })
    const missing = await waitFor(() => readiness!.check(), (r) => r.checks.kafka?.status === 'failed', { what: '/readyz failing the kafka check', timeoutMs: 60_000 })
    expect(missing).toEqual<ReadinessReport>({
      ready: false,
      checks: { clickhouse: { status: 'ok' }, kafka: { status: 'failed', code: 'DW_TOPIC_MISMATCH' }, registry: { status: 'ok' }, partitions: { status: 'ok' } },
      missingTopics: [topic],
    })

    // kafkajs gives up fetching the missing topic's partitions and crashes the consumer (~40 s).
    await waitFor(async () => kafkajs('Crash:'), (n) => n >= 1, { what: 'the consumer crashed on the missing topic', timeoutMs: 120_000 })
    const restartsBefore = kafkajs('Restarting the consumer')
    await new Promise((r) => setTimeout(r, WATCH_MS))
    expect(kafkajs('Restarting the consumer') - restartsBefore, 'restarts while the topic is missing').toBe(0)
    expect(kafkajs('Crash:'), 'crashes while the topic is missing').toBe(1)
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
    const told = lines.filter((l) => l.code === 'DW_TOPIC_MISMATCH' && l.component === 'kafka-source')
    expect(told).toHaveLength(1)
    expect(told[0]).toMatchObject({ missingTopics: [topic], msg: expect.stringMatching(/does not exist .*Create it again with as many partitions as .*ground-truth has, then restart driftwatch/) })
    expect(crashed.failed()).toBeNull()

    // Created again, with records in it before the consumer looks again: read from its start.
    await waitFor(
      () => admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: -1 }] }).catch(() => false),
      (created) => created,
      { timeoutMs: 60_000, intervalMs: 1000, what: 'the topic created again' },
    )
    await send(['after-1', 'after-2', 'after-3'])
    await waitFor(stored, (ids) => ids.length === 5, { what: 'the records of the new topic stored', timeoutMs: 120_000 })
    expect(await stored()).toEqual(['after-1', 'after-2', 'after-3', 'before-1', 'before-2'])
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.predictions')).toBe(5)
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)
    expect(lines.some((l) => l.msg === 'the consumed topics exist again; restarting the consumer')).toBe(true)
    await waitFor(() => readiness!.check(), (r) => r.ready, { what: '/readyz ready again', timeoutMs: 60_000 })
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
    expect(crashed.failed()).toBeNull()
  })
})
