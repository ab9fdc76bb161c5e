import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/comparison.json' with { type: 'json' }
import { expectClose } from '../../../test/support/unit/metric-checks.js'
import { scoreHistogramAccumulator } from '../performance/index.js'
import { aucDifference, delongAuc, histogramRankGroups, rankGroups } from './delong.js'

describe('DeLong vs numpy fast DeLong (Sun & Xu) and sklearn roc_auc_score', () => {
  for (const c of fixture.delong) {
    const { x, y, confidence } = c.input
    it(c.name, () => {
      const gx = rankGroups(x.yTrue, x.scores)
      const gy = rankGroups(y.yTrue, y.scores)
      const ax = delongAuc(gx)
      expectClose(ax.auc, c.expected.aucX, 1e-12, 'auc x')
      expectClose(ax.variance, c.expected.varianceX, 1e-12, 'variance x')
      expectClose(delongAuc(gy).variance, c.expected.varianceY, 1e-12, 'variance y')
      const r = aucDifference(gx, gy, { confidence })
      expectClose(r.score, c.expected.difference, 1e-12, 'difference')
      expectClose(r.ciLow, c.expected.ciLow, 1e-9, 'ciLow')
      expectClose(r.ciHigh, c.expected.ciHigh, 1e-9, 'ciHigh')
      expectClose(r.pValue as number, c.expected.pValue, 1e-6, 'pValue')
    })
  }
})

describe('DeLong edge cases', () => {
  it('one class only: AUC and variance NaN', () => {
    const r = delongAuc(rankGroups([1, 1, 1], [0.2, 0.5, 0.9]))
    expect(r.auc).toBeNaN()
    expect(r.variance).toBeNaN()
  })

  it('a single positive: AUC defined, variance NaN (ddof = 1)', () => {
    const r = delongAuc(rankGroups([1, 0, 0], [0.9, 0.1, 0.95]))
    expect(r.auc).toBe(0.5)
    expect(r.variance).toBeNaN()
  })

  it('empty input and invalid pairs', () => {
    expect(delongAuc([]).auc).toBeNaN()
    expect(rankGroups([1, 0, 2, 1], [0.3, Number.NaN, 0.5, Number.POSITIVE_INFINITY])).toEqual([{ positives: 1, negatives: 0 }])
  })

  it('perfect separation: AUC 1, variance 0', () => {
    const r = delongAuc(rankGroups([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1]))
    expect(r.auc).toBe(1)
    expect(r.variance).toBe(0)
  })

  it('a side with AUC 1 (variance 0): the difference has no interval, not a zero-width one', () => {
    const perfect = rankGroups([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1])
    const both = aucDifference(perfect, perfect)
    expect(both.score).toBe(0)
    expect([both.ciLow, both.ciHigh, both.pValue]).toEqual([Number.NaN, Number.NaN, Number.NaN])
    const one = aucDifference(perfect, rankGroups([1, 0, 1, 0, 1, 0], [0.9, 0.8, 0.7, 0.3, 0.2, 0.1]))
    expect(one.ciLow).toBeNaN()
    expect(one.pValue).toBeNaN()
  })

  it('score histogram groups give the same AUC as exact groups for on-grid scores', () => {
    const yTrue = [1, 0, 1, 0, 1, 0, 0, 1]
    const scores = [0.9, 0.1, 0.5, 0.5, 0.7, 0.3, 0.8, 0.2]
    const acc = scoreHistogramAccumulator()
    const state = acc.create()
    yTrue.forEach((y, i) => acc.update(state, { yTrue: y, score: scores[i]! }))
    const fromHistogram = delongAuc(histogramRankGroups(state))
    const exact = delongAuc(rankGroups(yTrue, scores))
    expectClose(fromHistogram.auc, exact.auc, 1e-12, 'auc')
    expectClose(fromHistogram.variance, exact.variance, 1e-12, 'variance')
  })
})
