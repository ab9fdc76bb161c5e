/**
 * A topic deleted and created again under the same name starts again at offset 0: a stored
 * record's offset then names another record too. Records of the new topic at offsets the old one
 * used are stored (or dead-lettered) like any other, through both paths a batch can take:
 *   - the first batch after a start checks what is stored at its offsets (storeReplay): a row or
 *     dead letter of the old topic there is another record's, not this one's;
 *   - the batches after it insert under a deduplication token, which names the records as well
 *     as their offsets, so it differs from the token the old topic's batch at those offsets had.
 * Predictions, labels and dead letters alike; conservation and no duplicates are checked. The
 * handler reports the reused offsets once per partition, for the operator; a replay of the same
 * records reports nothing and stores nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs'
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { startApp, type App } from '../src/app.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { Decoder } from '../src/ingest/decoder.js'
import { avroType, type PredictionEvent } from '../src/ingest/schemas.js'
import { limitsFromConfig, validatePrediction } from '../src/ingest/validate.js'
import { frame } from '../src/ingest/wire-format.js'
import { predictionKey, type PredictionKey } from '../src/join/joiner.js'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import { createEventHandler, type EventHandlerDeps, type OffsetsReused } from '../src/pipeline/event-handler.js'
import type { SourceBatch, SourceRecord } from '../src/pipeline/source.js'
import { LOCAL_SCHEMA_IDS, localResolver } from '../src/registry/resolvers.js'
import { privacyFor } from '../src/store/privacy.js'
import { PREDICTION_ROW, predictionRow } from '../src/store/rows.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

describe('a topic deleted and created again', () => {
  const config = testConfig({ partitions: 1 })
  const topics = { p: config.topics.predictions, l: config.topics.groundTruth }
  // Warnings are kept: the recreated topic is reported once per topic-partition.
  const warnings: { msg: string; topic?: string; table?: string }[] = []
  const logger = pino({ level: 'warn' }, new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) warnings.push(JSON.parse(l) as { msg: string })
      done()
    },
  }))
  let app: App | undefined
  let kafka: Kafka
  let admin: Admin
  let producer: Producer
  const registry = new SchemaRegistry({ host: config.registryUrl! })

  beforeAll(async () => {
    kafka = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    await admin.connect()
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
  })
  afterAll(async () => {
    await app?.stop()
    await producer?.disconnect()
    await admin?.disconnect()
    await dropTestResources(config)
  })

  const start = async () => {
    app = await startApp(config, logger, { file: DEFAULT_FILE_CONFIG, evaluate: false, alerts: false })
  }
  const schemaId = (topic: string) => registry.getLatestSchemaId(`${topic}-value`)
  /** A record: a prediction or label with this id, or (`bad-…`) bytes that are not Avro, keyed by the id. */
  const encode = async (topic: string, id: string) => {
    if (id.includes('bad')) return { key: id, value: Buffer.from(`not avro: ${id}`), partition: 0 }
    const value =
      topic === topics.p
        ? await registry.encode(await schemaId(topic), prediction({ prediction_id: id, event_time: Date.now() - 60_000 }))
        : await registry.encode(await schemaId(topic), { prediction_id: id, label: { class_label: 'approve', value: null }, label_time: Date.now() - 30_000, source: 'test' })
    return { key: id, value, partition: 0 }
  }
  const send = async (topic: string, ids: readonly string[]) => void (await producer.send({ topic, acks: -1, messages: await Promise.all(ids.map((id) => encode(topic, id))) }))
  const committed = async (topic: string) => Number((await admin.fetchOffsets({ groupId: config.kafka!.groupId, topics: [topic] }))[0]!.partitions[0]!.offset)
  const untilCommitted = (topic: string, next: number) => waitFor(() => committed(topic), (c) => c >= next, { timeoutMs: 60_000, what: `${topic} committed to ${next}` })
  /** Records sent together, one batch: sent once the batch before is handled, and handled (committed) before this returns. */
  const batch = async (topic: string, ids: readonly string[]) => {
    const next = Math.max(await committed(topic), 0) + ids.length
    await send(topic, ids)
    await untilCommitted(topic, next)
  }
  const recreate = async () => {
    await admin.deleteTopics({ topics: [topics.p, topics.l] })
    await waitFor(() => admin.listTopics(), (all) => !all.includes(topics.p) && !all.includes(topics.l), { what: 'the topics deleted' })
    // The broker refuses the name (TOPIC_ALREADY_EXISTS) until the deletion is complete.
    await waitFor(
      () => admin.createTopics({ waitForLeaders: true, topics: [topics.p, topics.l].map((topic) => ({ topic, numPartitions: 1, replicationFactor: -1 })) }).catch(() => false),
      (created) => created,
      { timeoutMs: 60_000, intervalMs: 1000, what: 'the topics created again' },
    )
  }
  const ids = async (table: string) => (await queryRows<{ id: string }>(app!.store, `SELECT prediction_id AS id FROM {db}.${table} FINAL ORDER BY id`)).map((r) => r.id)
  /** The dead letters' raw keys. */
  const deadKeys = async () =>
    (await queryRows<{ k: string }>(app!.store, 'SELECT DISTINCT base64Decode(raw_key_base64) AS k FROM {db}.dead_letters ORDER BY k')).map((r) => r.k)

  it('stores the records of the new topic at offsets the old one used, once each', async () => {
    await start()
    // The old topic, in batches of two: predictions [0 bad, 1] [2, 3 bad] [4, 5] [6, 7]; labels [0, 1] [2, 3].
    for (const ids of [['old-bad-0', 'old-1'], ['old-2', 'old-bad-3'], ['old-4', 'old-5'], ['old-6', 'old-7']]) await batch(topics.p, ids)
    for (const ids of [['old-1', 'old-2'], ['old-4', 'old-5']]) await batch(topics.l, ids)
    expect(await ids('predictions')).toEqual(['old-1', 'old-2', 'old-4', 'old-5', 'old-6', 'old-7'])
    await app!.stop()
    app = undefined

    await recreate()
    // Sent before the start, so the first batch after it, which is checked against what is stored
    // at its offsets: an old dead letter (0) and old rows (1; labels 0 and 1) are there.
    await send(topics.p, ['new-0', 'new-bad-1'])
    await send(topics.l, ['new-0', 'new-3'])
    await start()
    await untilCommitted(topics.p, 2)
    await untilCommitted(topics.l, 2)
    // Then batch after batch, as live traffic comes, each at the offsets of one of the old topic's:
    // [2 bad, 3] has both the rows' and the dead letters' offsets of the old [2, 3 bad].
    for (const ids of [['new-bad-2', 'new-3'], ['new-4', 'new-5'], ['new-6', 'new-bad-7'], ['new-8']]) await batch(topics.p, ids)
    for (const ids of [['new-4', 'new-5'], ['new-6']]) await batch(topics.l, ids)

    // Conservation: predictions in (8 + 9) = stored (6 + 6) + dead-lettered (2 + 3).
    expect(await ids('predictions')).toEqual(['new-0', 'new-3', 'new-4', 'new-5', 'new-6', 'new-8', 'old-1', 'old-2', 'old-4', 'old-5', 'old-6', 'old-7'])
    expect(await ids('ground_truth')).toEqual(['new-0', 'new-3', 'new-4', 'new-5', 'new-6', 'old-1', 'old-2', 'old-4', 'old-5'])
    expect(await deadKeys()).toEqual(['new-bad-1', 'new-bad-2', 'new-bad-7', 'old-bad-0', 'old-bad-3'])
    // No duplicates: one stored row per record.
    expect(await count(app!.store, 'SELECT count() AS c FROM {db}.predictions')).toBe(12)
    expect(await count(app!.store, 'SELECT count() AS c FROM {db}.ground_truth')).toBe(9)
    expect(await count(app!.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(5)
    // The first batch of each topic after the start found the old topic's records at its offsets.
    const reused = warnings.filter((w) => w.msg.startsWith('records of an earlier topic of this name'))
    expect([...new Set(reused.map((w) => w.topic))].sort()).toEqual([topics.l, topics.p].sort())
  })

  /** Synthetic records of `topic`, and handlers of them as handlers.ts builds them, on the app's store. */
  const handlerOn = (topic: string) => {
    const T = prediction().event_time
    const record = (offset: number, id: string): SourceRecord => ({
      topic, partition: 0, offset: String(offset), key: Buffer.from(id),
      value: id.includes('bad') ? Buffer.from(`not avro: ${id}`) : frame(LOCAL_SCHEMA_IDS.prediction, avroType('prediction').toBuffer(prediction({ prediction_id: id }))),
      headers: {}, timestamp: String(T + offset),
    })
    const reports: OffsetsReused[] = []
    return {
      reports,
      batch: (ids: string[]): SourceBatch => ({ topic, partition: 0, records: ids.map((id, offset) => record(offset, id)) }),
      /** The predictions handler of a process that starts now. */
      freshHandler: (more: Partial<EventHandlerDeps<PredictionEvent, PredictionKey>> = {}) =>
        createEventHandler({
          store: app!.store, table: 'predictions', layout: PREDICTION_ROW,
          decoder: new Decoder<PredictionEvent>(avroType('prediction'), localResolver()),
          validate: (e, nowMs) => validatePrediction(e, nowMs, limitsFromConfig(DEFAULT_FILE_CONFIG.ingest, [])),
          toRow: (e, source, out) => predictionRow(out, e, source, privacyFor(config, DEFAULT_FILE_CONFIG)),
          keyOf: predictionKey,
          replacing: { key: (k) => k.prediction_id, version: () => 0, id: (k) => k.prediction_id, stored: { columns: 'prediction_id', key: (r) => r['prediction_id']!, version: () => 0 } },
          deadLetters: createDeadLetterSink(app!.store, null), now: () => T + 60_000, maxRecordBytes: DEFAULT_FILE_CONFIG.ingest.maxRecordBytes,
          onOffsetsReused: (r) => reports.push(r),
          ...more,
        }),
      stored: (table: string) => count(app!.store, `SELECT count() AS c FROM {db}.${table} WHERE source_topic = {topic:String}`, { topic }),
      ids: async () => (await queryRows<{ id: string }>(app!.store, 'SELECT prediction_id AS id FROM {db}.predictions WHERE source_topic = {topic:String} ORDER BY id', { topic })).map((r) => r.id),
    }
  }

  it('reports offsets where records of the old topic are stored, once per partition, and not for a replay of the same records', async () => {
    if (!app) await start()
    const topic = 'reused.predictions'
    const { batch, freshHandler, stored, ids, reports } = handlerOn(topic)
    // An id with characters the engine's text output escapes reads back as itself.
    const old = batch(["old-0\t'\\\n", 'old-bad-1', 'old-2', 'old-3'])
    await freshHandler()(old)
    // A restart replays the same records: its own rows and dead letter, nothing reported or stored twice.
    await freshHandler()(old)
    expect(reports).toEqual([])
    expect([await stored('predictions'), await stored('dead_letters')]).toEqual([3, 1])

    // The topic created again: other records at offsets 0-4. At 0 and 3 another record's row, at
    // 1 another's dead letter (2 is dead-lettered now: its id is not known, its offset not told).
    const handler = freshHandler()
    const recreated = batch(['new-0', 'new-1', 'new-bad-2', 'new-3', 'new-4'])
    await handler(recreated)
    expect(reports).toEqual([{ topic, partition: 0, table: 'predictions', count: 3, first: '0', last: '3' }])
    // Its first batch replayed by the same handler: reported once per partition, stored once.
    await handler(recreated)
    expect(reports).toHaveLength(1)
    expect([await stored('predictions'), await stored('dead_letters')]).toEqual([7, 2])
    expect(await ids()).toEqual(['new-0', 'new-1', 'new-3', 'new-4', "old-0\t'\\\n", 'old-2', 'old-3'])
  })

  it("dead-letters a record that fails its batch although another record's row is stored at its offset", async () => {
    if (!app) await start()
    const { batch, freshHandler, stored, ids } = handlerOn('reused-isolated.predictions')
    await freshHandler()(batch(['old-0', 'old-1']))
    // A bug in code that runs per batch, before the rows are stored, on any batch holding new-1:
    // the batch is tried in pieces, and new-1, failing alone, is dead-lettered (event-handler.ts
    // isolateFailure) unless its row is stored. The row at its offset is old-1's, not its own.
    const screen = async (keys: readonly PredictionKey[]) => {
      if (keys.some((k) => k.prediction_id === 'new-1')) throw new TypeError('a bug')
      return keys.map(() => null)
    }
    await freshHandler({ screen })(batch(['new-0', 'new-1']))
    expect(await ids()).toEqual(['new-0', 'old-0', 'old-1'])
    expect(await stored('dead_letters')).toBe(1)
    const [dead] = await queryRows<{ k: string; code: string }>(app!.store, "SELECT base64Decode(raw_key_base64) AS k, error_code AS code FROM {db}.dead_letters WHERE source_topic = 'reused-isolated.predictions'")
    expect(dead).toEqual({ k: 'new-1', code: 'DW_RECORD_UNPROCESSABLE' })
  })
})
