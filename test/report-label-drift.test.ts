/**
 * The label drift of `driftwatch report` (performance.label_drift) and the weighted averages of a
 * multiclass model's precision, recall and F1, on the files of
 * scripts/reference/report_label_drift.py:
 * - binary labels: the two-proportion z-test of statsmodels, rows whose score the stream refuses
 *   left out, as the stream's label drift row of the same counts (src/evaluate/drift-rows.ts);
 * - multiclass labels: scipy's chi-square test of homogeneity, as the stream's row; and each
 *   file's precision_weighted, recall_weighted and f1_weighted, scikit-learn's and the stream's;
 * - a continuous label: compared as numbers, scipy's KS test.
 * Through the ClickHouse engine and the in-memory csv-parse path, which print the same report.
 * The text and HTML reports show the label drift beside the prediction drift, and
 * `performance.label_drift.*` gates read it.
 */
import { describe, expect, it } from 'vitest'
import fixture from '../scripts/reference/fixtures/report-label-drift.json' with { type: 'json' }
import { categoricalDrift } from '../src/evaluate/drift-rows.js'
import { emptyPartial } from '../src/evaluate/partial-state.js'
import { multiclassRows } from '../src/evaluate/task-rows.js'
import { confusionAccumulator } from '../src/metrics/performance/confusion-matrix.js'
import { evaluateGates, type FeatureDriftJson, formatGate, parseGates } from '../src/report/index.js'
import { inputFiles, reportOf, reportOnBothPaths as report } from './support/report-run.js'

const file = inputFiles('dw-report-label-drift-')

/** |got − want| <= 1e-12 · |want|. */
const close = (got: unknown, want: number) => {
  expect(typeof got).toBe('number')
  expect(Math.abs((got as number) - want)).toBeLessThanOrEqual(1e-12 * Math.abs(want))
}

/** The stream's label drift row of these label counts (src/evaluate/compute.ts). */
const streamRow = (counts: { reference: Record<string, number>; current: Record<string, number> }) => categoricalDrift('label', 'label', counts.reference, counts.current)

