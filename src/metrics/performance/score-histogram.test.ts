import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/performance.json' with { type: 'json' }
import { ovrScoreHistogramAccumulator, type ScoredClassRow } from './ovr-score-histogram.js'
import { averagePrecision, averagePrecisionOvr, rocAuc, rocAucOvr } from './ranking.js'
import { scoreHistogramAccumulator, type ScoredLabel } from './score-histogram.js'
import { expectClose, expectMergeLaws, fold } from '../../../test/support/unit/metric-checks.js'

const scored = (y: readonly number[], s: readonly number[]): ScoredLabel[] => y.map((yTrue, i) => ({ yTrue, score: s[i]! }))

describe('binned score histogram is exact when scores lie on the grid (vs sklearn)', () => {
  for (const c of fixture.histogram) {
    it(c.name, () => {
      const acc = scoreHistogramAccumulator({ nBins: c.nBins })
      const r = acc.result(fold(acc, scored(c.input.yTrue, c.input.scores)))
      expectClose(r.rocAuc.score, c.expected.rocAuc, 1e-12, 'roc_auc')
      expectClose(r.averagePrecision.score, c.expected.averagePrecision, 1e-12, 'ap')
      expect(r.rocAuc.params).toEqual({ nBins: c.nBins, binning: 'round(score*nBins)' })
    })
  }
})

describe('scoreHistogramAccumulator', () => {
  const c = fixture.ranking.find((x) => x.name === 'binary_continuous')!
  const xs = scored(c.input.yTrue, c.input.scores)

  it('merge laws', () => {
    const acc = scoreHistogramAccumulator()
    expectMergeLaws(acc, xs, (a, b) => expect(a).toEqual(b))
  })

  it('off the grid it approximates the exact values within the bin resolution', () => {
    const acc = scoreHistogramAccumulator({ nBins: 1000 })
    const r = acc.result(fold(acc, xs))
    expectClose(r.rocAuc.score, rocAuc(c.input.yTrue, c.input.scores).score, 2e-3)
    expectClose(r.averagePrecision.score, averagePrecision(c.input.yTrue, c.input.scores).score, 2e-3)
  })

  it('empty input gives NaN; a single value; constant scores', () => {
    const acc = scoreHistogramAccumulator({ nBins: 10 })
    expect(acc.result(acc.create()).rocAuc.score).toBeNaN()
    expect(acc.result(fold(acc, [{ yTrue: 1, score: 0.5 }])).averagePrecision.score).toBe(1)
    const constant = acc.result(fold(acc, scored([1, 0, 1, 0], [0.4, 0.4, 0.4, 0.4])))
    expect([constant.rocAuc.score, constant.averagePrecision.score]).toEqual([0.5, 0.5])
  })

  it('NaN, ±Infinity, out-of-range scores and non-binary labels are excluded and counted', () => {
    const acc = scoreHistogramAccumulator({ nBins: 10 })
    const r = acc.result(fold(acc, scored([1, 0, 1, 0, 1, 3], [0.9, 0.1, Number.NaN, Infinity, 1.5, 0.5])))
    expect(r.rocAuc).toMatchObject({ score: 1, n: 2, excluded: 4 })
  })

  it('all-one-class labels: ROC AUC NaN, AP 1', () => {
    const acc = scoreHistogramAccumulator({ nBins: 10 })
    const r = acc.result(fold(acc, scored([1, 1], [0.2, 0.7])))
    expect(r.rocAuc.score).toBeNaN()
    expect(r.averagePrecision.score).toBe(1)
  })

  it('refuses to merge different resolutions and bad bin counts', () => {
    const a = scoreHistogramAccumulator({ nBins: 10 })
    const b = scoreHistogramAccumulator({ nBins: 20 })
    expect(() => a.merge(a.create(), b.create())).toThrow(RangeError)
    expect(() => scoreHistogramAccumulator({ nBins: 0 })).toThrow(RangeError)
    expect(() => scoreHistogramAccumulator({ nBins: 2.5 })).toThrow(RangeError)
  })
})

describe('ovrScoreHistogramAccumulator', () => {
  const c = fixture.multiclassRanking.find((x) => x.name === 'multiclass_ovr')!
  // Snap the sklearn-checked fixture scores to a 1/100 grid; the exact ranking.ts functions
  // (checked against sklearn above) then give the reference for the binned version.
  const grid = c.input.scores.map((row) => row.map((s) => Math.round(s * 100) / 100))
  const rows: ScoredClassRow[] = c.input.yTrue.map((yTrue, i) => ({ yTrue, scores: grid[i]! }))
  const acc = ovrScoreHistogramAccumulator({ classes: c.input.classes, nBins: 100 })

  it('equals the exact one-vs-rest values on grid scores', () => {
    const r = acc.result(fold(acc, rows))
    expectClose(r.rocAuc.score, rocAucOvr(c.input.yTrue, grid, c.input.classes).score, 1e-12)
    expectClose(r.averagePrecision.score, averagePrecisionOvr(c.input.yTrue, grid, c.input.classes).score, 1e-12)
    expect(r.rocAuc.perClass).toHaveLength(3)
  })

  it('merge laws', () => {
    expectMergeLaws(acc, rows, (a, b) => expect(a).toEqual(b))
  })

  it('empty input NaN; unseen class, wrong row length and NaN excluded', () => {
    expect(acc.result(acc.create()).rocAuc.score).toBeNaN()
    const r = acc.result(
      fold(acc, [
        { yTrue: 'purple', scores: [0.2, 0.3, 0.5] },
        { yTrue: 'red', scores: [0.2, 0.8] },
        { yTrue: 'red', scores: [0.2, Number.NaN, 0.5] },
        { yTrue: 'red', scores: [0.1, 0.1, 0.8] },
      ]),
    )
    expect(r.rocAuc).toMatchObject({ n: 1, excluded: 3 })
    expect(r.rocAuc.score).toBeNaN()
  })

  it('refuses to merge states of different class lists', () => {
    const other = ovrScoreHistogramAccumulator({ classes: ['x', 'y', 'z'], nBins: 100 })
    expect(() => acc.merge(acc.create(), other.create())).toThrow(RangeError)
  })
})
