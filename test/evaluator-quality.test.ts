/**
 * Data quality in the stream, on real Kafka + ClickHouse: the out-of-range rates and outlier
 * aggregates computed per partition in SQL (src/evaluate/quality-queries.ts) equal
 * src/metrics/quality's pure functions run over the same events against a profile of the same
 * reference events; a drifted window has out-of-range values and a higher outlier rate.
 * Features that stop arriving, are null everywhere or arrive in a few events only count as
 * missing across the partitions, and each has a drift row; a model's first window, compared with
 * no reference, says so in its dataset row, the read API and `driftwatch status`'s words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import type { PredictionEvent } from '../src/ingest/schemas.js'
import { buildProfile, type Row } from '../src/metrics/profile/index.js'
import { outlierAccumulator, qualityAccumulator } from '../src/metrics/quality/index.js'
import { createLogger } from '../src/observability/logger.js'
import { createRng } from '../src/demo/random.js'
import { createReadQueries } from '../src/read/index.js'
import { driftHealth } from '../src/ui/health.js'
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

const HOUR = 3_600_000
const GONE_N = 90
/**
 * Model `gone`, hourly windows, each compared with the one before: hour 0 sends every configured
 * feature (num, cat, x); hour 1 leaves num and cat out, sends `late` (numbers the reference never
 * had) and `rare` in one event only; hour 2 sends num and cat as null.
 */
function gone(hour: number): PredictionEvent[] {
  return Array.from({ length: GONE_N }, (_, i) => {
    const features: PredictionEvent['features'] =
      hour === 0 ? { x: i, num: i * 2.5, cat: ['a', 'b', 'c'][i % 3]! }
        : hour === 1 ? { x: i, late: i * 1.5, ...(i === 7 ? { rare: 'yes' } : {}) }
          : { x: i, num: null, cat: null }
    return prediction({ prediction_id: `g-${hour}-${i}`, model_id: 'gone', event_time: day0 + hour * HOUR + i * 30_000, features, segments: {} })
  })
}

describe('data quality in the stream', () => {
  const config = testConfig()
  const file = parseFileConfig(
    `models:\n  - id: q\n    window: 1d\n    allowedLateness: 1h\n    reference: { from: "${iso(day0)}", to: "${iso(day0 + DAY)}" }\n`
      + '  - id: gone\n    window: 1h\n    allowedLateness: 1h\n    features: { num: numerical, cat: categorical, x: numerical }\n',
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
    await app.publisher.publishPredictions([...reference, ...stable, ...drifted, ...gone(0), ...gone(1), ...gone(2)])
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 3100 + 3 * GONE_N, { what: 'predictions stored' })
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

  describe('features that stop arriving, are null everywhere or come in one event; a first window', () => {
    const at = (hour: number) => ({ t: day0 + hour * HOUR })
    const WHERE = "model_id = 'gone' AND window_start = fromUnixTimestamp64Milli({t:Int64})"
    const missingRates = async (hour: number) => Object.fromEntries(
      (await queryRows<{ feature: string; value: number }>(app.store, `SELECT feature, value FROM {db}.quality FINAL WHERE ${WHERE} AND metric = 'missing_rate' ORDER BY feature`, at(hour)))
        .map((r) => [r.feature, r.value]),
    )
    const featureDrift = async (hour: number) => Object.fromEntries(
      (await queryRows<{ column: string; status: string; n_reference: string; n_current: string }>(
        app.store, `SELECT column, status, n_reference, n_current FROM {db}.drift FINAL WHERE ${WHERE} AND target = 'feature' ORDER BY column`, at(hour)))
        .map((r) => [r.column, { status: r.status, n: [Number(r.n_reference), Number(r.n_current)] }]),
    )
    const dataset = async (hour: number) =>
      (await queryRows<{ n_features: number; n_insufficient: number; status: string }>(app.store, `SELECT n_features, n_insufficient, status FROM {db}.dataset_drift FINAL WHERE ${WHERE}`, at(hour)))[0]

    it('missing_rate counts a key left out as missing, in every partition, and a feature sent as null in every event', async () => {
      expect(await missingRates(0)).toEqual({ cat: 0, num: 0, x: 0 })
      // `rare` is in one event, so in one partition: the events of the other partitions miss it too.
      expect(await missingRates(1)).toEqual({ cat: 1, late: 0, num: 1, rare: (GONE_N - 1) / GONE_N, x: 0 })
      expect(await missingRates(2)).toEqual({ cat: 1, late: 1, num: 1, rare: 1, x: 0 })
    })

    it('a feature with no values on a side gets an insufficient drift row, counted in dataset_drift', async () => {
      expect(await featureDrift(1)).toEqual({
        cat: { status: 'insufficient', n: [GONE_N, 0] }, late: { status: 'insufficient', n: [0, GONE_N] }, num: { status: 'insufficient', n: [GONE_N, 0] },
        rare: { status: 'insufficient', n: [0, 1] }, x: { status: 'ok', n: [GONE_N, GONE_N] },
      })
      expect(await dataset(1)).toEqual({ n_features: 5, n_insufficient: 4, status: 'ok' })
      expect(await featureDrift(2)).toMatchObject({ cat: { status: 'insufficient', n: [0, 0] }, num: { status: 'insufficient', n: [0, 0] }, late: { status: 'insufficient', n: [GONE_N, 0] } })
      expect(await dataset(2)).toEqual({ n_features: 5, n_insufficient: 4, status: 'ok' })
    })

    it('the first window, compared with no reference: no drift rows, dataset status no_reference, read as such', async () => {
      expect(await dataset(0)).toEqual({ n_features: 0, n_insufficient: 0, status: 'no_reference' })
      expect(await featureDrift(0)).toEqual({})
      const read = createReadQueries({ store: app.store, file, now: Date.now })
      const first = (await read.windows('gone', { order: 'asc', limit: 1 })).items[0]!
      expect(first).toMatchObject({ window_start: new Date(day0).toISOString(), drift_status: 'no_reference', drift_share: null, n_features: 0 })
      expect(driftHealth(first)).toEqual({ text: 'not compared: no reference yet', level: 'none' })
    })
  })
})
