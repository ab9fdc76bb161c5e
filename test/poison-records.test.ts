/**
 * Poison records are dead-lettered, never fatal (P0 #12). Through startApp, on real Kafka,
 * Apicurio and chDB, each class of record that used to stop or stall the consumer:
 *   - dead letters the broker would refuse on <topic>.dlq (a gzip-compressed record that unpacks
 *     past the limit, a batch of 150 KB invalid records, one record too large even compressed,
 *     a huge key, against a .dlq topic whose limit is 600 kB): compressed, split, and cut with
 *     dw.truncated where nothing else fits;
 *   - schema ids the client cannot use (JSON Schema, Protobuf, an Avro schema avsc cannot
 *     parse): DW_DECODE_UNSUPPORTED_SCHEMA instead of "registry unavailable" retried forever;
 *   - a partition stuck behind a ClickHouse outage: /readyz and the metrics name it, recovery
 *     clears both.
 * Each asserts records in = stored + dead-lettered, and that the valid records behind the poison
 * on the same partition are stored by a consumer that is still running.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CompressionTypes, Kafka, logLevel, type IHeaders, type Producer } from 'kafkajs'
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { startApp, type App } from '../src/app.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { startHttpServer, type RunningHttpServer } from '../src/http/listen.js'
import { httpSecurity } from '../src/http/security-policy.js'
import { frame } from '../src/ingest/wire-format.js'
import { createLogger } from '../src/observability/logger.js'
import { createMetrics } from '../src/observability/metrics.js'
import { createReadiness, type Readiness } from '../src/observability/readiness.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { faultyOpenStore, type FaultSwitch } from './support/faulty-store.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'
import { watchDone } from './support/app-done.js'

interface DlqRecord {
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: Record<string, string>
}

const kafkaOf = (config: RuntimeConfig) => new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING })

/** Every record on `<predictions>.dlq`, by source offset, once `n` arrived. */
async function readDlq(config: RuntimeConfig, n: number): Promise<Map<string, DlqRecord>> {
  const consumer = kafkaOf(config).consumer({ groupId: `${config.kafka!.groupId}-dlq-reader`, maxBytesPerPartition: 8 * 1024 * 1024 })
  const seen = new Map<string, DlqRecord>()
  await consumer.connect()
  try {
    await consumer.subscribe({ topic: `${config.topics.predictions}.dlq`, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message: m }) => {
        const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]))
        seen.set(headers['dw.source.offset']!, { key: m.key, value: m.value, headers })
      },
    })
    await waitFor(async () => seen.size, (s) => s >= n, { what: `${n} DLQ records`, timeoutMs: 60_000 })
  } finally {
    await consumer.disconnect()
  }
  return seen
}

