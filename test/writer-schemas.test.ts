/**
 * Writer schemas that are not a record, registered under a subject of their own and used on the
 * predictions and ground-truth topics: every record of a string or array schema is a dead letter
 * that says what the schema is (DW_DECODE_UNSUPPORTED_SCHEMA), not which of driftwatch's fields
 * it lacks; a union schema is read by the branch each record was written as (Avro's schema
 * resolution), so its records of driftwatch's record are stored and those of its null branch are
 * dead letters naming the branch. Records in = stored + dead-lettered.
 */
import avro from 'avsc'
import { describe, expect, it } from 'vitest'
import { startApp } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { rawSchema, type GroundTruthEvent } from '../src/ingest/schemas.js'
import { frame } from '../src/ingest/wire-format.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'
import { appAndProducer } from './support/app-producer.js'

describe('writer schemas that are not a record', () => {
  const config = testConfig({ partitions: 2 })
  const file = parseFileConfig('models:\n  - id: loan-approval\n', 'test.yaml')
  const running = appAndProducer(config, () => startApp(config, createLogger(config.logLevel), { file, evaluate: false }))

  /** Registers through the Confluent-compatible API as any client would (the kafkajs client refuses a schema without a name), returning the id. */
  async function register(subject: string, schema: unknown): Promise<number> {
    const res = await fetch(`${config.registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(schema) }),
    })
    const answer = (await res.json()) as { id?: number }
    expect(res.status, JSON.stringify(answer)).toBe(200)
    return answer.id!
  }

  it('dead-letters string and array writer schemas as unsupported, and reads a union writer schema by the branch of each record, on both topics', { timeout: 120_000 }, async () => {
    const now = Date.now()
    const label = (id: string): GroundTruthEvent => ({ prediction_id: id, label: { class_label: 'approve', value: null }, label_time: now - 1000, source: 'test' })
    const topics = { prediction: config.topics.predictions, 'ground-truth': config.topics.groundTruth } as const
    const events = { prediction: (id: string) => prediction({ prediction_id: id, event_time: now - 1000 }), 'ground-truth': label } as const
    const names = { prediction: 'io.driftwatch.v1.PredictionEvent', 'ground-truth': 'io.driftwatch.v1.GroundTruthEvent' } as const
    const dead: Record<string, { code: string; message: string }> = {}
    const stored: Record<string, string[]> = { prediction: [], 'ground-truth': [] }
    let sent = 0
    for (const kind of ['prediction', 'ground-truth'] as const) {
      const topic = topics[kind]
      const reads = `driftwatch reads ${names[kind]} records (schemas/*.avsc)`
      const union = ['null', rawSchema(kind)]
      const written: [string, unknown, unknown][] = [
        ['string', 'string', 'hello'],
        ['array', { type: 'array', items: 'string' }, ['a', 'b']],
        ['union-record', union, events[kind](`${kind}-union-record`)],
        ['union-null', union, null],
      ]
      const messages: { key: string; value: Buffer }[] = []
      for (const [what, schema, value] of written) {
        const id = await register(`${topic}-${what}`, schema)
        const key = `${kind}-${what}`
        messages.push({ key, value: frame(id, avro.Type.forSchema(schema as avro.Schema).toBuffer(value)) })
        if (what === 'string') dead[key] = { code: 'DW_DECODE_UNSUPPORTED_SCHEMA', message: `schema ${id} is a string, not a record: ${reads}` }
        if (what === 'array') dead[key] = { code: 'DW_DECODE_UNSUPPORTED_SCHEMA', message: `schema ${id} is an array of string, not a record: ${reads}` }
        if (what === 'union-null') dead[key] = { code: 'DW_DECODE_UNSUPPORTED_SCHEMA', message: `schema ${id} is a union of null, record ${names[kind]}, and this record was written as its branch 0 (null), not a record: ${reads}` }
        if (what === 'union-record') stored[kind]!.push(`${kind}-union-record`)
      }
      await running.producer().send({ topic, messages })
      sent += messages.length
    }
    const store = running.app().store
    const accounted = async () =>
      (await count(store, 'SELECT count() AS c FROM {db}.dead_letters FINAL')) + (await count(store, 'SELECT count() AS c FROM {db}.predictions FINAL')) + (await count(store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'))
    await waitFor(accounted, (c) => c >= sent, { what: 'every record stored or dead-lettered' })

    const rows = await queryRows<{ key: string; code: string; message: string }>(store, 'SELECT base64Decode(raw_key_base64) AS key, error_code AS code, error_message AS message FROM {db}.dead_letters FINAL ORDER BY key')
    expect(Object.fromEntries(rows.map((r) => [r.key, { code: r.code, message: r.message }]))).toEqual(dead)
    expect((await queryRows<{ id: string }>(store, 'SELECT prediction_id AS id FROM {db}.predictions FINAL')).map((r) => r.id)).toEqual(stored['prediction'])
    expect((await queryRows<{ id: string }>(store, 'SELECT prediction_id AS id FROM {db}.ground_truth FINAL')).map((r) => r.id)).toEqual(stored['ground-truth'])
    expect(await accounted()).toBe(sent)
  })
})
