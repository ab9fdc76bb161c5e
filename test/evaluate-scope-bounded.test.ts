/**
 * A window's evaluation reads the window, not the model's history (issue #16). Its queries used
 * `predictions FINAL WHERE event_time ...`, and ClickHouse applies that filter only after FINAL
 * has merged every stored row of the model, so each window read all of history. Now the scope is
 * deduplicated within its period (src/evaluate/scope.ts) and ClickHouse skips the parts whose
 * event times miss it. Checked on the rows the engine reports reading, with 50,000 stored
 * predictions a month earlier and 100 in the window, and on the counts: a replayed prediction
 * (same id, stored twice) still counts once, and the newest copy wins.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { withDatabase } from '../src/store/query.js'
import { scopedPredictions } from '../src/evaluate/scope.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'

const HOUR = 3_600_000

describe('window scope', () => {
  const config = testConfig({ kafka: false })
  let app: App | undefined
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  it('reads the parts of its period only, and counts each prediction once', async () => {
    app = await startApp(config, createLogger(config.logLevel), { file: parseFileConfig('models: []\n', 'test.yaml'), evaluate: false, alerts: false })
    const db = app.store.database
    const windowStart = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR
    const storedAt = Date.now()
    const insert = (prefix: string, n: number, fromMs: number, spanMs: number, score: number, ingestedMs = storedAt - 10_000) =>
      app!.store.client.command({
        query: `INSERT INTO ${db}.predictions (prediction_id, model_id, model_version, event_time, features_num, class_label, score, source_topic, source_partition, source_offset, ingested_at)
                SELECT concat('${prefix}', toString(number)), 'm', 'v1', fromUnixTimestamp64Milli(toInt64(${fromMs} + number * ${Math.floor(spanMs / n)})),
                       map('x', toFloat64(number)), 'yes', ${score}, 't', number % 3, number, fromUnixTimestamp64Milli(toInt64(${ingestedMs}))
                FROM numbers(${n})`,
      })
    // History 60 to 35 days earlier: another month, so merges can never put it in the window's parts.
    await insert('old-', 50_000, windowStart - 60 * 24 * HOUR, 25 * 24 * HOUR, 0.1)
    await insert('new-', 100, windowStart, HOUR, 0.1) // the window
    await insert('new-', 10, windowStart, HOUR, 0.9, storedAt) // its first 10 again, stored later: the newest copy wins

    const scope = scopedPredictions({ modelId: 'm', modelVersion: 'v1', fromMs: windowStart, toMs: windowStart + HOUR })
    const result = await app.store.client.query({
      query: withDatabase(`SELECT count() AS n, uniqExact(prediction_id) AS ids, countIf(score = 0.9) AS newest FROM ${scope.sql}`, db),
      query_params: scope.params,
      format: 'JSON',
    })
    const body = await result.json<{ n: string; ids: string; newest: string }>()
    expect(body.data[0]).toEqual({ n: '100', ids: '100', newest: '10' })
    // Rows read: the window's 110 rows twice (the rows, and the newest ingest of each id), far
    // from the 50,110 stored. FINAL read all of them.
    expect(Number(body.statistics?.rows_read)).toBeLessThanOrEqual(4 * 110)
  })
})
