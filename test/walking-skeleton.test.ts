/**
 * The walking skeleton, end to end on real infrastructure: a prediction is Avro-encoded through
 * the schema registry, produced to a real Kafka topic, consumed by the consumer-group source and
 * written to ClickHouse; a record that is not Avro lands in the dead letters with its code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { startApp, type App } from '../src/app.js'
import { createLogger } from '../src/observability/logger.js'
import { createHmac } from 'node:crypto'
import { TEST_PSEUDONYMIZATION_KEY, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { waitFor } from './support/wait.js'
import { withDatabase } from '../src/store/query.js'

describe('walking skeleton: registry -> Kafka -> consumer -> ClickHouse', () => {
  const config = testConfig()
  let app: App

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel))
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('stores a prediction produced through the registry, and dead-letters bytes that are not Avro', async () => {
    await app.publisher.publishPredictions([prediction({ subject_id: 'applicant-7' })])
    const raw = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).producer()
    await raw.connect()
    await raw.send({ topic: config.topics.predictions, messages: [{ key: 'junk-1', value: Buffer.from('{"not":"avro"}') }] })
    await raw.disconnect()

    const count = async (sql: string) => Number((await (await app.store.client.query({ query: withDatabase(sql, app.store.database), format: 'JSONEachRow' })).json<{ c: string }>())[0]!.c)
    await waitFor(() => count('SELECT count() AS c FROM {db}.predictions'), (c) => c === 1, { what: 'the prediction row' })
    await waitFor(() => count('SELECT count() AS c FROM {db}.dead_letters'), (c) => c === 1, { what: 'the dead letter row' })

    const [row] = await (
      await app.store.client.query({
        query: withDatabase(`SELECT prediction_id, model_id, model_version, toUnixTimestamp64Milli(event_time) AS t, features_num, features_cat,
                       features_missing, class_label, score, segments, variant, subject_id, source_topic FROM {db}.predictions`, app.store.database),
        format: 'JSONEachRow',
      })
    ).json<Record<string, unknown>>()
    expect(row).toEqual({
      prediction_id: 'p-1',
      model_id: 'loan-approval',
      model_version: 'v1',
      t: String(Date.UTC(2026, 10, 1, 12, 0, 0, 123)),
      features_num: { income: 52000.5 },
      features_cat: { employment: 'salaried', has_guarantor: 'true' },
      features_missing: ['debt_ratio'],
      class_label: 'approve',
      score: 0.81,
      segments: { gender: 'f', age_band: '30-39' },
      variant: 'champion',
      // Personal fields are stored only as HMAC-SHA256 pseudonyms.
      subject_id: createHmac('sha256', TEST_PSEUDONYMIZATION_KEY).update('applicant-7').digest('hex'),
      source_topic: config.topics.predictions,
    })
    const [dead] = await (await app.store.client.query({ query: withDatabase(`SELECT error_code, raw_key_base64 FROM {db}.dead_letters`, app.store.database), format: 'JSONEachRow' })).json<{ error_code: string; raw_key_base64: string }>()
    expect(dead!.error_code).toBe('DW_DECODE_NOT_AVRO')
    expect(Buffer.from(dead!.raw_key_base64, 'base64').toString()).toBe('junk-1')
  })
})