describe('label drift of binary labels', () => {
  const c = fixture.binary

  it("is statsmodels' z-test over the rows the stream takes, as the stream's label drift row", async () => {
    const { code, json } = await report({ reference: file(c.reference), current: file(c.current) })
    expect(code).toBe(0)
    const d = json.performance['label_drift'] as FeatureDriftJson
    expect(d).toMatchObject({
      kind: 'categorical', treated_as: 'categorical', method: 'z', threshold: 0.05, status: 'ok', drift_detected: true,
      reference_count: c.label_drift.reference_count, current_count: c.label_drift.current_count,
      // One label missing; two rows whose score (1.7) the stream refuses, so their labels join no prediction.
      current_left_out: { missing: 1, type_violation: 0, score_not_a_number: 0, score_not_finite: 0, score_out_of_range: 2 },
    })
    close(d.drift_score, c.label_drift.drift_score)
    close(d.p_value, c.label_drift.p_value)
    expect(d.distribution).toMatchObject({ type: 'categories', categories: ['0', '1'] })
    const row = streamRow(c.label_drift.counts)
    expect([d.method, d.drift_score, d.p_value, d.drift_detected]).toEqual([row.method, row.score, row.p_value, row.drift_detected === 1])
    expect(Object.keys(json.performance)).toEqual(expect.arrayContaining(['prediction_drift', 'label_drift', 'score_drift']))
    expect(json.notes).toContain('label drift over 397 of 400 current rows: 1 missing, 2 scores outside [0, 1] left out')
  })

  it('is shown after the prediction drift in the text and HTML reports', async () => {
    const files = { reference: file(c.reference), current: file(c.current) }
    const text = (await reportOf({ ...files, format: 'text' }, true)).out.split('\n')
    const line = `Label drift: z ${c.label_drift.drift_score.toFixed(4)}, p ${c.label_drift.p_value.toExponential(2)} → DRIFT`
    expect(text).toContain(line)
    expect(text.indexOf(line)).toBe(text.findIndex((l) => l.startsWith('Prediction drift: ')) + 1)
    const html = (await reportOf({ ...files, format: 'html' }, true)).out
    expect(html).toContain(`<p id="label-drift">${line}</p>`)
    expect(html).toContain('distribution:label_drift')
  })

  it('is read by performance.label_drift.* gates, which need the reference file', async () => {
    const files = { reference: file(c.reference), current: file(c.current) }
    const { code, err } = await report({ ...files, failOn: 'performance.label_drift.drift_detected>0, performance.label_drift.p_value<0.05, performance.prediction_drift.drift_score>100' })
    expect(code).toBe(3)
    expect(err).toContain('gate performance.label_drift.drift_detected > 0: value 1 -> FAILED')
    expect(err).toContain(`gate performance.label_drift.p_value < 0.05: value ${c.label_drift.p_value.toPrecision(4)} -> FAILED`)
    expect(err).toMatch(/gate performance\.prediction_drift\.drift_score > 100: value [\d.]+ -> passed/)
    const alone = await reportOf({ current: files.current, failOn: 'performance.label_drift.drift_detected>0' }, true)
    expect(alone.code).toBe(2)
    expect(alone.err).toContain('--reference <file> is required by --fail-on "performance.label_drift.drift_detected>0"')
    const feature = await reportOf({ ...files, failOn: 'features.label.drift_detected>0' }, true)
    expect(feature.code).toBe(2)
    expect(feature.err).toContain('no feature "label" in the report; the features are x; the label column\'s drift is gated as performance.label_drift.drift_detected')
    const key = await reportOf({ ...files, failOn: 'performance.label_drift.psi>0.1' }, true)
    expect(key.code).toBe(2)
    expect(key.err).toContain('performance.label_drift.<key>: one of drift_detected, drift_score, p_value')
  })

  it('a gate on it says why it has no value: too few labels, or no label column in a file', async () => {
    const head = (text: string, rows: number) => `${text.split('\n').slice(0, rows + 1).join('\n')}\n`
    const few = await report({ reference: file(head(c.reference, 20)), current: file(head(c.current, 20)), failOn: 'performance.label_drift.drift_detected>0' })
    expect((few.json.performance['label_drift'] as FeatureDriftJson).status).toBe('insufficient')
    expect(few.err).toContain('gate performance.label_drift.drift_detected > 0: no value -> FAILED (label drift has status insufficient (fewer than 30 values on a side), no verdict)')
    const unlabeled = c.current.replace(/^x,label,score,prediction\n/, 'x,outcome,score,prediction\n')
    const none = await report({ reference: file(c.reference), current: file(unlabeled), failOn: 'performance.label_drift.p_value<0.05' })
    expect(none.json.performance['label_drift']).toBeUndefined()
    expect(none.err).toContain('gate performance.label_drift.p_value < 0.05: no value -> FAILED (the report has no label drift: the reference or the current file has no label column (see the notes))')
  })
})

