/**
 * The store's row format (RowBinary) through the real engine, on both insert paths: the embedded
 * engine reading the payload from a file (Store.insertRowBinary in embedded mode) and
 * @clickhouse/client sending `INSERT … FORMAT RowBinary` with the payload as the HTTP body, the
 * path a ClickHouse server takes (here to an HTTP endpoint that hands the body to the same engine:
 * test/support/clickhouse-http-insert.ts). Hostile strings and edge numbers come back as they
 * were written; a replayed insert with the same token stores nothing twice; a refusal comes back
 * with the engine's code on both paths.
 */
import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PredictionEvent } from '../src/ingest/schemas.js'
import { createClient } from '@clickhouse/client'
import { clientInsertRowBinary, parameterStringSet, type Store } from '../src/store/clickhouse.js'
import { insertBinaryRows } from '../src/store/insert.js'
import { loadMigrations, migrate } from '../src/store/migrate.js'
import { RowBuffer } from '../src/store/row-buffer.js'
import { PREDICTION_ROW, predictionRow } from '../src/store/rows.js'
import { insertEndpoint } from './support/clickhouse-http-insert.js'
import { storeOnlyApp } from './support/store-app.js'
import { queryRows } from './support/query.js'

const HOSTILE = ["it's", 'tab\there', 'new\nline', 'cr\rlf', 'back\\slash\\', 'nul\0byte', '\b\f', 'é 名前 🚀 \u202e', '__proto__', "{'a':1}", '[x]', '\\N', '']

function event(i: number, s: string): PredictionEvent {
  return {
    prediction_id: `rb-${i}-${s}`,
    model_id: 'tsv',
    model_version: s || 'v',
    event_time: Date.UTC(2026, 10, 1, 12, 0, 0, i),
    features: Object.assign(Object.create(null) as PredictionEvent['features'], { [s || 'empty']: s, [`n${s}`]: [5e-324, -0, 1e21, 0.1, -1.7976931348623157e308][i % 5]!, [`m${s}`]: null, flag: i % 2 === 0 }),
    prediction: { class_label: s, score: i % 3 === 0 ? null : 0.25, probabilities: { [s]: 0.5 }, value: null },
    segments: { [s]: s },
    deployment: { environment: s, variant: 'canary' },
    subject_id: i % 2 ? null : s,
  }
}

/** The rows of `events` as one RowBinary payload. */
function rowsOf(events: readonly PredictionEvent[], topic: string, privacy: Parameters<typeof predictionRow>[3]): Buffer {
  const out = new RowBuffer(16)
  events.forEach((e, i) => predictionRow(out, e, { topic, partition: 0, offset: String(i) }, privacy))
  return out.buf.subarray(0, out.pos)
}

