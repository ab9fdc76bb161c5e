/**
 * The streaming detectors' error stream of a binary and a multiclass model (src/evaluate/detector-store.ts
 * `windowInputs`) on chDB: an error is a prediction whose class is not its label, as the realized
 * accuracy counts it (sklearn accuracy_score: a row is correct when y_true == y_pred). What broke:
 * the SQL read both as "is the positive class", so a "0" predicted for a label "2" (a class the
 * model never predicts) was no error. Classes are compared by key (src/evaluate/class-key.ts):
 * a label `True` predicted `1` is right. A prediction sent without a class (a score only) names no
 * class when negative and keeps the one-vs-rest reading, as the confusion counts do. A multiclass
 * model's classes are compared as numbers where written as decimals (`1.0` is `1`), as its
 * realized accuracy compares them (src/evaluate/task-rows.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { windowInputs } from '../src/evaluate/detector-store.js'
import { buildPartials } from '../src/evaluate/partials.js'
import { multiclassRows } from '../src/evaluate/task-rows.js'
import { accuracy, confusionAccumulator } from '../src/metrics/performance/index.js'
import { createLogger } from '../src/observability/logger.js'
import { withDatabase } from '../src/store/query.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { dropTestResources, testConfig } from './support/config.js'

const HOUR = 3_600_000
const MINUTE = 60_000

// Positive class "1", in event order. `error`: the predicted class is not the label
// (1 − the row's term of sklearn.metrics.accuracy_score); a score-only prediction: score >= 0.5
// is the positive class, below it any label but "1" is right.
const cases: readonly { id: string; cls: string | null; score: number | null; label: string; error: 0 | 1 }[] = [
  { id: 'third-class-predicted-negative', cls: '0', score: 0.2, label: '2', error: 1 },
  { id: 'negative-predicted-third-class', cls: '2', score: 0.2, label: '0', error: 1 },
  { id: 'third-class-right', cls: '2', score: 0.2, label: '2', error: 0 },
  { id: 'negative-right', cls: '0', score: 0.2, label: '0', error: 0 },
  { id: 'positive-right', cls: '1', score: 0.9, label: '1', error: 0 },
  { id: 'positive-missed', cls: '0', score: 0.9, label: '1', error: 1 },
  { id: 'false-positive-on-third-class', cls: '1', score: 0.2, label: '2', error: 1 },
  { id: 'score-only-negative-third-class', cls: null, score: 0.3, label: '2', error: 0 },
  { id: 'score-only-positive-third-class', cls: null, score: 0.7, label: '2', error: 1 },
  { id: 'neither-class-nor-score', cls: null, score: null, label: '2', error: 0 },
  // A bool label beside an int or float prediction (True == 1 == 1.0, as scikit-learn reads them).
  { id: 'boolean-label-positive-right', cls: '1', score: 0.9, label: 'True', error: 0 },
  { id: 'boolean-label-negative-right', cls: '0.0', score: 0.2, label: 'False', error: 0 },
  { id: 'boolean-label-positive-missed', cls: '0', score: 0.2, label: 'True', error: 1 },
  { id: 'boolean-class-third-class-label', cls: 'false', score: 0.2, label: '2', error: 1 },
]

// A multiclass model's (model "mc"): a label store's integers against a float class column.
const multiclassCases: readonly { id: string; cls: string; label: string; error: 0 | 1 }[] = [
  { id: 'mc-int-float-right', cls: '1.0', label: '1', error: 0 },
  { id: 'mc-float-int-right', cls: '2', label: '2.0', error: 0 },
  { id: 'mc-leading-zero-right', cls: '03', label: '3', error: 0 },
  { id: 'mc-wrong', cls: '2.0', label: '3', error: 1 },
  { id: 'mc-text-right', cls: 'cat', label: 'cat', error: 0 },
  { id: 'mc-boolean-is-a-name', cls: '1', label: 'True', error: 1 },
]

describe('detector errors: the predicted class against the label', () => {
  const config = testConfig({ kafka: false })
  let app: App | undefined
  const windowStart = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR
  const target = { modelId: 'tri', modelVersion: 'v1', windowMs: HOUR, spec: { task: 'binary', positiveClass: '1' } } as const
  const at = (i: number) => windowStart + (i + 1) * MINUTE

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file: parseFileConfig('models: []\n', 'test.yaml'), consume: false, evaluate: false, alerts: false })
    const sql = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v}'`)
    const time = (i: number) => sql(clickhouseDateTime64(at(i)))
    await app.store.client.command({
      query: withDatabase(
        `INSERT INTO {db}.predictions (prediction_id, model_id, model_version, event_time, variant, class_label, score, source_topic, source_partition, source_offset) VALUES ` +
          [
            ...cases.map((c, i) => `(${sql(c.id)}, 'tri', 'v1', ${time(i)}, 'champion', ${sql(c.cls)}, ${sql(c.score)}, 't', 0, ${i})`),
            ...multiclassCases.map((c, i) => `(${sql(c.id)}, 'mc', 'v1', ${time(i)}, 'champion', ${sql(c.cls)}, NULL, 't', 0, ${100 + i})`),
          ].join(', '),
        app.store.database,
      ),
    })
    await app.store.client.command({
      query: withDatabase(
        `INSERT INTO {db}.ground_truth (prediction_id, label_class, label_time, source, source_topic, source_partition, source_offset) VALUES ` +
          [
            ...cases.map((c, i) => `(${sql(c.id)}, ${sql(c.label)}, ${time(i + 20)}, 'test', 't', 0, ${i})`),
            ...multiclassCases.map((c, i) => `(${sql(c.id)}, ${sql(c.label)}, ${time(i + 20)}, 'test', 't', 0, ${100 + i})`),
          ].join(', '),
        app.store.database,
      ),
    })
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  it('a "0" predicted for a label "2" is an error; a score-only negative against it is not; neither class nor score is left out', async () => {
    const inputs = await windowInputs(app!.store, target, windowStart, windowStart + HOUR)
    const expected = cases.flatMap((c, i) => (c.cls === null && c.score === null ? [] : [{ t: at(i), e: c.error }]))
    expect(inputs.errors).toEqual(expected)
  })

  it("the error rate is 1 − the window's realized accuracy (the confusion counts and their foldedMatches)", async () => {
    const scope = { modelId: 'tri', modelVersion: 'v1', fromMs: windowStart, toMs: windowStart + HOUR }
    const ctx = { task: 'binary', positiveClass: '1', protectedAttributes: [], minGroupSize: 30 } as const
    const parts = await buildPartials(app!.store, scope, { edges: new Map() }, ctx, { withLabels: true })
    const cm = confusionAccumulator().result(parts.get(0)!.confusion['']!)
    const inputs = await windowInputs(app!.store, target, windowStart, windowStart + HOUR)
    // 13 rows read, 6 right: sklearn accuracy_score over them is 6 / 13.
    expect(inputs.errors.filter((x) => x.e === 1)).toHaveLength(7)
    expect(accuracy(cm)).toMatchObject({ n: 13, score: 6 / 13 })
  })

  it('a multiclass model: a label 1 predicted 1.0 is right, True predicted 1 is wrong; the error rate is 1 − its realized accuracy', async () => {
    const mc = { ...target, modelId: 'mc', spec: { task: 'multiclass', positiveClass: '1' } } as const
    const inputs = await windowInputs(app!.store, mc, windowStart, windowStart + HOUR)
    expect(inputs.errors).toEqual(multiclassCases.map((c, i) => ({ t: at(i), e: c.error })))
    const scope = { modelId: 'mc', modelVersion: 'v1', fromMs: windowStart, toMs: windowStart + HOUR }
    const ctx = { task: 'multiclass', positiveClass: '1', protectedAttributes: [], minGroupSize: 30 } as const
    const part = (await buildPartials(app!.store, scope, { edges: new Map() }, ctx, { withLabels: true })).get(0)!
    part.predictions = multiclassCases.length
    const acc = multiclassRows(part).find((r) => r.metric === 'accuracy' && r.variant === 'all')!
    expect(acc.value).toBe(4 / 6)
    expect(1 - acc.value).toBeCloseTo(inputs.errors.filter((x) => x.e === 1).length / inputs.errors.length, 12)
  })
})
