/**
 * Drift figures of the stream equal those of the same data compared whole (scipy / numpy /
 * Evidently), whichever reference the window is compared with.
 *
 * - A numerical feature with at most 5 distinct values is tested as categories on its exact
 *   counts over the whole reference and window, not on the deterministic samples: a 0/1 flag
 *   sent as a number gets the p-value of the same flag sent as a string, and its
 *   new_category_rate counts every value of the window.
 * - A stored-predictions reference's decile edges are numpy's 'linear' quantiles to the bit (a
 *   value lying on an edge bins as numpy bins it), the same edges a baseline profile of the same
 *   values holds.
 * - Reference values more than the largest double apart give finite edges (stored predictions
 *   and baseline alike) and a finite normed Wasserstein.
 * - A reference whose deciles ties collapse gets its outer bins ended at its extremes by the same
 *   rule from stored predictions, a baseline profile and the report, so the stream's binned
 *   distance equals the report's.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { parseFileConfig } from '../src/config/file.js'
import { referenceFromProfile } from '../src/evaluate/baseline-reference.js'
import { edgesQuery } from '../src/evaluate/queries.js'
import type { PredictionEvent } from '../src/ingest/schemas.js'
import { decileEdges, referenceBinEdges } from '../src/metrics/drift/index.js'
import { buildProfile } from '../src/metrics/profile/index.js'
import { columnDrift } from '../src/report/feature-drift.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { queryRows } from './support/query.js'

const HOUR = 3_600_000

interface DriftRowOut { column: string; method: string; p_value: number | null; score: number; n_reference: string; n_current: string; statistics: Record<string, number> }

describe('drift on exact reference facts', () => {
  const configs: RuntimeConfig[] = []
  const apps: App[] = []
  afterAll(async () => {
    for (const app of apps) await app.stop()
    for (const config of configs) await dropTestResources(config)
  })
  const start = async (yaml: string) => {
    const config = testConfig({ kafka: false })
    configs.push(config)
    const app = await startApp(config, createLogger(config.logLevel), { file: parseFileConfig(yaml, 'test.yaml'), evaluate: false, alerts: false })
    apps.push(app)
    return app
  }
  const p = (id: string, t: number, features: PredictionEvent['features']) =>
    prediction({ prediction_id: id, model_id: 'm', event_time: t, features, segments: {}, prediction: { class_label: 'yes', score: 0.5, probabilities: null, value: null } })
  const windowStart = (hoursAgo: number) => Math.floor(Date.now() / HOUR) * HOUR - hoursAgo * HOUR
  /** Publishes a reference window and a current window of `x` values (and the features `more` adds), evaluates, returns the current window's feature rows. */
  const run = async (app: App, reference: readonly PredictionEvent['features'][], current: readonly PredictionEvent['features'][]) => {
    const w0 = windowStart(5)
    const w1 = w0 + HOUR
    await app.publisher.publishPredictions([
      ...reference.map((f, i) => p(`r${i}`, w0 + 1000 + i, f)),
      ...current.map((f, i) => p(`c${i}`, w1 + 1000 + i, f)),
      p('close', w1 + HOUR + 1000, {}),
    ])
    await app.evaluator.evaluateNow()
    const rows = await queryRows<DriftRowOut>(app.store,
      `SELECT column, method, p_value, score, n_reference, n_current, statistics FROM {db}.drift FINAL
       WHERE model_id = 'm' AND target = 'feature' AND window_start = fromUnixTimestamp64Milli({t:Int64})`, { t: w1 })
    const quality = await queryRows<{ feature: string; metric: string; value: number; n: string }>(app.store,
      `SELECT feature, metric, value, n FROM {db}.quality FINAL WHERE model_id = 'm' AND window_start = fromUnixTimestamp64Milli({t:Int64})`, { t: w1 })
    return { w0, drift: new Map(rows.map((r) => [r.column, r])), quality }
  }

  it('tests a few-valued numerical feature on its exact counts, not on the samples', async () => {
    const app = await start('models:\n  - id: m\n    window: 1h\n    allowedLateness: 0s\nevaluation:\n  maxSampleSize: 100\n')
    // flag: 420 × 0 and 180 × 1 in the reference, 180 × 0 and 120 × 1 in the window; tri: 0/1/2, and 3 new in the window.
    const flags = (zeros: number, ones: number) => [...Array<number>(zeros).fill(0), ...Array<number>(ones).fill(1)]
    const tri = (counts: number[]) => counts.flatMap((c, v) => Array<number>(c).fill(v))
    const side = (f: number[], t: number[]) => f.map((x, i) => ({ flag_num: x, flag_str: String(x), tri_num: t[i]! }))
    const { drift, quality } = await run(app, side(flags(420, 180), tri([300, 200, 100])), side(flags(180, 120), tri([120, 100, 60, 20])))
    const num = drift.get('flag_num')!
    const str = drift.get('flag_str')!
    // scipy.stats.chi2_contingency([[420, 180], [180, 120]], correction=False).pvalue
    expect(num).toMatchObject({ method: 'z', n_reference: '600', n_current: '300' })
    expect(Math.abs(num.p_value! - 0.0026997960632601883)).toBeLessThan(1e-6)
    expect(num.p_value).toBe(str.p_value)
    // scipy.stats.chi2_contingency([[300, 200, 100, 0], [120, 100, 60, 20]] without the empty column).pvalue
    const t = drift.get('tri_num')!
    expect(t.method).toBe('chi2')
    expect(Math.abs(t.p_value! - 7.118735662942148e-10)).toBeLessThan(1e-6 * 7.118735662942148e-10 + 1e-15)
    // The new value 3: 20 of the window's 300 values, counted exactly (not from a sample of 100).
    expect(quality.find((r) => r.feature === 'tri_num' && r.metric === 'new_category_rate')).toMatchObject({ value: 20 / 300, n: '300' })
  })

  it("bins on numpy's decile edges to the bit: a value on an edge lands where numpy puts it", async () => {
    const app = await start('models:\n  - id: m\n    window: 1h\n    allowedLateness: 0s\n    thresholds:\n      x: { method: psi, threshold: 1.0 }\n')
    // numpy's 0.1-decile of this reference is 0.6 (t = 1/2 between 0.3 and 0.9); a + (b − a)·t gives 0.6000000000000001.
    const reference = [0.0, 0.1, 0.2, 0.3, 0.3, 0.9, 0.9, 1.1, 1.2, 1.2, 1.5, 1.5, 1.6, 1.6, 1.7, 1.7, 1.8, 1.9, 2.0, 2.0, 2.1, 2.2, 2.2,
      2.5, 2.6, 2.7, 2.7, 2.8, 2.8, 2.9, 2.9, 3.1, 3.3, 3.4, 3.4, 3.5, 3.5, 3.6, 3.6, 3.7, 3.8, 3.8, 3.8, 3.9, 3.9, 3.9]
    const current = [...Array<number>(40).fill(0.6), ...reference]
    const { w0, drift } = await run(app, reference.map((x) => ({ x })), current.map((x) => ({ x })))
    const [row] = (await edgesQuery(app.store, { modelId: 'm', modelVersion: 'v1', fromMs: w0, toMs: w0 + HOUR })).filter((r) => r.k === 'x')
    const edges = decileEdges(row!.q, row!.lo, row!.hi)
    expect(edges).toEqual(referenceBinEdges(reference))
    expect(edges[0]).toBe(0.6)
    const profile = buildProfile(reference.map((x) => ({ x })), { kinds: { x: 'numerical' }, targets: {} })
    expect(edges).toEqual(referenceFromProfile(profile).edges.get('x'))
    // numpy: edges np.unique(np.quantile(ref, deciles)), counts by searchsorted 'right', PSI with 1e-4 (no bin empty).
    expect(drift.get('x')!.method).toBe('psi')
    expect(Math.abs(drift.get('x')!.score - 1.1576468813154144)).toBeLessThan(1e-9)
  })

  it('gives finite edges and a normed Wasserstein for reference values more than the largest double apart', async () => {
    const app = await start('models:\n  - id: m\n    window: 1h\n    allowedLateness: 0s\n    thresholds:\n      x: { method: wasserstein, threshold: 0.1 }\n')
    const reference = [...Array<number>(21).fill(-1.5e308), -1.2e308, -1e308, 1e308, 1.2e308, ...Array<number>(21).fill(1.5e308)]
    const current = [...Array<number>(10).fill(-1.5e308), -1.3e308, -1.1e308, 1.1e308, 1.3e308, ...Array<number>(30).fill(1.5e308)]
    const { w0, drift } = await run(app, reference.map((x) => ({ x })), current.map((x) => ({ x })))
    const [row] = (await edgesQuery(app.store, { modelId: 'm', modelVersion: 'v1', fromMs: w0, toMs: w0 + HOUR })).filter((r) => r.k === 'x')
    const edges = decileEdges(row!.q, row!.lo, row!.hi)
    expect(edges.every(Number.isFinite)).toBe(true)
    expect(edges).toEqual(referenceBinEdges(reference))
    const profile = buildProfile(reference.map((x) => ({ x })), { kinds: { x: 'numerical' }, targets: {} })
    expect(referenceFromProfile(profile).edges.get('x')).toEqual(edges)
    const x = drift.get('x')!
    expect(x.method).toBe('wasserstein')
    expect(Number.isFinite(x.score)).toBe(true)
    expect(x.statistics['wasserstein']).toBe(x.score)
  })

  it('ends the outer bins at the extremes of a reference whose deciles a heavy tie collapses, as the report and a baseline profile do', async () => {
    const app = await start('models:\n  - id: m\n    window: 1h\n    allowedLateness: 0s\n    thresholds:\n      x: { method: psi, threshold: 0.1 }\n')
    // 85 % zeros, the rest 1..19; the window's rest moved to 1000..1297. Deciles [0, 5.1] alone: psi 0.02.
    const reference = [...Array<number>(170).fill(0), ...Array.from({ length: 30 }, (_, i) => (i % 19) + 1)]
    const current = [...Array<number>(170).fill(0), ...Array.from({ length: 30 }, (_, i) => 1000 + 10 * i)]
    const { w0, drift } = await run(app, reference.map((x) => ({ x })), current.map((x) => ({ x })))
    const [row] = (await edgesQuery(app.store, { modelId: 'm', modelVersion: 'v1', fromMs: w0, toMs: w0 + HOUR })).filter((r) => r.k === 'x')
    const edges = decileEdges(row!.q, row!.lo, row!.hi)
    // 0 is a decile (the atom keeps its bin); the top bin starts at the maximum 19 and holds it.
    expect([edges.length, edges[0], edges[2]]).toEqual([3, 0, 19])
    expect(edges).toEqual(referenceBinEdges(reference))
    const profile = buildProfile(reference.map((x) => ({ x })), { kinds: { x: 'numerical' }, targets: {} })
    expect(referenceFromProfile(profile).edges.get('x')).toEqual(edges)
    const report = columnDrift('x', 'numerical', reference, current, { method: 'psi', threshold: 0.1 })
    expect(drift.get('x')!.method).toBe('psi')
    expect(drift.get('x')!.score).toBe(report.selected.score)
    expect(drift.get('x')!.score).toBeGreaterThanOrEqual(0.1)
  })
})
