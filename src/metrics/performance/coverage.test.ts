import { describe, expect, it } from 'vitest'
import { labelCoverage, withLabelCoverage } from './coverage.js'
import { regressionMetrics } from './regression.js'

describe('labelCoverage', () => {
  it('is labeled / predictions', () => {
    expect(labelCoverage(30, 40)).toEqual({
      method: 'label_coverage',
      score: 0.75,
      params: { labeled: 30, predictions: 40 },
      n: 40,
      excluded: 0,
    })
  })

  it('empty window: NaN; all or none labeled', () => {
    expect(labelCoverage(0, 0).score).toBeNaN()
    expect(labelCoverage(5, 5).score).toBe(1)
    expect(labelCoverage(0, 5).score).toBe(0)
  })

  it('rejects NaN, ±Infinity, negative, fractional counts and labeled > predictions', () => {
    for (const [l, p] of [[Number.NaN, 1], [1, Infinity], [-1, 2], [0.5, 2], [3, 2]] as const) {
      expect(() => labelCoverage(l, p)).toThrow(RangeError)
    }
  })

  it('attaches to a window result', () => {
    const r = withLabelCoverage(regressionMetrics([1, 2], [1, 2]), 2, 8)
    expect(r.labelCoverage.score).toBe(0.25)
    expect(r.mae.score).toBe(0)
  })
})
