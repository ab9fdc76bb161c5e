/**
 * The window detail answers from one evaluation, and says "not available" rather than zero:
 * - partial_aggregates expire with retention.raw while the drift rows live for retention.metrics,
 *   so an old window keeps n_current but has no stored counts: its distributions are null;
 * - detector_state holds only the newest record of a model version's detectors, so a later
 *   evaluation (or a recompute) must not put its detections into an older window's answer.
 * - a v1 -> v2 rollout without variant labels (every prediction the default 'champion') is
 *   compared all the same: the window detail of either version carries the evaluator's
 *   comparison rows (difference, interval, p-value), as does the model's comparison series; a
 *   window whose challenger has lost its labels since has no comparison any more.
 * Embedded chDB, events published straight to the store (no Kafka).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { createReadQueries, type ReadQueries } from '../src/read/index.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { markWindows } from '../src/store/mark-windows.js'
import { dropTestResources, testConfig } from './support/config.js'
import { queryRows } from './support/query.js'
import { LOAN_MODEL_YAML, loanTraffic } from './support/traffic.js'

const MODEL = 'loan-approval'
const ROLLOUT = 'loan-rollout'
const DAY_MS = 86_400_000

describe('read API window detail', () => {
  const config = testConfig({ kafka: false })
  const file = parseFileConfig(LOAN_MODEL_YAML + LOAN_MODEL_YAML.replace(/^models:\n/, '').replace(MODEL, ROLLOUT), 'test.yaml')
  const traffic = loanTraffic(6, 150)
  // The same traffic as a rollout of v2 next to v1 with no variant labels: both versions 'champion'.
  const rollout = {
    predictions: traffic.predictions.map((p) => ({ ...p, prediction_id: `r-${p.prediction_id}`, model_id: ROLLOUT, deployment: { environment: 'production', variant: 'champion' as const } })),
    labels: traffic.labels.map((l) => ({ ...l, prediction_id: `r-${l.prediction_id}` })),
  }
  let app: App
  let read: ReadQueries

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: false })
    await app.publisher.publishPredictions([...traffic.predictions, ...rollout.predictions])
    await app.publisher.publishGroundTruth([...traffic.labels, ...rollout.labels])
    await app.evaluator.evaluateNow()
    read = createReadQueries({ store: app.store, file, now: Date.now })
  }, 240_000)

  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  /** Closed windows of v1 that have concept rows, oldest first. */
  const conceptWindows = async () =>
    queryRows<{ start: string }>(app.store, `SELECT DISTINCT toString(toUnixTimestamp64Milli(window_start)) AS start FROM {db}.drift FINAL
                                             WHERE model_id = {m:String} AND model_version = 'v1' AND target = 'concept' ORDER BY start`, { m: MODEL })

  it('distributions are null, not zeros, once the window partials have expired', async () => {
    const windows = await conceptWindows()
    const start = windows[windows.length - 1]!.start
    const before = await read.window(MODEL, start, 'v1')
    const shown = before.drift.filter((d) => d.distribution !== null)
    expect(shown.length).toBeGreaterThan(0)
    // What retention.raw does to partial_aggregates while the metric rows stay.
    await app.store.client.command({
      query: `ALTER TABLE ${app.store.database}.partial_aggregates DELETE WHERE model_id = {m:String} AND model_version = 'v1' AND window_start = fromUnixTimestamp64Milli({s:Int64})`,
      query_params: { m: MODEL, s: Number(start) },
      clickhouse_settings: { mutations_sync: '2' },
    })
    const after = await read.window(MODEL, start, 'v1')
    for (const d of after.drift) {
      expect(d.n_current, `${d.target}:${d.column}`).toBeGreaterThan(0)
      expect(d.distribution, `${d.target}:${d.column}`).toBeNull()
    }
  })

  it('detections come from the window evaluation, not from a newer detector_state', async () => {
    const windows = await conceptWindows()
    const start = Number(windows[0]!.start)
    const before = await read.window(MODEL, String(start), 'v1')
    expect(before.detectors.length).toBeGreaterThan(0)
    const inWindow = start + 3_600_000
    // A later evaluation (a replay or recompute) that found a detection inside this window: it
    // replaces detector_state, while this window's rows stay at their own eval_version.
    const states = await queryRows<{ detector: string; state: string; drift_detected: number; detections: string[] }>(
      app.store, `SELECT detector, state, drift_detected, arrayMap(t -> toString(t), detections) AS detections FROM {db}.detector_state FINAL WHERE model_id = {m:String} AND model_version = 'v1'`, { m: MODEL })
    await app.store.client.insert({
      table: `${app.store.database}.detector_state`,
      format: 'JSONEachRow',
      values: states.map((s) => ({ model_id: MODEL, model_version: 'v1', detector: s.detector, state: s.state, drift_detected: 1,
        detections: [...s.detections, clickhouseDateTime64(inWindow)].sort(), eval_version: String(Date.now() + 86_400_000) })),
    })
    const after = await read.window(MODEL, String(start), 'v1')
    expect(after.evaluated_at).toBe(before.evaluated_at)
    expect(after.detectors).toEqual(before.detectors)
    for (const d of after.detectors) expect(d.detections).not.toContain(new Date(inWindow).toISOString())
  })

  it('a window compared with nothing says so in its reference, and has no drift rows', async () => {
    const starts = await queryRows<{ start: string }>(app.store, `SELECT DISTINCT toString(toUnixTimestamp64Milli(window_start)) AS start FROM {db}.window_summary FINAL
                                                                  WHERE model_id = {m:String} AND model_version = 'v1' ORDER BY start`, { m: MODEL })
    const first = await read.window(MODEL, starts[0]!.start, 'v1')
    expect(first.reference).toMatch(/: no stored predictions$/)
    expect(first.drift.filter((d) => d.target !== 'concept')).toEqual([])
    const later = await read.window(MODEL, starts.at(-1)!.start, 'v1')
    expect(later.reference).not.toMatch(/no stored predictions/)
    expect(later.drift.length).toBeGreaterThan(0)
  })

  it('a rollout of two versions without variant labels has comparison rows in the window detail and the series', async () => {
    const stored = await queryRows<{ start: string; metric: string; champion_version: string; challenger_version: string; difference: number; ci_low: number; ci_high: number; p_value: number | null }>(
      app.store, `SELECT toString(toUnixTimestamp64Milli(window_start)) AS start, metric, champion_version, challenger_version, difference, ci_low, ci_high, p_value
                  FROM {db}.comparison FINAL WHERE model_id = {m:String} ORDER BY start, metric`, { m: ROLLOUT })
    expect(stored.length).toBeGreaterThan(0)
    const start = stored[0]!.start
    const inWindow = stored.filter((r) => r.start === start)
    for (const version of ['v1', 'v2']) {
      const detail = await read.window(ROLLOUT, start, version)
      expect(detail.comparison.map((c) => [c.metric, c.champion_version, c.challenger_version, c.difference, c.ci_low, c.ci_high, c.p_value]))
        .toEqual(inWindow.map((r) => [r.metric, r.champion_version, r.challenger_version, r.difference, r.ci_low, r.ci_high, r.p_value]))
      expect(new Set(detail.comparison.flatMap((c) => [c.champion_version, c.challenger_version]))).toEqual(new Set(['v1', 'v2']))
      for (const c of detail.comparison) {
        expect(c.n_champion).toBeGreaterThan(0)
        if (c.difference !== null && c.ci_low !== null && c.ci_high !== null) expect(c.ci_low).toBeLessThanOrEqual(c.ci_high)
      }
    }
    const series = await read.comparisons(ROLLOUT, { metric: 'accuracy' })
    expect(series.items.map((w) => [String(Date.parse(w.window_start)), w.comparisons.map((c) => c.difference)]))
      .toEqual([...new Set(stored.map((r) => r.start))].map((s) => [s, stored.filter((r) => r.start === s && r.metric === 'accuracy').map((r) => r.difference)]))
    // Paginated by window.
    const first = await read.comparisons(ROLLOUT, { limit: 1 })
    expect(first.items).toHaveLength(1)
    expect(first.next_cursor === null).toBe(series.items.length === 1)
    // A version the model never had is named as such, not answered with an empty page.
    await expect(read.comparisons(ROLLOUT, { version: 'v9', limit: 1 })).rejects.toMatchObject({ code: 'DW_NOT_FOUND', message: expect.stringContaining('has no version "v9"') })
    const f1 = await read.comparisons(ROLLOUT, { metric: 'f1', limit: 1 })
    expect(f1.items).toHaveLength(1)
    expect(f1.items[0]!.comparisons.map((c) => c.metric)).toEqual(['f1'])
  })
  it('a window re-evaluated with nothing left to compare has no comparison rows, not the old ones', async () => {
    const stored = await queryRows<{ start: string }>(app.store, `SELECT DISTINCT toString(toUnixTimestamp64Milli(window_start)) AS start FROM {db}.comparison FINAL WHERE model_id = {m:String} ORDER BY start`, { m: ROLLOUT })
    const start = Number(stored.at(-1)!.start)
    expect((await read.window(ROLLOUT, String(start), 'v1')).comparison.length).toBeGreaterThan(0)
    // v2's labels in that window are gone (an erasure, a fix of the data): one labeled version is left.
    await app.store.client.command({
      query: `DELETE FROM ${app.store.database}.ground_truth WHERE prediction_id IN (SELECT prediction_id FROM ${app.store.database}.predictions
              WHERE model_id = {m:String} AND model_version = 'v2' AND event_time >= fromUnixTimestamp64Milli({s:Int64}) AND event_time < fromUnixTimestamp64Milli({e:Int64}))`,
      query_params: { m: ROLLOUT, s: start, e: start + DAY_MS },
      clickhouse_settings: { lightweight_deletes_sync: '2' },
    })
    await markWindows(app.store, ['v1', 'v2'].map((v) => ({ modelId: ROLLOUT, modelVersion: v, startMs: start, windowMs: DAY_MS })), 'recompute', `labels-gone-${start}`)
    await app.evaluator.evaluateNow()
    expect((await read.window(ROLLOUT, String(start), 'v1')).comparison).toEqual([])
    const series = await read.comparisons(ROLLOUT)
    expect(series.items.map((w) => Date.parse(w.window_start))).not.toContain(start)
  })
})
