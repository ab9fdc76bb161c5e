/**
 * Bad input is data: every class of bad record produced to the real predictions topic lands in
 * the dead letters (ClickHouse and <topic>.dlq, with its raw bytes) under its own code (a record
 * with a variant its producer added among them: on its own, never stored under another), the
 * consumer keeps running, duplicates count once, and records in = stored + dead-lettered.
 */
import avro from 'avsc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { frame } from '../src/ingest/wire-format.js'
import { rawSchema } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'
import { createRng } from '../src/demo/random.js'

describe('dead letters', () => {
  const config = testConfig({ partitions: 2 })
  const file = parseFileConfig('ingest: { unknownModels: reject, maxRecordBytes: 4096 }\nmodels:\n  - id: loan-approval\n', 'test.yaml')
  let app: App
  let producer: Producer
  let registry: SchemaRegistry
  let schemaId: number

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false })
    producer = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    registry = new SchemaRegistry({ host: config.registryUrl! })
    schemaId = await registry.getLatestSchemaId(`${config.topics.predictions}-value`)
  })
  afterAll(async () => {
    await producer?.disconnect()
    await app?.stop()
  })

  it('dead-letters each bad-input class with its code and keeps consuming', async () => {
    const encode = (overrides: Parameters<typeof prediction>[0]) => registry.encode(schemaId, prediction(overrides))
    const now = Date.now()
    const schemaWithoutVersion = rawSchema('prediction') as { fields: { name: string }[] }
    const { id: oldSchemaId } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify({ ...schemaWithoutVersion, name: 'PredictionEventNoVersion', fields: schemaWithoutVersion.fields.filter((f) => f.name !== 'model_version') }) },
      { subject: `${config.topics.predictions}-noversion` },
    )
    const { model_version: _omit, ...withoutVersion } = prediction({ prediction_id: 'b-noversion' })
    const valid = await encode({ prediction_id: 'ok-1', event_time: now - 1000 })
    // A map (and an array of a writer's field the reader skips) whose block announces 2^45 entries
    // in a record of a few bytes: read entry by entry, it held the partition for days.
    const withoutFeatures = await encode({ prediction_id: 'b-count', features: {} })
    const head = avro.Type.forSchema({ type: 'record', name: 'Head', fields: ['prediction_id', 'model_id', 'model_version'].map((name) => ({ name, type: 'string' })).concat({ name: 'event_time', type: 'long' }) })
    const featuresAt = 5 + head.toBuffer(prediction({ prediction_id: 'b-count' })).length
    expect(withoutFeatures[featuresAt]).toBe(0) // the empty map's end
    const hugeCount = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x04]) // zig-zag varint of 2^45
    const { id: extraSchemaId } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify({ ...schemaWithoutVersion, fields: [{ name: 'extra', type: { type: 'array', items: 'null' }, default: [] }, ...schemaWithoutVersion.fields] }) },
      { subject: `${config.topics.predictions}-extra` },
    )
    // A producer's version with a variant driftwatch does not know, registered where no rule
    // refused it: the record with that variant is dead-lettered alone, never relabelled, and its
    // writer's other records are stored.
    const withBlue = rawSchema('prediction') as { fields: { name: string; type: any }[] }
    withBlue.fields.find((f) => f.name === 'deployment')!.type.fields[1].type.symbols.push('blue')
    const { id: blueSchemaId } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(withBlue) }, { subject: `${config.topics.predictions}-blue` })
    // A producer's version in its own namespace: records match by unqualified name.
    const { id: namespacedSchemaId } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify({ ...rawSchema('prediction'), namespace: 'com.acme.ml' }) },
      { subject: `${config.topics.predictions}-value`, compatibility: COMPATIBILITY.FORWARD_TRANSITIVE },
    )
    const notUtf8 = await encode({ prediction_id: 'b-utf8-Q' })
    notUtf8[notUtf8.indexOf(Buffer.from('b-utf8-Q')) + 7] = 0xff
    const cases: [string, Buffer, string][] = [
      ['not-avro', Buffer.from('{"prediction_id":"x"}'), 'DW_DECODE_NOT_AVRO'],
      ['wrong-magic', Buffer.concat([Buffer.from([1]), valid.subarray(1)]), 'DW_DECODE_NOT_AVRO'],
      ['unknown-schema', frame(987_654, valid.subarray(5)), 'DW_DECODE_UNKNOWN_SCHEMA'],
      ['truncated', valid.subarray(0, 12), 'DW_DECODE_FAILED'],
      ['missing-field', await registry.encode(oldSchemaId, withoutVersion), 'DW_MISSING_FIELD'],
      ['no-prediction', await encode({ prediction_id: 'b-nopred', prediction: { class_label: null, score: null, probabilities: null, value: null } }), 'DW_MISSING_FIELD'],
      ['nan', await encode({ prediction_id: 'b-nan', features: { income: Number.NaN } }), 'DW_NON_FINITE_NUMBER'],
      ['inf', await encode({ prediction_id: 'b-inf', features: { income: Number.POSITIVE_INFINITY } }), 'DW_NON_FINITE_NUMBER'],
      ['ts-1999', await encode({ prediction_id: 'b-old', event_time: Date.UTC(1999, 11, 31) }), 'DW_TIMESTAMP_OUT_OF_RANGE'],
      ['ts-future', await encode({ prediction_id: 'b-future', event_time: now + 2 * 86_400_000 }), 'DW_TIMESTAMP_OUT_OF_RANGE'],
      ['id-empty', await encode({ prediction_id: '' }), 'DW_BAD_PREDICTION_ID'],
      ['id-long', await encode({ prediction_id: 'x'.repeat(257) }), 'DW_BAD_PREDICTION_ID'],
      ['unknown-model', await encode({ prediction_id: 'b-model', model_id: 'not-configured' }), 'DW_UNKNOWN_MODEL'],
      ['too-large', await encode({ prediction_id: 'b-large', features: { blob: 'z'.repeat(5000) } }), 'DW_RECORD_TOO_LARGE'],
      ['map-count', Buffer.concat([withoutFeatures.subarray(0, featuresAt), hugeCount]), 'DW_DECODE_FAILED'],
      ['skipped-array-count', frame(extraSchemaId, Buffer.concat([hugeCount, Buffer.alloc(40)])), 'DW_DECODE_FAILED'],
      ['not-utf8', notUtf8, 'DW_DECODE_FAILED'],
      ['unknown-variant', await registry.encode(blueSchemaId, prediction({ prediction_id: 'b-blue', deployment: { environment: 'production', variant: 'blue' as 'champion' } })), 'DW_VALIDATION_FAILED'],
    ]
    const good = [
      valid,
      await encode({ prediction_id: 'ok-2', event_time: now - 2000 }),
      valid, // ok-1 twice: counted once
      await registry.encode(blueSchemaId, prediction({ prediction_id: 'ok-canary', event_time: now - 2000, deployment: { environment: 'production', variant: 'canary' } })),
      await registry.encode(namespacedSchemaId, prediction({ prediction_id: 'ok-namespaced', event_time: now - 2000 })),
    ]
    const messages = [...cases.map(([key, value]) => ({ key, value })), ...good.map((value, i) => ({ key: `good-${i}`, value }))]
    await producer.send({ topic: config.topics.predictions, messages })

    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.dead_letters FINAL'), (c) => c === cases.length, { what: 'dead letters' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 4, { what: 'valid predictions' })
    const rows = await queryRows<{ key: string; code: string }>(app.store, `SELECT base64Decode(raw_key_base64) AS key, error_code AS code FROM {db}.dead_letters FINAL ORDER BY key`)
    expect(Object.fromEntries(rows.map((r) => [r.key, r.code]))).toEqual(Object.fromEntries(cases.map(([k, , code]) => [k, code])))
    expect(await queryRows(app.store, `SELECT error_message AS m FROM {db}.dead_letters FINAL WHERE base64Decode(raw_key_base64) = 'unknown-variant'`)).toEqual([{ m: expect.stringMatching(/^deployment\.variant: "blue" is not one of champion, challenger, shadow, canary/) }])
    expect(await queryRows(app.store, `SELECT prediction_id AS id, variant FROM {db}.predictions FINAL WHERE prediction_id IN ('ok-canary', 'ok-namespaced') ORDER BY id`)).toEqual([
      { id: 'ok-canary', variant: 'canary' },
      { id: 'ok-namespaced', variant: 'champion' },
    ])

    // Conservation: distinct records in = distinct stored + dead-lettered.
    const distinctIn = messages.length - 1
    expect((await count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL')) + (await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters FINAL'))).toBe(distinctIn)

    // The DLQ topic carries the original bytes and the reason.
    const consumer = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).consumer({ groupId: `${config.kafka!.groupId}-dlq` })
    await consumer.connect()
    await consumer.subscribe({ topic: `${config.topics.predictions}.dlq`, fromBeginning: true })
    const dlq = new Map<string, { value: Buffer; code: string; offset: string }>()
    await consumer.run({ eachMessage: async ({ message: m }) => void dlq.set(m.key!.toString(), { value: m.value!, code: m.headers!['dw.error.code']!.toString(), offset: m.headers!['dw.source.offset']!.toString() }) })
    await waitFor(async () => dlq.size, (n) => n === cases.length, { what: 'DLQ topic messages' })
    await consumer.disconnect()
    for (const [key, value, code] of cases) {
      expect(dlq.get(key)?.code).toBe(code)
      expect(dlq.get(key)?.value.equals(value)).toBe(true)
    }

    // Still consuming after all that.
    await producer.send({ topic: config.topics.predictions, messages: [{ key: 'after', value: await encode({ prediction_id: 'ok-3', event_time: now - 3000 }) }] })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 5, { what: 'a prediction after the bad ones' })
  })

  it('dead-letters a seeded corpus of malformed records without ever stopping', async () => {
    const rng = createRng(2026)
    const valid = await registry.encode(schemaId, prediction({ prediction_id: 'corpus-template' }))
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rng.next() * 256)))
    const corpus: Buffer[] = []
    for (let i = 0; i < 100; i++) corpus.push(bytes(1 + Math.floor(rng.next() * 200))) // random bytes
    for (let i = 0; i < 100; i++) corpus.push(valid.subarray(0, 5 + Math.floor(rng.next() * (valid.length - 6)))) // truncated Avro
    for (let i = 0; i < 50; i++) corpus.push(frame(1_000_000 + Math.floor(rng.next() * 1e6), bytes(40))) // unknown schema ids
    for (let i = 0; i < 50; i++) corpus.push(Buffer.concat([valid.subarray(0, 5), bytes(60)])) // right schema, garbage body
    for (let i = 0; i < 5; i++) corpus.push(Buffer.concat([valid, bytes(5000)])) // over the size limit
    const before = await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters FINAL')
    const storedBefore = await count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL')
    for (let i = 0; i < corpus.length; i += 100) {
      await producer.send({ topic: config.topics.predictions, messages: corpus.slice(i, i + 100).map((value, j) => ({ key: `corpus-${i + j}`, value })) })
    }
    await waitFor(
      async () => (await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters FINAL')) + (await count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL')),
      (n) => n === before + storedBefore + corpus.length,
      { what: 'every corpus record accounted for', timeoutMs: 90_000 },
    )
    const byCode = await queryRows<{ code: string; c: string }>(app.store, `SELECT error_code AS code, count() AS c FROM {db}.dead_letters FINAL WHERE startsWith(base64Decode(raw_key_base64), 'corpus-') GROUP BY code ORDER BY code`)
    expect(byCode.map((r) => r.code)).toEqual(expect.arrayContaining(['DW_DECODE_NOT_AVRO', 'DW_DECODE_UNKNOWN_SCHEMA', 'DW_DECODE_FAILED', 'DW_RECORD_TOO_LARGE']))
    // A garbage body can happen to decode as a valid event; such records are stored, never lost.
    const corpusStored = (await count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL')) - storedBefore
    expect(byCode.reduce((sum, r) => sum + Number(r.c), 0) + corpusStored).toBe(corpus.length)
    await producer.send({ topic: config.topics.predictions, messages: [{ key: 'after-corpus', value: await registry.encode(schemaId, prediction({ prediction_id: 'ok-4', event_time: Date.now() - 1000 })) }] })
    await waitFor(() => count(app.store, `SELECT count() AS c FROM {db}.predictions FINAL WHERE prediction_id = 'ok-4'`), (c) => c === 1, { what: 'a valid record after the corpus' })
  })
})