describe('poison records: dead letters the broker would refuse', () => {
  const config = testConfig({ partitions: 2 })
  const DLQ_LIMIT = 600_000
  let app: App | undefined
  let producer: Producer | undefined
  afterAll(async () => {
    await producer?.disconnect()
    await app?.stop()
    await dropTestResources(config)
  })

  it('compresses, splits and cuts dead letters to fit <topic>.dlq; the consumer keeps going', { timeout: 180_000 }, async () => {
    const kafka = kafkaOf(config)
    // The source topic takes records up to 4 MB; its .dlq twin only 600 kB, a limit driftwatch
    // must read from the broker (assuming Kafka's 1 MB default would make the broker refuse).
    const admin = kafka.admin()
    await admin.connect()
    const limited = (topic: string, bytes: number) => ({ topic, numPartitions: 2, replicationFactor: -1, configEntries: [{ name: 'max.message.bytes', value: String(bytes) }] })
    await admin.createTopics({ waitForLeaders: true, topics: [limited(config.topics.predictions, 4 * 1024 * 1024), limited(`${config.topics.predictions}.dlq`, DLQ_LIMIT)] })
    await admin.disconnect()

    // The schema is registered by startApp; start it, stop it, produce everything, start again,
    // so that the first fetch hands the consumer all of it in large batches.
    app = await startApp(config, createLogger(config.logLevel), { evaluate: false })
    const registry = new SchemaRegistry({ host: config.registryUrl! })
    const schemaId = await registry.getLatestSchemaId(`${config.topics.predictions}-value`)
    await app.stop()
    app = undefined

    producer = kafka.producer({ maxInFlightRequests: 1, idempotent: true })
    await producer.connect()
    const now = Date.now()
    const valid = async (id: string) => registry.encode(schemaId, prediction({ prediction_id: id, event_time: now - 60_000 }))
    const send = async (messages: { key: Buffer | string | null; value: Buffer | null; headers?: IHeaders }[], gzip = false) =>
      producer!.send({ topic: config.topics.predictions, acks: -1, ...(gzip ? { compression: CompressionTypes.GZIP } : {}), messages: messages.map((m) => ({ ...m, partition: 0 })) })

    const hex150k = () => Buffer.from(randomBytes(75 * 1024).toString('hex')) // 150 KB, compresses about 2:1, not Avro
    const compressible = Buffer.alloc(3 * 1024 * 1024, '{"prediction_id":"zip-bomb","features":{}}')
    const incompressible = randomBytes(1_200_000)
    const hugeKey = randomBytes(1_100_000)
    await send([{ key: 'v-1', value: await valid('v-1') }])
    await send([{ key: 'zip', value: compressible, headers: { trace: 'abc', repeated: ['one', 'two'] } }], true) // gzip: unpacks past maxRecordBytes
    await send([{ key: 'v-2', value: await valid('v-2') }])
    for (let i = 0; i < 12; i += 4) await send(Array.from({ length: 4 }, (_, j) => ({ key: `hex-${i + j}`, value: hex150k() })), true)
    await send([{ key: 'v-3', value: await valid('v-3') }])
    await send([{ key: 'random', value: incompressible }]) // too large for the .dlq topic even compressed
    await send([{ key: hugeKey, value: Buffer.from('not avro') }]) // a 1.1 MB key
    await send([{ key: 'tombstone', value: null }])
    await send([{ key: null, value: await valid('v-4') }])
    const produced = 1 + 1 + 1 + 12 + 1 + 1 + 1 + 1 + 1
    const poison = produced - 4

    app = await startApp(config, createLogger(config.logLevel), { evaluate: false })
    const done = watchDone(app)
    const stored = () => count(app!.store, 'SELECT count() AS c FROM {db}.predictions FINAL')
    const deadLettered = () => count(app!.store, 'SELECT count() AS c FROM {db}.dead_letters FINAL')
    await waitFor(async () => (await stored()) + (await deadLettered()), (n) => n === produced || done.failed() !== null, { what: 'every record stored or dead-lettered', timeoutMs: 90_000 })
    expect(done.failed()).toBeNull()
    expect(await stored()).toBe(4)
    expect(await deadLettered()).toBe(poison)
    expect((await queryRows<{ id: string }>(app.store, 'SELECT prediction_id AS id FROM {db}.predictions FINAL ORDER BY id')).map((r) => r.id)).toEqual(['v-1', 'v-2', 'v-3', 'v-4'])

    const rows = await queryRows<{ offset: string; code: string; truncated: string; keyBytes: number; valueBytes: number }>(
      app.store,
      'SELECT toString(source_offset) AS offset, error_code AS code, dlq_truncated AS truncated, raw_key_bytes AS keyBytes, raw_value_bytes AS valueBytes FROM {db}.dead_letters FINAL',
    )
    const dlq = await readDlq(config, poison)
    expect(dlq.size).toBe(poison)
    // The row and the .dlq record agree on the code and on what was cut.
    for (const row of rows) {
      const record = dlq.get(row.offset)!
      expect(record.headers['dw.error.code']).toBe(row.code)
      expect(record.headers['dw.truncated'] ?? '').toBe(row.truncated)
    }
    const byKey = (key: string) => [...dlq.values()].find((r) => r.key?.toString() === key)!
    const zip = byKey('zip')
    expect(zip.headers['dw.error.code']).toBe('DW_RECORD_TOO_LARGE')
    expect(zip.headers['dw.truncated']).toBeUndefined()
    expect(zip.value!.equals(compressible)).toBe(true)
    expect(zip.headers['trace']).toBe('abc')
    for (let i = 0; i < 12; i++) {
      expect(byKey(`hex-${i}`).headers['dw.error.code']).toBe('DW_DECODE_NOT_AVRO')
      expect(byKey(`hex-${i}`).value!.length).toBe(150 * 1024)
    }
    const cut = byKey('random')
    expect(cut.headers).toMatchObject({ 'dw.error.code': 'DW_RECORD_TOO_LARGE', 'dw.truncated': 'value', 'dw.original.value.bytes': String(incompressible.length) })
    expect(cut.headers['dw.full.record']).toBe(`${config.topics.predictions}/0/${cut.headers['dw.source.offset']}`)
    expect(cut.value!.length).toBeGreaterThan(0.8 * DLQ_LIMIT)
    expect(cut.value!.length).toBeLessThan(DLQ_LIMIT)
    expect(incompressible.subarray(0, cut.value!.length).equals(cut.value!)).toBe(true)
    const keyCut = [...dlq.values()].find((r) => r.headers['dw.original.key.bytes'] === String(hugeKey.length))!
    expect(keyCut.headers).toMatchObject({ 'dw.error.code': 'DW_RECORD_TOO_LARGE', 'dw.truncated': 'key' })
    expect(hugeKey.subarray(0, keyCut.key!.length).equals(keyCut.key!)).toBe(true)
    expect(rows.find((r) => r.offset === keyCut.headers['dw.source.offset'])).toMatchObject({ truncated: 'key', keyBytes: hugeKey.length })
    expect(byKey('tombstone')).toMatchObject({ value: null, headers: expect.objectContaining({ 'dw.error.code': 'DW_DECODE_NOT_AVRO' }) })

    // Still consuming.
    await send([{ key: 'v-5', value: await valid('v-5') }])
    await waitFor(stored, (n) => n === 5, { what: 'a valid record after the poison' })
    expect(done.failed()).toBeNull()
  })
})

