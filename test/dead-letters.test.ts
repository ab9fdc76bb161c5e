/**
 * Bad input is data: every class of bad record produced to the real predictions topic lands in
 * the dead letters (ClickHouse and <topic>.dlq, with its raw bytes) under its own code, the
 * consumer keeps running, duplicates count once, and records in = stored + dead-lettered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { frame } from '../src/ingest/wire-format.js'
import { rawSchema } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

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
    ]
    const good = [valid, await encode({ prediction_id: 'ok-2', event_time: now - 2000 }), valid] // ok-1 twice: counted once
    const messages = [...cases.map(([key, value]) => ({ key, value })), ...good.map((value, i) => ({ key: `good-${i}`, value }))]
    await producer.send({ topic: config.topics.predictions, messages })

    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.dead_letters FINAL'), (c) => c === cases.length, { what: 'dead letters' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 2, { what: 'valid predictions' })
    const rows = await queryRows<{ key: string; code: string }>(app.store, `SELECT base64Decode(raw_key_base64) AS key, error_code AS code FROM {db}.dead_letters FINAL ORDER BY key`)
    expect(Object.fromEntries(rows.map((r) => [r.key, r.code]))).toEqual(Object.fromEntries(cases.map(([k, , code]) => [k, code])))

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
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 3, { what: 'a prediction after the bad ones' })
  })
})
