/**
 * Injection safety on real Kafka: hostile model ids, feature names, segment values and labels
 * (quotes, backslashes, SQL, unicode, 10 KB strings) are stored verbatim or rejected with a clear
 * code, evaluation runs over them, and no table is harmed. Every statement uses query parameters
 * or validated identifiers, so there is nothing to escape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOSTILE = [
  "'; DROP TABLE predictions; --",
  'quote \' double " backtick ` backslash \\ end\\',
  'unicode: 名前 — émoji 🚀 zero-width\u200bjoiner RTL \u202e',
  '{db}.predictions',
  'x'.repeat(10_240),
]

describe('hostile strings', () => {
  const config = testConfig({ partitions: 2 })
  let app: App
  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { evaluate: false, file: parseFileConfig('models: []', 'test.yaml') })
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('stores them verbatim, evaluates over them, and rejects only what breaks a rule', async () => {
    const t = Date.now() - 3 * 3_600_000
    const events = HOSTILE.map((s, i) =>
      prediction({
        prediction_id: `inj-${i}`,
        model_id: s.slice(0, 256),
        model_version: s.slice(0, 100),
        event_time: t + i,
        features: { [s.slice(0, 200)]: 1.5, income: 1000 + i, employment: s },
        segments: { group: s },
      }),
    )
    await app.publisher.publishPredictions([...events, prediction({ prediction_id: `'; DROP TABLE ground_truth; --`, event_time: t })])
    await app.publisher.publishGroundTruth(HOSTILE.map((s, i) => ({ prediction_id: `inj-${i}`, label: { class_label: s, value: null }, label_time: Date.now() - 1000, source: s.slice(0, 50) })))
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === HOSTILE.length + 1, { what: 'hostile predictions' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === HOSTILE.length, { what: 'hostile labels' })

    const stored = await queryRows<{ model_id: string; employment: string; group: string; label: string }>(
      app.store,
      `SELECT p.model_id AS model_id, p.features_cat['employment'] AS employment, p.segments['group'] AS group, g.label_class AS label
       FROM {db}.predictions AS p FINAL INNER JOIN {db}.ground_truth AS g FINAL USING prediction_id ORDER BY prediction_id`,
    )
    expect(stored.map((r) => r.model_id)).toEqual(HOSTILE.map((s) => s.slice(0, 256)))
    expect(stored.map((r) => r.employment)).toEqual(HOSTILE)
    expect(stored.map((r) => r.group)).toEqual(HOSTILE)
    expect(stored.map((r) => r.label)).toEqual(HOSTILE)
    const [byName] = await queryRows<{ n: string }>(app.store, `SELECT count() AS n FROM {db}.predictions FINAL WHERE mapContains(features_num, {k:String})`, { k: HOSTILE[0]! })
    expect(byName!.n).toBe('1')

    const report = await app.evaluator.evaluateNow()
    expect(report.evaluated).toBeGreaterThanOrEqual(HOSTILE.length)
    const models = await queryRows<{ model_id: string }>(app.store, `SELECT DISTINCT model_id FROM {db}.window_summary FINAL ORDER BY model_id`)
    expect(models.map((r) => r.model_id).sort()).toEqual([...HOSTILE.map((s) => s.slice(0, 256)), 'loan-approval'].sort())
    for (const table of ['predictions', 'ground_truth', 'window_summary', 'drift']) {
      expect(await count(app.store, `SELECT count() AS c FROM system.tables WHERE database = {dbName:String} AND name = {t:String}`, { dbName: app.store.database, t: table })).toBe(1)
    }
  })

  it('rejects 10 KB ids with a clear code instead of storing them', async () => {
    await app.publisher.publishPredictions([prediction({ prediction_id: 'y'.repeat(10_240) }), prediction({ prediction_id: 'long-model', model_id: 'm'.repeat(10_240) })])
    await waitFor(() => count(app.store, `SELECT count() AS c FROM {db}.dead_letters`), (c) => c === 2, { what: 'both dead-lettered' })
    const rows = await queryRows<{ error_code: string; error_message: string }>(app.store, `SELECT error_code, error_message FROM {db}.dead_letters FINAL ORDER BY error_code`)
    expect(rows).toEqual([
      { error_code: 'DW_BAD_PREDICTION_ID', error_message: 'prediction_id: is 10240 characters, the limit is 256' },
      { error_code: 'DW_VALIDATION_FAILED', error_message: 'model_id: is 10240 characters, the limit is 256' },
    ])
  })
})
