/**
 * The streaming evaluator's binary SQL on real Kafka + ClickHouse: CBPE reads the predicted
 * class the model sent (src/evaluate/queries.ts scoreQuery), and a protected group's selection
 * rate counts every prediction, labeled or not (joinedQuery's LEFT JOIN), while TPR counts the
 * labeled pairs; a third class among the labels is no correct prediction for accuracy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import type { GroundTruthEvent, PredictionEvent } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOUR = 3_600_000
const h0 = Math.floor(Date.now() / HOUR) * HOUR - 5 * 24 * HOUR

/**
 * Model `sel`: groups A and B of 200 predictions each, 100 and 60 approved (class "1", score
 * 0.4: the model's own threshold is below 0.5); only approved ones get labels, 80% of them "1".
 */
function traffic() {
  const predictions: PredictionEvent[] = []
  const labels: GroundTruthEvent[] = []
  for (const [grp, approved] of [['A', 100], ['B', 60]] as const) {
    for (let i = 0; i < 200; i++) {
      const id = `sel-${grp}-${i}`
      const t = h0 + 1000 * (i + 1)
      const yes = i < approved
      predictions.push(prediction({
        prediction_id: id, model_id: 'sel', model_version: 'v1', event_time: t, segments: { group: grp }, features: { x: i % 7 },
        prediction: { class_label: yes ? '1' : '0', score: yes ? 0.4 : 0.1, probabilities: null, value: null },
      }))
      if (yes) labels.push({ prediction_id: id, source: 'test', label_time: t + 60_000, label: { class_label: i % 5 === 0 ? '0' : '1', value: null } })
    }
  }
  return { predictions, labels }
}

/**
 * Model `tri`: 50 labeled predictions, "1"/"1" ×10, "0"/"0" ×20, "2"/"0" ×15 (a label class the
 * model never predicts), "0"/"1" ×5 (label/prediction). sklearn.metrics.accuracy_score on the
 * class texts: 30 / 50 = 0.6 (scikit-learn 1.9.1); reading "2" as "0" made it 45 / 50.
 */
function thirdClassTraffic() {
  const predictions: PredictionEvent[] = []
  const labels: GroundTruthEvent[] = []
  for (let i = 0; i < 50; i++) {
    const id = `tri-${i}`
    const t = h0 + 1000 * (i + 1)
    const [label, predicted] = i < 10 ? ['1', '1'] : i < 30 ? ['0', '0'] : i < 45 ? ['2', '0'] : ['0', '1']
    predictions.push(prediction({
      prediction_id: id, model_id: 'tri', model_version: 'v1', event_time: t, features: { x: i % 7 },
      prediction: { class_label: predicted, score: predicted === '1' ? 0.8 : 0.2, probabilities: null, value: null },
    }))
    labels.push({ prediction_id: id, source: 'test', label_time: t + 60_000, label: { class_label: label, value: null } })
  }
  return { predictions, labels }
}

describe('the evaluator on a binary model', () => {
  const config = testConfig()
  const file = parseFileConfig(
    `models:\n  - id: sel\n    window: 1h\n    allowedLateness: 1h\n    protected: [group]\n  - id: tri\n    task: binary\n    window: 1h\n    allowedLateness: 1h\n`,
    'test.yaml',
  )
  const [sel, tri] = [traffic(), thirdClassTraffic()]
  const predictions = [...sel.predictions, ...tri.predictions]
  const labels = [...sel.labels, ...tri.labels]
  let app: App

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false })
    await app.publisher.publishPredictions(predictions)
    await app.publisher.publishGroundTruth(labels)
    await waitFor(() => count(app.store, `SELECT count() AS c FROM {db}.predictions FINAL`), (c) => c === predictions.length, { what: 'predictions stored' })
    await waitFor(() => count(app.store, `SELECT count() AS c FROM {db}.ground_truth FINAL`), (c) => c === labels.length, { what: 'labels stored' })
    await app.evaluator.evaluateNow()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('selection rate over every prediction of a group, TPR over its labeled pairs', async () => {
    const rows = await queryRows<{ group_value: string; metric: string; value: number | null; n: string; status: string }>(
      app.store,
      `SELECT group_value, metric, value, n, status FROM {db}.fairness FINAL WHERE model_id = 'sel' AND attribute = 'group' ORDER BY group_value, metric`,
    )
    const get = (g: string, metric: string) => rows.find((r) => r.group_value === g && r.metric === metric)!
    expect(get('A', 'selection_rate')).toMatchObject({ value: 0.5, n: '200', status: 'ok' })
    expect(get('B', 'selection_rate')).toMatchObject({ value: 0.3, n: '200', status: 'ok' })
    expect(get('B', 'true_positive_rate')).toMatchObject({ value: 1, n: '60', status: 'ok' })
    expect(get('', 'disparate_impact_ratio').value).toBeCloseTo(0.6, 12)
    expect(get('', 'disparate_impact_ratio')).toMatchObject({ n: '400', status: 'ok' })
  })

  it('CBPE takes ŷ from class_label, as the realized metrics do', async () => {
    const rows = await queryRows<{ metric: string; kind: string; value: number }>(
      app.store, `SELECT metric, kind, value FROM {db}.performance FINAL WHERE model_id = 'sel' AND variant = 'all' AND kind IN ('realized', 'estimated')`,
    )
    const value = (kind: string, metric: string) => rows.find((r) => r.kind === kind && r.metric === metric)!.value
    // 160 predicted positives at p = 0.4: E[TP] = 64, E[FP] = 96; 240 negatives at p = 0.1: E[FN] = 24.
    expect(value('estimated', 'precision')).toBeCloseTo(0.4, 9)
    expect(value('estimated', 'recall')).toBeCloseTo(64 / 88, 9)
    expect(value('realized', 'precision')).toBeCloseTo(0.8, 12)
    const summary = await queryRows<{ labeled: string; predictions: string }>(app.store, `SELECT labeled, predictions FROM {db}.window_summary FINAL WHERE model_id = 'sel'`)
    expect(summary).toEqual([{ labeled: '160', predictions: '400' }])
  })

  it('a label class the model never predicts ("2" predicted "0") is no correct prediction: stored accuracy 0.6, as sklearn', async () => {
    const rows = await queryRows<{ metric: string; value: number; n: string }>(
      app.store, `SELECT metric, value, n FROM {db}.performance FINAL WHERE model_id = 'tri' AND variant = 'all' AND kind = 'realized'`,
    )
    const get = (metric: string) => rows.find((r) => r.metric === metric)!
    expect(get('accuracy')).toMatchObject({ value: 0.6, n: '50' })
    // Precision and recall stay one-vs-rest on the positive class "1".
    expect(get('precision').value).toBeCloseTo(10 / 15, 12)
    expect(get('recall').value).toBe(1)
    const parts = await queryRows<{ state: string }>(app.store, `SELECT state FROM {db}.partial_aggregates FINAL WHERE model_id = 'tri' AND kind = 'window'`)
    const folded = parts.reduce((s, r) => s + ((JSON.parse(r.state) as { confusion: Record<string, { foldedMatches?: number }> }).confusion['']?.foldedMatches ?? 0), 0)
    expect(folded).toBe(15)
  })
})
