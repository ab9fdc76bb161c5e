/**
 * Concept drift and model comparison in the stream, on real Kafka + ClickHouse. The champion
 * (v1) errs on 10% of its predictions for four hourly windows, then on 45%; the challenger (v2)
 * errs on 10% throughout. Checks: DDM and ADWIN fire on the champion after the jump (ADWIN
 * never on the challenger) and keep their state in detector_state; a label that arrives after its
 * window closed re-evaluates the window and replays the detectors (test/detector-replay.test.ts
 * checks the result against an in-order feed); degradation rows against the fixed reference have intervals excluding 0 after
 * the jump; the challenger's better accuracy is a positive difference whose interval excludes 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createRng } from '../src/demo/random.js'
import type { GroundTruthEvent, PredictionEvent } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOUR = 3_600_000
const h0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * 24 * HOUR
const PER_WINDOW = 400
const JUMP = 4

function traffic(version: 'v1' | 'v2', w: number, errorRate: number, seed: number) {
  const rng = createRng(seed)
  const predictions: PredictionEvent[] = []
  const labels: GroundTruthEvent[] = []
  for (let i = 0; i < PER_WINDOW; i++) {
    const label = rng.next() < 0.5 ? 'yes' : 'no'
    const wrong = rng.next() < errorRate
    const predicted = wrong ? (label === 'yes' ? 'no' : 'yes') : label
    const t = h0 + w * HOUR + Math.floor(rng.next() * HOUR)
    const id = `${version}-${w}-${i}`
    const score = Math.round((predicted === 'yes' ? 0.6 + 0.3 * rng.next() : 0.1 + 0.3 * rng.next()) * 1000) / 1000
    predictions.push(prediction({
      prediction_id: id, model_id: 'c', model_version: version, event_time: t, segments: {}, features: { x: rng.normal(0, 1) },
      prediction: { class_label: predicted, score, probabilities: null, value: null },
      deployment: { environment: 'production', variant: version === 'v1' ? 'champion' : 'challenger' },
    }))
    labels.push({ prediction_id: id, label: { class_label: label, value: null }, label_time: t + 60_000, source: 'test' })
  }
  return { predictions, labels }
}

describe('concept drift and model comparison in the stream', () => {
  const config = testConfig()
  const file = parseFileConfig(
    `models:\n  - id: c\n    window: 1h\n    allowedLateness: 1h\n    positiveClass: "yes"\n` +
      `    reference: { from: "${new Date(h0).toISOString()}", to: "${new Date(h0 + 3 * HOUR).toISOString()}" }\n`,
    'test.yaml',
  )
  const windows = Array.from({ length: 8 }, (_, w) => w)
  const v1 = windows.map((w) => traffic('v1', w, w < JUMP ? 0.1 : 0.45, 10 + w))
  const v2 = windows.map((w) => traffic('v2', w, 0.1, 100 + w))
  // Labels held back for window 1, published after it closed.
  const late = v1[1]!.labels.slice(0, 40)
  const onTime = [...v1, ...v2].flatMap((t) => t.labels).filter((l) => !late.includes(l))
  // Predictions three hours after the last window move the watermark past every window. The
  // watermark is the minimum over the partitions, so they must reach each one: 30 keys do.
  const clocks = Array.from({ length: 30 }, (_, i) => prediction({ prediction_id: `clock-${i}`, model_id: 'c', model_version: 'v1', event_time: h0 + 11 * HOUR, segments: {} }))
  let app: App
  const detectorState = () =>
    queryRows<{ model_version: string; detector: string; state: string; drift_detected: number; detections: string[]; eval_version: string }>(
      app.store,
      `SELECT model_version, detector, state, drift_detected, detections, eval_version FROM {db}.detector_state FINAL WHERE model_id = 'c' ORDER BY model_version, detector`,
    )

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false })
    const predictions = [...v1, ...v2].flatMap((t) => t.predictions)
    await app.publisher.publishPredictions([...predictions, ...clocks])
    await app.publisher.publishGroundTruth(onTime)
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === predictions.length + clocks.length, { what: 'predictions stored' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === onTime.length, { what: 'labels stored' })
    await app.evaluator.evaluateNow()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('DDM and ADWIN fire on the champion after its error rate jumps', async () => {
    const states = await detectorState()
    expect(states.map((s) => `${s.model_version}/${s.detector}`)).toEqual(['v1/adwin', 'v1/ddm', 'v2/adwin', 'v2/ddm'])
    for (const s of states.filter((x) => x.model_version === 'v1')) {
      expect(s.detections.length, s.detector).toBeGreaterThan(0)
      for (const t of s.detections) expect(Date.parse(`${t.replace(' ', 'T')}Z`)).toBeGreaterThanOrEqual(h0 + JUMP * HOUR)
      expect(JSON.parse(s.state)).toMatchObject({ detector: s.detector, fedUntilMs: h0 + 8 * HOUR, inputs: 8 * PER_WINDOW - late.length })
    }
    // The challenger is stable: ADWIN stays quiet; DDM's one alarm on it comes just after its
    // 30-input warm-up, where River's DDM is known to be jumpy (p_min and s_min from few inputs).
    const challenger = Object.fromEntries(states.filter((x) => x.model_version === 'v2').map((s) => [s.detector, s.detections]))
    expect(challenger['adwin']).toEqual([])
    for (const t of challenger['ddm']!) expect(Date.parse(`${t.replace(' ', 'T')}Z`)).toBeLessThan(h0 + HOUR)
    const fired = await queryRows<{ column: string; w: string }>(
      app.store,
      `SELECT column, toString(intDiv(toUnixTimestamp64Milli(window_start) - {h0:Int64}, 3600000)) AS w FROM {db}.drift FINAL
       WHERE model_id = 'c' AND model_version = 'v1' AND target = 'concept' AND drift_detected = 1 ORDER BY column, w`,
      { h0 },
    )
    expect(new Set(fired.map((r) => r.column))).toEqual(new Set(['adwin', 'ddm']))
    expect(fired.every((r) => Number(r.w) >= JUMP)).toBe(true)
    expect(await count(app.store, `SELECT count() AS c FROM {db}.drift FINAL WHERE model_id = 'c' AND target = 'concept'`)).toBe(2 * 2 * 8)
  })

  it('a label arriving after its window closed re-evaluates the window and re-feeds the detectors', async () => {
    const before = await detectorState()
    await app.publisher.publishGroundTruth(late)
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === onTime.length + late.length, { what: 'late labels stored' })
    const labeled = () => count(app.store, `SELECT labeled AS c FROM {db}.window_summary FINAL WHERE model_id = 'c' AND model_version = 'v1' AND window_start = fromUnixTimestamp64Milli({t:Int64})`, { t: h0 + HOUR })
    await waitFor(async () => (await app.evaluator.evaluateNow(), labeled()), (c) => c === PER_WINDOW, { what: 'window 1 re-evaluated' })
    const after = await detectorState()
    for (const s of after.filter((x) => x.model_version === 'v1')) expect(JSON.parse(s.state)).toMatchObject({ fedUntilMs: h0 + 8 * HOUR, inputs: 8 * PER_WINDOW })
    expect(after.filter((x) => x.model_version === 'v2')).toEqual(before.filter((x) => x.model_version === 'v2'))
  })

  it('performance degradation against the reference, with intervals', async () => {
    const rows = await queryRows<{ w: string; value: number; ci_low: number; ci_high: number; n: string }>(
      app.store,
      `SELECT toString(intDiv(toUnixTimestamp64Milli(window_start) - {h0:Int64}, 3600000)) AS w, value, ci_low, ci_high, n FROM {db}.performance FINAL
       WHERE model_id = 'c' AND model_version = 'v1' AND kind = 'degradation' AND metric = 'accuracy' ORDER BY window_start`,
      { h0 },
    )
    expect(rows.map((r) => Number(r.w))).toEqual(windows)
    for (const r of rows.filter((x) => Number(x.w) >= JUMP && Number(x.w) < 8)) {
      expect(r.value).toBeLessThan(-0.2)
      expect(r.ci_high).toBeLessThan(0)
      expect(r.ci_low).toBeLessThan(r.value)
    }
    const stable = rows.find((r) => r.w === '2')!
    expect(stable.ci_low).toBeLessThan(0)
    expect(stable.ci_high).toBeGreaterThan(0)
    const calibration = await count(app.store, `SELECT count() AS c FROM {db}.drift FINAL WHERE model_id = 'c' AND target = 'calibration' AND model_version = 'v1'`)
    expect(calibration).toBe(8)
  })

  it('the challenger with better accuracy gets a positive difference whose interval excludes 0', async () => {
    const rows = await queryRows<{ w: string; champion_version: string; challenger_version: string; difference: number; ci_low: number; p_value: number; n_champion: string; n_challenger: string }>(
      app.store,
      `SELECT toString(intDiv(toUnixTimestamp64Milli(window_start) - {h0:Int64}, 3600000)) AS w, champion_version, challenger_version, difference, ci_low, p_value, n_champion, n_challenger
       FROM {db}.comparison FINAL WHERE model_id = 'c' AND metric = 'accuracy' ORDER BY window_start`,
      { h0 },
    )
    expect(rows).toHaveLength(8)
    expect(rows.every((r) => r.champion_version === 'v1' && r.challenger_version === 'v2' && r.n_challenger === String(PER_WINDOW))).toBe(true)
    for (const r of rows.filter((x) => Number(x.w) >= JUMP)) {
      expect(r.difference).toBeGreaterThan(0.2)
      expect(r.ci_low).toBeGreaterThan(0)
      expect(r.p_value).toBeLessThan(0.001)
    }
    expect(rows.find((r) => r.w === '1')!.n_champion).toBe(String(PER_WINDOW))
  })
})
