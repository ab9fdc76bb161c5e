/**
 * One rule for a binary prediction's predicted class, in TS (src/evaluate/partials.ts
 * `predictedPositive`) and in the SQL the detectors read their errors with
 * (src/evaluate/detector-store.ts `windowInputs`): the class label when present (compared as
 * key with the positive class, src/evaluate/class-key.ts: `TRUE` and `1.0` are `1`), else the
 * score on the 1/1000 grid >= 0.5, else left out.
 * What broke: the detectors' SQL counted a prediction with neither class nor score as predicted
 * negative (an error whenever its label was positive) instead of leaving it out, as the
 * confusion counts, CBPE and fairness do. Checked on chDB: the detectors' errors and the
 * partials' confusion counts both equal predictedPositive applied to the stored rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { windowInputs } from '../src/evaluate/detector-store.js'
import { buildPartials, predictedPositive } from '../src/evaluate/partials.js'
import { confusionAccumulator } from '../src/metrics/performance/index.js'
import { createLogger } from '../src/observability/logger.js'
import { withDatabase } from '../src/store/query.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { dropTestResources, testConfig } from './support/config.js'

const HOUR = 3_600_000
const MINUTE = 60_000

// Positive class "1". In event order; score 0.4996 is 0.5 on the 1/1000 grid; "1.0" and "TRUE" are
// the class "1", "False" and "0.0" the class "0" (scikit-learn reads True == 1 == 1.0).
const cases: readonly { id: string; cls: string | null; score: number | null; label: string }[] = [
  { id: 'class-wins-over-score', cls: '1', score: 0.2, label: '1' },
  { id: 'negative-class-high-score', cls: '0', score: 0.9, label: '1' },
  { id: 'no-class-score-high', cls: null, score: 0.7, label: '0' },
  { id: 'no-class-score-low', cls: null, score: 0.3, label: '0' },
  { id: 'no-class-score-on-grid-edge', cls: null, score: 0.4996, label: '0' },
  { id: 'class-as-decimal', cls: '1.0', score: null, label: '1' },
  { id: 'class-as-boolean', cls: 'TRUE', score: 0.1, label: '1' },
  { id: 'boolean-label-negative-class', cls: '0', score: 0.9, label: 'False' },
  { id: 'boolean-label-decimal-class', cls: '1.0', score: null, label: 'True' },
  { id: 'decimal-negative-boolean-label', cls: '0.0', score: null, label: 'True' },
  { id: 'neither-positive-label', cls: null, score: null, label: '1' },
  { id: 'neither-negative-label', cls: null, score: null, label: '0' },
]
const grid = (s: number | null) => (s === null ? null : Math.round(s * 1000) / 1000)
const positiveLabel = (label: string) => (label === '1' || label === 'True' ? 1 : 0)

describe('predicted positive: one rule in SQL and TS', () => {
  const config = testConfig({ kafka: false })
  let app: App | undefined
  const windowStart = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR
  const target = { modelId: 'pp', modelVersion: 'v1', windowMs: HOUR, spec: { task: 'binary', positiveClass: '1' } } as const

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file: parseFileConfig('models: []\n', 'test.yaml'), consume: false, evaluate: false, alerts: false })
    const sql = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v}'`)
    const at = (i: number) => sql(clickhouseDateTime64(windowStart + (i + 1) * MINUTE))
    await app.store.client.command({
      query: withDatabase(
        `INSERT INTO {db}.predictions (prediction_id, model_id, model_version, event_time, variant, class_label, score, source_topic, source_partition, source_offset) VALUES ` +
          cases.map((c, i) => `(${sql(c.id)}, 'pp', 'v1', ${at(i)}, 'champion', ${sql(c.cls)}, ${sql(c.score)}, 't', 0, ${i})`).join(', '),
        app.store.database,
      ),
    })
    await app.store.client.command({
      query: withDatabase(
        `INSERT INTO {db}.ground_truth (prediction_id, label_class, label_time, source, source_topic, source_partition, source_offset) VALUES ` +
          cases.map((c, i) => `(${sql(c.id)}, ${sql(c.label)}, ${at(i + 5)}, 'test', 't', 0, ${i})`).join(', '),
        app.store.database,
      ),
    })
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  it('detector inputs leave out a prediction with neither class nor score, as predictedPositive does', async () => {
    const expected = cases.flatMap((c, i) => {
      const yPred = predictedPositive(c.cls, grid(c.score), '1')
      return yPred === null ? [] : [{ t: windowStart + (i + 1) * MINUTE, e: positiveLabel(c.label) === yPred ? 0 : 1 }]
    })
    expect(expected).toHaveLength(cases.length - 2)
    const inputs = await windowInputs(app!.store, target, windowStart, windowStart + HOUR)
    expect(inputs.errors).toEqual(expected)
  })

  it('TRUE and 1.0 are the positive class "1", False the negative: the detectors count no error for them', async () => {
    const inputs = await windowInputs(app!.store, target, windowStart, windowStart + HOUR)
    const errorOf = (id: string) => inputs.errors.find((e) => e.t === windowStart + (cases.findIndex((c) => c.id === id) + 1) * MINUTE)?.e
    expect(['class-as-decimal', 'class-as-boolean', 'boolean-label-negative-class', 'boolean-label-decimal-class'].map(errorOf)).toEqual([0, 0, 0, 0])
    expect(errorOf('decimal-negative-boolean-label')).toBe(1)
  })

  it('the partials confusion counts follow the same rule (both absent: excluded)', async () => {
    const scope = { modelId: 'pp', modelVersion: 'v1', fromMs: windowStart, toMs: windowStart + HOUR }
    const ctx = { task: 'binary', positiveClass: '1', protectedAttributes: [], minGroupSize: 30 } as const
    const parts = await buildPartials(app!.store, scope, { edges: new Map() }, ctx, { withLabels: true })
    const cm = confusionAccumulator()
    const expected = cases.reduce(
      (s, c) => cm.update(s, { yTrue: positiveLabel(c.label), yPred: predictedPositive(c.cls, grid(c.score), '1') ?? Number.NaN }),
      cm.create(),
    )
    expect(cm.result(parts.get(0)!.confusion['']!)).toEqual(cm.result(expected))
    expect(expected.excluded).toBe(2)
  })
})
