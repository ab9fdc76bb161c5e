/**
 * The evaluator's windows are independent of each other and of the evaluating instance's clock.
 *
 * - A numeric feature whose reference edges are floats of magnitude >= 2^53 (a feature in
 *   micro-units around 1.2e16), subnormal or -0 is binned and range-checked exactly: the edges
 *   and bounds reach ClickHouse bit for bit (the embedded engine's parameter binding refused such
 *   a float, and every window after that one was never evaluated again).
 * - A window whose evaluation fails for good (ClickHouse refuses what it is given) is logged
 *   with its model, version and window, stays due and is retried with backoff, while the
 *   windows after it are evaluated, the mark cursor moves and the alert pass runs. A failure of
 *   ClickHouse itself (connection refused) still fails the pass: nothing is skipped.
 * - A new evaluation's version exceeds every version stored for its window, whichever clock
 *   wrote them: after an evaluator whose clock ran an hour ahead (a previous leader), a late
 *   label still shows, the window's state moves on, the detectors' state and the version
 *   comparison are replaced, and the rows a half-written evaluation left behind lose.
 */
import { Writable } from 'node:stream'
import type { ClickHouseClient } from '@clickhouse/client'
import { pino } from 'pino'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig, type FileConfig } from '../src/config/file.js'
import { markCursor } from '../src/evaluate/due.js'
import { storedVersionParams, storedVersionQuery, storedWindowEvaluation } from '../src/evaluate/eval-version.js'
import { Evaluator } from '../src/evaluate/evaluator.js'
import { edgesQuery } from '../src/evaluate/queries.js'
import { decileEdges } from '../src/metrics/drift/index.js'
import { writeDetectorRun } from '../src/evaluate/write.js'
import type { PredictionEvent } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import type { RuntimeConfig } from '../src/config/env.js'
import type { Store } from '../src/store/clickhouse.js'
import { withDatabase } from '../src/store/query.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'

const HOUR = 3_600_000
const MODEL = 'models:\n  - id: m\n    window: 1h\n    allowedLateness: 0s\n    positiveClass: "yes"\n'

/** The float next to x towards +Infinity (up) or -Infinity (down), as Math.nextafter would. */
function nextFloat(x: number, up: boolean): number {
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE
  const f = new Float64Array([x])
  const b = new BigInt64Array(f.buffer)
  b[0] = b[0]! + ((x > 0) === up ? 1n : -1n)
  return f[0]!
}

/** Bin of x over sorted edges: the number of edges <= x (src/metrics/drift/reference-bins.ts). */
const binOf = (edges: readonly number[], x: number) => edges.filter((e) => e <= x).length

interface LogLine {
  level: number
  msg: string
  [key: string]: unknown
}

function captureLogger() {
  const lines: LogLine[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as LogLine)
      done()
    },
  })
  return { logger: pino({ level: 'info' }, stream), lines, errors: () => lines.filter((l) => l.level >= 50) }
}

type Insert = { table: string; values: Record<string, unknown>[] }

/**
 * The store with a client whose inserts pass through `rewrite` first: it may change the rows (so
 * that the engine refuses them), or throw (so that the insert fails without reaching the engine).
 */
function interceptInserts(store: Store, rewrite: (p: Insert) => Insert): Store {
  const client = new Proxy(store.client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (prop !== 'insert' || typeof value !== 'function') return value
      return async (params: Insert) => (value as (p: Insert) => Promise<unknown>).call(target, rewrite(params))
    },
  }) as ClickHouseClient
  return { ...store, client }
}

/** The store with a client that calls `seen` with each query's text before running it. */
function interceptQueries(store: Store, seen: (query: string) => void): Store {
  const client = new Proxy(store.client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (prop !== 'query' || typeof value !== 'function') return value
      return async (params: { query: string }) => {
        seen(params.query)
        return (value as (p: unknown) => Promise<unknown>).call(target, params)
      }
    },
  }) as ClickHouseClient
  return { ...store, client }
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123 (injected outage)'), { code: 'ECONNREFUSED' })

