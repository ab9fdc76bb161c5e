import { describe, expect, it } from 'vitest'
import { evaluateGates, formatGate, parseGates } from './gates.js'
import { regressionDegradation, regressionNotes, regressionSide } from './regression-metrics.js'
import type { ReportJson, Section } from './types.js'

const NONE = { no_label: 0, label_not_a_number: 0, label_not_finite: 0, no_prediction: 0, prediction_not_a_number: 0, prediction_not_finite: 0 }

describe('regressionSide', () => {
  it('hand-computed figures: y = [1, 2, 3, 4], ŷ = [1.5, 2, 2, 5]', () => {
    // |e| = 0.5, 0, 1, 1; e² = 0.25, 0, 1, 1; SS_tot = 5 (ȳ = 2.5); |e|/|y| = 0.5, 0, 1/3, 0.25.
    const s = regressionSide(['1', '2', '3', '4'], ['1.5', '2', '2', '5'])
    expect(s.json).toEqual({ rows: 4, status: 'insufficient', rows_left_out: NONE, mae: 0.625, rmse: Math.sqrt(2.25 / 4), mape: (0.5 + 1 / 3 + 0.25) / 4, r2: 1 - 2.25 / 5 })
  })

  it('numbers as read by a test table, and text written as decimals, read alike', () => {
    expect(regressionSide([1, 2, 3], [1.5, 2, 2]).json).toEqual(regressionSide(['1', '2.0', '3e0'], ['1.5', '2', '2'].map(String)).json)
  })

  it('empty input: no rows, every metric null', () => {
    expect(regressionSide([], []).json).toEqual({ rows: 0, status: 'insufficient', rows_left_out: NONE, mae: null, rmse: null, mape: null, r2: null })
  })

  it('a single row: R² undefined (fewer than two), the others defined', () => {
    expect(regressionSide(['2'], ['3']).json).toMatchObject({ rows: 1, mae: 1, rmse: 1, mape: 0.5, r2: null })
  })

  it('constant labels: R² 0 when a prediction is off, 1 when every one is its label', () => {
    expect(regressionSide(Array(40).fill('0.1'), Array(40).fill('0.2')).json).toMatchObject({ rows: 40, status: 'ok', r2: 0 })
    expect(regressionSide(Array(40).fill('0.1'), Array(40).fill('0.1')).json).toMatchObject({ mae: 0, rmse: 0, mape: 0, r2: 1 })
  })

  it('a zero label: its MAPE term is |e| / float64 eps, huge but finite (scikit-learn\'s)', () => {
    expect(regressionSide(['0', '1'], ['1', '1']).json['mape']).toBe((1 / Number.EPSILON) / 2)
  })

  it('missing, text and infinite cells are left out by the first reason, label before score before prediction', () => {
    const labels = [null, 'NaN', 'n/a', 'inf', '1e400', Number.NaN, '5', '6', '7', '8', '9']
    const predictions = ['1', '1', '1', '1', '1', '1', null, 'high', '-Infinity', '8', '9']
    const s = regressionSide(labels, predictions)
    // 'NaN' as text is no missing marker here: the file reader has read those as null already.
    expect(s.leftOut).toEqual({ no_label: 2, label_not_a_number: 2, label_not_finite: 2, no_prediction: 1, prediction_not_a_number: 1, prediction_not_finite: 1 })
    expect(s.json).toMatchObject({ rows: 2, mae: 0, r2: 1 })
  })

  it('a row whose score the stream refuses is left out by the score\'s reason, beside a score column only', () => {
    const s = regressionSide(['1', '2', '3', '4', null], ['1', '2', '3', '4', '5'], [0.5, 'x', Infinity, 1.5, 2])
    expect(s.leftOut).toEqual({ ...NONE, no_label: 1, score_not_a_number: 1, score_not_finite: 1, score_out_of_range: 1 })
    expect(s.json['rows']).toBe(1)
    expect(Object.keys(s.leftOut)).toEqual(['no_label', 'label_not_a_number', 'label_not_finite', 'score_not_a_number', 'score_not_finite', 'score_out_of_range', 'no_prediction', 'prediction_not_a_number', 'prediction_not_finite'])
  })

  it('status ok from 30 rows', () => {
    const y = Array.from({ length: 30 }, (_, i) => String(i + 0.5))
    expect(regressionSide(y, y).json['status']).toBe('ok')
    expect(regressionSide(y.slice(1), y.slice(1)).json['status']).toBe('insufficient')
  })
})