describe('the store row format through the engine', () => {
  const started = storeOnlyApp()
  let endpoint: Awaited<ReturnType<typeof insertEndpoint>>
  let server: Store['insertRowBinary']
  let closeServer: () => Promise<void>
  beforeAll(async () => {
    endpoint = await insertEndpoint((sql) => started.app.store.client.command({ query: sql }))
    const client = createClient({ url: endpoint.url })
    server = clientInsertRowBinary(client, started.app.store.database)
    closeServer = () => client.close()
  })
  afterAll(async () => {
    await closeServer?.()
    await endpoint?.close()
  })

  const privacy = { pseudonymize: (s: string) => s, piiFeatures: () => new Set<string>() }
  const expected = (e: PredictionEvent) => ({
    prediction_id: e.prediction_id,
    model_version: e.model_version,
    t: String(e.event_time),
    features_num: Object.fromEntries(Object.entries(e.features).filter(([, v]) => typeof v === 'number')),
    features_cat: Object.fromEntries(Object.entries(e.features).filter(([, v]) => typeof v === 'string' || typeof v === 'boolean').map(([k, v]) => [k, String(v)])),
    features_missing: Object.entries(e.features).filter(([, v]) => v === null).map(([k]) => k),
    class_label: e.prediction.class_label,
    score: e.prediction.score,
    probabilities: e.prediction.probabilities,
    segments: e.segments,
    environment: e.deployment.environment,
    variant: e.deployment.variant,
    subject_id: e.subject_id,
  })
  const read = (prefix: string) =>
    queryRows(
      started.app.store,
      `SELECT prediction_id, model_version, toString(toUnixTimestamp64Milli(event_time)) AS t, features_num, features_cat, features_missing, class_label, score, probabilities, segments, environment, variant, subject_id
       FROM {db}.predictions WHERE startsWith(source_topic, '${prefix}') ORDER BY prediction_id`,
    )

  it.each([
    ['chdb insert from a file', 'raw'],
    ['client INSERT … FORMAT RowBinary as the HTTP body (the server path)', 'client'],
  ])('%s stores every value as written, once per token', async (_, path) => {
    const events = HOSTILE.map((s, i) => event(i, s))
    const payload = rowsOf(events, `${path}-topic`, privacy)
    for (let attempt = 0; attempt < 2; attempt++) {
      if (path === 'raw') await insertBinaryRows(started.app.store, 'predictions', PREDICTION_ROW, payload, `rb-test-${path}`)
      else await insertBinaryRows({ ...started.app.store, insertRowBinary: server }, 'predictions', PREDICTION_ROW, payload, `rb-test-${path}`)
    }
    const rows = await read(path)
    // -0 keeps its sign (RowBinary carries the double's bytes; toEqual tells -0 from 0).
    expect(rows).toEqual(events.map(expected).sort((a, b) => (a.prediction_id < b.prediction_id ? -1 : 1)))
  })

  it.each([
    ['chdb insert from a file', 'months-raw'],
    ['client INSERT … FORMAT RowBinary (the server path)', 'months-client'],
  ])('%s stores a batch of predictions over 150 months (a backfill of history) in one insert', async (_, path) => {
    // ClickHouse refuses a block over more than 100 partitions by default, with a code that is retried.
    const events = Array.from({ length: 150 }, (_, i) => ({ ...event(i, 'm'), prediction_id: `${path}-${i}`, event_time: Date.UTC(2010, i, 15) }))
    const payload = rowsOf(events, `${path}-topic`, privacy)
    await insertBinaryRows(path === 'months-raw' ? started.app.store : { ...started.app.store, insertRowBinary: server }, 'predictions', PREDICTION_ROW, payload, `rb-${path}`)
    const [stored] = await queryRows<{ n: string; months: string }>(started.app.store, `SELECT count() AS n, uniqExact(toYYYYMM(event_time)) AS months FROM {db}.predictions WHERE source_topic = '${path}-topic'`)
    expect(stored).toEqual({ n: '150', months: '150' })
  })

  it('a refusal comes back with the engine\'s code on the server path too', async () => {
    // Rows cut short are content a server refuses (CANNOT_READ_ALL_DATA), never retried.
    const payload = rowsOf([event(0, 'cut')], 'cut-topic', privacy)
    const refused = insertBinaryRows({ ...started.app.store, insertRowBinary: server }, 'predictions', PREDICTION_ROW, payload.subarray(0, payload.length - 3), 'rb-cut')
    await expect(refused).rejects.toMatchObject({ code: 'DW_STORE_REJECTED' })
    expect(endpoint.received.at(-1)).toMatch(/^INSERT INTO `?\w+`?\.`?predictions`? \(.*\)\n SETTINGS insert_deduplication_token = 'rb-cut', max_partitions_per_insert_block = 0\n SELECT \* FROM input\('prediction_id String, .*'\) FORMAT RowBinary$/)
  })

  it('a database made before numbers crossed as hex (migration 0016) keeps its rows, and stores new ones alike', async () => {
    const store = { ...started.app.store, database: `${started.app.store.database}_upgrade` }
    await migrate(store, loadMigrations(store.database).filter((m) => m.version < 16))
    await started.app.store.client.insert({
      table: `${store.database}.predictions`,
      values: [{ prediction_id: 'before', model_id: 'tsv', model_version: 'v', event_time: '2026-11-01 12:00:00.000', features_num: { x: 0.1, y: -2.5e-300 }, source_topic: 'old', source_partition: 0, source_offset: 0 }],
      format: 'JSONEachRow',
    })
    expect((await migrate(store)).applied).toContain('0016_features_num_hex')
    const e = { ...event(1, 'new'), prediction_id: 'after', features: { x: 0.1, y: -2.5e-300, s: 'text' } }
    const upgraded = createClient({ url: endpoint.url })
    await clientInsertRowBinary(upgraded, store.database)('predictions', PREDICTION_ROW, rowsOf([e], 'new', privacy), 'upgrade')
    await upgraded.close()
    const rows = await queryRows<{ prediction_id: string; features_num: Record<string, number> }>(started.app.store, `SELECT prediction_id, features_num FROM ${store.database}.predictions ORDER BY prediction_id`)
    expect(rows).toEqual([
      { prediction_id: 'after', features_num: { x: 0.1, y: -2.5e-300 } },
      { prediction_id: 'before', features_num: { x: 0.1, y: -2.5e-300 } },
    ])
    await started.app.store.client.command({ query: `DROP DATABASE ${store.database}` })
  })

  it('an embedded insert leaves no file behind, stored or refused', async () => {
    const inserts = resolve(started.app.store.location, '..', 'chdb-files')
    const row = rowsOf([event(0, 'file')], 'file-topic', privacy)
    await started.app.store.insertRowBinary('predictions', PREDICTION_ROW, row, 'file-insert')
    expect(await read('file')).toHaveLength(1)
    expect(readdirSync(inserts)).toEqual([])
    // A second row cut short: the engine's error comes back, with the row it names.
    const refused = insertBinaryRows(started.app.store, 'predictions', PREDICTION_ROW, Buffer.concat([row, row.subarray(0, row.length - 3)]), 'file-refused')
    await expect(refused).rejects.toMatchObject({ code: 'DW_STORE_REJECTED', context: { refusal: { codeName: 'CANNOT_READ_ALL_DATA', atRow: 2 } } })
    expect(readdirSync(inserts)).toEqual([])
  })

  it.each([
    ['a file the engine reads (embedded)', (store: Store) => store.withStringSet],
    ['a query parameter (the server path)', () => parameterStringSet],
  ])('a string set as %s finds exactly the stored ids, whatever their characters', async (_, withSet) => {
    const events = HOSTILE.map((s, i) => ({ ...event(i, s), prediction_id: `set-${i}-${s}` }))
    await insertBinaryRows(started.app.store, 'predictions', PREDICTION_ROW, rowsOf(events, 'set-topic', privacy), 'string-set')
    const wanted = [...events.map((e) => e.prediction_id), 'set-absent', 'set-0-it', '']
    const found = await withSet(started.app.store)(wanted, async (set) =>
      queryRows<{ prediction_id: string }>(started.app.store, `SELECT prediction_id FROM {db}.predictions WHERE source_topic = 'set-topic' AND prediction_id IN ${set.sql} ORDER BY prediction_id`, { ...set.params }),
    )
    expect(found.map((r) => r.prediction_id)).toEqual(events.map((e) => e.prediction_id).sort())
    expect(readdirSync(resolve(started.app.store.location, '..', 'chdb-files'))).toEqual([])
  })
})
