/**
 * Right to erasure on real Kafka and ClickHouse: a subject's predictions (stored pseudonymized),
 * their labels and the dead letters keyed by their prediction ids are deleted and counted per
 * table; other subjects' rows stay; the windows that counted the subject are re-marked, and
 * their next evaluation no longer counts it. A second run finds nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { pseudonymizedSubjectKey, runErase } from '../src/cli/erase.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { loadFileConfig } from '../src/config/file.js'
import { Evaluator } from '../src/evaluate/evaluator.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import { createLogger } from '../src/observability/logger.js'
import { createPseudonymizer } from '../src/store/pseudonymize.js'
import { windowStart } from '../src/window/windows.js'
import { testConfig, dropTestResources, TEST_PSEUDONYMIZATION_KEY } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const DAY = 86_400_000
const d1 = Math.floor(Date.now() / DAY) * DAY - 5 * DAY
const d2 = d1 + DAY

describe('driftwatch erase --subject', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-erase-'))
  const configFile = join(dir, 'driftwatch.yaml')
  writeFileSync(configFile, 'models:\n  - id: loan-approval\n    window: 1d\n    positiveClass: approve\n    reference: { previousWindows: 1 }\n')
  const config: RuntimeConfig = { ...testConfig({ partitions: 2 }), configFile }
  const kafka = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING })
  let app: App
  const erase = async (subject: string, dryRun = false) => {
    const out: string[] = []
    const err: string[] = []
    // The app holds the chDB directory: erase shares its client (and must not close it).
    const code = await runErase(config, { subject, dryRun }, {
      subjectKey: pseudonymizedSubjectKey(config),
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      openStore: () => ({ ...app.store, close: async () => undefined }),
    })
    return { code, out, err }
  }
  const ids = async (table: string) => (await queryRows<{ id: string }>(app.store, `SELECT prediction_id AS id FROM {db}.${table} FINAL ORDER BY id`)).map((r) => r.id)
  const deadKeys = async () => (await queryRows<{ k: string }>(app.store, 'SELECT raw_key_base64 AS k FROM {db}.dead_letters ORDER BY k')).map((r) => Buffer.from(r.k, 'base64').toString())
  const summary = async () =>
    (
      await queryRows<{ ws: string; predictions: string }>(
        app.store,
        'SELECT toUnixTimestamp64Milli(window_start) AS ws, predictions FROM {db}.window_summary FINAL ORDER BY window_start',
      )
    ).map((r) => [Number(r.ws), Number(r.predictions)])

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file: loadFileConfig(configFile), evaluate: false })
    await app.publisher.publishPredictions([
      prediction({ prediction_id: 'a-1', event_time: d1 + 3_600_000, subject_id: 'alice' }),
      prediction({ prediction_id: 'a-2', event_time: d1 + 7_200_000, subject_id: 'alice' }),
      prediction({ prediction_id: 'b-1', event_time: d1 + 3_600_000, subject_id: 'bob' }),
      prediction({ prediction_id: 'n-1', event_time: d1 + 3_600_000, subject_id: null }),
      prediction({ prediction_id: 'a-3', event_time: d2 + 3_600_000, subject_id: 'alice' }),
      prediction({ prediction_id: 'b-2', event_time: d2 + 3_600_000, subject_id: 'bob' }),
    ])
    await app.publisher.publishGroundTruth(
      ['a-1', 'a-3', 'b-1'].map((id) => ({ prediction_id: id, label: { class_label: 'approve', value: null }, label_time: d2 + 7_200_000, source: 'test' })),
    )
    // Records that fail to decode, keyed by an id of each subject: dead letters with raw_key_base64.
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: config.topics.groundTruth, acks: -1, messages: ['a-2', 'b-2'].map((key) => ({ key, value: Buffer.from('not avro') })) })
    await producer.disconnect()
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 6, { what: 'the predictions stored' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === 3, { what: 'the labels stored' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.dead_letters'), (c) => c === 2, { what: 'the dead letters stored' })
    await app.evaluator.evaluateNow()
  })

  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
    rmSync(dir, { recursive: true, force: true })
  })

  it('stores subject ids pseudonymized, and the evaluation counted alice', async () => {
    expect(await count(app.store, "SELECT count() AS c FROM {db}.predictions WHERE subject_id IN ('alice', 'bob')")).toBe(0)
    expect(await summary()).toEqual([
      [d1, 4],
      [d2, 2],
    ])
  })

  it('--dry-run counts per table and deletes nothing', async () => {
    const { code, out } = await erase('alice', true)
    expect(code).toBe(0)
    expect(out.slice(1)).toEqual([
      '  predictions   would delete 3 row(s)', '  ground_truth  would delete 2 row(s)', '  dead_letters  would delete 1 row(s)',
      expect.stringMatching(/^ {2}derived {7}would delete [1-9]\d* partial aggregate row\(s\); would rewrite 0 baseline profile\(s\) and 0 drift row\(s\)/),
      '  2 window(s) would be marked for re-evaluation',
    ])
    expect(out.join('\n')).not.toContain('alice')
    expect(await ids('predictions')).toHaveLength(6)
  })

  it("deletes every row of the subject in every table, reports the counts, and keeps everyone else's", async () => {
    const { code, out } = await erase('alice')
    expect(code).toBe(0)
    expect(out[0]).toMatch(/^subject with 3 prediction id\(s\) in /)
    expect(out.slice(1, 4)).toEqual(['  predictions   deleted 3 row(s)', '  ground_truth  deleted 2 row(s)', '  dead_letters  deleted 1 row(s)'])
    expect(await ids('predictions')).toEqual(['b-1', 'b-2', 'n-1'])
    expect(await ids('ground_truth')).toEqual(['b-1'])
    expect(await deadKeys()).toEqual(['b-2'])
    // Not hidden behind FINAL only: no stored copy is left.
    expect(await count(app.store, "SELECT count() AS c FROM {db}.predictions WHERE prediction_id LIKE 'a-%'")).toBe(0)
  })

  it('re-marks the windows that counted the subject, and their next evaluation no longer does', async () => {
    // Each window is marked twice, before the deletes and after them (src/store/erase.ts).
    const marks = await queryRows<{ ws: string; window_ms: string }>(app.store, "SELECT DISTINCT toUnixTimestamp64Milli(window_start) AS ws, window_ms FROM {db}.window_marks WHERE reason = 'erasure' ORDER BY ws")
    expect(marks.map((m) => [Number(m.ws), Number(m.window_ms)])).toEqual([
      [d1, DAY],
      [d2, DAY],
    ])
    const { evaluated } = await app.evaluator.evaluateNow()
    expect(evaluated).toBe(2)
    expect(await summary()).toEqual([
      [d1, 2],
      [d2, 1],
    ])
  })

  it('is idempotent: a second run finds nothing and succeeds', async () => {
    const { code, out } = await erase('alice')
    expect(code).toBe(0)
    expect(out.slice(0, 4)).toEqual([expect.stringMatching(/^subject with 0 prediction id\(s\)/), '  predictions   deleted 0 row(s)', '  ground_truth  deleted 0 row(s)', '  dead_letters  deleted 0 row(s)'])
  })

  it('refuses an empty subject (exit 2)', async () => {
    const { code, err } = await erase('  ')
    expect(code).toBe(2)
    expect(err).toEqual(['driftwatch: DW_CONFIG_INVALID: --subject must not be empty'])
  })
})

/**
 * An erase that fails part-way, run again, and an erase beside a running evaluator (regressions):
 * - the window marks used to be written after the predictions' delete: an erase that failed there
 *   said "safe to run again", but the run again found no predictions, marked nothing, and the
 *   windows kept counting the subject;
 * - with a fixed `reference: { from, to }` the evaluator reuses a loaded reference for 60 s: the
 *   windows the erasure marked were evaluated within seconds against a cached reference that still
 *   held the subject, and the marks were consumed.
 */
