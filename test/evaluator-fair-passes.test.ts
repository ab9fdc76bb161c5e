/**
 * One model's backlog of due windows delays neither the other models' windows nor the alert pass
 * (evaluation.maxWindowsPerPass, src/evaluate/pass-plan.ts): a pass evaluates at most that many
 * windows, round robin over the models' versions, then runs the alert pass; the windows it left
 * stay due and the following passes evaluate them, each exactly once, none skipped, including
 * windows due only because the watermark closed them (src/evaluate/due.ts, recordableScan).
 * The backlog model sorts first ('a-…'), as a model that used to hold every other one back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig, type FileConfig } from '../src/config/file.js'
import { advanceMarkCursor, MARK_OVERLAP_MS, type DueWindow } from '../src/evaluate/due.js'
import { Evaluator, type TickReport } from '../src/evaluate/evaluator.js'
import { createLogger } from '../src/observability/logger.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { queryRows } from './support/query.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'

const HOUR = 3_600_000
const PER_PASS = 5
const BACKLOG = 40
const FILE = `models:
  - id: a-backlog
    window: 1h
    allowedLateness: 0s
    positiveClass: "yes"
  - id: b-other
    window: 1h
    allowedLateness: 0s
    positiveClass: "yes"
  - id: c-late
    window: 1h
    allowedLateness: 1d
    positiveClass: "yes"
evaluation:
  maxWindowsPerPass: ${PER_PASS}
`

interface StoredWindow {
  ws: string
  closed: number
}

describe('evaluator passes bounded by evaluation.maxWindowsPerPass', () => {
  const config = testConfig({ kafka: false })
  let app: App
  let file: FileConfig
  const hourStart = (hoursAgo: number) => Math.floor(Date.now() / HOUR) * HOUR - hoursAgo * HOUR
  beforeAll(async () => {
    file = parseFileConfig(FILE, 'test.yaml')
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: false })
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })
  const p = (model: string, id: string, t: number) =>
    prediction({ prediction_id: id, model_id: model, event_time: t, prediction: { class_label: 'yes', score: 0.8, probabilities: null, value: null } })
  /** The windows of `model` with a stored evaluation, oldest first, and whether their newest state is closed. */
  const stored = (model: string) =>
    queryRows<StoredWindow>(
      app.store,
      `SELECT toString(toUnixTimestamp64Milli(window_start)) AS ws, closed FROM {db}.window_state FINAL WHERE model_id = {m:String} ORDER BY window_start`,
      { m: model },
    )
  /**
   * An evaluator whose window evaluations are recorded as they start (model, window start, whether
   * closed, the newest mark: the inputs that make a window due), then run as usual.
   */
  const evaluator = (afterPass?: () => Promise<unknown>) => {
    const ev = new Evaluator({ store: app.store, file, deadLetters: createDeadLetterSink(app.store, null), logger: createLogger('silent'), now: Date.now, afterPass })
    const evaluated: DueWindow[] = []
    const evaluateWindow = ev.evaluateWindow.bind(ev)
    ev.evaluateWindow = (w) => {
      evaluated.push(w)
      return evaluateWindow(w)
    }
    const of = (model: string) => evaluated.filter((w) => w.modelId === model)
    return { ev, of }
  }
  const starts = (ws: readonly DueWindow[]) => ws.map((w) => w.startMs).sort((a, b) => a - b)

  it('evaluates the other model\'s window and runs the alert pass before the backlog is done, then every window exactly once', async () => {
    const first = hourStart(BACKLOG + 5)
    await app.publisher.publishPredictions([
      ...Array.from({ length: BACKLOG }, (_, i) => p('a-backlog', `a-${i}`, first + i * HOUR + 1000)),
      p('b-other', 'b-0', first + 10 * HOUR + 1000),
    ])
    // What the alert pass after each evaluator pass would see: the windows stored by then.
    const seenByAlerts: Array<{ backlog: number; other: number }> = []
    const { ev, of } = evaluator(async () => {
      seenByAlerts.push({ backlog: (await stored('a-backlog')).length, other: (await stored('b-other')).length })
    })

    const pass1 = await ev.tick()
    expect(pass1).toMatchObject({ evaluated: PER_PASS, failed: 0, deferred: BACKLOG + 1 - PER_PASS })
    expect(seenByAlerts).toEqual([{ backlog: PER_PASS - 1, other: 1 }])

    const reports: TickReport[] = [pass1]
    while ((reports.at(-1)!.deferred ?? 0) > 0 && reports.length < 20) reports.push(await ev.tick())
    expect(reports.map((r) => r.evaluated)).toEqual([...Array(Math.floor((BACKLOG + 1) / PER_PASS)).fill(PER_PASS), (BACKLOG + 1) % PER_PASS])
    expect(reports.at(-1)!.deferred).toBe(0)
    // An alert pass after every evaluator pass, each seeing more of the backlog.
    expect(seenByAlerts.map((s) => s.backlog)).toEqual(reports.map((_, i) => Math.min(BACKLOG, PER_PASS * (i + 1) - 1)))
    expect((await ev.tick()).evaluated).toBe(0) // nothing left due

    // Each window evaluated exactly once, none skipped; the backlog oldest first.
    const backlogStarts = Array.from({ length: BACKLOG }, (_, i) => first + i * HOUR)
    expect(of('a-backlog').map((w) => w.startMs)).toEqual(backlogStarts)
    expect(of('b-other').map((w) => w.startMs)).toEqual([first + 10 * HOUR])
    // Closed by the watermark (the newest event, lateness 0), all but the newest window.
    expect(await stored('a-backlog')).toEqual(backlogStarts.map((ws, i) => ({ ws: String(ws), closed: i < BACKLOG - 1 ? 1 : 0 })))
    expect(await stored('b-other')).toEqual([{ ws: String(first + 10 * HOUR), closed: 0 }])
  })

  it('evaluates windows due only because the watermark closed them, when the bound leaves some to later passes', async () => {
    const n = 12
    const first = hourStart(100)
    await app.publisher.publishPredictions(Array.from({ length: n }, (_, i) => p('c-late', `c-${i}`, first + i * HOUR + 1000)))
    // evaluateNow runs passes until none is left: all open (lateness 1d).
    const { ev, of } = evaluator()
    expect(await ev.evaluateNow()).toMatchObject({ evaluated: n, deferred: 0 })
    const windows = Array.from({ length: n }, (_, i) => first + i * HOUR)
    expect(of('c-late').map((w) => [w.startMs, w.closed])).toEqual(windows.map((ws) => [ws, false]))

    // Their marks are left behind the cursor, as under live traffic a window's last marks are long
    // before it closes: the closing windows are found through the recorded watermark alone.
    await advanceMarkCursor(app.store, Date.now() + MARK_OVERLAP_MS)
    // A prediction whose event time puts the watermark (less 1d) past every one of those windows.
    const closer = first + (n + 24) * HOUR + 1000
    await app.publisher.publishPredictions([p('c-late', 'c-closer', closer)])
    const reports: TickReport[] = []
    do reports.push(await ev.tick())
    while ((reports.at(-1)!.deferred ?? 0) > 0 && reports.length < 20)
    expect(reports.map((r) => r.evaluated)).toEqual([5, 5, 3])
    expect((await ev.tick()).evaluated).toBe(0)
    // Each of the 12 evaluated once more, closing; the closer's window once, open.
    const closing = of('c-late').slice(n)
    expect(starts(closing.filter((w) => w.closing))).toEqual(windows)
    expect(closing.filter((w) => !w.closing).map((w) => [w.startMs, w.closed])).toEqual([[Math.floor(closer / HOUR) * HOUR, false]])
    expect(await stored('c-late')).toEqual([...windows.map((ws) => ({ ws: String(ws), closed: 1 })), { ws: String(Math.floor(closer / HOUR) * HOUR), closed: 0 }])
  })

  it('evaluates windows due through marks older than the cursor\'s overlap, when the bound leaves some to later passes', async () => {
    // A database of its own: its mark cursor starts at 0, so marks stamped in the past are read.
    const own = testConfig({ kafka: false })
    const other = await startApp(own, createLogger(own.logLevel), { file, evaluate: false, alerts: false })
    try {
      // Twelve windows of a-backlog marked for recompute ten minutes apart, the oldest window first,
      // the newest mark a minute ago: more than the 5-minute overlap separates the first pass's
      // newest mark from the marks of the windows it leaves.
      const n = 12
      const first = hourStart(60)
      const now = Date.now()
      const markedAt = (i: number) => now - 60_000 - (n - 1 - i) * 10 * 60_000
      await other.store.client.insert({
        table: `${other.store.database}.window_marks`,
        values: Array.from({ length: n }, (_, i) => ({
          model_id: 'a-backlog', model_version: 'v1', window_start: clickhouseDateTime64(first + i * HOUR), window_ms: HOUR, reason: 'recompute', marked_at: clickhouseDateTime64(markedAt(i)),
        })),
        format: 'JSONEachRow',
      })
      const ev = new Evaluator({ store: other.store, file, deadLetters: createDeadLetterSink(other.store, null), logger: createLogger('silent'), now: Date.now })
      const evaluated: DueWindow[] = []
      const evaluateWindow = ev.evaluateWindow.bind(ev)
      ev.evaluateWindow = (w) => {
        evaluated.push(w)
        return evaluateWindow(w)
      }
      const reports: TickReport[] = []
      do reports.push(await ev.tick())
      while ((reports.at(-1)!.deferred ?? 0) > 0 && reports.length < 20)
      expect(reports.map((r) => r.evaluated)).toEqual([5, 5, 2])
      expect((await ev.tick()).evaluated).toBe(0)
      expect(evaluated.map((w) => [w.startMs, w.lastMarkMs])).toEqual(Array.from({ length: n }, (_, i) => [first + i * HOUR, markedAt(i)]))
    } finally {
      await other.stop()
      await dropTestResources(own)
    }
  })
})
