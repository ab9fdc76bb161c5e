/**
 * Predictions with many features. The evaluator's per-window queries cost in proportion to the
 * features a window mentions, not their square: 3 events of 10,000 features each have their
 * missing-feature counts (src/evaluate/queries.ts volumeQuery) under a 100 MB memory cap, where
 * carrying the scope's key list and value counts into each (partition, key) row asked for
 * gigabytes, and the counts equal those computed from the events. Ingest refuses a prediction
 * wider than ingest.maxFeatures (DW_TOO_MANY_FEATURES) or with a longer feature name than
 * ingest.maxFeatureNameLength (DW_FEATURE_NAME_TOO_LONG): over HTTP it is answered rejected, from
 * Kafka it is dead-lettered with its raw bytes; records in = stored + refused. A window that a
 * resource limit stops twice in a row is set aside, logged with its model and window, while the
 * other windows and models are evaluated.
 */
import { Writable } from 'node:stream'
import type { ClickHouseClient } from '@clickhouse/client'
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { Kafka, logLevel } from 'kafkajs'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { Evaluator } from '../src/evaluate/evaluator.js'
import { volumeQuery } from '../src/evaluate/queries.js'
import { startHttpServer } from '../src/http/listen.js'
import { httpSecurity } from '../src/http/security-policy.js'
import { rawSchema } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import type { Store } from '../src/store/clickhouse.js'
import { withDatabase } from '../src/store/query.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOUR = 3_600_000
const INGEST = 'it-ingest-token-0123456789'

/** The store with a client that adds `settings` to each query for which `when` holds. */
function withQuerySettings(store: Store, settings: Record<string, string>, when: (params: { query_params?: Record<string, unknown> }) => boolean = () => true): Store {
  const client = new Proxy(store.client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (prop !== 'query' || typeof value !== 'function') return value
      return async (params: { query_params?: Record<string, unknown>; clickhouse_settings?: Record<string, unknown> }) =>
        (value as (p: unknown) => Promise<unknown>).call(target, when(params) ? { ...params, clickhouse_settings: { ...params.clickhouse_settings, ...settings } } : params)
    },
  }) as ClickHouseClient
  return { ...store, client }
}

function captureLogger() {
  const lines: { level: number; msg: string; [key: string]: unknown }[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as (typeof lines)[number])
      done()
    },
  })
  return { logger: pino({ level: 'info' }, stream), lines }
}