describe('erase interrupted, or beside a running evaluator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-erase-'))
  const configFile = join(dir, 'driftwatch.yaml')
  const iso = (ms: number) => new Date(ms).toISOString()
  writeFileSync(
    configFile,
    'models:\n' +
      '  - id: roll\n    window: 1d\n    positiveClass: approve\n    reference: { previousWindows: 1 }\n' +
      `  - id: fixed\n    window: 1d\n    positiveClass: approve\n    reference: { from: "${iso(d1)}", to: "${iso(d2)}" }\n`,
  )
  const config: RuntimeConfig = { ...testConfig({ partitions: 1 }), configFile }
  const file = loadFileConfig(configFile)
  let app: App
  let clock = Date.now()
  const evaluator = () => new Evaluator({ store: app.store, file, deadLetters: createDeadLetterSink(app.store, null), logger: createLogger('silent'), now: () => clock })
  const untilIdle = async (e: Evaluator) => {
    for (let pass = 0; pass < 10; pass++) if ((await e.tick()).evaluated === 0) return
    throw new Error('windows still due after 10 passes')
  }
  /** The app's store, whose `n`-th insert into window_marks (counted from now) fails as a refused connection does. */
  const failingMarks = (n: number) => {
    let inserts = 0
    const client = new Proxy(app.store.client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown
        if (prop !== 'insert' || typeof value !== 'function') return value
        return (params: { table: string }) =>
          params.table.endsWith('.window_marks') && ++inserts === n
            ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123 (injected)'), { code: 'ECONNREFUSED' }))
            : (value as (p: unknown) => unknown).call(target, params)
      },
    })
    return { ...app.store, client, close: async () => undefined }
  }
  const erase = (subject: string, store = { ...app.store, close: async () => undefined }) =>
    runErase(config, { subject }, { subjectKey: pseudonymizedSubjectKey(config), out: () => undefined, err: () => undefined, openStore: () => store })
  const predictions = async (model: string, startMs: number) =>
    (await queryRows<{ n: string }>(app.store, `SELECT predictions AS n FROM {db}.window_summary FINAL WHERE model_id = {m:String} AND window_start = fromUnixTimestamp64Milli({t:Int64})`, { m: model, t: startMs }))[0]?.n
  const driftRows = (model: string, startMs: number) =>
    queryRows<Record<string, unknown>>(
      app.store,
      `SELECT * EXCEPT (eval_version) FROM {db}.drift FINAL WHERE model_id = {m:String} AND window_start = fromUnixTimestamp64Milli({t:Int64}) ORDER BY target, column`,
      { m: model, t: startMs },
    )

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false })
    const p = (id: string, model: string, t: number, subject: string | null, income: number) =>
      prediction({ prediction_id: id, model_id: model, event_time: t, subject_id: subject, features: { income, employment: 'salaried', has_guarantor: true, debt_ratio: null } })
    await app.publisher.publishPredictions([
      p('r-carol', 'roll', d1 + 3_600_000, 'carol', 10),
      p('r-cathy', 'roll', d1 + 3_600_000, 'cathy', 20),
      p('r-dan', 'roll', d1 + 3_600_000, 'dan', 30),
      p('r-dan-2', 'roll', d2 + 3_600_000, 'dan', 40),
      // The fixed reference period [d1, d2): eve's income stands out.
      p('f-eve', 'fixed', d1 + 3_600_000, 'eve', 1_000_000),
      ...[1, 2, 3].map((i) => p(`f-frank-${i}`, 'fixed', d1 + 3_600_000 + i, 'frank', 50 + i)),
      ...[1, 2, 3].map((i) => p(`f-frank-w${i}`, 'fixed', d2 + 3_600_000 + i, 'frank', 60 + i)),
    ])
    // The marks are written just after the predictions: evaluate until all four windows are.
    const first = evaluator()
    await waitFor(async () => (await first.tick(), count(app.store, 'SELECT count() AS c FROM {db}.window_summary FINAL')), (c) => c === 4, { what: 'the windows evaluated' })
    await untilIdle(first)
  })

  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
    rmSync(dir, { recursive: true, force: true })
  })

  it.each([
    ['carol', 1],
    ['cathy', 2],
  ])('an erase of %s that fails at its window_marks insert #%i, run again, leaves the windows not counting the subject', async (subject, n) => {
    const before = Number(await predictions('roll', d1))
    await erase(subject, failingMarks(n)).catch((e: unknown) => expect(e).toMatchObject({ code: 'DW_CLICKHOUSE_UNAVAILABLE', retriable: true }))
    expect(await erase(subject)).toBe(0)
    await untilIdle(evaluator())
    expect(Number(await predictions('roll', d1))).toBe(before - 1)
  })

  it('an erase within the reference cache time: the windows it marks are evaluated as a fresh evaluator would', async () => {
    const running = evaluator()
    clock += 1000
    // A new prediction in the window: evaluating it loads and caches the fixed reference, eve's included.
    await app.publisher.publishPredictions([prediction({ prediction_id: 'f-frank-w4', model_id: 'fixed', event_time: d2 + 7_200_000, subject_id: 'frank' })])
    await waitFor(async () => (await running.tick(), predictions('fixed', d2)), (n) => n === '4', { what: 'the window evaluated with its new prediction' })
    await untilIdle(running)
    clock += 10_000
    expect(await erase('eve')).toBe(0)
    clock += 10_000 // well within the 60 s the reference is reused
    await untilIdle(running)
    const afterErase = await driftRows('fixed', d2)
    expect(afterErase.find((r) => r['column'] === 'income')).toMatchObject({ n_reference: '3' })

    clock += 1000
    const [state] = await queryRows<{ closed: number }>(app.store, `SELECT closed FROM {db}.window_summary FINAL WHERE model_id = 'fixed' AND window_start = fromUnixTimestamp64Milli({t:Int64})`, { t: d2 })
    await evaluator().evaluateWindow({ modelId: 'fixed', modelVersion: 'v1', startMs: d2, windowMs: DAY, lastMarkMs: clock, closed: state!.closed === 1, closing: false })
    expect(await driftRows('fixed', d2)).toEqual(afterErase)
  })
})

