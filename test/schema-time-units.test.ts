/**
 * A producer's version of driftwatch's schema whose event_time (or label_time) is a long with
 * logicalType timestamp-micros, registered on the real registry under the topic's subject: the
 * registry accepts it (Avro's Parsing Canonical Form drops logical types), and driftwatch refuses
 * the schema by the unit of the field, DW_DECODE_UNSUPPORTED_SCHEMA naming the field and
 * `timestamp-micros`, instead of reading microseconds as milliseconds and refusing each record as a
 * date out of range. Records of driftwatch's own schema on the same topics are stored.
 */
import avro from 'avsc'
import { describe, expect, it } from 'vitest'
import { startApp } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { rawSchema, type EventKind } from '../src/ingest/schemas.js'
import { frame } from '../src/ingest/wire-format.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'
import { appAndProducer } from './support/app-producer.js'

describe('writer schemas whose time field is timestamp-micros', () => {
  const config = testConfig({ partitions: 1 })
  const running = appAndProducer(config, () => startApp(config, createLogger(config.logLevel), { file: parseFileConfig('models:\n  - id: loan-approval\n', 'test.yaml'), evaluate: false }))

  /** driftwatch's schema with `field` in microseconds, registered under the topic's subject as a producer would: its id. */
  async function registerMicros(kind: EventKind, topic: string, field: string): Promise<{ id: number; type: avro.Type }> {
    const schema = structuredClone(rawSchema(kind)) as { fields: { name: string; type: unknown }[] }
    schema.fields.find((f) => f.name === field)!.type = { type: 'long', logicalType: 'timestamp-micros' }
    const res = await fetch(`${config.registryUrl}/subjects/${encodeURIComponent(`${topic}-value`)}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(schema) }),
    })
    const answer = (await res.json()) as { id?: number }
    expect(res.status, `the registry accepts it as compatible: ${JSON.stringify(answer)}`).toBe(200)
    return { id: answer.id!, type: avro.Type.forSchema(schema as avro.Schema) }
  }

  it('dead-letters every record of such a schema with DW_DECODE_UNSUPPORTED_SCHEMA naming the field and timestamp-micros; other records are stored', { timeout: 120_000 }, async () => {
    const nowMs = Date.now() - 60_000
    const micros = await registerMicros('prediction', config.topics.predictions, 'event_time')
    const labelMicros = await registerMicros('ground-truth', config.topics.groundTruth, 'label_time')
    const own = avro.Type.forSchema(rawSchema('prediction') as avro.Schema)
    const ownId = ((await (await fetch(`${config.registryUrl}/subjects/${encodeURIComponent(`${config.topics.predictions}-value`)}/versions/1`)).json()) as { id: number }).id
    await running.producer().send({
      topic: config.topics.predictions,
      acks: -1,
      messages: [
        ...[0, 1].map((i) => ({ key: `micros-${i}`, value: frame(micros.id, micros.type.toBuffer(prediction({ prediction_id: `micros-${i}`, event_time: nowMs * 1000 }))) })),
        { key: 'millis', value: frame(ownId, own.toBuffer(prediction({ prediction_id: 'millis', event_time: nowMs }))) },
      ],
    })
    await running.producer().send({
      topic: config.topics.groundTruth,
      acks: -1,
      messages: [{ key: 'label-micros', value: frame(labelMicros.id, labelMicros.type.toBuffer({ prediction_id: 'millis', label: { class_label: 'approve', value: null }, label_time: (nowMs + 1000) * 1000, source: 'test' })) }],
    })

    const store = running.app().store
    await waitFor(() => count(store, 'SELECT count() AS c FROM {db}.dead_letters FINAL'), (c) => c >= 3, { what: 'the records of the micros schemas dead-lettered' })
    await waitFor(() => count(store, "SELECT count() AS c FROM {db}.predictions FINAL WHERE prediction_id = 'millis'"), (c) => c === 1, { what: 'the record of driftwatch\'s schema stored' })
    const rows = await queryRows<{ key: string; code: string; message: string }>(store, 'SELECT base64Decode(raw_key_base64) AS key, error_code AS code, error_message AS message FROM {db}.dead_letters FINAL ORDER BY key')
    const reads = 'driftwatch reads timestamp-millis: write milliseconds since the Unix epoch, as a long with logicalType timestamp-millis'
    expect(rows).toEqual([
      { key: 'label-micros', code: 'DW_DECODE_UNSUPPORTED_SCHEMA', message: `schema ${labelMicros.id}: label_time is written as timestamp-micros (microseconds); ${reads}` },
      { key: 'micros-0', code: 'DW_DECODE_UNSUPPORTED_SCHEMA', message: `schema ${micros.id}: event_time is written as timestamp-micros (microseconds); ${reads}` },
      { key: 'micros-1', code: 'DW_DECODE_UNSUPPORTED_SCHEMA', message: `schema ${micros.id}: event_time is written as timestamp-micros (microseconds); ${reads}` },
    ])
    expect(await count(store, 'SELECT count() AS c FROM {db}.ground_truth FINAL')).toBe(0)
  })
})
