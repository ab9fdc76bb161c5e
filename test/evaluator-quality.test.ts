/**
 * Data quality in the stream, on real Kafka + ClickHouse: the out-of-range rates and outlier
 * aggregates computed per partition in SQL (src/evaluate/quality-queries.ts) equal
 * src/metrics/quality's pure functions run over the same events against a profile of the same
 * reference events; a drifted window has out-of-range values and a higher outlier rate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import type { PredictionEvent } from '../src/ingest/schemas.js'
import { buildProfile, type Row } from '../src/metrics/profile/index.js'
import { outlierAccumulator, qualityAccumulator } from '../src/metrics/quality/index.js'
import { createLogger } from '../src/observability/logger.js'
import { createRng } from '../src/demo/random.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const DAY = 86_400_000
const day0 = Math.floor(Date.now() / DAY) * DAY - 20 * DAY
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** Events of one day; `drift` moves income and adds a new city. Features as the stream types them. */
function day(d: number, n: number, drift: boolean): PredictionEvent[] {
  const rng = createRng(100 + d)
  return Array.from({ length: n }, (_, i) => {
    const features: PredictionEvent['features'] = {
      income: Math.round(Math.exp(rng.normal(10.9, 0.45)) * (drift ? 1.6 : 1)),
      ratio: rng.next() < 0.05 ? null : Math.round(rng.normal(0.3, 0.1) * 1000) / 1000,
      city: rng.pick(['a', 'b', 'c', 'rare1', 'rare2', 'new'], drift ? [40, 30, 19, 0.4, 0.3, 10] : [50, 30, 19.3, 0.4, 0.3, 0]),
      flag: rng.next() < 0.5,
    }
    return prediction({ prediction_id: `q-${d}-${i}`, model_id: 'q', event_time: day0 + d * DAY + Math.floor(rng.next() * DAY), features, segments: {} })
  })
}

const asRow = (e: PredictionEvent): Row => e.features

describe('data quality in the stream', () => {
  const config = testConfig()
  const file = parseFileConfig(
    `models:\n  - id: q\n    window: 1d\n    allowedLateness: 1h\n    reference: { from: "${iso(day0)}", to: "${iso(day0 + DAY)}" }\n`,
    'test.yaml',
  )
  const reference = day(0, 1500, false)
  const stable = day(1, 800, false)
  const drifted = day(2, 800, true)
  let app: App
  const quality = (d: number) =>
    queryRows<{ feature: string; metric: string; value: number; n: string }>(
      app.store,
      `SELECT feature, metric, value, n FROM {db}.quality FINAL WHERE model_id = 'q' AND window_start = fromUnixTimestamp64Milli({t:Int64}) ORDER BY feature, metric`,
      { t: day0 + d * DAY },
    )

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false })
    await app.publisher.publishPredictions([...reference, ...stable, ...drifted])
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 3100, { what: 'predictions stored' })
    await app.evaluator.evaluateNow()
  })
  afterAll(async () => {
    await app?.stop()
  })

  for (const [name, d, events] of [['a stable window', 1, stable], ['a drifted window', 2, drifted]] as const) {
    it(`${name}: SQL-side rates equal src/metrics/quality on the same events`, async () => {
      const profile = buildProfile(reference.map(asRow), { kinds: { income: 'numerical', ratio: 'numerical', city: 'categorical', flag: 'categorical' } })
      const qa = qualityAccumulator(profile)
      const q = qa.result(events.map(asRow).reduce((s, r) => qa.update(s, r), qa.create()))
      const oa = outlierAccumulator(profile)
      const o = oa.result(events.map(asRow).reduce((s, r) => oa.update(s, r), oa.create()))
      const rows = await quality(d)
      const value = (feature: string, metric: string) => rows.find((r) => r.feature === feature && r.metric === metric)
      for (const f of ['income', 'ratio']) {
        expect(value(f, 'out_of_range_rate'), f).toEqual({ feature: f, metric: 'out_of_range_rate', value: q.features[f]!.outOfRangeRate, n: String(q.features[f]!.count - q.features[f]!.missing) })
      }
      expect(value('', 'outlier_rate')).toMatchObject({ value: o.outlierRate, n: String(o.scored) })
      expect(value('', 'outlier_score_max')?.value).toBe(o.maxScore)
      expect(value('', 'outlier_score_mean')?.value).toBeCloseTo(o.meanScore, 12)
      expect(value('city', 'new_category_rate')?.value).toBe(q.features['city']!.newCategoryRate)
      expect(value('ratio', 'missing_rate')?.value).toBe(q.features['ratio']!.missingRate)
    })
  }

  it('the drifted window has values out of the reference range and more outliers', async () => {
    const [stableRows, driftedRows] = [await quality(1), await quality(2)]
    const get = (rows: typeof stableRows, feature: string, metric: string) => rows.find((r) => r.feature === feature && r.metric === metric)!.value
    expect(get(driftedRows, 'income', 'out_of_range_rate')).toBeGreaterThan(0.01)
    expect(get(driftedRows, 'income', 'out_of_range_rate')).toBeGreaterThan(get(stableRows, 'income', 'out_of_range_rate'))
    expect(get(driftedRows, '', 'outlier_rate')).toBeGreaterThan(get(stableRows, '', 'outlier_rate'))
    expect(get(driftedRows, '', 'outlier_score_mean')).toBeGreaterThan(3 * get(stableRows, '', 'outlier_score_mean'))
  })

  it('versions the quality rows with the window: one row per (feature, metric), newest wins', async () => {
    await app.evaluator.evaluateNow()
    const dup = await count(app.store, `SELECT count() AS c FROM (SELECT feature, metric, window_start, count() AS n FROM {db}.quality FINAL GROUP BY ALL HAVING n > 1)`)
    expect(dup).toBe(0)
  })
})
