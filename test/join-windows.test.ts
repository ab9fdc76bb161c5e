/**
 * The join and event-time windows on real Kafka: a label weeks late re-evaluates its window, a
 * label before its prediction is held, an orphan label is dead-lettered, and duplicate labels
 * count once with the newest label_time winning. The join index is disabled (size 0), so every
 * label is resolved by the batched ClickHouse lookup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import type { GroundTruthEvent } from '../src/ingest/schemas.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOUR = 3_600_000
const now = Date.now()
const w1 = Math.floor((now - 25 * 24 * HOUR) / HOUR) * HOUR // a window 25 days ago
const label = (id: string, cls: string, labelTime: number): GroundTruthEvent => ({ prediction_id: id, label: { class_label: cls, value: null }, label_time: labelTime, source: 'test' })

describe('join and windows', () => {
  const config = testConfig()
  const file = parseFileConfig(
    `models:\n  - id: m\n    window: 1h\n    allowedLateness: 0s\n    positiveClass: yes\n    protected: [group]\njoin: { indexSize: 0, orphanAfter: 3s }\n`,
    'test.yaml',
  )
  let app: App
  const stored = (table: string) => count(app.store, `SELECT count() AS c FROM {db}.${table} FINAL`)
  const summary = (startMs: number) =>
    queryRows<{ predictions: string; labeled: string; eval_version: string }>(
      app.store,
      `SELECT predictions, labeled, eval_version FROM {db}.window_summary FINAL WHERE model_id = 'm' AND window_start = fromUnixTimestamp64Milli({t:Int64})`,
      { t: startMs },
    ).then((r) => r[0])

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false })
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('re-evaluates a window when a label arrives weeks after its prediction', async () => {
    const p = (id: string, t: number) => prediction({ prediction_id: id, model_id: 'm', event_time: t, prediction: { class_label: 'yes', score: 0.9, probabilities: null, value: null } })
    await app.publisher.publishPredictions([p('late-1', w1 + 1000), p('late-2', w1 + 2000), p('next-1', w1 + HOUR + 1000)])
    await waitFor(() => stored('predictions'), (c) => c === 3, { what: 'predictions stored' })
    await app.evaluator.evaluateNow()
    const first = await summary(w1)
    expect(first).toMatchObject({ predictions: '2', labeled: '0' })

    await app.publisher.publishGroundTruth([label('late-1', 'yes', now - 1000)])
    await waitFor(() => stored('ground_truth'), (c) => c === 1, { what: 'label stored' })
    await waitFor(async () => (await app.evaluator.evaluateNow(), summary(w1)), (s) => s?.labeled === '1', { what: 'window re-evaluated' })
    const second = await summary(w1)
    expect(Number(second!.eval_version)).toBeGreaterThan(Number(first!.eval_version))
    const [perf] = await queryRows<{ value: number; label_coverage: number }>(
      app.store,
      `SELECT value, label_coverage FROM {db}.performance FINAL WHERE model_id = 'm' AND variant = 'all' AND metric = 'accuracy' AND kind = 'realized' AND window_start = fromUnixTimestamp64Milli({t:Int64})`,
      { t: w1 },
    )
    expect(perf).toEqual({ value: 1, label_coverage: 0.5 })
  })

  it('holds a label that arrives before its prediction, and joins it when the prediction comes', async () => {
    const t = w1 + 3 * HOUR + 5000
    await app.publisher.publishGroundTruth([label('early-1', 'no', now - 500)])
    await waitFor(() => stored('ground_truth'), (c) => c === 2, { what: 'early label stored' })
    await app.evaluator.evaluateNow()
    await app.publisher.publishPredictions([prediction({ prediction_id: 'early-1', model_id: 'm', event_time: t })])
    await waitFor(async () => (await app.evaluator.evaluateNow(), summary(w1 + 3 * HOUR)), (s) => s?.labeled === '1', { what: 'held label joined' })
  })

  it('counts a duplicate label once, keeping the newest label_time', async () => {
    const t = w1 + 5 * HOUR + 1000
    await app.publisher.publishPredictions([prediction({ prediction_id: 'dup-1', model_id: 'm', event_time: t })])
    await app.publisher.publishGroundTruth([label('dup-1', 'no', now - 100), label('dup-1', 'yes', now - 5000)])
    await waitFor(async () => (await app.evaluator.evaluateNow(), summary(w1 + 5 * HOUR)), (s) => s?.labeled === '1', { what: 'duplicate label joined' })
    const [g] = await queryRows<{ label_class: string; c: string }>(app.store, `SELECT any(label_class) AS label_class, count() AS c FROM {db}.ground_truth FINAL WHERE prediction_id = 'dup-1'`)
    expect(g).toEqual({ label_class: 'no', c: '1' })
  })

  it('dead-letters a label whose prediction never arrives, once, with DW_ORPHAN_LABEL', async () => {
    await app.publisher.publishGroundTruth([label('never-1', 'yes', now - 100)])
    await waitFor(() => stored('ground_truth'), (c) => c === 4, { what: 'orphan label stored' })
    await new Promise((r) => setTimeout(r, 3500))
    await waitFor(async () => (await app.evaluator.evaluateNow(), count(app.store, `SELECT count() AS c FROM {db}.dead_letters FINAL WHERE error_code = 'DW_ORPHAN_LABEL'`)), (c) => c === 1, { what: 'orphan dead letter' })
    await app.evaluator.evaluateNow()
    expect(await count(app.store, `SELECT count() AS c FROM {db}.dead_letters WHERE error_code = 'DW_ORPHAN_LABEL'`)).toBe(1)

    const consumer = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).consumer({ groupId: `${config.kafka!.groupId}-dlq-reader` })
    await consumer.connect()
    await consumer.subscribe({ topic: `${config.topics.groundTruth}.dlq`, fromBeginning: true })
    const seen: { key: string; code: string }[] = []
    await consumer.run({ eachMessage: async ({ message }) => void seen.push({ key: message.key!.toString(), code: message.headers!['dw.error.code']!.toString() }) })
    await waitFor(async () => seen.length, (n) => n >= 1, { what: 'orphan on the DLQ topic' })
    await consumer.disconnect()
    expect(seen).toEqual([{ key: 'never-1', code: 'DW_ORPHAN_LABEL' }])
  })

  it('re-evaluates a closed window under a new version when a late prediction arrives, dropping nothing', async () => {
    const w0 = w1 - 5 * HOUR
    // The second prediction moves the watermark past w0 (allowedLateness 0s): w0 is closed when evaluated.
    await app.publisher.publishPredictions([prediction({ prediction_id: 'lp-1', model_id: 'm', event_time: w0 + 1000 }), prediction({ prediction_id: 'lp-2', model_id: 'm', event_time: w0 + 2 * HOUR + 1000 })])
    await waitFor(async () => (await app.evaluator.evaluateNow(), summary(w0)), (s) => s?.predictions === '1', { what: 'w0 evaluated' })
    const [closed] = await queryRows<{ closed: number }>(app.store, `SELECT closed FROM {db}.window_summary FINAL WHERE model_id = 'm' AND window_start = fromUnixTimestamp64Milli({t:Int64})`, { t: w0 })
    expect(closed).toEqual({ closed: 1 })
    const first = await summary(w0)

    await app.publisher.publishPredictions([prediction({ prediction_id: 'lp-late', model_id: 'm', event_time: w0 + 5000 })])
    await waitFor(async () => (await app.evaluator.evaluateNow(), summary(w0)), (s) => s?.predictions === '2', { what: 'w0 re-evaluated with the late prediction' })
    expect(Number((await summary(w0))!.eval_version)).toBeGreaterThan(Number(first!.eval_version))
    expect(await count(app.store, `SELECT count() AS c FROM {db}.dead_letters WHERE source_topic = {t:String}`, { t: config.topics.predictions })).toBe(0)
  })
})

/**
 * A label later than join.horizon after its prediction (a backfill) counts as docs/evaluation.md
 * says ("however old"), whichever path finds its prediction: the in-memory index, or, after a
 * restart emptied it, the ClickHouse lookup (regression: the lookup was bounded by the horizon and
 * left the label with no window mark, while the index ignored the horizon).
 */