describe('evaluator isolation', () => {
  const configs: RuntimeConfig[] = []
  const apps: App[] = []
  afterAll(async () => {
    for (const app of apps) await app.stop()
    for (const config of configs) await dropTestResources(config)
  })
  const start = async (yaml = MODEL) => {
    const config = testConfig({ kafka: false })
    configs.push(config)
    const file = parseFileConfig(yaml, 'test.yaml')
    const app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: false })
    apps.push(app)
    return { app, file }
  }
  const evaluator = (store: Store, file: FileConfig, opts: { now?: () => number; afterPass?: () => Promise<unknown>; logger?: ReturnType<typeof captureLogger>['logger']; mayWrite?: () => boolean } = {}) =>
    new Evaluator({ store, file, deadLetters: createDeadLetterSink(store, null), logger: opts.logger ?? captureLogger().logger, now: opts.now ?? Date.now, afterPass: opts.afterPass, mayWrite: opts.mayWrite })
  const p = (id: string, t: number, overrides: Partial<PredictionEvent> = {}) =>
    prediction({ prediction_id: id, model_id: 'm', event_time: t, features: {}, segments: {}, prediction: { class_label: 'yes', score: 0.8, probabilities: null, value: null }, ...overrides })
  const windowStart = (hoursAgo: number) => Math.floor(Date.now() / HOUR) * HOUR - hoursAgo * HOUR
  const summaries = async (store: Store) =>
    new Map(
      (await queryRows<{ ws: string; labeled: string; v: string }>(store, `SELECT toUnixTimestamp64Milli(window_start) AS ws, labeled, toString(eval_version) AS v FROM {db}.window_summary FINAL WHERE model_id = 'm' AND model_version = 'v1'`))
        .map((r) => [Number(r.ws), r]),
    )
  const stateVersion = async (store: Store, startMs: number, version = 'v1') =>
    BigInt((await queryRows<{ v: string }>(store, `SELECT toString(eval_version) AS v FROM {db}.window_state FINAL WHERE model_id = 'm' AND model_version = {mv:String} AND window_start = fromUnixTimestamp64Milli({t:Int64})`, { t: startMs, mv: version }))[0]?.v ?? '0')

  it('bins and range-checks features beyond 2^53, subnormal and signed-zero edges exactly', async () => {
    const { app } = await start()
    const w0 = windowStart(4)
    const w1 = w0 + HOUR
    const big = 1.2e16 // floats here are even integers: the spacing is 2
    const tiny = [-0, 0, Number.MIN_VALUE, 2 * Number.MIN_VALUE, 1e-310, 2.2250738585072014e-308, -Number.MIN_VALUE, 1e-300]
    const reference: PredictionEvent[] = []
    for (let k = 0; k < 100; k++) {
      reference.push(p(`r-big-${k}`, w0 + 1000 + k, { features: { amount_micros: big + 2 * k * 7919 } }))
      reference.push(p(`r-tiny-${k}`, w0 + 2000 + k, { features: { tiny: tiny[k % tiny.length]! } }))
    }
    await app.publisher.publishPredictions(reference)
    const edgeRows = await edgesQuery(app.store, { modelId: 'm', modelVersion: 'v1', fromMs: w0, toMs: w0 + HOUR })
    // The edges the evaluator bins by: the deciles, and the range when ties collapse them (decileEdges).
    const edges = new Map(edgeRows.map((r) => [r.k, decileEdges(r.q, r.lo, r.hi)]))
    const range = new Map(edgeRows.map((r) => [r.k, [r.lo, r.hi] as const]))
    expect(edges.get('amount_micros')!.every((e) => Math.abs(e) >= 2 ** 53)).toBe(true)
    expect(edges.get('tiny')!.some((e) => e !== 0 && Math.abs(e) < 2.2250738585072014e-308)).toBe(true) // a subnormal edge

    // The window: every edge and bound, and the floats next to them on both sides.
    const values = new Map<string, number[]>()
    for (const k of ['amount_micros', 'tiny']) {
      const around = [...edges.get(k)!, ...range.get(k)!].flatMap((e) => [e, nextFloat(e, true), nextFloat(e, false)])
      values.set(k, around)
    }
    const current = [...values].flatMap(([k, vs]) => vs.map((v, i) => p(`c-${k}-${i}`, w1 + 1000 + i, { features: { [k]: v } })))
    await app.publisher.publishPredictions([...current, p('close', w1 + HOUR + 1000)])
    const report = await app.evaluator.evaluateNow()
    expect(report.evaluated).toBe(3)

    const parts = await queryRows<{ state: string }>(
      app.store,
      `SELECT state FROM {db}.partial_aggregates FINAL WHERE model_id = 'm' AND window_start = fromUnixTimestamp64Milli({t:Int64}) AND kind = 'window'`,
      { t: w1 },
    )
    const quality = new Map(
      (await queryRows<{ feature: string; value: number; n: string }>(
        app.store,
        `SELECT feature, value, n FROM {db}.quality FINAL WHERE model_id = 'm' AND window_start = fromUnixTimestamp64Milli({t:Int64}) AND metric = 'out_of_range_rate'`,
        { t: w1 },
      )).map((r) => [r.feature, r]),
    )
    for (const [k, vs] of values) {
      const e = edges.get(k)!
      const expected = new Array<number>(e.length + 1).fill(0)
      for (const v of vs) expected[binOf(e, v)]! += 1
      const stored = new Array<number>(e.length + 1).fill(0)
      for (const { state } of parts) {
        const counts = (JSON.parse(state) as { numeric: Record<string, number[]> }).numeric[k] ?? []
        counts.forEach((c, i) => (stored[i] = stored[i]! + c))
      }
      expect(stored, k).toEqual(expected)
      const [lo, hi] = range.get(k)!
      expect(quality.get(k), k).toMatchObject({ value: vs.filter((v) => v < lo || v > hi).length / vs.length, n: String(vs.length) })
    }
  })

  it('evaluates the windows after one that fails for good, moves the cursor, runs the alert pass, and retries it', async () => {
    const { app, file } = await start()
    const w = [3, 2, 1].map(windowStart)
    await app.publisher.publishPredictions([...w.flatMap((s, i) => [p(`a-${i}`, s + 1000), p(`b-${i}`, s + 2000)]), p('open', w[2]! + HOUR + 1000)])
    // ClickHouse refuses the second window's summary row (a value it cannot parse): the same
    // rows would be refused on every retry.
    let broken = true
    const store = interceptInserts(app.store, (ins) =>
      broken && ins.table.endsWith('.window_summary') && ins.values[0]?.['window_start'] === clickhouseDateTime64(w[1]!) ? { ...ins, values: ins.values.map((v) => ({ ...v, window_end: 'not a time' })) } : ins,
    )
    let clock = Date.now()
    let passes = 0
    const log = captureLogger()
    const first = evaluator(store, file, { now: () => clock, afterPass: async () => void passes++, logger: log.logger })

    const report = await first.evaluateNow()
    expect(report).toMatchObject({ evaluated: 3, failed: 1 })
    expect([...(await summaries(app.store)).keys()].sort()).toEqual([w[0], w[2], w[2]! + HOUR].sort())
    expect(passes).toBe(1)
    expect(await markCursor(app.store)).toBeGreaterThan(0)
    const failures = log.errors()
    expect(failures).toHaveLength(1)
    expect(failures[0]).toMatchObject({ modelId: 'm', modelVersion: 'v1', windowStart: new Date(w[1]!).toISOString() })

    // Retried with backoff: not on the very next pass, then again once the delay has passed.
    expect(await first.evaluateNow()).toMatchObject({ evaluated: 0, failed: 0 })
    clock += 10 * 60_000
    expect(await first.evaluateNow()).toMatchObject({ evaluated: 0, failed: 1 })
    expect(log.errors()).toHaveLength(2)
    expect(passes).toBe(3)

    // Once ClickHouse takes the rows, another evaluator (a new leader: no memory of the failure)
    // finds the window still due and evaluates it.
    broken = false
    expect(await evaluator(app.store, file).evaluateNow()).toMatchObject({ evaluated: 1, failed: 0 })
    expect((await summaries(app.store)).has(w[1]!)).toBe(true)
    expect(await evaluator(app.store, file).evaluateNow()).toMatchObject({ evaluated: 0 })
  })

  it('still fails the pass when ClickHouse is unavailable, skipping nothing', async () => {
    const { app, file } = await start()
    const w = [3, 2, 1].map(windowStart)
    await app.publisher.publishPredictions([...w.map((s, i) => p(`a-${i}`, s + 1000)), p('open', w[2]! + HOUR + 1000)])
    let down = true
    const store = interceptInserts(app.store, (ins) => {
      if (down && ins.table.endsWith('.window_summary') && ins.values[0]?.['window_start'] === clickhouseDateTime64(w[1]!)) throw refused()
      return ins
    })
    let passes = 0
    const e = evaluator(store, file, { afterPass: async () => void passes++ })
    await expect(e.evaluateNow()).rejects.toThrow(/ECONNREFUSED/)
    expect(passes).toBe(0)
    expect(await markCursor(app.store)).toBe(0)
    expect([...(await summaries(app.store)).keys()]).toEqual([w[0]])
    down = false
    expect(await e.evaluateNow()).toMatchObject({ evaluated: 3, failed: 0 })
    expect(passes).toBe(1)
  })

  it('writes nothing while it may not (a leader whose lease lapsed), failing the pass retriably, and goes on once it may', async () => {
    const { app, file } = await start()
    const w = [3, 2].map(windowStart)
    await app.publisher.publishPredictions([...w.map((s, i) => p(`l-${i}`, s + 1000)), p('l-open', w[1]! + HOUR + 1000)])
    let lease = false
    let passes = 0
    const e = evaluator(app.store, file, { mayWrite: () => lease, afterPass: async () => void passes++ })
    await expect(e.evaluateNow()).rejects.toMatchObject({ code: 'DW_KAFKA_UNAVAILABLE', retriable: true })
    expect(passes).toBe(0)
    expect(await markCursor(app.store)).toBe(0)
    expect((await summaries(app.store)).size).toBe(0)
    lease = true
    // The two closed windows and the open one.
    expect(await e.evaluateNow()).toMatchObject({ evaluated: 3, failed: 0 })
    expect([...(await summaries(app.store)).keys()].sort()).toEqual([...w, w[1]! + HOUR].sort())
    expect(passes).toBe(1)
  })

  it('ends a pass that stop() overtakes after the window in progress, keeping its cursors, so that the next pass finds the rest due', async () => {
    const { app, file } = await start()
    const w = [3, 2, 1].map(windowStart)
    await app.publisher.publishPredictions([...w.map((s, i) => p(`s-${i}`, s + 1000)), p('s-open', w[2]! + HOUR + 1000)])
    const log = captureLogger()
    let passes = 0
    let stopping: Promise<void> | null = null
    // The stop arrives while the first window's results are being written.
    const store = interceptInserts(app.store, (ins) => {
      if (!stopping && ins.table.endsWith('.window_summary')) stopping = e.stop()
      return ins
    })
    const e: Evaluator = evaluator(store, file, { logger: log.logger, afterPass: async () => void passes++ })
    // Three closed windows and the open one are due; one is evaluated.
    expect(await e.evaluateNow()).toMatchObject({ evaluated: 1, failed: 0, notReached: 3 })
    await stopping
    expect((await summaries(app.store)).size).toBe(1)
    expect(await markCursor(app.store)).toBe(0)
    expect(passes).toBe(0)
    expect(log.errors()).toEqual([])
    expect(log.lines.map((l) => l.msg)).toContain('evaluation pass stopped between windows: the evaluator is stopping; the windows not reached stay due')
    expect(await evaluator(app.store, file).evaluateNow()).toMatchObject({ evaluated: 3, failed: 0 })
    expect((await summaries(app.store)).size).toBe(4)
  })

  it('leaves the orphan sweep and the alert pass to the next pass when stop() comes during the last window', async () => {
    const { app, file } = await start()
    const w = windowStart(3)
    await app.publisher.publishPredictions([p('t-0', w + 1000)])
    const log = captureLogger()
    let passes = 0
    let stopping: Promise<void> | null = null
    let sweeps = 0
    const store = interceptQueries(
      interceptInserts(app.store, (ins) => {
        if (!stopping && ins.table.endsWith('.window_summary')) stopping = e.stop()
        return ins
      }),
      (query) => {
        if (query.includes('ORDER BY source_topic, source_partition, source_offset')) sweeps++
      },
    )
    const e: Evaluator = evaluator(store, file, { logger: log.logger, afterPass: async () => void passes++ })
    // One window due: the stop comes while its results are written, after which the pass has
    // nothing left to evaluate and records its cursors.
    expect(await e.evaluateNow()).toMatchObject({ evaluated: 1, failed: 0, orphans: 0 })
    await stopping
    expect(passes).toBe(0)
    expect(sweeps).toBe(0)
    expect(await markCursor(app.store)).toBeGreaterThan(0)
    expect(log.errors()).toEqual([])
    expect(log.lines.map((l) => l.msg)).toContain('alert evaluation skipped: the evaluator is stopping; the next pass runs it')
    // The next pass runs both (and the sweep's query is the one counted above).
    await evaluator(store, file, { afterPass: async () => void passes++ }).evaluateNow()
    expect(passes).toBe(1)
    expect(sweeps).toBe(1)
  })

  it('logs a looping pass whose lease a stop gave up under it as stopped, not as a failure', async () => {
    const { app, file } = await start()
    const w = [3, 2].map(windowStart)
    await app.publisher.publishPredictions([...w.map((s, i) => p(`g-${i}`, s + 1000)), p('g-open', w[1]! + HOUR + 1000)])
    const log = captureLogger()
    let lease = true
    let stopping: Promise<void> | null = null
    // As in a deposition: the lease is gone before the evaluator is told to stop, while a window
    // is being evaluated (its stored version read), so that window fails its fence.
    const store = interceptQueries(app.store, (query) => {
      if (query.includes(withDatabase(storedVersionQuery, app.store.database)) && !stopping) {
        lease = false
        stopping = e.stop()
      }
    })
    const e: Evaluator = evaluator(store, file, { logger: log.logger, mayWrite: () => lease })
    e.start(1)
    await vi.waitFor(() => expect(stopping).not.toBeNull(), { timeout: 30_000 })
    await stopping
    expect((await summaries(app.store)).size).toBe(0)
    expect(log.errors()).toEqual([])
    expect(log.lines.map((l) => l.msg)).toContain('evaluation pass stopped: the evaluator is stopping; its windows stay due')
  })

  it('versions a re-evaluation above what an evaluator with a clock an hour ahead stored', async () => {
    const { app, file } = await start()
    const [w0, w1] = [windowStart(4), windowStart(3)]
    const ahead = () => Date.now() + HOUR
    const label = (id: string, cls = 'yes') => ({ prediction_id: id, label: { class_label: cls, value: null }, label_time: Date.now(), source: 'test' })
    const challenger = { environment: 'production', variant: 'challenger' as const }
    await app.publisher.publishPredictions([
      ...[0, 1, 2, 3].map((i) => p(`a-${i}`, w0 + 1000 + i)),
      ...[0, 1, 2, 3].map((i) => p(`c-${i}`, w0 + 2000 + i, { model_version: 'v2', deployment: challenger })),
      p('next', w1 + 1000, { model_version: 'v3' }), // closes w0 (the watermark is the model's); v1 has no window w1 yet
    ])
    await app.publisher.publishGroundTruth([label('a-0'), label('c-0', 'no')])
    // The previous leader, its clock an hour ahead.
    await evaluator(app.store, file, { now: ahead }).evaluateNow()
    const before = await stateVersion(app.store, w0)
    const comparisonBefore = BigInt((await queryRows<{ v: string }>(app.store, `SELECT toString(max(eval_version)) AS v FROM {db}.comparison WHERE model_id = 'm'`))[0]!.v)
    expect(comparisonBefore).toBeGreaterThan(0n)

    // A late label; this instance's clock is right.
    await app.publisher.publishGroundTruth([label('a-1'), label('c-1')])
    const leader = evaluator(app.store, file)
    expect((await leader.evaluateNow()).evaluated).toBeGreaterThanOrEqual(1)
    expect((await summaries(app.store)).get(w0)).toMatchObject({ labeled: '2' })
    expect(await stateVersion(app.store, w0)).toBeGreaterThan(before)
    expect(await leader.evaluateNow()).toMatchObject({ evaluated: 0 }) // the window's state moved on: not due again
    const comparison = await queryRows<{ v: string; labeled: string }>(
      app.store,
      `SELECT toString(eval_version) AS v, toString(n_champion) AS labeled FROM {db}.comparison FINAL WHERE model_id = 'm' AND window_start = fromUnixTimestamp64Milli({t:Int64}) AND metric = 'accuracy'`,
      { t: w0 },
    )
    expect(comparison).toHaveLength(1)
    expect(BigInt(comparison[0]!.v)).toBeGreaterThan(comparisonBefore)
    expect(comparison[0]!.labeled).toBe('2')

    // The detectors' state (one row per model version and detector, replaced by the replay the
    // late label caused) moves on with the next closed window, in the first evaluation of an
    // evaluator that has not evaluated anything yet (its window has no stored version).
    await app.publisher.publishPredictions([p('b-0', w1 + 2000), p('after', w1 + HOUR + 1000)])
    await app.publisher.publishGroundTruth([label('b-0')])
    await evaluator(app.store, file).evaluateNow()
    const w1Version = await stateVersion(app.store, w1)
    const detectors = await queryRows<{ v: string; state: string }>(app.store, `SELECT toString(eval_version) AS v, state FROM {db}.detector_state FINAL WHERE model_id = 'm' AND model_version = 'v1'`)
    expect(detectors.length).toBeGreaterThan(0)
    for (const d of detectors) {
      expect(BigInt(d.v)).toBe(w1Version)
      expect((JSON.parse(d.state) as { fedUntilMs: number }).fedUntilMs).toBe(w1 + HOUR)
    }
  })

  // The previous leader, its clock an hour ahead, died while storing the window: after all its
  // rows but the window's state, or with some rows stored and the first ones it wrote missing.
  it.each([
    ['after all its rows', ['window_state']],
    ['before the rows it writes first', ['dataset_drift', 'window_summary', 'partial_aggregates']],
  ])('versions an evaluation above the rows a half-written one left behind (it died %s)', async (_when, failing) => {
    const { app, file } = await start()
    const w0 = windowStart(4)
    const x = (i: number) => ({ features: { x: i, kind: i % 2 ? 'odd' : 'even' } })
    await app.publisher.publishPredictions([
      ...[0, 1, 2, 3].map((i) => p(`r-${i}`, w0 - HOUR + 1000 + i, x(i))), // the reference: the previous window
      ...[0, 1, 2, 3].map((i) => p(`a-${i}`, w0 + 1000 + i, x(i + 1))), // open: no detectors, whose state would carry the version
    ])
    const lost = interceptInserts(app.store, (ins) => {
      if (failing.some((t) => ins.table.endsWith(`.${t}`)) && ins.values[0]?.['window_start'] === clickhouseDateTime64(w0)) throw refused()
      return ins
    })
    await expect(evaluator(lost, file, { now: () => Date.now() + HOUR }).evaluateNow()).rejects.toThrow(/ECONNREFUSED/)

    await app.publisher.publishGroundTruth([{ prediction_id: 'a-0', label: { class_label: 'yes', value: null }, label_time: Date.now(), source: 'test' }])
    await evaluator(app.store, file).evaluateNow()
    const version = await stateVersion(app.store, w0)
    expect(version).toBeGreaterThan(0n)
    // Every row this evaluation wrote is the one FINAL keeps for its key.
    for (const table of ['window_summary', 'dataset_drift', 'drift', 'performance', 'quality', 'partial_aggregates']) {
      const at = `model_id = 'm' AND model_version = 'v1' AND window_start = fromUnixTimestamp64Milli({t:Int64}) AND eval_version = {v:UInt64}`
      const written = await count(app.store, `SELECT count() AS c FROM {db}.${table} WHERE ${at}`, { t: w0, v: version })
      expect(written, table).toBeGreaterThan(0)
      expect(await count(app.store, `SELECT count() AS c FROM {db}.${table} FINAL WHERE ${at}`, { t: w0, v: version }), table).toBe(written)
    }
    expect((await summaries(app.store)).get(w0)).toMatchObject({ labeled: '1' })
  })

  it('versions a detector replay stored on its own (driftwatch recompute) above the stored detector state', async () => {
    const { app } = await start()
    const run = (state: string) => ({
      rows: [],
      states: [{ model_id: 'm', model_version: 'v1', detector: 'adwin', state, drift_detected: 0, detections: [] }],
      checkpoints: [{ model_id: 'm', model_version: 'v1', detector: 'adwin', window_start: clickhouseDateTime64(0), window_end: clickhouseDateTime64(HOUR), digest: state, state, row: '{}' }],
      marks: [],
    })
    await writeDetectorRun(app.store, run('{"by":"ahead"}'), Date.now() + HOUR, 'm:v1')
    await writeDetectorRun(app.store, run('{"by":"now"}'), Date.now(), 'm:v1')
    expect(await queryRows(app.store, `SELECT state FROM {db}.detector_state FINAL WHERE model_id = 'm'`)).toEqual([{ state: '{"by":"now"}' }])
    expect(await queryRows(app.store, `SELECT digest FROM {db}.detector_checkpoints FINAL WHERE model_id = 'm'`)).toEqual([{ digest: '{"by":"now"}' }])
  })

  it('reads the stored version of a window on primary keys, whatever the history', async () => {
    const { app } = await start()
    const db = app.store.database
    const base = windowStart(24 * 10)
    const N = 60_000
    const v0 = Date.now() - N // versions are times: the tables' TTLs count from them (src/store/retention.ts)
    // History: N other windows of the model version in each table read, and the window itself.
    const windowRows = (table: string, columns: string, values: string) =>
      app.store.client.command({ query: `INSERT INTO ${db}.${table} (model_id, model_version, window_start, ${columns}, eval_version)
                                         SELECT 'm', 'v1', fromUnixTimestamp64Milli(toInt64(${base} + number * ${HOUR})), ${values}, ${v0} + number FROM numbers(${N})` })
    await windowRows('dataset_drift', 'window_end', `fromUnixTimestamp64Milli(toInt64(${base} + (number + 1) * ${HOUR}))`)
    await windowRows('window_summary', 'window_end', `fromUnixTimestamp64Milli(toInt64(${base} + (number + 1) * ${HOUR}))`)
    await windowRows('partial_aggregates', 'partition, kind, key, state', `0, 'window', '', '{}'`)
    await app.store.client.command({ query: `INSERT INTO ${db}.detector_state (model_id, model_version, detector, state, eval_version) SELECT 'm', 'v' || toString(number), 'adwin', '{}', ${v0} + number FROM numbers(${N})` })
    const w = { modelId: 'm', modelVersion: 'v1', startMs: base + 1234 * HOUR }
    expect((await storedWindowEvaluation(app.store, w)).version).toBe(v0 + 1234)
    expect((await storedWindowEvaluation(app.store, { ...w, modelVersion: 'none', startMs: base - HOUR })).version).toBe(0)
    const result = await app.store.client.query({ query: withDatabase(storedVersionQuery, db), query_params: storedVersionParams(w), format: 'JSON' })
    const body = await result.json<{ v: string }>()
    // A few granules (8,192 rows) per table, far from the 4 x 60,000 stored.
    expect(Number(body.statistics?.rows_read)).toBeLessThanOrEqual(8 * 8192)
  })
})
