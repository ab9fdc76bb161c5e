import { describe, expect, it } from 'vitest'
import { isQualityProblem, qualityFeature, qualityProblemCount, qualityProblems } from './quality-problems.js'

const q = (feature: string, metric: string, value: number | null) => ({ feature, metric, value, n: 100 })

describe('quality problems', () => {
  const rows = [
    q('income', 'missing_rate', 0.02), q('income', 'out_of_range_rate', 0.01), q('income', 'new_category_rate', null),
    q('age', 'missing_rate', 0), q('employment', 'new_category_rate', 0.3),
    q('', 'outlier_score_mean', 0.08), q('', 'outlier_rate', 0.004), q('', 'outlier_score_max', 0.61),
  ]

  it('a problem is a rate of missing, out-of-range, new-category or outlier values above 0; the score aggregates are not', () => {
    expect(qualityProblems(rows).map((r) => [r.feature, r.metric])).toEqual([
      ['income', 'missing_rate'], ['income', 'out_of_range_rate'], ['employment', 'new_category_rate'], ['', 'outlier_rate'],
    ])
    expect(isQualityProblem(q('', 'outlier_score_max', 0.9))).toBe(false)
    expect(isQualityProblem(q('x', 'missing_rate', Number.NaN))).toBe(false)
  })

  it('the count is of features with a problem (as the headline counts them), the whole event counting as one', () => {
    expect(qualityProblemCount(rows)).toBe(3)
    expect(qualityProblemCount([q('', 'outlier_rate', 0)])).toBe(0)
  })

  it("feature '' (the per-event outlier figures) is named", () => {
    expect([qualityFeature(''), qualityFeature('income')]).toEqual(['(all features)', 'income'])
  })
})