describe('poison records: schema ids the client cannot use', () => {
  const config = testConfig({ partitions: 2 })
  let app: App | undefined
  let producer: Producer | undefined
  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { evaluate: false })
    producer = kafkaOf(config).producer()
    await producer.connect()
  })
  afterAll(async () => {
    await producer?.disconnect()
    await app?.stop()
    await dropTestResources(config)
  })

  /** Registers through the Confluent-compatible API as any client would, returning the id. */
  async function register(subject: string, body: Record<string, unknown>): Promise<number> {
    const res = await fetch(`${config.registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify(body),
    })
    const answer = (await res.json()) as { id?: number }
    expect(res.status, JSON.stringify(answer)).toBe(200)
    return answer.id!
  }

  it('dead-letters JSON Schema, Protobuf and unparseable Avro ids as DW_DECODE_UNSUPPORTED_SCHEMA; the records behind are stored', { timeout: 180_000 }, async () => {
    const done = watchDone(app!)
    const registry = new SchemaRegistry({ host: config.registryUrl! })
    const id = await registry.getLatestSchemaId(`${config.topics.predictions}-value`)
    const p = config.topics.predictions
    const jsonId = await register(`${p}-json-value`, { schemaType: 'JSON', schema: JSON.stringify({ type: 'object', properties: { prediction_id: { type: 'string' } } }) })
    const protoId = await register(`${p}-proto-value`, { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\npackage dw.test;\nmessage Prediction { string prediction_id = 1; }\n' })
    // Valid for the registry (Java Avro), refused by avsc: a union default must match its first branch.
    const badAvroId = await register(`${p}-badavro-value`, {
      schema: JSON.stringify({ type: 'record', name: 'BadDefault', fields: [{ name: 'prediction_id', type: ['null', 'string'], default: 'x' }] }),
    })

    const now = Date.now()
    const valid = async (pid: string) => registry.encode(id, prediction({ prediction_id: pid, event_time: now - 60_000 }))
    const poison = [
      ['json', frame(jsonId, Buffer.from('{"prediction_id":"j"}'))],
      ['proto', frame(protoId, Buffer.from([0x0a, 0x01, 0x70]))],
      ['bad-avro', frame(badAvroId, Buffer.from([0x02, 0x02, 0x78]))],
      ['json-again', frame(jsonId, Buffer.from('{}'))],
    ] as const
    // Each poison record is followed on the same partition by a valid one.
    const messages: { key: string; value: Buffer }[] = []
    for (const [i, [key, value]] of poison.entries()) messages.push({ key, value }, { key: `after-${key}`, value: await valid(`ok-${i}`) })
    await producer!.send({ topic: p, acks: -1, messages: messages.map(({ key, value }) => ({ key, value, partition: 1 })) })

    const stored = () => count(app!.store, 'SELECT count() AS c FROM {db}.predictions FINAL')
    const deadLettered = () => count(app!.store, 'SELECT count() AS c FROM {db}.dead_letters FINAL')
    await waitFor(async () => (await stored()) + (await deadLettered()), (n) => n === messages.length || done.failed() !== null, { what: 'every record stored or dead-lettered', timeoutMs: 60_000 })
    expect(done.failed()).toBeNull()
    expect(await stored()).toBe(poison.length)
    const rows = await queryRows<{ key: string; code: string; message: string }>(app!.store, 'SELECT base64Decode(raw_key_base64) AS key, error_code AS code, error_message AS message FROM {db}.dead_letters FINAL ORDER BY key')
    expect(rows.map((r) => [r.key, r.code])).toEqual([...poison.map(([k]) => [k, 'DW_DECODE_UNSUPPORTED_SCHEMA'])].sort())
    expect(rows.find((r) => r.key === 'proto')!.message).toMatch(/not an Avro schema/)
    expect(rows.find((r) => r.key === 'bad-avro')!.message).toMatch(/cannot be parsed as Avro/)
    const dlq = await readDlq(config, poison.length)
    expect([...dlq.values()].map((r) => r.headers['dw.error.code'])).toEqual(poison.map(() => 'DW_DECODE_UNSUPPORTED_SCHEMA'))
  })

  it('dead-letters a record that makes the code throw something unforeseen, and keeps consuming', { timeout: 120_000 }, async () => {
    // An event_time past the JS Date range: new Date(ms).toISOString() throws a RangeError while
    // the message is built. Whatever the validation says about it (DW_TIMESTAMP_OUT_OF_RANGE once
    // it checks the range first), the record must be a dead letter, never stop the consumer.
    const done = watchDone(app!)
    const registry = new SchemaRegistry({ host: config.registryUrl! })
    const id = await registry.getLatestSchemaId(`${config.topics.predictions}-value`)
    const storedBefore = await count(app!.store, 'SELECT count() AS c FROM {db}.predictions FINAL')
    const deadBefore = await count(app!.store, 'SELECT count() AS c FROM {db}.dead_letters FINAL')
    await producer!.send({
      topic: config.topics.predictions,
      acks: -1,
      messages: [
        { key: 'beyond-dates', value: await registry.encode(id, prediction({ prediction_id: 'beyond-dates', event_time: 9e15 })), partition: 0 },
        { key: 'after-beyond', value: await registry.encode(id, prediction({ prediction_id: 'after-beyond', event_time: Date.now() - 60_000 })), partition: 0 },
      ],
    })
    await waitFor(() => count(app!.store, "SELECT count() AS c FROM {db}.predictions FINAL WHERE prediction_id = 'after-beyond'"), (c) => c === 1 || done.failed() !== null, { what: 'the valid record behind it' })
    expect(done.failed()).toBeNull()
    const [row] = await queryRows<{ code: string }>(app!.store, "SELECT error_code AS code FROM {db}.dead_letters FINAL WHERE base64Decode(raw_key_base64) = 'beyond-dates'")
    expect(['DW_RECORD_UNPROCESSABLE', 'DW_TIMESTAMP_OUT_OF_RANGE']).toContain(row?.code)
    expect(await count(app!.store, 'SELECT count() AS c FROM {db}.predictions FINAL')).toBe(storedBefore + 1)
    expect(await count(app!.store, 'SELECT count() AS c FROM {db}.dead_letters FINAL')).toBe(deadBefore + 1)
  })
})

describe('poison records: a stuck partition shows in /readyz and the metrics', () => {
  const READ = 'poison-read-token-0123456789'
  const config = testConfig({ partitions: 2, env: { DRIFTWATCH_STUCK_PARTITION_MS: '2000', DRIFTWATCH_API_TOKENS: `read:${READ}`, DRIFTWATCH_HTTP_PORT: '0' } })
  const fault: FaultSwitch = { down: false, rejected: 0 }
  let app: App | undefined
  let readiness: Readiness | undefined
  let http: RunningHttpServer | undefined
  let producer: Producer | undefined
  afterAll(async () => {
    fault.down = false
    await http?.close()
    await readiness?.close()
    await producer?.disconnect()
    await app?.stop()
    await dropTestResources(config)
  })

  it('names the partition backing off behind a ClickHouse outage; recovery clears it', { timeout: 180_000 }, async () => {
    const logger = createLogger(config.logLevel)
    const metrics = createMetrics({ processMetrics: false })
    app = await startApp(config, logger, { evaluate: false, metrics, openStore: faultyOpenStore(fault) })
    const done = watchDone(app)
    // As `driftwatch start` wires it.
    readiness = createReadiness({ store: app.store, kafka: kafkaOf(config), registryUrl: config.registryUrl, logger, stuckPartitions: () => app!.stuckPartitions() })
    http = await startHttpServer({ http: config.http, security: httpSecurity(config), file: DEFAULT_FILE_CONFIG, publisher: app.publisher, logger, metrics: metrics.registry, readiness })
    const readyz = async () => {
      const res = await fetch(`${http!.url}/readyz`)
      return { status: res.status, body: (await res.json()) as { checks: Record<string, unknown>; stuckPartitions?: { topic: string; partition: number; blockedSeconds: number; lastCode: string | null }[] } }
    }
    const gauge = async (name: string) => {
      const text = await (await fetch(`${http!.url}/metrics`, { headers: { authorization: `Bearer ${READ}` } })).text()
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`topic="${config.topics.predictions}"`) && l.includes('partition="1"'))
      return line === undefined ? null : Number(line.split(' ').at(-1))
    }
    expect((await readyz()).status).toBe(200)

    const registry = new SchemaRegistry({ host: config.registryUrl! })
    const id = await registry.getLatestSchemaId(`${config.topics.predictions}-value`)
    producer = kafkaOf(config).producer()
    await producer.connect()
    fault.down = true
    const value = await registry.encode(id, prediction({ prediction_id: 'held-up', event_time: Date.now() - 60_000 }))
    await producer.send({ topic: config.topics.predictions, acks: -1, messages: [{ key: 'held-up', value, partition: 1 }] })

    const stuck = await waitFor(readyz, (r) => (r.body.stuckPartitions?.length ?? 0) > 0, { what: '/readyz naming the stuck partition', timeoutMs: 60_000 })
    expect(stuck.status).toBe(503)
    expect(stuck.body.checks['partitions']).toEqual({ status: 'failed', code: 'DW_PARTITION_STUCK' })
    expect(stuck.body.stuckPartitions).toEqual([expect.objectContaining({ topic: config.topics.predictions, partition: 1, lastCode: 'DW_CLICKHOUSE_UNAVAILABLE' })])
    expect(stuck.body.stuckPartitions![0]!.blockedSeconds).toBeGreaterThanOrEqual(2)
    expect(await gauge('driftwatch_partition_stuck')).toBe(1)
    expect(await gauge('driftwatch_partition_blocked_seconds')).toBeGreaterThan(2)

    fault.down = false
    await waitFor(() => count(app!.store, "SELECT count() AS c FROM {db}.predictions FINAL WHERE prediction_id = 'held-up'"), (c) => c === 1, { what: 'the held-up record stored after recovery' })
    const recovered = await waitFor(readyz, (r) => r.status === 200, { what: '/readyz ready again' })
    expect(recovered.body.stuckPartitions).toBeUndefined()
    expect(recovered.body.checks['partitions']).toEqual({ status: 'ok' })
    expect(await gauge('driftwatch_partition_stuck')).toBe(0)
    expect(await gauge('driftwatch_partition_blocked_seconds')).toBe(0)
    expect(done.failed()).toBeNull()
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)
  })
})
