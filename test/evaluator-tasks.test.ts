/**
 * The streaming evaluator honors the model's task, on real Kafka + ClickHouse: a multiclass
 * model gets accuracy and macro/weighted precision, recall and F1 from the confusion matrix over
 * class labels; a regression model gets mae, rmse, mape and r2 from per-partition SQL sums.
 * The stored rows must equal src/metrics/performance computed directly on the same pairs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createRng } from '../src/demo/random.js'
import type { GroundTruthEvent, PredictionEvent } from '../src/ingest/schemas.js'
import { accuracy, confusionMatrix, f1, precision, recall, regressionMetrics } from '../src/metrics/performance/index.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOUR = 3_600_000
const h0 = Math.floor(Date.now() / HOUR) * HOUR - 5 * 24 * HOUR
const N = 300
const CLASSES = ['cat', 'dog', 'fish', 'bird']

interface Pair { id: string; w: number; variant: string; yTrue: string | number; yPred: string | number }

function traffic(model: 'mc' | 'rg', seed: number) {
  const rng = createRng(seed)
  const pairs: Pair[] = []
  const predictions: PredictionEvent[] = []
  const labels: GroundTruthEvent[] = []
  for (const w of [0, 1]) {
    for (let i = 0; i < N; i++) {
      const id = `${model}-${w}-${i}`
      const t = h0 + w * HOUR + Math.floor(rng.next() * HOUR)
      const variant = rng.next() < 0.5 ? 'champion' : 'challenger'
      let yTrue: string | number
      let yPred: string | number
      if (model === 'mc') {
        yTrue = rng.pick(CLASSES, [40, 30, 20, 10])
        yPred = rng.next() < 0.7 ? yTrue : rng.pick(CLASSES, [25, 25, 25, 25])
      } else {
        yTrue = 50 + 10 * w + rng.normal(0, 8)
        yPred = yTrue + rng.normal(1, 3)
      }
      predictions.push(prediction({
        prediction_id: id, model_id: model, model_version: 'v1', event_time: t, segments: {}, features: { x: rng.normal(w, 1) },
        prediction: { class_label: model === 'mc' ? String(yPred) : null, score: null, probabilities: null, value: model === 'rg' ? Number(yPred) : null },
        deployment: { environment: 'production', variant },
      }))
      // 10% stay unlabeled: label_coverage < 1.
      if (rng.next() < 0.1) continue
      labels.push({
        prediction_id: id, source: 'test', label_time: t + 60_000,
        label: model === 'mc' ? { class_label: String(yTrue), value: null } : { class_label: null, value: Number(yTrue) },
      })
      pairs.push({ id, w, variant, yTrue, yPred })
    }
  }
  return { pairs, predictions, labels }
}

describe('the evaluator by model task', () => {
  const config = testConfig()
  const file = parseFileConfig(
    `models:\n  - id: mc\n    task: multiclass\n    window: 1h\n    allowedLateness: 1h\n` +
      `  - id: rg\n    task: regression\n    window: 1h\n    allowedLateness: 1h\n`,
    'test.yaml',
  )
  const mc = traffic('mc', 1)
  const rg = traffic('rg', 2)
  // A label with a class and no value for a regression model: ground truth all the same (labeled),
  // left out of the metrics (their n counts the pairs with a value).
  const classOnly = rg.predictions.find((p) => !rg.pairs.some((x) => x.id === p.prediction_id))!
  const classOnlyWindow = Math.floor((classOnly.event_time - h0) / HOUR)
  let app: App
  const performance = (model: string) =>
    queryRows<{ w: string; variant: string; metric: string; kind: string; value: number; n: string; label_coverage: number }>(
      app.store,
      `SELECT toString(intDiv(toUnixTimestamp64Milli(window_start) - {h0:Int64}, 3600000)) AS w, variant, metric, kind, value, n, label_coverage
       FROM {db}.performance FINAL WHERE model_id = {m:String} ORDER BY w, variant, metric`,
      { h0, m: model },
    )
  const scope = (pairs: Pair[], w: string, variant: string) => pairs.filter((p) => String(p.w) === w && (variant === 'all' || p.variant === variant))

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false })
    const predictions = [...mc.predictions, ...rg.predictions]
    const labels = [...mc.labels, ...rg.labels, { prediction_id: classOnly.prediction_id, source: 'test', label_time: classOnly.event_time + 60_000, label: { class_label: 'high', value: null } }]
    await app.publisher.publishPredictions(predictions)
    await app.publisher.publishGroundTruth(labels)
    await waitFor(() => count(app.store, `SELECT count() AS c FROM {db}.predictions FINAL WHERE model_id IN ('mc', 'rg')`), (c) => c === predictions.length, { what: 'predictions stored' })
    await waitFor(() => count(app.store, `SELECT count() AS c FROM {db}.ground_truth FINAL WHERE prediction_id LIKE 'mc-%' OR prediction_id LIKE 'rg-%'`), (c) => c === labels.length, { what: 'labels stored' })
    await app.evaluator.evaluateNow()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('multiclass: realized accuracy and macro/weighted metrics equal src/metrics/performance per variant', async () => {
    const rows = await performance('mc')
    expect(rows.every((r) => r.kind === 'realized')).toBe(true)
    expect(new Set(rows.map((r) => `${r.w}/${r.variant}`))).toEqual(new Set(['0/all', '0/champion', '0/challenger', '1/all', '1/champion', '1/challenger']))
    for (const r of rows) {
      const ps = scope(mc.pairs, r.w, r.variant)
      const cm = confusionMatrix(ps.map((p) => p.yTrue), ps.map((p) => p.yPred))
      const [metric, average] = r.metric.split('_') as [string, 'macro' | 'weighted' | undefined]
      const fn = { accuracy: () => accuracy(cm), f1: () => f1(cm, { average }), precision: () => precision(cm, { average }), recall: () => recall(cm, { average }) }[metric]!
      expect(r.value, `${r.w}/${r.variant}/${r.metric}`).toBeCloseTo(fn().score, 12)
      expect(Number(r.n)).toBe(ps.length)
    }
    expect(rows.filter((r) => r.w === '1' && r.variant === 'all').map((r) => r.metric)).toEqual(
      ['accuracy', 'f1_macro', 'f1_weighted', 'precision_macro', 'precision_weighted', 'recall_macro', 'recall_weighted'],
    )
    const all1 = rows.find((r) => r.w === '1' && r.variant === 'all' && r.metric === 'accuracy')!
    expect(all1.label_coverage).toBeCloseTo(scope(mc.pairs, '1', 'all').length / N, 12)
    // Label drift still works (label counts); no fairness rows.
    expect(await count(app.store, `SELECT count() AS c FROM {db}.drift FINAL WHERE model_id = 'mc' AND target = 'label'`)).toBe(1)
    expect(await count(app.store, `SELECT count() AS c FROM {db}.fairness FINAL WHERE model_id = 'mc'`)).toBe(0)
  })

  it('regression: mae, rmse, mape and r2 equal src/metrics/performance per variant', async () => {
    const rows = await performance('rg')
    expect(rows).toHaveLength(2 * 3 * 4)
    for (const r of rows) {
      const ps = scope(rg.pairs, r.w, r.variant)
      const expected = regressionMetrics(ps.map((p) => Number(p.yTrue)), ps.map((p) => Number(p.yPred)))[r.metric as 'mae' | 'rmse' | 'mape' | 'r2']
      expect(Math.abs(r.value - expected.score), `${r.w}/${r.variant}/${r.metric}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected.score)))
      expect(r.kind).toBe('realized')
      expect(Number(r.n)).toBe(ps.length)
    }
    const summary = await queryRows<{ labeled: string }>(app.store, `SELECT labeled FROM {db}.window_summary FINAL WHERE model_id = 'rg' ORDER BY window_start`)
    expect(summary.map((s) => Number(s.labeled))).toEqual([0, 1].map((w) => rg.pairs.filter((p) => p.w === w).length + (w === classOnlyWindow ? 1 : 0)))
    // Prediction drift on the value column against the previous window; no label drift.
    const drift = await queryRows<{ target: string; column: string }>(app.store, `SELECT target, column FROM {db}.drift FINAL WHERE model_id = 'rg' AND target != 'feature'`)
    expect(drift).toEqual([{ target: 'prediction', column: 'value' }])
  })
})
