import { describe, expect, it } from 'vitest'
import { headlinePerformance, QUALITY_PROBLEMS, worstFairness } from './headline.js'

describe('headlinePerformance', () => {
  const rows = [
    { variant: 'all', metric: 'accuracy', kind: 'realized', value: 0.9, n: 40 },
    { variant: 'all', metric: 'roc_auc', kind: 'realized', value: 0.81, n: 40 },
    { variant: 'all', metric: 'roc_auc', kind: 'estimated', value: 0.79, n: 100 },
    { variant: 'canary', metric: 'accuracy', kind: 'realized', value: 0.5, n: 4 },
  ]
  it('prefers ROC AUC for binary models, realized and estimated side by side', () => {
    expect(headlinePerformance('binary', 'all', rows)).toEqual({ metric: 'roc_auc', variant: 'all', realized: 0.81, estimated: 0.79, n: 40 })
  })
  it('falls back to accuracy, per variant', () => {
    expect(headlinePerformance('binary', 'canary', rows)).toEqual({ metric: 'accuracy', variant: 'canary', realized: 0.5, estimated: null, n: 4 })
  })
  it('estimated only (no labels yet): realized null, n 0', () => {
    expect(headlinePerformance('binary', 'all', rows.filter((r) => r.kind === 'estimated'))).toEqual({ metric: 'roc_auc', variant: 'all', realized: null, estimated: 0.79, n: 0 })
  })
  it('is null with no rows, or no main metric for the task', () => {
    expect(headlinePerformance('binary', 'all', [])).toBeNull()
    expect(headlinePerformance('regression', 'all', rows)).toBeNull()
  })
})

describe('worstFairness', () => {
  it('takes the lowest disparate impact ratio over attributes', () => {
    const rows = [
      { attribute: 'gender', metric: 'disparate_impact_ratio', value: 0.9, status: 'ok' },
      { attribute: 'age_band', metric: 'disparate_impact_ratio', value: 0.7, status: 'ok' },
      { attribute: 'age_band', metric: 'demographic_parity_ratio', value: 0.1, status: 'ok' },
    ]
    expect(worstFairness(rows)).toEqual({ attribute: 'age_band', metric: 'disparate_impact_ratio', value: 0.7, status: 'ok' })
  })
  it('a null ratio never wins over a value, but is shown when it is all there is', () => {
    const insufficient = { attribute: 'b', metric: 'disparate_impact_ratio', value: null, status: 'insufficient' }
    expect(worstFairness([insufficient, { attribute: 'a', metric: 'disparate_impact_ratio', value: 0.95, status: 'ok' }])?.value).toBe(0.95)
    expect(worstFairness([insufficient])).toEqual(insufficient)
    expect(worstFairness([])).toBeNull()
  })
})

describe('quality problems: one definition for the headline count and the window page', () => {
  it('counts outlier_rate (the outlier score aggregates are figures, not problems)', () => {
    expect([...QUALITY_PROBLEMS].sort()).toEqual(['missing_rate', 'new_category_rate', 'out_of_range_rate', 'outlier_rate'])
    expect(QUALITY_PROBLEMS).not.toContain('outlier_score_mean')
    expect(QUALITY_PROBLEMS).not.toContain('outlier_score_max')
  })
})
