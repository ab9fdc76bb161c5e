/**
 * Issue 15, bug 8, on real Kafka + ClickHouse.
 *  - Labels that arrive after their window closed, and after the following windows were
 *    evaluated, change DDM's and ADWIN's outcome exactly as River fed the complete stream in event
 *    order (scripts/reference/fixtures/detectors-late.json, shifted to recent event times): before
 *    they arrive the detectors match River on the on-time stream, after they arrive River on the
 *    complete one, and every window's newest evaluation carries its concept rows.
 *  - A late prediction in a window that is the reference of the next one (reference: previous
 *    window) re-evaluates that next window: its drift rows get a newer version and count the
 *    reference's new prediction; the window after it, whose reference did not change, keeps its version.
 *  - `driftwatch recompute` re-feeds the detectors: state left behind by the old feed (the on-time
 *    labels only, no checkpoints, as an install upgraded from it has) becomes River's complete stream.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fixture from '../scripts/reference/fixtures/detectors-late.json' with { type: 'json' }
import { startApp, type App } from '../src/app.js'
import { runRecompute } from '../src/cli/recompute.js'
import { loadFileConfig } from '../src/config/file.js'
import { createRng } from '../src/demo/random.js'
import type { GroundTruthEvent } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOUR = 3_600_000
const base = Math.floor(Date.now() / HOUR) * HOUR - 20 * 24 * HOUR
const shift = (t: number) => t - fixture.t0 + base
const parse = (ts: string) => Date.parse(`${ts.replace(' ', 'T')}Z`)

// Model "late": the fixture's error stream; a prediction is wrong when its class is not the label.
const stream = fixture.events.t.map((t, i) => ({ id: `late-${String(i).padStart(5, '0')}`, t: shift(t), e: fixture.events.e[i] === '1', late: fixture.events.late[i] === '1' }))
const latePredictions = stream.map((x, i) =>
  prediction({
    prediction_id: x.id, model_id: 'late', model_version: 'v1', event_time: x.t, segments: {}, features: { x: i % 7 },
    prediction: { class_label: (i % 2 === 0) !== x.e ? '1' : '0', score: null, probabilities: null, value: null },
  }),
)
const label = (x: (typeof stream)[number], i: number): GroundTruthEvent => ({ prediction_id: x.id, label: { class_label: i % 2 === 0 ? '1' : '0', value: null }, label_time: x.t + 60_000, source: 'test' })
const onTimeLabels = stream.flatMap((x, i) => (x.late ? [] : [label(x, i)]))
const lateLabels = stream.flatMap((x, i) => (x.late ? [label(x, i)] : []))

// Model "ref": four hourly windows of a stable feature; the late predictions shift window 1.
const rng = createRng(815)
const refPredictions = [0, 1, 2, 3].flatMap((w) =>
  Array.from({ length: 200 }, (_, i) => prediction({ prediction_id: `ref-${w}-${i}`, model_id: 'ref', model_version: 'v1', event_time: base + w * HOUR + i * 10_000, segments: {}, features: { x: rng.normal(0, 1) } })),
)
const refLate = Array.from({ length: 50 }, (_, i) => prediction({ prediction_id: `ref-late-${i}`, model_id: 'ref', model_version: 'v1', event_time: base + HOUR + 5_000 + i * 10_000, segments: {}, features: { x: 4 + rng.normal(0, 1) } }))

// Predictions far after the last window move each model's watermark past every window; 30 keys reach every partition.
const clocks = ['late', 'ref'].flatMap((m) => Array.from({ length: 30 }, (_, i) => prediction({ prediction_id: `clock-${m}-${i}`, model_id: m, model_version: 'clock', event_time: base + 15 * HOUR, segments: {} })))

describe('detectors and references follow late data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-detector-replay-'))
  const configFile = join(dir, 'driftwatch.yaml')
  writeFileSync(
    configFile,
    'models:\n' +
      '  - id: late\n    window: 1h\n    allowedLateness: 1h\n    positiveClass: "1"\n' +
      '  - id: ref\n    window: 1h\n    allowedLateness: 1h\n    reference: { previousWindows: 1 }\n',
  )
  const config = { ...testConfig(), configFile }
  const file = loadFileConfig(configFile)
  let app: App
  /** detector_state rows after the on-time labels: what the old feed-once code left behind. */
  let onTimeState: Record<string, unknown>[] = []
  const stored = (model: string) => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL WHERE model_id = {m:String}', { m: model })
  const labels = () => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL')
  const evaluateUntilIdle = async () => {
    for (let pass = 0; pass < 10; pass++) if ((await app.evaluator.evaluateNow()).evaluated === 0) return
    throw new Error('windows still due after 10 evaluator passes')
  }
  const detectorState = async () =>
    new Map(
      (await queryRows<{ detector: string; state: string; detections: string[] }>(app.store, "SELECT detector, state, detections FROM {db}.detector_state FINAL WHERE model_id = 'late' AND model_version = 'v1'")).map(
        (r) => [r.detector, { state: JSON.parse(r.state) as { inputs: number; fedUntilMs: number }, detections: r.detections.map(parse) }],
      ),
    )
  /** Per window of model "late": its newest version and the concept rows stored under it. */
  const conceptRows = () =>
    queryRows<{ ws: string; v: string; rows: string[] }>(
      app.store,
      `SELECT toString(toUnixTimestamp64Milli(s.window_start)) AS ws, toString(s.eval_version) AS v,
              arraySort(groupArrayIf(concat(d.column, ':', toString(d.score), ':', toString(d.drift_detected), ':', toString(d.n_current)), d.column != '')) AS rows
       FROM (SELECT window_start, eval_version FROM {db}.window_summary FINAL WHERE model_id = 'late' AND model_version = 'v1') AS s
       LEFT JOIN (SELECT * FROM {db}.drift WHERE model_id = 'late' AND model_version = 'v1' AND target = 'concept') AS d
         ON d.window_start = s.window_start AND d.eval_version = s.eval_version
       GROUP BY s.window_start, s.eval_version ORDER BY s.window_start`,
    )

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false })
    await app.publisher.publishPredictions([...latePredictions, ...refPredictions, ...clocks])
    await app.publisher.publishGroundTruth(onTimeLabels)
    await waitFor(() => stored('late'), (c) => c === latePredictions.length + 30, { what: 'model late stored' })
    await waitFor(() => stored('ref'), (c) => c === refPredictions.length + 30, { what: 'model ref stored' })
    await waitFor(labels, (c) => c === onTimeLabels.length, { what: 'on-time labels stored' })
    await evaluateUntilIdle()
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
    rmSync(dir, { recursive: true, force: true })
  })

  it('late labels change the detectors exactly as River fed the complete stream in event order', async () => {
    const before = await detectorState()
    for (const d of ['ddm', 'adwin'] as const) {
      expect(before.get(d)!.detections, `${d} on time`).toEqual(fixture.river[d].on_time.times.map(shift))
      expect(before.get(d)!.state.inputs).toBe(onTimeLabels.length)
    }
    const rowsBefore = await conceptRows()
    expect(rowsBefore).toHaveLength(fixture.windows)
    onTimeState = await queryRows(app.store, "SELECT * FROM {db}.detector_state FINAL WHERE model_id = 'late' AND model_version = 'v1'")

    await app.publisher.publishGroundTruth(lateLabels)
    await waitFor(labels, (c) => c === onTimeLabels.length + lateLabels.length, { what: 'late labels stored' })
    await evaluateUntilIdle()

    const after = await detectorState()
    for (const d of ['ddm', 'adwin'] as const) {
      expect(after.get(d)!.detections, `${d} complete`).toEqual(fixture.river[d].complete.times.map(shift))
      expect(after.get(d)!.state).toMatchObject({ inputs: stream.length, fedUntilMs: base + fixture.windows * HOUR })
    }
    // Every window's newest evaluation holds both concept rows; windows after the first late one
    // whose detector rows changed were evaluated again.
    const rowsAfter = await conceptRows()
    expect(rowsAfter.map((r) => r.rows.length)).toEqual(Array(fixture.windows).fill(2))
    const firstLate = Math.min(...stream.filter((x) => x.late).map((x) => Math.floor((x.t - base) / HOUR)))
    const changed = rowsAfter.filter((r, i) => r.rows.join() !== rowsBefore[i]!.rows.join()).map((r) => (Number(r.ws) - base) / HOUR)
    expect(changed.length).toBeGreaterThan(2)
    expect(changed.every((w) => w >= firstLate)).toBe(true)
    for (const w of changed) expect(BigInt(rowsAfter[w]!.v) > BigInt(rowsBefore[w]!.v)).toBe(true)
    for (let w = 0; w < firstLate; w++) expect(rowsAfter[w]).toEqual(rowsBefore[w])
  })

  it('a late prediction in a reference window re-evaluates the window that uses it', async () => {
    const driftOfX = () =>
      queryRows<{ ws: string; v: string; n_reference: string; score: number }>(
        app.store,
        `SELECT toString(toUnixTimestamp64Milli(window_start)) AS ws, toString(eval_version) AS v, n_reference, score FROM {db}.drift FINAL
         WHERE model_id = 'ref' AND model_version = 'v1' AND target = 'feature' AND column = 'x' ORDER BY window_start`,
      )
    const before = await driftOfX()
    expect(before.map((r) => (Number(r.ws) - base) / HOUR)).toEqual([1, 2, 3])
    expect(before.map((r) => r.n_reference)).toEqual(['200', '200', '200'])

    await app.publisher.publishPredictions(refLate)
    await waitFor(() => stored('ref'), (c) => c === refPredictions.length + 30 + refLate.length, { what: 'late predictions stored' })
    await evaluateUntilIdle()

    const after = await driftOfX()
    const [w1, w2, w3] = [0, 1, 2].map((i) => ({ before: before[i]!, after: after[i]! }))
    // Window 1 itself gained the predictions; window 2 (reference: window 1) was evaluated again.
    expect(BigInt(w1!.after.v) > BigInt(w1!.before.v)).toBe(true)
    expect(BigInt(w2!.after.v) > BigInt(w2!.before.v)).toBe(true)
    expect(w2!.after.n_reference).toBe('250')
    expect(w2!.after.score).not.toBe(w2!.before.score)
    // Window 3's reference (window 2) did not change.
    expect(w3!.after).toEqual(w3!.before)
    const marks = await queryRows<{ ws: string }>(app.store, "SELECT toString(toUnixTimestamp64Milli(window_start)) AS ws FROM {db}.window_marks WHERE model_id = 'ref' AND reason = 'reference'")
    expect(marks.map((m) => (Number(m.ws) - base) / HOUR)).toEqual([2])
  })

  const recompute = async (fromMs: number) => {
    const out: string[] = []
    const code = await runRecompute(config, { model: 'late', from: new Date(fromMs).toISOString(), to: new Date(fromMs + HOUR).toISOString() }, {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      progress: () => ({ increment: () => undefined, stop: () => undefined }),
      // The app holds the chDB directory: recompute shares its client (and must not close it).
      openStore: () => ({ ...app.store, close: async () => undefined }),
    })
    expect([code, out[0]]).toEqual([0, `model late: 1 window(s) of 1h with predictions in [${new Date(fromMs).toISOString()}, ${new Date(fromMs + HOUR).toISOString()}) marked for re-evaluation`])
  }
  const expectCompleteStream = async () => {
    const after = await detectorState()
    for (const d of ['ddm', 'adwin'] as const) {
      expect(after.get(d)!.detections, d).toEqual(fixture.river[d].complete.times.map(shift))
      expect(after.get(d)!.state).toMatchObject({ inputs: stream.length, fedUntilMs: base + fixture.windows * HOUR })
    }
    expect(await count(app.store, "SELECT count() AS c FROM {db}.detector_checkpoints FINAL WHERE model_id = 'late' AND model_version = 'v1'")).toBe(2 * fixture.windows)
  }

  it('recompute re-feeds detectors left behind by the feed-once code', async () => {
    // An install upgraded from it: the state saw the on-time labels only, and there are no checkpoints.
    await app.store.client.command({ query: `TRUNCATE TABLE ${app.store.database}.detector_checkpoints` })
    await app.store.client.insert({ table: `${app.store.database}.detector_state`, values: onTimeState.map((r) => ({ ...r, eval_version: Date.now() })), format: 'JSONEachRow' })
    expect((await detectorState()).get('ddm')!.detections).toEqual(fixture.river.ddm.on_time.times.map(shift))
    await recompute(base)
    await expectCompleteStream()
  })

  it('recompute re-feeds the detectors even where the stored inputs did not change (after a fix)', async () => {
    // Checkpoints whose digests match the data but whose state does not match what the code computes.
    const forget = (state: string) => JSON.stringify({ ...(JSON.parse(state) as object), detections: [] })
    const version = Date.now()
    const checkpoints = await queryRows<{ state: string }>(app.store, "SELECT * FROM {db}.detector_checkpoints FINAL WHERE model_id = 'late'")
    await app.store.client.insert({ table: `${app.store.database}.detector_checkpoints`, values: checkpoints.map((r) => ({ ...r, state: forget(r.state), eval_version: version })), format: 'JSONEachRow' })
    const states = await queryRows<{ state: string }>(app.store, "SELECT * FROM {db}.detector_state FINAL WHERE model_id = 'late'")
    await app.store.client.insert({ table: `${app.store.database}.detector_state`, values: states.map((r) => ({ ...r, state: forget(r.state), detections: [], eval_version: version })), format: 'JSONEachRow' })
    expect((await detectorState()).get('ddm')!.detections).toEqual([])
    await recompute(base)
    await expectCompleteStream()
  })
})
