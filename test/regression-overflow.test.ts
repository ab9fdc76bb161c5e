/**
 * Regression sums that overflow float64, read from chDB (src/evaluate/regression-partials.ts).
 * What broke: ClickHouse's JSON output writes inf and nan as null, and the state read null as 0:
 * predictions ±1e200·k against labels of the opposite sign were stored as rmse 0 and r2 0, where
 * scikit-learn 1.9.1 gives rmse inf and r2 nan. Expected values: scikit-learn on the same pairs
 * (mean_absolute_error, root_mean_squared_error, r2_score, mean_absolute_percentage_error).
 * The pairs lie on two partitions, so the states are merged too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { regressionQuery, regressionStateFromSums } from '../src/evaluate/regression-partials.js'
import { regressionAccumulator } from '../src/metrics/performance/index.js'
import { createLogger } from '../src/observability/logger.js'
import { withDatabase } from '../src/store/query.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { dropTestResources, testConfig } from './support/config.js'

const HOUR = 3_600_000
const sign = (i: number) => (i % 2 ? 1 : -1)
// ŷ = ±1e200·(i + 1), y = −ŷ: Σ(y − ŷ)² and Σ(y − ȳ)² both overflow.
const huge = Array.from({ length: 50 }, (_, i) => ({ yPred: sign(i) * 1e200 * (i + 1), yTrue: -sign(i) * 1e200 * (i + 1) }))
// y = ±1e160·(i + 1), ŷ = y + 1e150·(i mod 3): only Σ(y − ȳ)² overflows.
const spread = Array.from({ length: 50 }, (_, i) => ({ yTrue: sign(i) * 1e160 * (i + 1), yPred: sign(i) * 1e160 * (i + 1) + 1e150 * (i % 3) }))
// y = 1.5e307 on every pair (Σy overflows), ŷ = y + 1e292·(i mod 5). Constant y: r2 0 by r2_score's
// force_finite convention (scikit-learn itself says nan here: its mean of y overflows first).
const near = Array.from({ length: 50 }, (_, i) => ({ yTrue: 1.5e307, yPred: 1.5e307 + 1e292 * (i % 5) }))

describe('regression sums beyond float64 are not read as 0', () => {
  const config = testConfig({ kafka: false })
  let app: App | undefined
  const start = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file: parseFileConfig('models: []\n', 'test.yaml'), consume: false, evaluate: false, alerts: false })
    const rows = [...huge.map((x) => ({ ...x, model: 'huge' })), ...spread.map((x) => ({ ...x, model: 'spread' })), ...near.map((x) => ({ ...x, model: 'near' }))]
    const at = (i: number) => `'${clickhouseDateTime64(start + 1000 * (i + 1))}'`
    await app.store.client.command({
      query: withDatabase(
        `INSERT INTO {db}.predictions (prediction_id, model_id, model_version, event_time, variant, value, source_topic, source_partition, source_offset) VALUES ` +
          rows.map((r, i) => `('${r.model}-${i}', '${r.model}', 'v1', ${at(i)}, 'champion', ${r.yPred}, 't', ${i % 2}, ${i})`).join(', '),
        app.store.database,
      ),
    })
    await app.store.client.command({
      query: withDatabase(
        `INSERT INTO {db}.ground_truth (prediction_id, label_value, label_time, source, source_topic, source_partition, source_offset) VALUES ` +
          rows.map((r, i) => `('${r.model}-${i}', ${r.yTrue}, ${at(i + 100)}, 'test', 't', 0, ${i})`).join(', '),
        app.store.database,
      ),
    })
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  const metricsOf = async (model: string) => {
    const rows = await regressionQuery(app!.store, { modelId: model, modelVersion: 'v1', fromMs: start, toMs: start + HOUR })
    expect(rows.map((r) => Number(r.p))).toEqual([0, 1])
    const acc = regressionAccumulator()
    const state = rows.map(regressionStateFromSums).reduce((a, b) => acc.merge(a, b))
    expect(state.n).toBe(50)
    return acc.result(state)
  }

  it('overflowed Σ(y − ŷ)²: rmse inf and r2 NaN as scikit-learn, not 0', async () => {
    const m = await metricsOf('huge')
    expect(m.mae.score / 5.099999999999999e201 - 1).toBeLessThan(1e-12)
    expect(m.rmse.score).toBe(Infinity)
    expect(m.r2.score).toBeNaN()
    expect(m.mape.score).toBeCloseTo(2, 12)
  })

  it('overflowed Σ(y − ȳ)² alone: r2 1 as scikit-learn (1 − SS_res/∞), rmse finite', async () => {
    const m = await metricsOf('spread')
    expect(Math.abs(m.rmse.score / 1.2727962328158204e150 - 1)).toBeLessThan(1e-9)
    expect(Math.abs(m.mae.score / 9.800025931593817e149 - 1)).toBeLessThan(1e-9)
    expect(m.r2.score).toBe(1)
  })

  it('Σy beyond float64 with a constant y: SS_tot stays exactly 0 across parts, r2 0 (force_finite)', async () => {
    const m = await metricsOf('near')
    expect(m.r2.score).toBe(0)
    expect(m.rmse.score).toBe(Infinity)
  })
})
