import { describe, expect, it } from 'vitest'
import { inferTask } from './task.js'

const none = { metrics: [], estimated: false, driftColumns: [] }

describe('the task of a model without settings, from its stored rows', () => {
  it('regression from its metrics (mae, rmse, mape, r2), multiclass from the macro and weighted averages', () => {
    expect(inferTask({ ...none, metrics: ['mae', 'mape', 'r2', 'rmse'] })).toBe('regression')
    expect(inferTask({ ...none, metrics: ['r2'] })).toBe('regression')
    expect(inferTask({ ...none, metrics: ['accuracy', 'f1_macro', 'precision_weighted'] })).toBe('multiclass')
  })
  it('binary from its own metrics or an estimate (CBPE)', () => {
    expect(inferTask({ ...none, metrics: ['accuracy', 'precision', 'recall', 'f1'] })).toBe('binary')
    expect(inferTask({ ...none, metrics: ['roc_auc'] })).toBe('binary')
    expect(inferTask({ ...none, metrics: ['accuracy'], estimated: true })).toBe('binary')
  })
  it('without performance rows: scores (prediction score, calibration) are binary, values regression', () => {
    expect(inferTask({ ...none, driftColumns: ['prediction:score'] })).toBe('binary')
    expect(inferTask({ ...none, driftColumns: ['calibration:score', 'prediction:class'] })).toBe('binary')
    expect(inferTask({ ...none, driftColumns: ['prediction:value'] })).toBe('regression')
  })
  it('unknown, not binary, when nothing tells: no rows, or class predictions and accuracy alone', () => {
    expect(inferTask(none)).toBe('unknown')
    expect(inferTask({ ...none, driftColumns: ['prediction:class'] })).toBe('unknown')
    expect(inferTask({ ...none, metrics: ['accuracy'], driftColumns: ['prediction:class'] })).toBe('unknown')
  })
})
