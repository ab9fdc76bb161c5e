/**
 * Raw rows expire after retention.raw while a window's metrics and window_state stay for
 * retention.metrics (src/store/retention.ts). Regression: a window that came due after its raw
 * rows expired (closing when its model resumed after a silence, or retried) was evaluated from
 * nothing, and its stored metrics were replaced by an evaluation with 0 predictions under a newer
 * version, the one every surface shows. The evaluator now keeps the stored evaluation, unless an
 * erasure made the window due (src/evaluate/expired-window.ts). Expiry is simulated by deleting
 * the window's raw rows after its first evaluation.
 */
import { Writable } from 'node:stream'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { Evaluator } from '../src/evaluate/evaluator.js'
import { createLogger } from '../src/observability/logger.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import { deleteWhere } from '../src/store/delete-rows.js'
import { advanceMarkCursor } from '../src/evaluate/due.js'
import { insertRows } from '../src/store/insert.js'
import { markWindows } from '../src/store/mark-windows.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { queryRows } from './support/query.js'

const HOUR = 3_600_000

describe('windows whose raw rows expired', () => {
  const config = testConfig({ kafka: false })
  const file = parseFileConfig('retention: { raw: 2d }\nmodels:\n  - id: m\n    window: 1h\n    allowedLateness: 0s\n    positiveClass: "yes"\n', 'test.yaml')
  // Old enough for its predictions to have expired: before now − retention.raw + ingest.maxFutureMs (1d).
  const w0 = Math.floor(Date.now() / HOUR) * HOUR - 72 * HOUR
  const warnings: { expired?: number; msg: string }[] = []
  let app: App
  let evaluator: Evaluator

  const p = (id: string, t: number) => prediction({ prediction_id: id, model_id: 'm', event_time: t, prediction: { class_label: 'yes', score: 0.8, probabilities: null, value: null } })
  const summary = async (startMs: number) =>
    (await queryRows<{ predictions: string; v: string }>(
      app.store,
      `SELECT predictions, toString(eval_version) AS v FROM {db}.window_summary FINAL WHERE model_id = 'm' AND window_start = fromUnixTimestamp64Milli({t:Int64})`,
      { t: startMs },
    ))[0]
  const closedState = async (startMs: number) =>
    (await queryRows<{ closed: number }>(app.store, `SELECT closed FROM {db}.window_state FINAL WHERE model_id = 'm' AND window_start = fromUnixTimestamp64Milli({t:Int64})`, { t: startMs }))[0]?.closed
  /** What retention does to a window's raw rows, at once. */
  const expire = async (startMs: number) => {
    const range = { m: 'm', from: startMs, to: startMs + HOUR }
    const inWindow = "model_id = {m:String} AND event_time >= fromUnixTimestamp64Milli({from:Int64}) AND event_time < fromUnixTimestamp64Milli({to:Int64})"
    await deleteWhere(app.store, 'ground_truth', `prediction_id IN (SELECT prediction_id FROM {db:Identifier}.predictions WHERE ${inWindow})`, { ...range, db: app.store.database })
    await deleteWhere(app.store, 'predictions', inWindow, range)
  }

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: false })
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n')) if (l.trim()) {
          const line = JSON.parse(l) as { level: number; expired?: number; msg: string }
          if (line.level === 40) warnings.push(line)
        }
        done()
      },
    })
    evaluator = new Evaluator({ store: app.store, file, deadLetters: createDeadLetterSink(app.store, null), logger: pino({ level: 'info' }, sink), now: Date.now })
    // w0 closes at once (the watermark is past its end), w0 + 1h is evaluated open.
    await app.publisher.publishPredictions([...[1, 2, 3, 4, 5].map((i) => p(`a-${i}`, w0 + i * 1000)), ...[1, 2, 3].map((i) => p(`b-${i}`, w0 + HOUR + i * 1000))])
    await app.publisher.publishGroundTruth([1, 2, 3].map((i) => ({ prediction_id: `a-${i}`, label: { class_label: i === 1 ? 'no' : 'yes', value: null }, label_time: w0 + HOUR, source: 'test' })))
    expect(await evaluator.evaluateNow()).toMatchObject({ evaluated: 2, expired: 0 })
    expect(await summary(w0 + HOUR)).toMatchObject({ predictions: '3' })
    expect(await closedState(w0 + HOUR)).toBe(0)
  })

  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  it('a window that closes after its raw rows expired keeps its stored metrics, and is not due again', async () => {
    const before = await summary(w0 + HOUR)
    await expire(w0 + HOUR)
    // The model resumes after its silence: the watermark jumps past the open window's end.
    await app.publisher.publishPredictions([p('c-1', w0 + 3 * HOUR + 1000)])
    expect(await evaluator.evaluateNow()).toMatchObject({ evaluated: 1, expired: 1, failed: 0 })
    expect(await summary(w0 + HOUR)).toEqual(before)
    expect(await closedState(w0 + HOUR)).toBe(1)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ expired: 1, msg: expect.stringMatching(/retention\.raw, 2d/) })
    expect(await evaluator.evaluateNow()).toMatchObject({ evaluated: 0, expired: 0 })
  })

  it('a retry of a window whose raw rows expired keeps its stored metrics', async () => {
    const before = await summary(w0)
    expect(before).toMatchObject({ predictions: '5' })
    await expire(w0)
    await markWindows(app.store, [{ modelId: 'm', modelVersion: 'v1', startMs: w0, windowMs: HOUR }], 'retry', `test-retry:${Date.now()}`)
    expect(await evaluator.evaluateNow()).toMatchObject({ evaluated: 0, expired: 1, failed: 0 })
    expect(await summary(w0)).toEqual(before)
    expect(await evaluator.evaluateNow()).toMatchObject({ evaluated: 0, expired: 0 })
  })

  it('a window too recent for its predictions to have expired is evaluated as usual when they are gone', async () => {
    const recent = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR
    await app.publisher.publishPredictions([p('r-1', recent + 1000), p('r-2', recent + 2000)])
    await evaluator.evaluateNow()
    expect(await summary(recent)).toMatchObject({ predictions: '2' })
    // Re-sent under another event time, say: the window holds none of them any more.
    await expire(recent)
    await markWindows(app.store, [{ modelId: 'm', modelVersion: 'v1', startMs: recent, windowMs: HOUR }], 'recompute', `test-recent:${Date.now()}`)
    expect(await evaluator.evaluateNow()).toMatchObject({ expired: 0, failed: 0 })
    expect(await summary(recent)).toMatchObject({ predictions: '0' })
  })

  it('versions an evaluation above the state a kept window wrote under a clock running ahead, so that it is not due again', async () => {
    // Kept by the first test: its predictions expired.
    const window = w0 + HOUR
    // An evaluator whose clock runs an hour ahead keeps the window again: its state is versioned ahead.
    const ahead = new Evaluator({ store: app.store, file, deadLetters: createDeadLetterSink(app.store, null), logger: pino({ level: 'silent' }), now: () => Date.now() + HOUR })
    await markWindows(app.store, [{ modelId: 'm', modelVersion: 'v1', startMs: window, windowMs: HOUR }], 'retry', `test-ahead:${Date.now()}`)
    expect(await ahead.evaluateNow()).toMatchObject({ expired: 1 })
    // An erasure, evaluated by an evaluator with the right clock: replaced, and then not due again.
    await markWindows(app.store, [{ modelId: 'm', modelVersion: 'v1', startMs: window, windowMs: HOUR }], 'erasure', `test-after-ahead:${Date.now()}`)
    expect(await evaluator.evaluateNow()).toMatchObject({ evaluated: 1, expired: 0 })
    expect(await summary(window)).toMatchObject({ predictions: '0' })
    expect(await evaluator.evaluateNow()).toMatchObject({ evaluated: 0 })
  })

  it('a window an erasure emptied is evaluated again with no prediction: the removal was on purpose', async () => {
    const window = w0 + 3 * HOUR
    expect(await summary(window)).toMatchObject({ predictions: '1' })
    await expire(window)
    await markWindows(app.store, [{ modelId: 'm', modelVersion: 'v1', startMs: window, windowMs: HOUR }], 'erasure', `test-erasure:${Date.now()}`)
    const before = await summary(window)
    expect(await evaluator.evaluateNow()).toMatchObject({ expired: 0, failed: 0 })
    const after = await summary(window)
    expect(after).toMatchObject({ predictions: '0' })
    expect(BigInt(after!.v)).toBeGreaterThan(BigInt(before!.v))
  })

  // Last: it moves the mark cursor ahead of the clock.
  it('an erasure behind the mark cursor still counts when a newer mark of another reason makes the window due', async () => {
    const window = w0 + 5 * HOUR
    await app.publisher.publishPredictions([p('e-1', window + 1000), p('e-2', w0 + 6 * HOUR + 1000)])
    await evaluator.evaluateNow()
    expect(await summary(window)).toMatchObject({ predictions: '1' })
    await expire(window)
    // Erased after that evaluation; the pass that read the erasure mark did not get to the window
    // (it failed, say), and the cursor moved past the mark; a reference mark came since.
    const now = Date.now()
    const key = { model_id: 'm', model_version: 'v1', window_start: clickhouseDateTime64(window), window_ms: HOUR }
    await insertRows(app.store, 'window_marks', [{ ...key, reason: 'erasure', marked_at: clickhouseDateTime64(now) }], `test-erasure-behind:${now}`)
    await advanceMarkCursor(app.store, now + 10 * 60_000)
    await insertRows(app.store, 'window_marks', [{ ...key, reason: 'reference', marked_at: clickhouseDateTime64(now + 6 * 60_000) }], `test-reference-after:${now}`)
    expect(await evaluator.evaluateNow()).toMatchObject({ evaluated: 1, expired: 0, failed: 0 })
    expect(await summary(window)).toMatchObject({ predictions: '0' })
  })
})
