/**
 * Windows compared with a fixed reference period are evaluated again when the period changes
 * after their evaluation (src/evaluate/reference-changes.ts). Regression: labels stored for the
 * period reached only the windows evaluated after the evaluator's 60 s reference cache expired;
 * windows evaluated before kept no degradation rows and uncalibrated CBPE estimates for good.
 * The evaluator's clock is injected and never moves unless the test moves it, so the cache never
 * expires by itself here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { Evaluator } from '../src/evaluate/evaluator.js'
import { REFERENCE_COALESCE_MS } from '../src/evaluate/reference-changes.js'
import type { GroundTruthEvent } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'

const HOUR = 3_600_000

describe('a fixed reference period that changes after windows were evaluated against it', () => {
  const r0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * HOUR // the reference period: [r0, r0 + 2h)
  const dependents = [r0 + 3 * HOUR, r0 + 4 * HOUR, r0 + 5 * HOUR]
  const iso = (ms: number) => new Date(ms).toISOString()
  const file = parseFileConfig(
    `models:\n  - id: m\n    window: 1h\n    allowedLateness: 0s\n    positiveClass: "1"\n    reference: { from: "${iso(r0)}", to: "${iso(r0 + 2 * HOUR)}" }\n`,
    'test.yaml',
  )
  const config = testConfig({ kafka: false })
  let app: App
  let clock = Date.now()
  let evaluator: Evaluator
  beforeAll(async () => {
    app = await startApp(config, createLogger('silent'), { file, evaluate: false, alerts: false })
    evaluator = new Evaluator({ store: app.store, file, deadLetters: createDeadLetterSink(app.store, null), logger: createLogger('silent'), now: () => clock })
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  // An overconfident model: scores 0.05..0.95, the positive rate well below the score, so the
  // calibrated CBPE estimate differs from the uncalibrated one.
  const score = (i: number) => (i % 10) / 10 + 0.05
  const ids = (startMs: number) => Array.from({ length: 100 }, (_, i) => ({ id: `${startMs}-${i}`, i, t: startMs + 1000 + i * 1000 }))
  const predictions = (startMs: number) =>
    ids(startMs).map(({ id, i, t }) =>
      prediction({ prediction_id: id, model_id: 'm', event_time: t, prediction: { class_label: score(i) >= 0.5 ? '1' : '0', score: score(i), probabilities: null, value: null } }),
    )
  const labels = (startMs: number, which: (i: number) => boolean): GroundTruthEvent[] =>
    ids(startMs)
      .filter(({ i }) => which(i))
      .map(({ id, i }) => ({ prediction_id: id, label: { class_label: (i * 37) % 100 < score(i) * 60 ? '1' : '0', value: null }, label_time: clock, source: 'test' }))

  const untilIdle = async () => {
    const evaluated: number[] = []
    for (let pass = 0; pass < 10; pass++) {
      evaluated.push((await evaluator.tick()).evaluated)
      if (evaluated.at(-1) === 0) return evaluated
    }
    throw new Error(`windows still due after 10 passes: ${evaluated.join(', ')}`)
  }
  /** The window's newest evaluation: its degradation rows and its CBPE accuracy estimate. */
  const newest = async (startMs: number) => {
    const where = `model_id = 'm' AND window_start = fromUnixTimestamp64Milli({t:Int64})`
    const version = `(SELECT max(eval_version) FROM {db}.window_summary WHERE ${where})`
    const degradation = await count(app.store, `SELECT count() AS c FROM {db}.performance WHERE ${where} AND kind = 'degradation' AND eval_version = ${version}`, { t: startMs })
    const [estimate] = await queryRows<{ value: number }>(
      app.store,
      `SELECT value FROM {db}.performance WHERE ${where} AND kind = 'estimated' AND metric = 'accuracy' AND variant = 'all' AND eval_version = ${version}`,
      { t: startMs },
    )
    return { degradation, estimate: estimate?.value }
  }

  it('re-evaluates every window evaluated before labels reached the period: degradation rows and calibrated estimates', async () => {
    await app.publisher.publishPredictions([r0, r0 + HOUR, ...dependents].flatMap(predictions))
    await app.publisher.publishGroundTruth(dependents.flatMap((w) => labels(w, () => true)))
    await untilIdle()
    const uncalibrated = await newest(dependents[0]!)
    for (const w of dependents) expect(await newest(w)).toEqual({ degradation: 0, estimate: uncalibrated.estimate }) // no labels in the reference yet

    // Labels for most of the reference period: every window evaluated before depends on it.
    await app.publisher.publishGroundTruth([r0, r0 + HOUR].flatMap((w) => labels(w, (i) => i % 4 !== 0)))
    await untilIdle()
    const calibrated = await newest(dependents[0]!)
    expect(calibrated.degradation).toBeGreaterThan(0)
    expect(calibrated.estimate).not.toBeCloseTo(uncalibrated.estimate!, 6)
    for (const w of dependents) expect(await newest(w)).toEqual(calibrated)
  })

  it('coalesces changes: the rest of the labels wait for the coalescing interval, then every window is evaluated again', async () => {
    const before = await newest(dependents[0]!)
    await app.publisher.publishGroundTruth([r0, r0 + HOUR].flatMap((w) => labels(w, (i) => i % 4 === 0)))
    // The same clock: the dependents were marked less than REFERENCE_COALESCE_MS ago, so they are
    // not marked for the change yet (the reference period's own windows are evaluated, and the
    // windows after them whose detectors replay, against the reference loaded before).
    expect((await untilIdle()).at(-1)).toBe(0)
    expect(await newest(dependents[0]!)).toEqual(before)
    clock += REFERENCE_COALESCE_MS
    const passes = await untilIdle()
    expect(passes[0]).toBe(3) // the three dependents: the reference period's own windows were evaluated for their labels already
    const after = await newest(dependents[0]!)
    expect(after.degradation).toBeGreaterThan(0)
    expect(after.estimate).not.toBeCloseTo(before.estimate!, 9)
    for (const w of dependents) expect(await newest(w)).toEqual(after)
    // Nothing changed since: no further marks, however far the clock moves.
    clock += 10 * REFERENCE_COALESCE_MS
    expect(await untilIdle()).toEqual([0])
  })
})
