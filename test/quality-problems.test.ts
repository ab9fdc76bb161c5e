/**
 * The quality-problem count on stored windows: windows drawn from the reference's own
 * distribution count no problem although some of their values fall outside the reference's
 * range (the rule of src/ui/quality-problems.ts, not "a rate above 0"), a window with many
 * values out of range and many outlier events counts them, and the read API's headline (the
 * overview, the model page, `driftwatch status`) and the window page's count (its detail rows
 * through the same function) agree on every window.
 * Embedded chDB, events published straight to the store (no Kafka).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import type { PredictionEvent } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import { createReadQueries, type ReadQueries, type WindowHeadline } from '../src/read/index.js'
import { qualityProblemCount } from '../src/ui/quality-problems.js'
import { formatStatus } from '../src/cli/status-format.js'
import { dropTestResources, testConfig } from './support/config.js'
import { queryRows } from './support/query.js'

const MODEL = 'quality-rule'
const HOUR_MS = 3_600_000
const FEATURES = Array.from({ length: 10 }, (_, i) => `f${i}`)
const PER_WINDOW = 200

/** xorshift32: the same events on every run. */
function generator(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0
    return s / 4294967296
  }
}

/**
 * Windows 0–2: every feature uniform on [0, 1). Window 3: the same, except that 20 events (10%)
 * have f0 far out of range, and 80 (40%) have f1, f2 and f3 far out (3 of 10 features: outliers).
 */
function traffic(startMs: number): PredictionEvent[] {
  const u = generator(20240611)
  const events: PredictionEvent[] = []
  for (let w = 0; w < 4; w++) {
    for (let i = 0; i < PER_WINDOW; i++) {
      const features: Record<string, number> = Object.fromEntries(FEATURES.map((f) => [f, u()]))
      if (w === 3 && i < 20) features['f0'] = 10 + u()
      if (w === 3 && i >= 20 && i < 100) for (const f of ['f1', 'f2', 'f3']) features[f] = 10 + u()
      const score = u()
      events.push({
        prediction_id: `qp-${w}-${i}`, model_id: MODEL, model_version: 'v1', event_time: startMs + w * HOUR_MS + 1000 * (i + 1), features,
        prediction: { class_label: score >= 0.5 ? '1' : '0', score, probabilities: null, value: null },
        segments: {}, deployment: { environment: 'production', variant: 'champion' }, subject_id: null,
      })
    }
  }
  return events
}

describe('quality problems on stored windows', () => {
  const config = testConfig({ kafka: false })
  const file = parseFileConfig(`models:\n  - { id: ${MODEL}, window: 1h, allowedLateness: 0s }\n`, 'test.yaml')
  const startMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 48 * HOUR_MS
  let app: App
  let read: ReadQueries
  let windows: WindowHeadline[]

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: false })
    const events = traffic(startMs)
    await app.publisher.publishPredictions(events)
    await app.evaluator.evaluateNow()
    read = createReadQueries({ store: app.store, file, now: Date.now })
    windows = (await read.windows(MODEL, { from: new Date(startMs).toISOString() })).items
  }, 240_000)

  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  const iso = (w: number) => new Date(startMs + w * HOUR_MS).toISOString()
  const headline = (w: number) => windows.find((x) => x.window_start === iso(w))!

  it('windows like their reference count no problem, though values fell out of its range', async () => {
    expect(windows.map((w) => w.window_start)).toEqual([0, 1, 2, 3].map(iso))
    const outside = await queryRows<{ start: string; above: string }>(app.store,
      `SELECT toString(toUnixTimestamp64Milli(window_start)) AS start, countIf(value > 0) AS above FROM {db}.quality FINAL
       WHERE model_id = {m:String} AND metric IN ('out_of_range_rate', 'outlier_rate') GROUP BY start ORDER BY start`, { m: MODEL })
    // The defect this guards against: "above 0" counted these as problems.
    for (const w of [1, 2]) {
      expect(Number(outside.find((r) => Number(r.start) === startMs + w * HOUR_MS)?.above), `window ${w}`).toBeGreaterThan(3)
      expect(headline(w).quality_problems, `window ${w}`).toBe(0)
    }
    expect(headline(0).quality_problems).toBe(0)
  })

  it('a window with 10% of a feature out of range and 40% outlier events counts those features and the outlier rate', () => {
    // f0 (10% out of range), f1–f3 (40%), and the outlier rate (feature '').
    expect(headline(3).quality_problems).toBe(5)
  })

  it('the window page and driftwatch status show the headline count', async () => {
    for (const w of [0, 1, 2, 3]) {
      const detail = await read.window(MODEL, iso(w), 'v1')
      expect(qualityProblemCount(detail.quality, detail.drift), `window ${w}`).toBe(headline(w).quality_problems)
    }
    const [summary] = (await read.models()).items.filter((m) => m.model === MODEL)
    const lines = formatStatus({ source: { kind: 'store', location: 'test' }, models: [{ summary: summary!, windows: [headline(3)] }], alerts: [] })
    const header = lines.find((l) => l.includes('QUALITY'))!
    const row = lines[lines.indexOf(header) + 1]!
    expect(row.slice(header.indexOf('QUALITY')).trim().split(/\s+/)[0]).toBe('5')
  })
})
