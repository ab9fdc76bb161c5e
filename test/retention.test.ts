/**
 * Regression: a TTL on event time made ClickHouse drop backfilled predictions and labels older
 * than retention.raw as they were stored, silently. Retention now counts from when a row was
 * stored: a year-old backfill is kept, through merges (OPTIMIZE ... FINAL applies TTLs).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count } from './support/query.js'
import { withDatabase } from '../src/store/query.js'
import { openStore, type Store } from '../src/store/clickhouse.js'
import { migrate } from '../src/store/migrate.js'
import { applyRetention } from '../src/store/retention.js'
import { dropTestResources } from './support/config.js'
import { queryRows } from './support/query.js'

describe('retention', () => {
  let app: App
  let longest: App | undefined
  afterAll(async () => {
    await app?.stop()
    await longest?.stop()
  })

  it('keeps a backfill of events far older than retention.raw', async () => {
    const config = testConfig({ kafka: false })
    app = await startApp(config, createLogger(config.logLevel), { file: parseFileConfig('retention: { raw: 30d }', 'test.yaml'), evaluate: false })
    const old = Date.now() - 400 * 86_400_000
    await app.publisher.publishPredictions([prediction({ prediction_id: 'old-1', event_time: old })])
    await app.publisher.publishGroundTruth([{ prediction_id: 'old-1', label: { class_label: 'approve', value: null }, label_time: old + 1000, source: 'backfill' }])
    for (const t of ['predictions', 'ground_truth']) await app.store.client.command({ query: withDatabase(`OPTIMIZE TABLE {db}.${t} FINAL`, app.store.database) })
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.predictions')).toBe(1)
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.ground_truth')).toBe(1)
  })

  it('keeps rows under the longest retention the configuration accepts, and refuses a longer one', async () => {
    // Past 2106 ClickHouse's DateTime wraps around: now + 36500 days is in the past, and every row expired as it was stored.
    expect(() => parseFileConfig('retention: { raw: 36500d }', 'test.yaml')).toThrow(/retention\.raw.*longer than .*2106/s)
    const config = testConfig({ kafka: false })
    longest = await startApp(config, createLogger(config.logLevel), { file: parseFileConfig('retention: { raw: 20000d, metrics: 20000d }', 'test.yaml'), evaluate: false })
    await longest.publisher.publishPredictions([prediction({ prediction_id: 'kept-1', event_time: Date.now() - 60_000 })])
    await longest.store.client.command({ query: withDatabase('OPTIMIZE TABLE {db}.predictions FINAL', longest.store.database) })
    expect(await count(longest.store, 'SELECT count() AS c FROM {db}.predictions')).toBe(1)
  })

  it('a shorter retention also expires the rows stored under the longer one, without waiting for a merge', { timeout: 120_000 }, async () => {
    const config = testConfig({ kafka: false })
    const DAY = 86_400_000
    const app = await startApp(config, createLogger(config.logLevel), { file: parseFileConfig('retention: { raw: 90d }', 'test.yaml'), evaluate: false })
    try {
      const sql = (query: string) => app.store.client.command({ query: withDatabase(query, app.store.database) })
      await app.publisher.publishPredictions([prediction({ prediction_id: 'new-1', event_time: Date.now() - 60_000 })])
      // Rows stored ten days ago, under the 90-day TTL: a part whose rows expire in 80 days.
      await sql(`INSERT INTO {db}.predictions SELECT p.* REPLACE (concat('old-', toString(n.number)) AS prediction_id, p.ingested_at - INTERVAL 10 DAY AS ingested_at)
                 FROM {db}.predictions AS p CROSS JOIN numbers(5) AS n WHERE p.prediction_id = 'new-1'`)
      expect(await count(app.store, 'SELECT count() AS c FROM {db}.predictions')).toBe(6)
      const infos: string[] = []
      await applyRetention(app.store, { rawMs: 1 * DAY, metricsMs: 730 * DAY }, { warn: () => {}, info: (_, message) => void infos.push(message) })
      expect(infos).toEqual([expect.stringMatching(/^retention shortened on 5 table\(s\): rows stored before are expired by a background mutation/)])
      // The mutation runs in the background: wait for it, however long this machine takes.
      for (;;) {
        const [pending] = await queryRows<{ n: string }>(app.store, `SELECT count() AS n FROM system.mutations WHERE database = {d:String} AND table = 'predictions' AND NOT is_done`, { d: app.store.database })
        if (Number(pending!.n) === 0) break
        await new Promise((r) => setTimeout(r, 200))
      }
      const ids = await queryRows<{ prediction_id: string }>(app.store, 'SELECT prediction_id FROM {db}.predictions ORDER BY prediction_id', {})
      expect(ids.map((r) => r.prediction_id)).toEqual(['new-1'])
    } finally {
      await app.stop()
      await dropTestResources(config)
    }
  })

  it('warns before replacing a TTL that another instance set to another retention (the last start wins)', async () => {
    const config = testConfig({ kafka: false })
    const store: Store = openStore(config.clickhouse)
    const DAY = 86_400_000
    try {
      await migrate(store)
      const warnings: { fields: object; message: string }[] = []
      const logger = { warn: (fields: object, message: string) => void warnings.push({ fields, message }) }
      const ttlOf = async (table: string) => (await queryRows<{ e: string }>(store, 'SELECT engine_full AS e FROM system.tables WHERE database = {d:String} AND name = {t:String}', { d: store.database, t: table }))[0]?.e

      // The first start sets the TTLs: nothing was stored before, nothing to warn about.
      expect(await applyRetention(store, { rawMs: 30 * DAY, metricsMs: 730 * DAY }, logger)).toEqual([])
      // Another instance with the same settings: nothing changes, no warning.
      expect(await applyRetention(store, { rawMs: 30 * DAY, metricsMs: 730 * DAY }, logger)).toEqual([])
      expect(warnings).toEqual([])
      // An instance with another retention.raw: warned about each raw table, then replaced.
      const conflicts = await applyRetention(store, { rawMs: 60 * DAY, metricsMs: 730 * DAY }, logger)
      expect(conflicts.map((c) => c.table).sort()).toEqual(['dead_letters', 'ground_truth', 'partial_aggregates', 'predictions', 'window_marks'])
      expect(conflicts).toContainEqual({ table: 'predictions', storedSeconds: 30 * 86_400, configuredSeconds: 60 * 86_400 })
      expect(warnings).toHaveLength(1)
      expect(warnings[0]!.message).toMatch(/retention differs from the TTL stored on 5 table\(s\), set by another instance or an earlier start/)
      expect(await ttlOf('predictions')).toContain(`TTL toDateTime(ingested_at) + toIntervalSecond(${60 * 86_400})`)
    } finally {
      await store.close()
      await dropTestResources(config)
    }
  })
})

