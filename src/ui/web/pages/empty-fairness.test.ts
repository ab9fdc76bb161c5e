import { describe, expect, it } from 'vitest'
import type { WindowHeadline } from '../api-types.js'
import { chartNotes } from './model.js'
import { binaryOnlyNote, emptySection } from './window.js'

const window = { drift: [], performance: [], fairness: [], reference: '', summary: { predictions: 1, labeled: 0, label_coverage: 0, mean_label_delay_s: null } }
const headline: WindowHeadline = {
  model_version: 'v1', window_start: '2026-01-10T00:00:00.000Z', window_end: '2026-01-11T00:00:00.000Z', closed: true, predictions: 300, labeled: 108,
  label_coverage: 0.36, drift_share: 0, n_features: 4, n_drifted: 0, drifted_features: [], n_insufficient: 0, drift_status: 'ok',
  performance: { metric: 'accuracy', variant: 'all', realized: 0.81, estimated: null, n: 108 }, fairness: null, quality_problems: 0, firing_alerts: 0,
}

describe('empty fairness: a model whose task is not binary is told so', () => {
  it('window page and model page name the task as the reason', () => {
    expect(emptySection(window, 'multiclass').fairness).toBe('No fairness figures: fairness is computed for binary models only, and this is a multiclass model.')
    expect(chartNotes([headline], 'regression')['fairness']).toEqual({ text: 'No fairness ratio: fairness is computed for binary models only, and this is a regression model.', empty: true })
  })

  it('a binary model, or one whose task is unknown, keeps the protected-attributes reason', () => {
    for (const task of ['binary', undefined]) {
      expect(binaryOnlyNote(task)).toBeNull()
      expect(emptySection(window, task).fairness).toMatch(/^No fairness figures: the model names no protected attributes/)
      expect(chartNotes([headline], task)['fairness']!.text).toMatch(/^No fairness ratio: the model names no protected attributes/)
    }
  })
})
