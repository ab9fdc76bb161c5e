/**
 * Self-monitoring on real Kafka, the schema registry and ClickHouse: the app is started through
 * startApp with a metrics registry (as `driftwatch start` does), with /metrics and /readyz served
 * as `driftwatch start` serves them, and GET /metrics is scraped over HTTP with a read token.
 * ClickHouse fails twice (fault injection at the client edge): first while the traffic arrives, so
 * the consumer is stuck retrying and the lag shows everything published; then after consumption,
 * when /readyz answers 503 naming it, and the write-error and retry series move.
 */
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { startHttpServer, type RunningHttpServer } from '../src/http/listen.js'
import { httpSecurity } from '../src/http/security-policy.js'
import { createKafka } from '../src/kafka/client.js'
import { createLogger } from '../src/observability/logger.js'
import { createMetrics } from '../src/observability/metrics.js'
import { createReadiness, type Readiness } from '../src/observability/readiness.js'
import { dropTestResources, testConfig } from './support/config.js'
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
  const topics = [config.topics.predictions, config.topics.groundTruth]
  const fault: FaultSwitch = { down: false, rejected: 0 }
  const metrics = createMetrics()
  let app: App
  let readiness: Readiness
  let http: RunningHttpServer

  const scrape = async (token: string | null = READ) => {
    const res = await fetch(`${http.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
    return { status: res.status, type: res.headers.get('content-type'), samples: res.status === 200 ? parseExposition(await res.text()) : [] }
  }
  const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0)
  const sampleNow = () => app.watch!.sampleNow().catch(() => undefined)

  beforeAll(async () => {
    // As `driftwatch start` (src/cli/start.ts) wires it: the app with the metrics, then readiness and HTTP.
    app = await startApp(config, logger, { file: DEFAULT_FILE_CONFIG, metrics, openStore: faultyOpenStore(fault), evaluate: false, alerts: false })
    readiness = createReadiness({ store: app.store, kafka: createKafka(config.kafka!, logger), registryUrl: config.registryUrl, logger })
    http = await startHttpServer({ http: config.http, security: httpSecurity(config), file: DEFAULT_FILE_CONFIG, publisher: app.publisher, logger, metrics: metrics.registry, readiness })

    // ClickHouse goes down before the traffic arrives, so the group cannot commit any of it:
    // predictions, labels (3 for predictions that never come), and one record that is not Avro.
    fault.down = true
    const base = Date.now() - 3_600_000
    await app.publisher.publishPredictions(Array.from({ length: N }, (_, i) => prediction({ prediction_id: `m-${i}`, event_time: base + i })))
    await app.publisher.publishGroundTruth([
      ...Array.from({ length: 10 }, (_, i) => ({ prediction_id: `m-${i}`, label: { class_label: 'approve', value: null }, label_time: base + 60_000, source: 'test' })),
      ...Array.from({ length: 3 }, (_, i) => ({ prediction_id: `never-${i}`, label: { class_label: 'reject', value: null }, label_time: base + 60_000, source: 'test' })),
    ])
    const raw = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).producer()
    await raw.connect()
    await raw.send({ topic: config.topics.predictions, acks: -1, messages: [{ key: 'junk-1', value: Buffer.from('not avro at all') }] })
    await raw.disconnect()
  })

  afterAll(async () => {
    fault.down = false
    await http?.close()
    await readiness?.close()
    await app?.stop()
    await dropTestResources(config)
  })

  it('reports the consumer lag of everything published while the consumer is stuck retrying it', async () => {
    // The consumer fetched and is retrying: ClickHouse writes failed, retriably, and nothing else.
    const failing = await waitFor(
      async () => (await scrape()).samples,
      // A prediction batch fails at its first ClickHouse call: the id-conflict lookup (a query)
      // or the insert (a write error), depending on what the batch needs.
      (ss) => value(ss, 'driftwatch_batch_failures_total', { retriable: 'true' }) > 0,
      { what: 'retriable batch failures while ClickHouse is down' },
    )
    expect(value(failing, 'driftwatch_batch_failures_total', { retriable: 'false' })).toBe(0)
    // Sampled until every partition reports: right after a broker restart (another test file) the
    // group coordinator may still be loading, and a sample then fails and is retried next time.
    // A sample taken now, not one the sampler took at start-up before all the traffic was there.
    const { samples } = await waitFor(
      async () => {
        const askedAt = Date.now() / 1000
        await sampleNow()
        const ss = (await scrape()).samples
        return { fresh: value(ss, 'driftwatch_sample_timestamp_seconds', { sampler: 'consumer_lag' }) >= askedAt, samples: ss }
      },
      ({ fresh, samples: ss }) => fresh && ss.filter((x) => x.name === 'driftwatch_consumer_lag_messages').length === topics.length * 3,
      { what: 'a lag sample for every partition', timeoutMs: 60_000, intervalMs: 1000 },
    )
    const lag = samples.filter((s) => s.name === 'driftwatch_consumer_lag_messages')
    expect(lag.map((s) => `${s.labels['topic']}/${s.labels['partition']}`).sort()).toEqual(topics.flatMap((t) => [0, 1, 2].map((p) => `${t}/${p}`)).sort())
    expect(value(samples, 'driftwatch_consumer_lag_messages', { topic: config.topics.predictions })).toBe(N + 1)
    expect(value(samples, 'driftwatch_consumer_lag_messages', { topic: config.topics.groundTruth })).toBe(13)
  })

  it('once ClickHouse is back: events by topic, dead letters by code, latencies, join index, pending labels, lag 0', async () => {
    fault.down = false
    await new Promise((r) => setTimeout(r, 100)) // rejections of calls made before the switch are counted
    const errorsWhileDown = value((await scrape()).samples, 'driftwatch_clickhouse_write_errors_total')
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === N, { what: 'the predictions stored' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === 13, { what: 'the labels stored' })
    await waitFor(
      async () => {
        await app.watch!.sampleNow()
        return value((await scrape()).samples, 'driftwatch_consumer_lag_messages')
      },
      (lag) => lag === 0,
      { what: 'the lag to reach 0 once offsets are committed' },
    )

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
    expect(value(samples, 'driftwatch_clickhouse_write_errors_total'), 'write errors after ClickHouse came back').toBe(errorsWhileDown)
    expect(value(samples, 'driftwatch_batch_failures_total', { retriable: 'false' })).toBe(0)
    expect(value(samples, 'driftwatch_join_index_size')).toBe(N)
    expect(value(samples, 'driftwatch_join_index_capacity')).toBe(DEFAULT_FILE_CONFIG.join.indexSize)
    expect(value(samples, 'driftwatch_pending_labels')).toBe(3)
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

    const before = (await scrape()).samples
    fault.down = true
    const down = await fetch(`${http.url}/readyz`)
    expect(down.status).toBe(503)
    expect(await down.json()).toEqual({
      status: 'unavailable',
      checks: { clickhouse: { status: 'failed', code: 'DW_CLICKHOUSE_UNAVAILABLE' }, kafka: { status: 'ok' }, registry: { status: 'ok' } },
    })

    // The outage shows in the write-error and retry series too, and the scrape itself still works.
    await app.publisher.publishPredictions([prediction({ prediction_id: 'during-outage', event_time: Date.now() - 60_000 })])
    const during = await waitFor(
      async () => (await scrape()).samples,
      (s) => value(s, 'driftwatch_batch_failures_total', { retriable: 'true' }) > value(before, 'driftwatch_batch_failures_total', { retriable: 'true' }),
      { what: 'retriable batch failures during the outage' },
    )
    expect(value(during, 'driftwatch_batch_failures_total', { retriable: 'false' })).toBe(0)
    fault.down = false
    expect((await fetch(`${http.url}/readyz`)).status).toBe(200)
    await waitFor(() => count(app.store, "SELECT count() AS c FROM {db}.predictions FINAL WHERE prediction_id = 'during-outage'"), (c) => c === 1, { what: 'the retried batch stored' })
  })
})
