import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/performance.json' with { type: 'json' }
import {
  brierScore,
  logLoss,
  multiclassLogLoss,
  probabilisticAccumulator,
  probabilisticMetrics,
  type BinaryProbability,
} from './probabilistic.js'
import { expectClose, expectMergeLaws } from '../../../test/support/unit/metric-checks.js'

describe('log loss and Brier score vs sklearn log_loss / brier_score_loss', () => {
  for (const c of fixture.probabilistic) {
    it(c.name, () => {
      const r = probabilisticMetrics(c.input.yTrue, c.input.proba, { nBins: c.nBins })
      expectClose(r.logLoss.score, c.expected.logLoss, 1e-9, 'log_loss')
      expectClose(r.brierScore.score, c.expected.brierScore, 1e-9, 'brier')
      expectClose(r.expectedCalibrationError.score, c.expected.ece, 1e-9, 'ece')
    })
  }

  for (const c of fixture.multiclassLogLoss) {
    it(`multiclass ${c.name}`, () => {
      expectClose(multiclassLogLoss(c.input.yTrue, c.input.proba, c.input.classes).score, c.expected.logLoss)
    })
  }
})

describe('probabilistic edge cases', () => {
  it('merge laws', () => {
    const c = fixture.probabilistic[0]!
    const xs: BinaryProbability[] = c.input.yTrue.map((yTrue, i) => ({ yTrue, probability: c.input.proba[i]! }))
    expectMergeLaws(probabilisticAccumulator(), xs, (a, b) => {
      expectClose(a.logLoss.score, b.logLoss.score, 1e-12)
      expectClose(a.brierScore.score, b.brierScore.score, 1e-12)
      expectClose(a.expectedCalibrationError.score, b.expectedCalibrationError.score, 1e-12)
    })
  })

  it('empty input gives NaN', () => {
    expect(logLoss([], []).score).toBeNaN()
    expect(brierScore([], []).score).toBeNaN()
    expect(multiclassLogLoss([], [], ['a']).score).toBeNaN()
  })

  it('a single value; a certain wrong prediction is clipped at eps = 2.22e-16', () => {
    expectClose(logLoss([1], [0.5]).score, Math.LN2, 1e-15)
    expectClose(logLoss([1], [0]).score, -Math.log(Number.EPSILON), 1e-12)
    expectClose(logLoss([0], [1]).score, -Math.log(Number.EPSILON), 1e-12)
    expect(brierScore([0], [1]).score).toBe(1)
  })

  it('constant input: perfect certain predictions lose ~eps, not 0', () => {
    expectClose(logLoss([1, 1], [1, 1]).score, -Math.log(1 - Number.EPSILON), 1e-20)
    expect(brierScore([1, 1], [1, 1]).score).toBe(0)
  })

  it('NaN, ±Infinity, out-of-range probabilities and non-binary labels are excluded and counted', () => {
    const r = probabilisticMetrics([1, 0, 1, 1, 5], [0.5, Number.NaN, Infinity, 1.2, 0.5])
    expect(r.logLoss).toMatchObject({ n: 1, excluded: 4 })
    expect(r.expectedCalibrationError.excluded).toBe(4)
    expectClose(r.logLoss.score, Math.LN2, 1e-15)
  })

  it('all-one-class labels are fine: the class list is explicit', () => {
    expectClose(logLoss([0, 0], [0.5, 0.5]).score, Math.LN2, 1e-15)
  })

  it('multiclass: an unseen true class or a bad row is excluded; a class with no members is fine', () => {
    const r = multiclassLogLoss(['a', 'zebra', 'b', 'a'], [[0.5, 0.5, 0], [0.5, 0.5, 0], [0.5, Number.NaN, 0.5], [1, 0, 0]], ['a', 'b', 'c'])
    expect(r).toMatchObject({ n: 2, excluded: 2 })
    expectClose(r.score, (Math.LN2 - Math.log(1 - Number.EPSILON)) / 2, 1e-15)
    expect(() => multiclassLogLoss(['a'], [[1]], ['a', 'b'])).toThrow(RangeError)
  })
})