describe('wide predictions', () => {
  const configs: RuntimeConfig[] = []
  const apps: App[] = []
  const closers: (() => Promise<unknown>)[] = []
  afterAll(async () => {
    for (const close of closers) await close()
    for (const app of apps) await app.stop()
    for (const config of configs) await dropTestResources(config)
  })
  const start = async (yaml: string, opts: Parameters<typeof testConfig>[0] = { kafka: false }) => {
    const config = testConfig(opts)
    configs.push(config)
    const file = parseFileConfig(yaml, 'test.yaml')
    const app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: false })
    apps.push(app)
    return { app, file, config }
  }
  const insertRaw = (store: Store, sql: string) => store.client.command({ query: withDatabase(sql, store.database) })

  it('counts missing features in memory linear in the features: 3 events of 10,000 under a 100 MB cap', async () => {
    const { app } = await start('models: []\n')
    const t0 = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR
    await insertRaw(app.store, `INSERT INTO {db}.predictions (prediction_id, model_id, model_version, variant, event_time, features_num, class_label, score, source_topic, source_partition, source_offset, ingested_at)
      SELECT concat('w-', toString(number)), 'wide', 'v1', 'champion', fromUnixTimestamp64Milli(toInt64(${t0} + number)),
             mapFromArrays(arrayMap(i -> concat('f', toString(i)), range(10000 - number)), arrayMap(i -> toFloat64(i), range(10000 - number))),
             'yes', 0.5, 't', number, number, now64(3)
      FROM numbers(3)`)
    const capped = withQuerySettings(app.store, { max_memory_usage: String(100_000_000) })
    const rows = await volumeQuery(capped, { modelId: 'wide', modelVersion: null, fromMs: t0, toMs: t0 + HOUR })
    // Partition p holds event p, which carries f0..f(9999 - p): each partition misses the keys
    // above its own, and has a row for each of the 10,000 keys.
    expect(rows).toHaveLength(3 * 10_001)
    for (const p of [0, 1, 2]) {
      const own = rows.filter((r) => r.p === p)
      expect(own.find((r) => r.k === null)).toEqual({ p, variant: 'champion', k: null, c: '1' })
      const missing = own.filter((r) => r.k !== null && r.c === '1').map((r) => r.k).sort()
      expect(missing).toEqual(Array.from({ length: p }, (_, i) => `f${9999 - i}`).sort())
    }
  })

  it('counts, per partition, the events missing each feature any event mentions, by value or as null, as the events say', async () => {
    const { app } = await start('models: []\n')
    const t0 = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR
    // 120 events over 4 partitions (one of them a single event) and 3 variants, each with its
    // own subset of numerical, categorical and null features.
    type E = { id: string; p: number; variant: string; num: string[]; cat: string[]; missing: string[] }
    const events: E[] = Array.from({ length: 120 }, (_, i) => ({
      id: `e-${i}`,
      p: i === 7 ? 9 : i % 3,
      variant: ['champion', 'challenger', 'shadow'][i % 4 % 3]!,
      num: ['n0', 'n1', 'n2', 'n3'].filter((_, j) => (i * 7 + j * 3) % 5 < 2),
      cat: ['c0', 'c1', 'c2'].filter((_, j) => (i * 5 + j) % 4 === 0),
      missing: ['z0', 'z1', 'n3'].filter((_, j) => (i + j) % 6 === 0),
    }))
    const sqlArray = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]::Array(String)`
    await insertRaw(app.store, `INSERT INTO {db}.predictions (prediction_id, model_id, model_version, variant, event_time, features_num, features_cat, features_missing, class_label, score, source_topic, source_partition, source_offset, ingested_at) VALUES ${events
      .map((e, i) => `('${e.id}', 'm', 'v1', '${e.variant}', fromUnixTimestamp64Milli(${t0 + i}), mapFromArrays(${sqlArray(e.num)}, arrayMap(x -> 1.5, ${sqlArray(e.num)})), mapFromArrays(${sqlArray(e.cat)}, arrayMap(x -> 'a', ${sqlArray(e.cat)})), ${sqlArray(e.missing)}, 'yes', 0.5, 't', ${e.p}, ${i}, now64(3))`)
      .join(', ')}`)
    const rows = await volumeQuery(app.store, { modelId: 'm', modelVersion: null, fromMs: t0, toMs: t0 + HOUR })

    const keys = [...new Set(events.flatMap((e) => [...e.num, ...e.cat, ...e.missing]))]
    const expected: { p: number; variant: string; k: string | null; c: string }[] = []
    for (const p of [...new Set(events.map((e) => e.p))]) {
      const own = events.filter((e) => e.p === p)
      for (const v of [...new Set(own.map((e) => e.variant))]) expected.push({ p, variant: v, k: null, c: String(own.filter((e) => e.variant === v).length) })
      for (const k of keys) expected.push({ p, variant: '', k, c: String(own.filter((e) => !e.num.includes(k) && !e.cat.includes(k)).length) })
    }
    const order = (xs: typeof expected) => [...xs].sort((a, b) => a.p - b.p || a.variant.localeCompare(b.variant) || (a.k ?? '').localeCompare(b.k ?? ''))
    expect(order(rows)).toEqual(order(expected))
    expect(rows.filter((r) => r.p === 9).every((r) => r.k === null || r.c === (r.k === 'n3' || r.k.startsWith('z') || !events[7]!.num.concat(events[7]!.cat).includes(r.k) ? '1' : '0'))).toBe(true)
  })

  it('answers an HTTP prediction wider than ingest.maxFeatures, or with a longer feature name, rejected with its code; the rest is stored', async () => {
    const { app, config, file } = await start('ingest: { maxFeatures: 100, maxFeatureNameLength: 40 }\nmodels: []\n', { kafka: false, env: { DRIFTWATCH_API_TOKENS: `ingest:${INGEST}`, DRIFTWATCH_HTTP_PORT: '0' } })
    const http = await startHttpServer({ http: config.http, security: httpSecurity(config), file, publisher: app.publisher, logger: createLogger(config.logLevel) })
    closers.push(() => http.close())
    const now = Date.now()
    const item = (id: string, features: Record<string, number | null>) => ({ prediction_id: id, model_id: 'm', model_version: 'v1', event_time: now - 60_000, features, prediction: { score: 0.5 } })
    const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i % 2 ? null : i]))
    const items = [item('ok-1', wide(100)), item('wide-1', wide(101)), item('wide-2', wide(30_000)), item('long-name', { [`x${'n'.repeat(40)}`]: 1 }), item('ok-2', { x: 1 })]
    const res = await fetch(`${http.url}/v1/predictions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) })
    const body = (await res.json()) as { results: { index: number; status: string; code?: string; reason?: string }[]; accepted: number; rejected: number }
    expect(res.status).toBe(200)
    expect(body.results.map((r) => [r.status, r.code])).toEqual([['accepted', undefined], ['rejected', 'DW_TOO_MANY_FEATURES'], ['rejected', 'DW_TOO_MANY_FEATURES'], ['rejected', 'DW_FEATURE_NAME_TOO_LONG'], ['accepted', undefined]])
    expect(body.results[2]!.reason).toBe('features: holds 30000 features, the limit is 100 per prediction (ingest.maxFeatures)')
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 2, { what: 'accepted predictions' })
    expect(body.accepted + body.rejected).toBe(items.length)
    expect(await queryRows(app.store, 'SELECT prediction_id AS id FROM {db}.predictions FINAL ORDER BY id')).toEqual([{ id: 'ok-1' }, { id: 'ok-2' }])
  })

  it('dead-letters a Kafka prediction wider than ingest.maxFeatures with its raw bytes, the count and the limit; records in = stored + dead-lettered', async () => {
    const { app, config } = await start('ingest: { maxFeatures: 100, maxFeatureNameLength: 40 }\nmodels: []\n', { partitions: 1 })
    const producer = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    closers.push(() => producer.disconnect())
    const registry = new SchemaRegistry({ host: config.registryUrl! })
    const own = await registry.getLatestSchemaId(`${config.topics.predictions}-value`)
    // A producer's version of the schema in its own namespace: read through schema resolution.
    const { id: namespaced } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify({ ...rawSchema('prediction'), namespace: 'com.acme.ml' }) },
      { subject: `${config.topics.predictions}-value`, compatibility: COMPATIBILITY.FORWARD_TRANSITIVE },
    )
    const now = Date.now()
    const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i % 2 ? null : i]))
    const event = (id: string, features: Record<string, number | null>) => prediction({ prediction_id: id, model_id: 'm', event_time: now - 60_000, features, segments: {} })
    const records: [string, number, Record<string, number | null>, string | null][] = [
      ['ok-own', own, wide(100), null],
      ['ok-namespaced', namespaced, wide(100), null],
      ['wide-own', own, wide(30_000), 'DW_TOO_MANY_FEATURES'],
      ['wide-namespaced', namespaced, wide(101), 'DW_TOO_MANY_FEATURES'],
      ['long-own', own, { [`x${'n'.repeat(40)}`]: 1 }, 'DW_FEATURE_NAME_TOO_LONG'],
    ]
    const messages = await Promise.all(records.map(async ([id, schemaId, features]) => ({ key: id, value: await registry.encode(schemaId, event(id, features)) })))
    await producer.send({ topic: config.topics.predictions, messages })
    const refused = records.filter((r) => r[3] !== null)
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.dead_letters FINAL'), (c) => c === refused.length, { what: 'dead letters' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === records.length - refused.length, { what: 'stored predictions' })
    // The table keeps the first 4 KiB of the value and its size (the .dlq topic, all of it).
    const rows = await queryRows<{ key: string; code: string; message: string; raw: string; bytes: number }>(
      app.store,
      'SELECT base64Decode(raw_key_base64) AS key, error_code AS code, error_message AS message, raw_value_base64 AS raw, raw_value_bytes AS bytes FROM {db}.dead_letters FINAL ORDER BY key',
    )
    expect(rows.map((r) => [r.key, r.code])).toEqual(refused.map((r) => [r[0], r[3]]).sort((a, b) => a[0]!.localeCompare(b[0]!)))
    expect(rows.find((r) => r.key === 'wide-own')!.message).toBe('features: holds 30000 features, the limit is 100 per prediction (ingest.maxFeatures)')
    for (const r of rows) {
      const value = messages.find((m) => m.key === r.key)!.value
      expect(Buffer.from(r.raw, 'base64').equals(value.subarray(0, 4096)), r.key).toBe(true)
      expect(r.bytes, r.key).toBe(value.length)
    }
  })

  it('sets aside a window that a memory limit stops twice in a row, naming it, while the other windows and models are evaluated', async () => {
    const { app, file } = await start('models:\n  - id: m\n    window: 1h\n    allowedLateness: 0s\n  - id: other\n    window: 1h\n    allowedLateness: 0s\n')
    const base = Math.floor(Date.now() / HOUR) * HOUR
    const w = [4, 3, 2].map((h) => base - h * HOUR)
    const p = (id: string, model: string, t: number) => prediction({ prediction_id: id, model_id: model, event_time: t, features: { x: 1 }, segments: {}, prediction: { class_label: 'yes', score: 0.8, probabilities: null, value: null } })
    await app.publisher.publishPredictions([...w.flatMap((s, i) => [p(`m-${i}`, 'm', s + 1000), p(`o-${i}`, 'other', s + 1000)]), p('o-open', 'other', base - HOUR + 1000)])
    // Every query of model m's last window runs under a memory cap it cannot meet: the engine's
    // own MEMORY_LIMIT_EXCEEDED, on every attempt. (The last: no later window of m reads it as
    // its reference, which would fail alike.)
    const stuck = new Date(w[2]!).toISOString().replace('T', ' ').replace('Z', '')
    let capped = true
    const store = withQuerySettings(app.store, { max_memory_usage: '10000' }, (q) => capped && q.query_params?.['scopeModel'] === 'm' && q.query_params['scopeFrom'] === stuck)
    let clock = Date.now()
    const log = captureLogger()
    const evaluator = new Evaluator({ store, file, deadLetters: createDeadLetterSink(app.store, null), logger: log.logger, now: () => clock })
    const summaries = async () => (await queryRows<{ m: string; ws: string }>(app.store, 'SELECT model_id AS m, toString(toUnixTimestamp64Milli(window_start)) AS ws FROM {db}.window_summary FINAL ORDER BY m, ws')).map((r) => `${r.m}@${r.ws}`)

    // First time: the pass fails, as under a moment of load, and says which window.
    await expect(evaluator.evaluateNow()).rejects.toMatchObject({ message: expect.stringMatching(/memory limit/i) })
    expect(log.lines.filter((l) => l.level === 40)).toEqual([expect.objectContaining({ limit: 'MEMORY_LIMIT_EXCEEDED', modelId: 'm', windowStart: new Date(w[2]!).toISOString() })])
    // Again on the same window: set aside, logged at error with its model and window; the rest is evaluated.
    expect(await evaluator.evaluateNow()).toMatchObject({ failed: 1 })
    const errors = log.lines.filter((l) => l.level === 50)
    expect(errors).toEqual([expect.objectContaining({ limit: 'MEMORY_LIMIT_EXCEEDED', modelId: 'm', modelVersion: 'v1', windowStart: new Date(w[2]!).toISOString(), attempts: 1 })])
    const stored = await summaries()
    expect(stored).toEqual(expect.arrayContaining([...w.map((s) => `other@${s}`), `m@${w[0]}`, `m@${w[1]}`]))
    expect(stored).not.toContain(`m@${w[2]}`)
    // Retried with backoff: waiting on the next pass, set aside again (not failing the pass) once due.
    expect(await evaluator.evaluateNow()).toMatchObject({ evaluated: 0, failed: 0, waiting: 1 })
    clock += 10 * 60_000
    expect(await evaluator.evaluateNow()).toMatchObject({ evaluated: 0, failed: 1 })
    // Once the window fits, it is evaluated.
    capped = false
    clock += 20 * 60_000
    expect(await evaluator.evaluateNow()).toMatchObject({ evaluated: 1, failed: 0 })
    expect(await summaries()).toContain(`m@${w[2]}`)
  })
})
