/**
 * Self-monitoring on real Kafka, the schema registry and ClickHouse: the pipeline is wired with
 * the metrics decorators and samplers (as the composition root wires them), traffic goes through
 * it, and GET /metrics is scraped over HTTP with a read token. Then ClickHouse fails (fault
 * injection): /readyz answers 503 naming it, and the write-error and retry series move.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { startHttpServer, type RunningHttpServer } from '../src/http/listen.js'
import { httpSecurity } from '../src/http/security-policy.js'
import { dlqTopic } from '../src/ingest/dead-letter.js'
import { Joiner } from '../src/join/joiner.js'
import { createKafka } from '../src/kafka/client.js'
import { startKafkaSource, type RunningSource } from '../src/kafka/source.js'
import { ensureTopics } from '../src/kafka/topics.js'
import { alertDeliveryRecorder } from '../src/observability/alert-deliveries.js'
import { instrumentDeadLetterSink, instrumentHandlers } from '../src/observability/instrument-pipeline.js'
import { instrumentStore } from '../src/observability/instrument-store.js'
import { createLogger } from '../src/observability/logger.js'
import { createMetrics } from '../src/observability/metrics.js'
import { startPipelineWatch, type PipelineWatch } from '../src/observability/pipeline-watch.js'
import { createReadiness, type Readiness } from '../src/observability/readiness.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import { topicHandlers } from '../src/pipeline/handlers.js'
import { kafkaPublisher, registerSchemas, type EventPublisher } from '../src/pipeline/publisher.js'
import type { BatchHandler } from '../src/pipeline/source.js'
import { registryResolver } from '../src/registry/resolvers.js'
import type { Store } from '../src/store/clickhouse.js'
import { migrate } from '../src/store/migrate.js'
import { createPseudonymizer } from '../src/store/pseudonymize.js'
import { TEST_PSEUDONYMIZATION_KEY, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { faultyOpenStore, type FaultSwitch } from './support/faulty-store.js'
import { count } from './support/query.js'
import { waitFor } from './support/wait.js'

const READ = 'it-read-token-0123456789ab'
const INGEST = 'it-ingest-token-0123456789'
const N = 30

interface Sample {
  readonly name: string
  readonly labels: Record<string, string>
  readonly value: number
}

/** The Prometheus text format, one sample per line (enough for these assertions). */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
      if (!m) throw new Error(`not an exposition line: ${line}`)
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]))
      return { name: m[1]!, labels, value: Number(m[3]) }
    })
}