describe('a multiclass model', () => {
  const c = fixture.multiclass

  it("has the label drift of scipy's chi-square test, as the stream's label drift row", async () => {
    const { json } = await report({ reference: file(c.reference), current: file(c.current) })
    expect(json.performance['task']).toBe('multiclass')
    const d = json.performance['label_drift'] as FeatureDriftJson
    expect(d).toMatchObject({ method: 'chi2', status: 'ok', drift_detected: true, reference_count: 500, current_count: 400 })
    close(d.drift_score, c.label_drift.drift_score)
    close(d.p_value, c.label_drift.p_value)
    const row = streamRow(c.label_drift.counts)
    expect([d.method, d.drift_score, d.p_value]).toEqual([row.method, row.score, row.p_value])
  })

  it("has each file's weighted precision, recall and F1, scikit-learn's and the stream's, beside the macro averages", async () => {
    const files = { reference: file(c.reference), current: file(c.current) }
    const { json } = await report(files)
    for (const side of ['reference', 'current'] as const) {
      const got = json.performance[side] as Record<string, unknown>
      const want = c.metrics[side]
      expect(got['average']).toBe('macro')
      for (const m of ['accuracy', 'precision', 'recall', 'f1', 'precision_weighted', 'recall_weighted', 'f1_weighted'] as const) close(got[m], want[m])
      // The stream's rows of the same pairs (src/evaluate/task-rows.ts).
      const rows = (side === 'reference' ? c.reference : c.current).trim().split('\n').slice(1).map((l) => l.split(','))
      const partial = emptyPartial()
      partial.predictions = rows.length
      const confusion = confusionAccumulator()
      partial.confusion[''] = rows.reduce((s, [, label, prediction]) => confusion.update(s, { yTrue: label!, yPred: prediction! }), confusion.create())
      for (const r of multiclassRows(partial).filter((r) => r.metric.endsWith('_weighted'))) expect(got[r.metric]).toBe(r.value)
    }
    const text = (await reportOf({ ...files, format: 'text' }, true)).out
    expect(text).toMatch(new RegExp(`^f1_weighted +${c.metrics.reference.f1_weighted.toFixed(4)} +${c.metrics.current.f1_weighted.toFixed(4)} +- +-$`, 'm'))
    const gate = await report({ ...files, failOn: 'performance.f1_weighted<0.5' })
    expect(gate.err).toContain(`gate performance.f1_weighted < 0.5: value ${c.metrics.current.f1_weighted.toPrecision(4)} -> FAILED`)
  })
})

describe('label drift of a continuous label', () => {
  const c = fixture.regression

  it("compares the labels as numbers: scipy's KS test", async () => {
    const { json } = await report({ reference: file(c.reference), current: file(c.current) })
    expect(json.performance['task']).toBe('continuous')
    const d = json.performance['label_drift'] as FeatureDriftJson
    expect(d).toMatchObject({ kind: 'numerical', treated_as: 'numerical', method: 'ks', status: 'ok', drift_detected: true, reference_count: 300, current_count: 250 })
    close(d.drift_score, c.label_drift.drift_score)
    close(d.p_value, c.label_drift.p_value)
    expect(d.distribution?.type).toBe('bins')
  })
})

describe('why a gate on a target drift has no value', () => {
  const lines = (failOn: string, performance: Record<string, unknown>) =>
    evaluateGates(parseGates(failOn), { features: {}, dataset: {}, performance, fairness: {}, quality: {}, notes: [] }).map(formatGate)

  it('a distance has no p-value, and a drift without a verdict no value; a weighted average of a binary task none', () => {
    const distance = { method: 'jensenshannon', status: 'ok', drift_score: 0.02, drift_detected: false }
    expect(lines('performance.label_drift.p_value<0.05, performance.label_drift.drift_score>0.1', { task: 'binary', label_drift: distance })).toEqual([
      'gate performance.label_drift.p_value < 0.05: no value -> FAILED (label drift has no p_value: its method jensenshannon is a distance, not a test (gate on drift_score or drift_detected))',
      'gate performance.label_drift.drift_score > 0.1: value 0.02000 -> passed',
    ])
    expect(lines('performance.score_drift.drift_score>0.1', { task: 'binary', score_drift: { method: 'ks', status: 'not_computable', drift_score: null, p_value: null } })).toEqual([
      'gate performance.score_drift.drift_score > 0.1: no value -> FAILED (score drift has status not_computable, no verdict)',
    ])
    expect(lines('performance.f1_weighted<0.8', { task: 'binary', current: { rows: 100, status: 'ok', f1: 0.9 } })).toEqual([
      'gate performance.f1_weighted < 0.8: no value -> FAILED (f1_weighted is a multiclass average and the task is binary: precision, recall and f1 are those of the positive class)',
    ])
  })
})