describe('a label more than join.horizon after its prediction', () => {
  const config = testConfig({ partitions: 1 })
  const file = parseFileConfig(`models:\n  - id: m\n    window: 1h\n    allowedLateness: 0s\n    positiveClass: yes\njoin: { horizon: 1h }\n`, 'test.yaml')
  let app: App | undefined
  const start = () => startApp(config, createLogger(config.logLevel), { file, evaluate: false })
  const labeled = (startMs: number) =>
    queryRows<{ labeled: string }>(app!.store, `SELECT labeled FROM {db}.window_summary FINAL WHERE model_id = 'm' AND window_start = fromUnixTimestamp64Milli({t:Int64})`, { t: startMs }).then((r) => r[0]?.labeled)
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  it('re-evaluates the prediction window from the index and from the store alike', async () => {
    const w = Math.floor((now - 10 * HOUR) / HOUR) * HOUR
    const p = (id: string, t: number) => prediction({ prediction_id: id, model_id: 'm', event_time: t, prediction: { class_label: 'yes', score: 0.9, probabilities: null, value: null } })
    app = await start()
    await app.publisher.publishPredictions([p('hz-index', w + 1000), p('hz-store', w + HOUR + 1000), p('hz-next', w + 2 * HOUR + 1000)])
    await waitFor(() => count(app!.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 3, { what: 'predictions stored' })
    await app.evaluator.evaluateNow()
    expect([await labeled(w), await labeled(w + HOUR)]).toEqual(['0', '0'])

    // The prediction is in the index: found there.
    await app.publisher.publishGroundTruth([label('hz-index', 'yes', w + 1000 + 2 * HOUR)])
    await waitFor(async () => (await app!.evaluator.evaluateNow(), labeled(w)), (l) => l === '1', { what: 'label via the index counted', timeoutMs: 20_000 })
    // Until nothing is due (the detectors' replay marks the next window), so only the label's own mark can re-evaluate it.
    await waitFor(async () => (await app!.evaluator.evaluateNow()).evaluated, (n) => n === 0, { what: 'nothing due' })

    // After a restart the index is empty: found by the lookup, 2 h after its prediction.
    await app.stop()
    app = await start()
    await app.publisher.publishGroundTruth([label('hz-store', 'yes', w + HOUR + 1000 + 2 * HOUR)])
    await waitFor(() => count(app!.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === 2, { what: 'label stored' })
    await waitFor(async () => (await app!.evaluator.evaluateNow(), labeled(w + HOUR)), (l) => l === '1', { what: 'label via the lookup counted', timeoutMs: 20_000 })
  })
})