describe('regressionDegradation', () => {
  it('current − reference per metric, no interval; null when a side\'s figure is undefined', () => {
    const ref = regressionSide(['1', '2', '3', '4'], ['1.5', '2', '2', '5'])
    const cur = regressionSide(['2'], ['4'])
    const d = regressionDegradation(ref, cur)
    expect(d['mae']).toEqual({ method: 'difference', reference: 0.625, current: 2, difference: 2 - 0.625 })
    expect(d['r2']).toEqual({ method: 'difference', reference: 1 - 2.25 / 5, current: null, difference: null })
    expect(Object.keys(d)).toEqual(['mae', 'rmse', 'mape', 'r2'])
  })
})

describe('regressionNotes', () => {
  it('over how many of the rows, and why the others were left out; none when every row was read', () => {
    expect(regressionNotes('current', 100, { ...NONE, no_label: 3, label_not_a_number: 1, prediction_not_finite: 2 })).toEqual([
      'current MAE, RMSE, MAPE and R² over 94 of 100 rows: 3 without a label, 1 label not a number, 2 infinite predictions left out',
    ])
    expect(regressionNotes('reference', 100, NONE)).toEqual([])
  })
})

describe('gates on the regression metrics', () => {
  const side = (rows: number, figures: Section = {}): Section => ({ rows, status: rows >= 30 ? 'ok' : 'insufficient', rows_left_out: NONE, mae: 1, rmse: 1, mape: 0.1, r2: 0.9, ...figures })
  const regression = (performance: Section): ReportJson => ({ features: {}, dataset: {}, performance: { task: 'continuous', positive_class: null, continuous_columns: ['label', 'prediction'], confidence: 0.95, ...performance }, fairness: {}, quality: {}, notes: [] })
  const lines = (text: string, report: ReportJson) => evaluateGates(parseGates(text), report).map(formatGate)

  it('a side under 30 rows cannot be checked', () => {
    const r = regression({ reference: side(100), current: side(12), degradation: { mae: { method: 'difference', reference: 1, current: 1, difference: 0 } } })
    expect(lines('performance.mae>2, performance.degradation.mae>0.5', r)).toEqual([
      'gate performance.mae > 2: no value -> FAILED (the current file has 12 labeled rows with a prediction, fewer than 30)',
      'gate performance.degradation.mae > 0.5: no value -> FAILED (the current file has 12 labeled rows with a prediction, fewer than 30)',
    ])
  })

  it('a file without the label or prediction column, and an undefined R²', () => {
    expect(lines('performance.rmse>2', regression({ reference: side(100), current: {}, degradation: {} }))).toEqual([
      'gate performance.rmse > 2: no value -> FAILED (the current file has no label or no prediction column: no regression metrics (see the notes))',
    ])
    expect(lines('performance.r2<0.5', regression({ current: side(40, { r2: null }) }))).toEqual([
      'gate performance.r2 < 0.5: no value -> FAILED (r2 is undefined on the current file\'s rows: it needs 2 rows or more, and sums within the float64 range)',
    ])
  })

  it('a multiclass report: the regression gate says the task and how to read the columns as numbers', () => {
    const r: ReportJson = { features: {}, dataset: {}, performance: { task: 'multiclass', positive_class: null, confidence: 0.95, current: { rows: 300, status: 'ok', accuracy: 0.5 }, degradation: {} }, fairness: {}, quality: {}, notes: [] }
    expect(lines('performance.mape>0.2', r)).toEqual([
      'gate performance.mape > 0.2: no value -> FAILED (mape is a regression metric and the task is multiclass: the label and prediction were read as classes; set task: regression in the model file to read the label and prediction as numbers)',
    ])
  })
})