/**
 * A prediction id re-sent with another subject (regressions). Re-sending an id stores a new
 * version and the newest wins (`predictions FINAL`), but the older versions stay stored until a
 * merge. The erasure used to delete only the rows naming the subject, and the labels of every id
 * they held:
 * - pA sent without a subject, then re-sent naming alice: erasing alice left the older version,
 *   which then won, so her prediction and its features kept counting;
 * - pB sent naming bob, then corrected to carol and labelled: erasing bob deleted carol's label.
 */
describe('erase a prediction id re-sent with another subject', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-erase-'))
  const configFile = join(dir, 'driftwatch.yaml')
  writeFileSync(configFile, 'models:\n  - id: loan-approval\n    window: 1d\n    positiveClass: approve\n    reference: { previousWindows: 1 }\n')
  const config: RuntimeConfig = { ...testConfig({ partitions: 1 }), configFile }
  const pseudonym = createPseudonymizer(TEST_PSEUDONYMIZATION_KEY)
  const t = d1 + 3_600_000
  // 40 days earlier is another month: another partition of predictions, never merged with t's.
  const earlier = t - 40 * DAY
  let app: App
  const erase = async (subject: string) => {
    const out: string[] = []
    const code = await runErase(config, { subject }, { subjectKey: pseudonymizedSubjectKey(config), out: (l) => out.push(l), err: () => undefined, openStore: () => ({ ...app.store, close: async () => undefined }) })
    return { code, out }
  }
  const stored = () => count(app.store, 'SELECT count() AS c FROM {db}.predictions')
  const current = async () =>
    (
      await queryRows<{ id: string; income: number; subject: string | null }>(
        app.store,
        "SELECT prediction_id AS id, features_num['income'] AS income, subject_id AS subject FROM {db}.predictions FINAL ORDER BY id",
      )
    ).map((r) => [r.id, r.income, r.subject])
  const summary = async () =>
    (await queryRows<{ ws: string; n: string }>(app.store, 'SELECT toUnixTimestamp64Milli(window_start) AS ws, predictions AS n FROM {db}.window_summary FINAL ORDER BY window_start')).map((r) => [Number(r.ws), Number(r.n)])

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file: loadFileConfig(configFile), evaluate: false })
    // Keep every version a row of its own, as it is between merges.
    await app.store.client.command({ query: `ALTER TABLE ${app.store.database}.predictions MODIFY SETTING max_parts_to_merge_at_once = 1` })
    const p = (id: string, eventTime: number, subject: string | null, income: number) => prediction({ prediction_id: id, event_time: eventTime, subject_id: subject, features: { income, employment: 'salaried', has_guarantor: true, debt_ratio: null } })
    // One version after the other, each stored before the next is sent: the later one is the newer.
    const versions = [p('n-1', t, null, 100), p('pA', t, null, 111), p('pA', t, 'alice', 111), p('pB', t, 'bob', 222), p('pB', t, 'carol', 222), p('pC', earlier, null, 333), p('pC', t, 'alice', 333)]
    for (const [i, v] of versions.entries()) {
      await app.publisher.publishPredictions([v])
      await waitFor(stored, (c) => c === i + 1, { what: `prediction version ${i + 1} stored` })
    }
    await app.publisher.publishGroundTruth([{ prediction_id: 'pB', label: { class_label: 'approve', value: null }, label_time: t + 7_200_000, source: 'test' }])
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth'), (c) => c === 1, { what: 'the label stored' })
    await app.evaluator.evaluateNow()
  })

  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
    rmSync(dir, { recursive: true, force: true })
  })

  it('the newest version of each id wins, and the older ones are still stored', async () => {
    expect(await stored()).toBe(7)
    expect(await current()).toEqual([
      ['n-1', 100, null],
      ['pA', 111, pseudonym('alice')],
      ['pB', 222, pseudonym('carol')],
      ['pC', 333, pseudonym('alice')],
    ])
    // pC's older version counts in the window of its own event time.
    expect(await summary()).toEqual([
      [windowStart(earlier, DAY), 1],
      [d1, 4],
    ])
  })

  it("erasing alice deletes every version of the ids whose newest version names her, in every partition", async () => {
    const { code, out } = await erase('alice')
    expect(code).toBe(0)
    expect(await count(app.store, "SELECT count() AS c FROM {db}.predictions WHERE prediction_id IN ('pA', 'pC')")).toBe(0)
    expect(await current()).toEqual([
      ['n-1', 100, null],
      ['pB', 222, pseudonym('carol')],
    ])
    // Every deleted version counted.
    expect(out.slice(0, 4)).toEqual([expect.stringMatching(/^subject with 2 prediction id\(s\) in /), '  predictions   deleted 4 row(s)', '  ground_truth  deleted 0 row(s)', '  dead_letters  deleted 0 row(s)'])
  })

  it("erasing bob deletes his older version of carol's prediction and keeps her prediction and her label", async () => {
    const { code, out } = await erase('bob')
    expect(code).toBe(0)
    expect(await count(app.store, "SELECT count() AS c FROM {db}.ground_truth WHERE prediction_id = 'pB'")).toBe(1)
    expect(await current()).toEqual([
      ['n-1', 100, null],
      ['pB', 222, pseudonym('carol')],
    ])
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.predictions WHERE subject_id = {s:String}', { s: pseudonym('bob') })).toBe(0)
    expect(out.slice(0, 4)).toEqual([
      expect.stringMatching(/^subject with 0 prediction id\(s\) in /),
      '  predictions   deleted 1 row(s), 1 of them older version(s) of 1 prediction id(s) now naming another subject (kept, with their labels)',
      '  ground_truth  deleted 0 row(s)',
      '  dead_letters  deleted 0 row(s)',
    ])
  })

  it('the windows where a deleted version counted are evaluated again without it', async () => {
    await app.evaluator.evaluateNow()
    expect(await summary()).toEqual([
      [windowStart(earlier, DAY), 0],
      [d1, 2],
    ])
  })
})
