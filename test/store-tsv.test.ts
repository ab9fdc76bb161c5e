/**
 * The store's line format through the real engine, on both insert paths: the embedded engine
 * reading the payload from a file (Store.insertTsv in embedded mode) and @clickhouse/client's `INSERT … FORMAT
 * TabSeparated` with the payload as the body, the path a ClickHouse server takes (here over the
 * client's chDB connection, the same client code). Hostile strings and edge numbers come back as
 * they were written; a replayed insert with the same token stores nothing twice.
 */
import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { PredictionEvent } from '../src/ingest/schemas.js'
import { clientInsertTsv, parameterStringSet, type Store } from '../src/store/clickhouse.js'
import { insertLines } from '../src/store/insert.js'
import { loadMigrations, migrate } from '../src/store/migrate.js'
import { PREDICTION_COLUMNS, predictionLine } from '../src/store/rows.js'
import { storeOnlyApp } from './support/store-app.js'
import { queryRows } from './support/query.js'

const HOSTILE = ["it's", 'tab\there', 'new\nline', 'cr\rlf', 'back\\slash\\', 'nul\0byte', '\b\f', 'é 名前 🚀 \u202e', '__proto__', "{'a':1}", '[x]', '\\N', '']

function event(i: number, s: string): PredictionEvent {
  return {
    prediction_id: `tsv-${i}-${s}`,
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

describe('the store line format through the engine', () => {
  const started = storeOnlyApp()

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
    ['client INSERT … FORMAT TabSeparated (the server path)', 'client'],
  ])('%s stores every value as written, once per token', async (_, path) => {
    const events = HOSTILE.map((s, i) => event(i, s))
    const lines = events.map((e, i) => predictionLine(e, { topic: `${path}-topic`, partition: 0, offset: String(i) }, privacy))
    const payload = Buffer.from(lines.join(''))
    for (let attempt = 0; attempt < 2; attempt++) {
      if (path === 'raw') await insertLines(started.app.store, 'predictions', PREDICTION_COLUMNS, payload, `tsv-test-${path}`)
      else await clientInsertTsv(started.app.store.client, started.app.store.database)('predictions', PREDICTION_COLUMNS, payload, `tsv-test-${path}`)
    }
    const rows = await read(path)
    // -0 is stored as 0 (tsv.ts writes it so, as decimal text did); JSON output turns 1e21 and the extremes into numbers.
    const want = events.map(expected).map((r) => ({ ...r, features_num: Object.fromEntries(Object.entries(r.features_num).map(([k, v]) => [k, Object.is(v, -0) ? 0 : v])) }))
    expect(rows).toEqual(want.sort((a, b) => (a.prediction_id < b.prediction_id ? -1 : 1)))
  })

  it('a database made before numbers crossed as hex keeps its rows, and stores new ones alike (migration 0016)', async () => {
    const store = { ...started.app.store, database: `${started.app.store.database}_upgrade` }
    await migrate(store, loadMigrations(store.database).filter((m) => m.version < 16))
    await started.app.store.client.insert({
      table: `${store.database}.predictions`,
      values: [{ prediction_id: 'before', model_id: 'tsv', model_version: 'v', event_time: '2026-11-01 12:00:00.000', features_num: { x: 0.1, y: -2.5e-300 }, source_topic: 'old', source_partition: 0, source_offset: 0 }],
      format: 'JSONEachRow',
    })
    expect((await migrate(store)).applied).toEqual(['0016_features_num_hex'])
    const e = { ...event(1, 'new'), prediction_id: 'after', features: { x: 0.1, y: -2.5e-300, s: 'text' } }
    await clientInsertTsv(started.app.store.client, store.database)('predictions', PREDICTION_COLUMNS, Buffer.from(predictionLine(e, { topic: 'new', partition: 0, offset: '1' }, privacy)), 'upgrade')
    const rows = await queryRows<{ prediction_id: string; features_num: Record<string, number> }>(started.app.store, `SELECT prediction_id, features_num FROM ${store.database}.predictions ORDER BY prediction_id`)
    expect(rows).toEqual([
      { prediction_id: 'after', features_num: { x: 0.1, y: -2.5e-300 } },
      { prediction_id: 'before', features_num: { x: 0.1, y: -2.5e-300 } },
    ])
    await started.app.store.client.command({ query: `DROP DATABASE ${store.database}` })
  })

  it('an embedded insert leaves no file behind, stored or refused', async () => {
    const inserts = resolve(started.app.store.location, '..', 'chdb-files')
    const line = predictionLine(event(0, 'file'), { topic: 'file-topic', partition: 0, offset: '0' }, privacy)
    await started.app.store.insertTsv('predictions', PREDICTION_COLUMNS, Buffer.from(line), 'file-insert')
    expect(await read('file')).toHaveLength(1)
    expect(readdirSync(inserts)).toEqual([])
    // The event time column refuses text: the engine's error comes back, with the row it names.
    const refused = insertLines(started.app.store, 'predictions', PREDICTION_COLUMNS, Buffer.from(line + line.replace(/\t\d+\.\d+\t/, '\tnot a time\t')), 'file-refused')
    await expect(refused).rejects.toMatchObject({ code: 'DW_STORE_REJECTED', context: { refusal: { codeName: 'CANNOT_PARSE_DATETIME', atRow: 2 } } })
    expect(readdirSync(inserts)).toEqual([])
  })

  it.each([
    ['a file the engine reads (embedded)', (store: Store) => store.withStringSet],
    ['a query parameter (the server path)', () => parameterStringSet],
  ])('a string set as %s finds exactly the stored ids, whatever their characters', async (_, withSet) => {
    const events = HOSTILE.map((s, i) => ({ ...event(i, s), prediction_id: `set-${i}-${s}` }))
    const lines = events.map((e, i) => predictionLine(e, { topic: 'set-topic', partition: 0, offset: String(i) }, privacy))
    await insertLines(started.app.store, 'predictions', PREDICTION_COLUMNS, Buffer.from(lines.join('')), 'string-set')
    const wanted = [...events.map((e) => e.prediction_id), 'set-absent', 'set-0-it', '']
    const found = await withSet(started.app.store)(wanted, async (set) =>
      queryRows<{ prediction_id: string }>(started.app.store, `SELECT prediction_id FROM {db}.predictions WHERE source_topic = 'set-topic' AND prediction_id IN ${set.sql} ORDER BY prediction_id`, { ...set.params }),
    )
    expect(found.map((r) => r.prediction_id)).toEqual(events.map((e) => e.prediction_id).sort())
    expect(readdirSync(resolve(started.app.store.location, '..', 'chdb-files'))).toEqual([])
  })
})
