/**
 * A feature named the empty string is a feature like any other. The evaluator counts a window's
 * events and the events missing each feature in one query (src/evaluate/queries.ts volumeQuery);
 * its per-event entry is told apart from a feature by a NULL key, not by a name, since ingest
 * accepts any name but the reserved ones, '' included.
 *
 * What broke: the per-event entry was keyed '', so every event carrying a feature named '' was
 * counted twice: a window of 3 predictions, one with `"": 7`, had 4 predictions, and the missing
 * rates and the label coverage were computed over 4.
 *
 * Kafka pipeline of 3 partitions: two hourly windows of predictions, each carrying `x`, most `c`, and `""`
 * and `y` with the same values in the same events (some send them as null, some leave them
 * out). The stored figures equal those counted from the events: predictions, label coverage and
 * every missing rate; the partials of each partition add up to the window's events; `""` has
 * the missing rate and drift row of `y`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import type { GroundTruthEvent, PredictionEvent } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOUR = 3_600_000
const h0 = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR
const SIZES = [40, 30] as const

interface Spec {
  readonly id: string
  readonly t: number
  readonly features: PredictionEvent['features']
  readonly labeled: boolean
}

/**
 * Window w, n events: x in all; c left out of every 5th; "" and y (the same value) in two of
 * three, sent as null in every 6th event and left out of the other events of every 3rd; a
 * label for two of three.
 */
function events(w: number, n: number): Spec[] {
  return Array.from({ length: n }, (_, i) => {
    const shared = i % 3 !== 0 ? (i % 4) * 1.5 + w : i % 2 === 0 ? null : undefined
    const features: PredictionEvent['features'] = {
      x: i + w * 3,
      ...(i % 5 === 0 ? {} : { c: i % 2 === 0 ? 'a' : 'b' }),
      ...(shared === undefined ? {} : { '': shared, y: shared }),
    }
    return { id: `ef-${w}-${i}`, t: h0 + w * HOUR + 1000 * (i + 1), features, labeled: i % 3 !== 2 }
  })
}

/** Events of `specs` that carry no value of `feature` (null or left out), over all events. */
const missingRate = (specs: readonly Spec[], feature: string) =>
  specs.filter((s) => !Object.hasOwn(s.features, feature) || s.features[feature] === null).length / specs.length

describe('a feature named the empty string', () => {
  const config = testConfig({ partitions: 3 })
  const file = parseFileConfig('models:\n  - id: ef\n    window: 1h\n    allowedLateness: 0s\n', 'test.yaml')
  const windows = SIZES.map((n, w) => events(w, n))
  let app: App
  const at = (w: number) => ({ t: h0 + w * HOUR })
  const WHERE = "model_id = 'ef' AND window_start = fromUnixTimestamp64Milli({t:Int64})"

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: false })
    const all = windows.flat()
    const predictions = all.map((s) => prediction({
      prediction_id: s.id, model_id: 'ef', model_version: 'v1', event_time: s.t, features: s.features, segments: {},
      prediction: { class_label: s.t % 2 === 0 ? '1' : '0', score: s.t % 2 === 0 ? 0.7 : 0.2, probabilities: null, value: null },
    }))
    const labels: GroundTruthEvent[] = all.filter((s) => s.labeled).map((s) => ({ prediction_id: s.id, source: 'test', label_time: s.t + 60_000, label: { class_label: '1', value: null } }))
    await app.publisher.publishPredictions(predictions)
    await app.publisher.publishGroundTruth(labels)
    await waitFor(() => count(app.store, "SELECT count() AS c FROM {db}.predictions FINAL WHERE model_id = 'ef'"), (c) => c === predictions.length, { what: 'predictions stored' })
    await waitFor(() => count(app.store, "SELECT count() AS c FROM {db}.ground_truth FINAL WHERE prediction_id LIKE 'ef-%'"), (c) => c === labels.length, { what: 'labels stored' })
    // The stored events carry the feature '' as sent.
    expect(await count(app.store, "SELECT countIf(mapContains(features_num, '')) AS c FROM {db}.predictions FINAL WHERE model_id = 'ef'"))
      .toBe(all.filter((s) => typeof s.features[''] === 'number').length)
    await app.evaluator.evaluateNow()
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  it('counts each prediction once: predictions, labeled and label coverage as the events give them', async () => {
    for (const [w, specs] of windows.entries()) {
      const rows = await queryRows<{ predictions: string; labeled: string; label_coverage: number }>(
        app.store, `SELECT predictions, labeled, label_coverage FROM {db}.window_summary FINAL WHERE ${WHERE}`, at(w))
      const labeled = specs.filter((s) => s.labeled).length
      expect(rows, `window ${w}`).toEqual([{ predictions: String(specs.length), labeled: String(labeled), label_coverage: labeled / specs.length }])
    }
  })

  it("the partials of the partitions add up to the window's events, and count the events missing '' as those missing y", async () => {
    for (const [w, specs] of windows.entries()) {
      const states = (await queryRows<{ state: string }>(app.store, `SELECT state FROM {db}.partial_aggregates FINAL WHERE ${WHERE} AND kind = 'window'`, at(w)))
        .map((r) => JSON.parse(r.state) as { predictions: number; missing: Record<string, number> })
      expect(states.length, `window ${w}: partitions`).toBeGreaterThan(1)
      expect(states.reduce((s, p) => s + p.predictions, 0), `window ${w}`).toBe(specs.length)
      for (const p of states) expect(p.missing[''], `window ${w}`).toBe(p.missing['y'])
    }
  })

  it("has a missing rate for every feature, '' included, over the window's events", async () => {
    for (const [w, specs] of windows.entries()) {
      const rows = await queryRows<{ feature: string; value: number; n: string }>(
        app.store, `SELECT feature, value, n FROM {db}.quality FINAL WHERE ${WHERE} AND metric = 'missing_rate' ORDER BY feature`, at(w))
      const n = String(specs.length)
      expect(rows, `window ${w}`).toEqual(['', 'c', 'x', 'y'].map((feature) => ({ feature, value: missingRate(specs, feature), n })))
      expect(missingRate(specs, ''), `window ${w}`).toBeGreaterThan(0)
    }
  })

  it("has a drift row for '', equal to that of y, which carries the same values", async () => {
    const rows = await queryRows<Record<string, unknown> & { column: string }>(
      app.store, `SELECT column, column_kind, method, score, p_value, threshold, drift_detected, statistics, n_reference, n_current FROM {db}.drift FINAL WHERE ${WHERE} AND target = 'feature' ORDER BY column`, at(1))
    const [empty, y] = [rows.find((r) => r.column === ''), rows.find((r) => r.column === 'y')]
    expect(empty).toBeDefined()
    expect({ ...empty, column: 'y' }).toEqual(y)
    const carrying = (specs: readonly Spec[]) => String(specs.filter((s) => typeof s.features[''] === 'number').length)
    expect(empty).toMatchObject({ n_reference: carrying(windows[0]!), n_current: carrying(windows[1]!) })
  })
})
