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

describe('retention', () => {
  let app: App
  afterAll(async () => {
    await app?.stop()
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
})
