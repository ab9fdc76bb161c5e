/**
 * `driftwatch report` on integer label and prediction columns with more than 50 distinct values
 * (src/report/continuous-targets.ts), on the files of scripts/reference/report_integer_classes.py:
 * - a classifier of 60 classes coded 0–59 is a multiclass task, as scikit-learn's
 *   type_of_target reads it, with accuracy and macro precision, recall and F1 equal to
 *   scikit-learn's, and a note that says how the task was read and why;
 * - integer counts with a regression model's non-integer predictions are continuous, and a
 *   gate on a classification metric says why it has no value and how to read them as classes;
 * - ages 18–80 with a regression model's rounded predictions, nearly all among the labels'
 *   values, are continuous: the predictions that differ from their label are near it.
 * Through the ClickHouse engine (src/cli/report-files.ts, run in this process) and the
 * in-memory csv-parse path, which print the same report; and from the current file alone.
 */
import { describe, expect, it } from 'vitest'
import fixture from '../scripts/reference/fixtures/report-integer-classes.json' with { type: 'json' }
import { inputFiles, reportOnBothPaths as report } from './support/report-run.js'

const file = inputFiles('dw-report-integer-classes-')

const METRICS = ['accuracy', 'precision', 'recall', 'f1'] as const

describe('integer labels and predictions of 60 classes (regression: read as a continuous target)', () => {
  const c = fixture.sixty_classes

  it('are a multiclass task whose metrics are scikit-learn\'s, and a note says how the task was read', async () => {
    const { code, json, err } = await report({ reference: file(c.reference), current: file(c.current), failOn: 'performance.accuracy<0.5, performance.roc_auc<0.7' })
    expect(json.performance).toMatchObject({ task: 'multiclass', positive_class: null, prediction_source: 'column' })
    for (const side of ['reference', 'current'] as const) {
      const got = json.performance[side] as Record<string, number>
      expect(got['rows']).toBe(c.metrics[side].rows)
      for (const m of METRICS) expect(got[m]).toBeCloseTo(c.metrics[side][m], 9)
    }
    expect((json.performance['prediction_drift'] as { kind: string }).kind).toBe('categorical')
    expect(json.notes).toContain(
      '"label" and "prediction" hold 60 distinct integers and 2,400 of 2,400 predictions are among the labels\' values, ' +
        `and ${c.misses.beyond_quarter_range} of the ${c.misses.rows} predictions that differ from their label are off by more than a quarter of the labels' range (0–59), more than 1 in 20: ` +
        'read as classes, a multiclass task, ' +
        'as scikit-learn\'s type_of_target reads integers (a model of counts would predict non-integers, read as continuous: one that rounds its predictions reads as classes, ' +
        'write them unrounded; the model file\'s task: sets binary or multiclass)',
    )
    expect(err).toContain(`gate performance.accuracy < 0.5: value ${c.metrics.current.accuracy.toPrecision(4)} -> passed`)
    expect(err).toContain(
      'gate performance.roc_auc < 0.7: no value -> FAILED (neither file has a score column, and the task is multiclass: ROC AUC, average precision, log loss, Brier score and ECE need one score per class)',
    )
    expect(code).toBe(3)
  })

  it('from the current file alone: the same task and metrics, and the note on how they were read', async () => {
    const { json } = await report({ current: file(c.current), failOn: 'performance.f1<0.5' })
    expect(json.performance['task']).toBe('multiclass')
    expect(json.notes).toContainEqual(expect.stringMatching(/^"label" and "prediction" hold 60 distinct integers and [\d,]+ of [\d,]+ predictions are among the labels' values, and [\d,]+ of the [\d,]+ predictions that differ from their label are off by more than a quarter of the labels' range \(0–59\), more than 1 in 20: read as classes/))
    const got = json.performance['current'] as Record<string, number>
    for (const m of METRICS) expect(got[m]).toBeCloseTo(c.metrics.current[m], 9)
  })
})

describe('integer counts with non-integer predictions', () => {
  const c = fixture.count_regression

  it('are continuous, and a gate on accuracy says why it has no value and how to read them as classes', async () => {
    const { code, json, err } = await report({ reference: file(c.reference), current: file(c.current), failOn: 'performance.accuracy<0.8, fairness.*.disparate_impact_ratio<0.8' })
    expect(json.performance).toMatchObject({ task: 'continuous', continuous_columns: ['label', 'prediction'], current: {} })
    const why = 'the target was read as continuous: "label" and "prediction" hold numbers, not classes, by the rule the notes name; set task: multiclass or task: binary in the model file to read them as classes'
    expect(err).toContain(`gate performance.accuracy < 0.8: no value -> FAILED (${why})`)
    expect(err).toContain(`gate fairness.*.disparate_impact_ratio < 0.8: no value -> FAILED (${why})`)
    expect(err).not.toContain('cannot be checked')
    const note = json.notes.find((n) => n.startsWith('"label" and "prediction" hold continuous values'))
    expect(note).toContain(`("label" holds ${c.distinct.label} distinct integers beside the non-integers of "prediction"; "prediction" holds numbers that are not integers, such as `)
    expect(note).toContain('the task is read as continuous;')
    expect(code).toBe(3)
  })

  it('rounded onto labels too spread out to meet them: continuous too', async () => {
    const r = fixture.rounded_counts
    const { json } = await report({ reference: file(r.reference), current: file(r.current) })
    expect(json.performance).toMatchObject({ task: 'continuous', continuous_columns: ['label', 'prediction'] })
  })
})

describe('ages 18-80 with rounded predictions, nearly all among the labels\' values (regression: read as 63 classes)', () => {
  const c = fixture.dense_ages
  const near = `${c.misses.beyond_quarter_range} of the ${c.misses.rows.toLocaleString('en-US')} predictions that differ from their label are off by more than a quarter of the labels' range (18–80), at most 1 in 20`

  it('are continuous: prediction drift as numbers, and the note names the rule, its figure and how to read them as classes', async () => {
    const { code, json, err } = await report({ reference: file(c.reference), current: file(c.current), failOn: 'performance.accuracy<0.5' })
    expect(json.performance).toMatchObject({ task: 'continuous', continuous_columns: ['label', 'prediction'], current: {} })
    expect((json.performance['prediction_drift'] as { kind: string }).kind).toBe('numerical')
    const note = json.notes.find((n) => n.startsWith('"label" and "prediction" hold continuous values'))
    expect(note).toContain(`("label" holds ${c.distinct.label} distinct integers and ${near}: a regression's small errors`)
    expect(note).toContain('(set task: multiclass or task: binary in the model file to read them as classes)')
    expect(json.notes.some((n) => n.includes('read as classes, a multiclass task'))).toBe(false)
    expect(err).toContain('gate performance.accuracy < 0.5: no value -> FAILED (the target was read as continuous:')
    expect(code).toBe(3)
  })

  it('from the current file alone: continuous too', async () => {
    const { json, err } = await report({ current: file(c.current), failOn: 'performance.accuracy<0.5' })
    expect(json.performance).toMatchObject({ task: 'continuous', continuous_columns: ['label', 'prediction'] })
    expect(err).toContain('gate performance.accuracy < 0.5: no value -> FAILED (the target was read as continuous:')
  })
})