describe('GET /metrics and /readyz on a running pipeline', () => {
  const config = testConfig({ partitions: 3, env: { DRIFTWATCH_API_TOKENS: `ingest:${INGEST},read:${READ}`, DRIFTWATCH_HTTP_PORT: '0' } })
  const logger = createLogger(config.logLevel)
  const groupId = config.kafka!.groupId
  const topics = [config.topics.predictions, config.topics.groundTruth]
  const fault: FaultSwitch = { down: false, rejected: 0 }
  const metrics = createMetrics()
  const kafka = createKafka(config.kafka!, logger)
  let store: Store
  let producer: Producer
  let publisher: EventPublisher
  let joiner: Joiner
  let source: RunningSource | null = null
  let handlers: Record<string, BatchHandler>
  let watch: PipelineWatch
  let readiness: Readiness
  let http: RunningHttpServer

  const scrape = async (token: string | null = READ) => {
    const res = await fetch(`${http.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
    return { status: res.status, type: res.headers.get('content-type'), samples: res.status === 200 ? parseExposition(await res.text()) : [] }
  }
  const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0)

  beforeAll(async () => {
    // The composition root's wiring, with the metrics passed down (see docs/operations.md).
    store = instrumentStore(faultyOpenStore(fault)(config.clickhouse), metrics)
    await migrate(store)
    const admin = kafka.admin()
    await admin.connect()
    await ensureTopics(admin, config.topics)
    await admin.disconnect()
    const registry = new SchemaRegistry({ host: config.registryUrl! })
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    publisher = kafkaPublisher(producer, registry, await registerSchemas(registry, config.topics), config.topics)
    joiner = new Joiner(store, DEFAULT_FILE_CONFIG)
    const privacy = { pseudonymize: createPseudonymizer(TEST_PSEUDONYMIZATION_KEY), piiFeatures: () => new Set<string>() }
    const deadLetters = instrumentDeadLetterSink(
      createDeadLetterSink(store, async (topic, messages) => {
        await producer.send({ topic, acks: -1, messages })
      }),
      metrics,
    )
    handlers = instrumentHandlers(
      topicHandlers({ store, file: DEFAULT_FILE_CONFIG, topics: config.topics, joiner, deadLetters, resolver: registryResolver(registry), now: Date.now, logger, privacy }),
      metrics,
    )
    watch = startPipelineWatch({ metrics, store, joinIndex: joiner.index, logger, kafka: { client: kafka, groupId, topics }, lagIntervalMs: 3_600_000, pendingLabelsIntervalMs: 3_600_000 })
    readiness = createReadiness({ store, kafka, registryUrl: config.registryUrl, logger })
    http = await startHttpServer({ http: config.http, security: httpSecurity(config), file: DEFAULT_FILE_CONFIG, publisher, logger, metrics: metrics.registry, readiness })

    // Traffic before the consumer starts, so the lag is visible: predictions, labels (3 for
    // predictions that never come), and one record that is not Avro.
    const base = Date.now() - 3_600_000
    await publisher.publishPredictions(Array.from({ length: N }, (_, i) => prediction({ prediction_id: `m-${i}`, event_time: base + i })))
    await publisher.publishGroundTruth([
      ...Array.from({ length: 10 }, (_, i) => ({ prediction_id: `m-${i}`, label: { class_label: 'approve', value: null }, label_time: base + 60_000, source: 'test' })),
      ...Array.from({ length: 3 }, (_, i) => ({ prediction_id: `never-${i}`, label: { class_label: 'reject', value: null }, label_time: base + 60_000, source: 'test' })),
    ])
    await producer.send({ topic: config.topics.predictions, acks: -1, messages: [{ key: 'junk-1', value: Buffer.from('not avro at all') }] })
  })

  afterAll(async () => {
    fault.down = false
    await http?.close()
    await source?.stop()
    await watch?.stop()
    await readiness?.close()
    await producer?.disconnect()
    await store?.client.command({ query: `DROP DATABASE IF EXISTS ${store.database}` })
    await store?.close()
    const admin = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await admin.deleteTopics({ topics: [...topics, ...topics.map(dlqTopic)] })
    await admin.disconnect()
  })

  it('reports the consumer lag of everything published before the group consumed it', async () => {
    // Sampled until every partition reports: right after a broker restart (another test file) the
    // group coordinator may still be loading, and a sample then fails and is retried next time.
    const samples = await waitFor(
      async () => (await watch.sampleNow().catch(() => undefined), (await scrape()).samples),
      (ss) => ss.filter((x) => x.name === 'driftwatch_consumer_lag_messages').length === topics.length * 3,
      { what: 'a lag sample for every partition', timeoutMs: 60_000, intervalMs: 1000 },
    )
    const lag = samples.filter((s) => s.name === 'driftwatch_consumer_lag_messages')
    expect(lag.map((s) => `${s.labels['topic']}/${s.labels['partition']}`).sort()).toEqual(topics.flatMap((t) => [0, 1, 2].map((p) => `${t}/${p}`)).sort())
    expect(value(samples, 'driftwatch_consumer_lag_messages', { topic: config.topics.predictions })).toBe(N + 1)
    expect(value(samples, 'driftwatch_consumer_lag_messages', { topic: config.topics.groundTruth })).toBe(13)
  })

  it('after consumption: events by topic, dead letters by code, latencies, join index, pending labels, lag 0', async () => {
    // Started only now, so that the lag above was measured before the group committed anything.
    source = await startKafkaSource({ kafka, groupId, handlers, logger })
    await waitFor(() => count(store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === N, { what: 'the predictions stored' })
    await waitFor(() => count(store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === 13, { what: 'the labels stored' })
    await waitFor(
      async () => {
        await watch.sampleNow()
        return value((await scrape()).samples, 'driftwatch_consumer_lag_messages')
      },
      (lag) => lag === 0,
      { what: 'the lag to reach 0 once offsets are committed' },
    )
    alertDeliveryRecorder(metrics).delivered('slack', 'sent')

    const { status, type, samples } = await scrape()
    expect(status).toBe(200)
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(value(samples, 'driftwatch_events_consumed_total', { topic: config.topics.predictions })).toBe(N + 1)
    expect(value(samples, 'driftwatch_events_consumed_total', { topic: config.topics.groundTruth })).toBe(13)
    expect(value(samples, 'driftwatch_dead_letters_total', { topic: config.topics.predictions, code: 'DW_DECODE_NOT_AVRO' })).toBe(1)
    expect(value(samples, 'driftwatch_batch_duration_seconds_count', { topic: config.topics.predictions })).toBeGreaterThanOrEqual(1)
    expect(value(samples, 'driftwatch_batch_duration_seconds_sum', { topic: config.topics.predictions })).toBeGreaterThan(0)
    for (const table of ['predictions', 'ground_truth', 'dead_letters', 'window_marks']) {
      expect(value(samples, 'driftwatch_clickhouse_write_duration_seconds_count', { table }), table).toBeGreaterThanOrEqual(1)
    }
    expect(value(samples, 'driftwatch_clickhouse_write_errors_total')).toBe(0)
    expect(value(samples, 'driftwatch_join_index_size')).toBe(N)
    expect(value(samples, 'driftwatch_join_index_capacity')).toBe(DEFAULT_FILE_CONFIG.join.indexSize)
    expect(value(samples, 'driftwatch_pending_labels')).toBe(3)
    expect(value(samples, 'driftwatch_alert_deliveries_total', { channel: 'slack', status: 'sent' })).toBe(1)
    expect(value(samples, 'driftwatch_sample_timestamp_seconds', { sampler: 'consumer_lag' })).toBeGreaterThan(Date.now() / 1000 - 120)
    expect(samples.some((s) => s.name === 'process_resident_memory_bytes' || s.name === 'nodejs_heap_size_used_bytes')).toBe(true)
  })

  it('needs a read (or admin) token', async () => {
    expect((await scrape(null)).status).toBe(401)
    expect((await scrape(INGEST)).status).toBe(403)
  })

  it('/readyz: 200 with every dependency while all are up, 503 naming ClickHouse when it fails', async () => {
    const ready = await fetch(`${http.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready', checks: { clickhouse: { status: 'ok' }, kafka: { status: 'ok' }, registry: { status: 'ok' } } })

    fault.down = true
    const down = await fetch(`${http.url}/readyz`)
    expect(down.status).toBe(503)
    expect(await down.json()).toEqual({
      status: 'unavailable',
      checks: { clickhouse: { status: 'failed', code: 'DW_CLICKHOUSE_UNAVAILABLE' }, kafka: { status: 'ok' }, registry: { status: 'ok' } },
    })

    // The outage shows in the write-error and retry series too, and the scrape itself still works.
    await publisher.publishPredictions([prediction({ prediction_id: 'during-outage', event_time: Date.now() - 60_000 })])
    const during = await waitFor(
      async () => (await scrape()).samples,
      (s) => value(s, 'driftwatch_clickhouse_write_errors_total', { table: 'predictions' }) > 0 && value(s, 'driftwatch_batch_failures_total', { retriable: 'true' }) > 0,
      { what: 'write errors and retriable batch failures during the outage' },
    )
    expect(value(during, 'driftwatch_batch_failures_total', { retriable: 'false' })).toBe(0)
    fault.down = false
    expect((await fetch(`${http.url}/readyz`)).status).toBe(200)
    await waitFor(() => count(store, "SELECT count() AS c FROM {db}.predictions FINAL WHERE prediction_id = 'during-outage'"), (c) => c === 1, { what: 'the retried batch stored' })
  })
})
