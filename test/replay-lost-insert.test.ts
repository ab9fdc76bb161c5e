/**
 * A replayed batch is stored even when the engine already holds its deduplication token.
 *
 * A non-replicated MergeTree writes an insert's token to its deduplication log before it commits
 * the part. A process killed between the two (chDB's own, or a ClickHouse server) leaves a token
 * that claims rows that were never stored; the replay under that token used to be dropped without
 * an error, after which its offsets were committed: a whole batch lost (the kill -9 test lost one
 * partition's 8,464 labels so). Here the same state is made with SQL: the batch is stored, then
 * its rows are deleted, so its token is held and its rows are gone. Through the real handlers and
 * chDB, a handler that starts afresh (as after a restart) then replays the batch, and:
 *   - every record is stored or dead-lettered again, once: raw (non-FINAL) counts equal distinct offsets;
 *   - a replay of a batch partly stored adds only the missing rows; one that ends further on adds
 *     the new ones too, nothing twice;
 *   - the replay marks its window again (a mark only makes a window due);
 *   - a row the engine replaced by a later row of the same batch (one key sent twice) is not taken
 *     for a missing one: the replay does not bring it back over the row that replaced it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { loadFileConfig } from '../src/config/file.js'
import { avroType } from '../src/ingest/schemas.js'
import { frame } from '../src/ingest/wire-format.js'
import { createLogger } from '../src/observability/logger.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import { topicHandlers } from '../src/pipeline/handlers.js'
import { batchToken, type SourceBatch, type SourceRecord } from '../src/pipeline/source.js'
import { LOCAL_SCHEMA_IDS, localResolver } from '../src/registry/resolvers.js'
import { privacyFor } from '../src/store/privacy.js'
import { offsetSum, storedOffsetCounts } from '../src/store/offsets.js'
import { withDatabase } from '../src/store/query.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import type { GroundTruthEvent } from '../src/ingest/schemas.js'
import { count, queryRows } from './support/query.js'

const T = Date.UTC(2026, 10, 1, 12)

describe('replay of a batch whose insert the engine claims but never stored', () => {
  const config = testConfig({ kafka: false })
  const logger = createLogger(config.logLevel)
  let app: App | undefined
  beforeAll(async () => {
    app = await startApp(config, logger, { consume: false, evaluate: false, alerts: false })
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  const topic = config.topics.predictions
  const record = (offset: number): SourceRecord => ({
    topic,
    partition: 0,
    offset: String(offset),
    key: Buffer.from(`r-${offset}`),
    // Every fifth record is not Avro: a dead letter.
    value: offset % 5 === 4 ? Buffer.from('not avro') : frame(LOCAL_SCHEMA_IDS.prediction, avroType('prediction').toBuffer(prediction({ prediction_id: `r-${offset}`, event_time: T }))),
    headers: {},
    timestamp: String(T),
  })
  const batch = (from: number, to: number): SourceBatch => ({ topic, partition: 0, records: Array.from({ length: to - from + 1 }, (_, i) => record(from + i)) })
  /** The predictions handler of a process that starts now: it has handled no batch yet. */
  const freshHandler = () => {
    const file = loadFileConfig(config.configFile)
    const handlers = topicHandlers({
      store: app!.store, file, topics: config.topics, joiner: app!.joiner, now: () => T, logger,
      privacy: privacyFor(config, file), deadLetters: createDeadLetterSink(app!.store, null), resolver: localResolver(),
    })
    return handlers[topic]!
  }
  const sql = async (query: string) => void (await app!.store.client.command({ query: withDatabase(query, app!.store.database) }))
  const offsets = async (table: string) => {
    const [row] = await queryRows<{ raw: string; distinct: string }>(app!.store, `SELECT count() AS raw, uniqExact(source_offset) AS distinct FROM {db}.${table} WHERE source_topic = {t:String}`, { t: topic })
    return { raw: Number(row!.raw), distinct: Number(row!.distinct) }
  }
  const marks = () => count(app!.store, 'SELECT count() AS c FROM {db}.window_marks')
  const forget = (where: string) =>
    Promise.all(['predictions', 'dead_letters'].map((t) => sql(`ALTER TABLE {db}.${t} DELETE WHERE source_topic = '${topic}' AND ${where} SETTINGS mutations_sync = 2`)))

  it('counts and sums stored offsets as the process does, so that an offset in place of another is told apart', async () => {
    const big = ['9223372036854775000', '9223372036854775001', '9223372036854775002'] // their sum passes 2^64
    await app!.store.client.insert({
      table: withDatabase('{db}.predictions', app!.store.database),
      values: [...big, big[0]!].map((o, i) => ({ prediction_id: `sum-${i}`, model_id: 'm', model_version: 'v', event_time: '2026-11-01 12:00:00.000', source_topic: 'sums', source_partition: 3, source_offset: o })),
      format: 'JSONEachRow',
    })
    const counts = await storedOffsetCounts(app!.store, { table: 'predictions', topic: 'sums', partition: 3, first: big[0]!, last: big[2]! })
    expect(counts).toEqual({ rows: 3, rowsSum: offsetSum(big), dead: 0, deadSum: 0n })
    expect(offsetSum(big)).toBe((3n * 9223372036854775001n) % 2n ** 64n)
    expect(offsetSum([big[0]!, big[1]!, '9223372036854775003'])).not.toBe(counts.rowsSum)
  })

  it('stores every record of the replay again, once, and only what is missing', { timeout: 120_000 }, async () => {
    // Offsets 100..139: 32 predictions and 8 dead letters.
    await freshHandler()(batch(100, 139))
    expect(await offsets('predictions')).toEqual({ raw: 32, distinct: 32 })
    expect(await offsets('dead_letters')).toEqual({ raw: 8, distinct: 8 })

    // The token is held, the rows are gone.
    await forget('1')
    expect(await offsets('predictions')).toEqual({ raw: 0, distinct: 0 })
    // The engine drops an insert under the held token, and says nothing.
    await app!.store.client.insert({
      table: withDatabase('{db}.predictions', app!.store.database),
      values: [{ prediction_id: 'probe', model_id: 'm', model_version: 'v', event_time: '2026-11-01 12:00:00.000', source_topic: topic }],
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: batchToken(batch(100, 139), 'predictions') },
    })
    expect(await count(app!.store, "SELECT count() AS c FROM {db}.predictions WHERE prediction_id = 'probe'")).toBe(0)

    // A restart replays the batch: everything is back, once.
    const marksBefore = await marks()
    await freshHandler()(batch(100, 139))
    expect(await offsets('predictions')).toEqual({ raw: 32, distinct: 32 })
    expect(await offsets('dead_letters')).toEqual({ raw: 8, distinct: 8 })
    expect(await marks()).toBeGreaterThan(marksBefore)

    // Partly stored (the odd offsets gone), replayed: only those are inserted.
    await forget('source_offset % 2 = 1')
    expect(await offsets('predictions')).toEqual({ raw: 16, distinct: 16 })
    await freshHandler()(batch(100, 139))
    expect(await offsets('predictions')).toEqual({ raw: 32, distinct: 32 })
    expect(await offsets('dead_letters')).toEqual({ raw: 8, distinct: 8 })

    // A replay that ends further on (the fetch gave more records this time) adds only the new ones.
    await freshHandler()(batch(100, 149))
    expect(await offsets('predictions')).toEqual({ raw: 40, distinct: 40 })
    expect(await offsets('dead_letters')).toEqual({ raw: 10, distinct: 10 })

    // The same handler's next batch follows on: stored under its own token, as before.
    const handler = freshHandler()
    await handler(batch(150, 159))
    await handler(batch(160, 169))
    expect(await offsets('predictions')).toEqual({ raw: 56, distinct: 56 })
    expect(await offsets('dead_letters')).toEqual({ raw: 14, distinct: 14 })
  })

  // ReplacingMergeTree keeps one row of a key within an insert; the check of a replayed batch read
  // the other's offset as missing and inserted it again, in a newer part that then won.
  it('keeps the row that replaced another in the same batch, as a batch that is not a replay does', { timeout: 120_000 }, async () => {
    const gt = config.topics.groundTruth
    const predictionRecord = (offset: number, e: Parameters<typeof prediction>[0]): SourceRecord => ({
      topic, partition: 1, offset: String(offset), key: Buffer.from(e!.prediction_id!), headers: {}, timestamp: String(T),
      value: frame(LOCAL_SCHEMA_IDS.prediction, avroType('prediction').toBuffer(prediction(e))),
    })
    const labelRecord = (offset: number, e: GroundTruthEvent): SourceRecord => ({
      topic: gt, partition: 1, offset: String(offset), key: Buffer.from(e.prediction_id), headers: {}, timestamp: String(T),
      value: frame(LOCAL_SCHEMA_IDS['ground-truth'], avroType('ground-truth').toBuffer(e)),
    })
    const classOf = (id: string, cls: string) => ({ prediction_id: id, event_time: T, prediction: { class_label: cls, score: 0.5, probabilities: null, value: null } })
    const predictions: SourceBatch = {
      topic, partition: 1, records: [
        predictionRecord(0, classOf('dup-1', 'first')),
        predictionRecord(1, classOf('dup-1', 'last')),
        // Another month is another partition of the table: both rows are stored (FINAL reads one).
        predictionRecord(2, classOf('dup-2', 'november')),
        predictionRecord(3, { ...classOf('dup-2', 'september'), event_time: T - 40 * 86_400_000 }),
      ],
    }
    const label = (id: string, cls: string, at: number): GroundTruthEvent => ({ prediction_id: id, label: { class_label: cls, value: null }, label_time: at, source: 'test' })
    const labels: SourceBatch = {
      topic: gt, partition: 1, records: [
        labelRecord(0, label('dup-1', 'first', T + 1000)),
        labelRecord(1, label('dup-1', 'correction', T + 1000)), // equal label_time: the later row wins
        labelRecord(2, label('dup-2', 'newer', T + 2000)),
        labelRecord(3, label('dup-2', 'older', T + 1000)), // an older label_time loses, wherever it comes
      ],
    }
    const handlers = () => {
      const file = loadFileConfig(config.configFile)
      return topicHandlers({
        store: app!.store, file, topics: config.topics, joiner: app!.joiner, now: () => T, logger,
        privacy: privacyFor(config, file), deadLetters: createDeadLetterSink(app!.store, null), resolver: localResolver(),
      })
    }
    // The rows as stored (both months of dup-2) and as read (FINAL).
    const final = async () => ({
      predictions: (await queryRows<{ prediction_id: string; class_label: string }>(app!.store, `SELECT prediction_id, class_label FROM {db}.predictions WHERE source_topic = {t:String} AND source_partition = 1 ORDER BY prediction_id, event_time`, { t: topic })).map((r) => `${r.prediction_id}:${r.class_label}`),
      labels: (await queryRows<{ prediction_id: string; label_class: string }>(app!.store, `SELECT prediction_id, label_class FROM {db}.ground_truth FINAL WHERE source_topic = {t:String} AND source_partition = 1 ORDER BY prediction_id`, { t: gt })).map((r) => `${r.prediction_id}:${r.label_class}`),
      dup1: (await queryRows<{ class_label: string }>(app!.store, `SELECT class_label FROM {db}.predictions FINAL WHERE prediction_id = 'dup-1'`, {})).map((r) => r.class_label),
    })
    const expected = { predictions: ['dup-1:last', 'dup-2:september', 'dup-2:november'], labels: ['dup-1:correction', 'dup-2:newer'], dup1: ['last'] }
    // The first batch of a process that starts now goes through the replay check.
    const first = handlers()
    await first[topic]!(predictions)
    await first[gt]!(labels)
    expect(await final()).toEqual(expected)
    // Replayed again after another restart, with everything stored: nothing changes.
    const again = handlers()
    await again[topic]!(predictions)
    await again[gt]!(labels)
    expect(await final()).toEqual(expected)
    // Replayed with the rows gone but their tokens held: the same rows come back, and only they.
    await Promise.all([`ALTER TABLE {db}.predictions DELETE WHERE source_topic = '${topic}' AND source_partition = 1`, `ALTER TABLE {db}.ground_truth DELETE WHERE source_topic = '${gt}' AND source_partition = 1`]
      .map((q) => sql(`${q} SETTINGS mutations_sync = 2`)))
    const third = handlers()
    await third[topic]!(predictions)
    await third[gt]!(labels)
    expect(await final()).toEqual(expected)
    // A replay that ends before the record that replaced one of its rows (a refetch with other
    // boundaries, or a piece of a failed batch): that row is not missing either.
    const prefix = (b: SourceBatch, n: number): SourceBatch => ({ ...b, records: b.records.slice(0, n) })
    const fourth = handlers()
    await fourth[topic]!(prefix(predictions, 1))
    await fourth[gt]!(prefix(labels, 1))
    expect(await final()).toEqual(expected)
    // A label with a newer label_time is not replaced by a later record with an older one: its row
    // missing is lost, and is stored again.
    const [newer] = await queryRows<{ c: string }>(app!.store, `SELECT count() AS c FROM {db}.ground_truth WHERE source_topic = {t:String} AND source_partition = 1 AND source_offset = 2`, { t: gt })
    expect(Number(newer!.c)).toBe(1)
    await sql(`ALTER TABLE {db}.ground_truth DELETE WHERE source_topic = '${gt}' AND source_partition = 1 AND source_offset = 2 SETTINGS mutations_sync = 2`)
    await handlers()[gt]!({ ...labels, records: labels.records.slice(2, 3) })
    expect(await final()).toEqual(expected)
  })
})
