/**
 * Due windows tracked incrementally (issue #16): a tick reads the marks newer than the
 * evaluator's cursor (stored in ClickHouse) and the windows still open, not the whole history of
 * window_marks. Still: a late label re-evaluates a closed window, a window that closes is
 * evaluated with no new mark of its own, a restart carries on from the stored cursor, and a mark
 * older than the cursor's overlap is no longer read on every tick (the old code grouped every mark
 * ever written, every tick).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { advanceMarkCursor, dueWindows, markCursor, MARK_OVERLAP_MS } from '../src/evaluate/due.js'
import { createLogger } from '../src/observability/logger.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'

const HOUR = 3_600_000

describe('incremental due windows', () => {
  const config = testConfig({ kafka: false })
  const file = parseFileConfig('models:\n  - id: m\n    window: 1h\n    allowedLateness: 0s\n    positiveClass: "yes"\n', 'test.yaml')
  let app: App | undefined
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })
  const start = () => startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: false })
  const p = (id: string, t: number) => prediction({ prediction_id: id, model_id: 'm', event_time: t, prediction: { class_label: 'yes', score: 0.8, probabilities: null, value: null } })
  const summary = async (startMs: number) =>
    (await queryRows<{ labeled: string; closed: number; v: string }>(
      app!.store,
      `SELECT labeled, closed, toString(eval_version) AS v FROM {db}.window_summary FINAL WHERE model_id = 'm' AND window_start = fromUnixTimestamp64Milli({t:Int64})`,
      { t: startMs },
    ))[0]

  it('evaluates what changed since the stored cursor, closes open windows, and survives a restart', async () => {
    const now = Date.now()
    const w0 = Math.floor(now / HOUR) * HOUR - 3 * HOUR
    app = await start()
    await app.publisher.publishPredictions([p('a-1', w0 + 1000), p('a-2', w0 + 2000), p('b-1', w0 + HOUR + 1000)])
    expect((await app.evaluator.evaluateNow()).evaluated).toBe(2)
    expect(await summary(w0)).toMatchObject({ closed: 1 }) // the watermark (w0 + 1h + 1 s) is past its end
    expect(await summary(w0 + HOUR)).toMatchObject({ closed: 0 })
    const cursor = await markCursor(app.store)
    expect(cursor).toBeGreaterThan(0)
    expect((await app.evaluator.evaluateNow()).evaluated).toBe(0) // nothing changed

    // A late label re-evaluates the closed window under a new version, and the next window, whose
    // reference (the previous window, the default) gained data (src/evaluate/reference-marks.ts).
    const before = await summary(w0)
    await app.publisher.publishGroundTruth([{ prediction_id: 'a-1', label: { class_label: 'yes', value: null }, label_time: now, source: 'test' }])
    expect((await app.evaluator.evaluateNow()).evaluated).toBe(2)
    const after = await summary(w0)
    expect(after).toMatchObject({ labeled: '1', closed: 1 })
    expect(BigInt(after!.v)).toBeGreaterThan(BigInt(before!.v))

    // Restart: the state is in ClickHouse, so nothing is evaluated again.
    await app.stop()
    app = await start()
    expect((await app.evaluator.evaluateNow()).evaluated).toBe(0)

    // A prediction two windows later moves the watermark past the open window's end: that window
    // is evaluated (closing) although no new mark names it. Under live traffic its own marks are by
    // then older than the cursor's overlap (window 1h, allowedLateness 1h: the last marks come near
    // the window's end, it closes an hour later), so the cursor is moved past them here: the
    // window must be found as open at its last evaluation, not through a re-read mark (regression:
    // the open-window scan kept only windows that were still open, so such a window never closed).
    await advanceMarkCursor(app.store, Date.now() + MARK_OVERLAP_MS)
    const openBefore = await summary(w0 + HOUR)
    await app.publisher.publishPredictions([p('c-1', w0 + 2 * HOUR + 1000)])
    const due = await dueWindows(app.store, () => 0, { windowMs: () => HOUR })
    expect(due.find((w) => w.startMs === w0 + HOUR)).toMatchObject({ closed: true, closing: true })
    expect((await app.evaluator.evaluateNow()).evaluated).toBe(2) // the new window and the closing one
    const closedNow = await summary(w0 + HOUR)
    expect(closedNow).toMatchObject({ closed: 1 })
    expect(BigInt(closedNow!.v)).toBeGreaterThan(BigInt(openBefore!.v))

    // A mark far older than the cursor (less the overlap), of a window never evaluated, is not
    // read: the tick's cost follows what is new. (Marks are stamped by the server as they are
    // inserted, so none arrives this old; the old code, grouping every mark, evaluated it.)
    const stale = (await markCursor(app.store)) - MARK_OVERLAP_MS - HOUR
    await app.store.client.insert({
      table: `${app.store.database}.window_marks`,
      values: [{ model_id: 'm', model_version: 'v1', window_start: clickhouseDateTime64(w0 - 5 * HOUR), window_ms: HOUR, reason: 'test', marked_at: clickhouseDateTime64(stale) }],
      format: 'JSONEachRow',
    })
    expect(await count(app.store, `SELECT count() AS c FROM {db}.window_marks WHERE reason = 'test'`)).toBe(1)
    expect((await app.evaluator.evaluateNow()).evaluated).toBe(0)
  })
})
