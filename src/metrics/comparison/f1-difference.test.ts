import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/comparison.json' with { type: 'json' }
import { expectClose } from '../../../test/support/unit/metric-checks.js'
import { f1Difference, f1WithVariance } from './f1-difference.js'

describe('f1Difference vs the numerically differentiated delta method', () => {
  for (const c of fixture.f1) {
    const { x, y, confidence } = c.input
    it(`${JSON.stringify(x)} vs ${JSON.stringify(y)}`, () => {
      const r = f1Difference(x, y, { confidence })
      expectClose(r.estimates[0], c.expected.f1X, 1e-12, 'f1 x')
      expectClose(r.estimates[1], c.expected.f1Y, 1e-12, 'f1 y')
      expectClose(f1WithVariance(x).variance, c.expected.varianceX, 1e-6 * c.expected.varianceX, 'variance x')
      expectClose(f1WithVariance(y).variance, c.expected.varianceY, 1e-6 * c.expected.varianceY, 'variance y')
      expectClose(r.score, c.expected.difference, 1e-12, 'difference')
      expectClose(r.ciLow, c.expected.ciLow, 1e-6, 'ciLow')
      expectClose(r.ciHigh, c.expected.ciHigh, 1e-6, 'ciHigh')
      expectClose(r.pValue as number, c.expected.pValue, 1e-6, 'pValue')
    })
  }
})

describe('f1Difference edge cases', () => {
  it('hand-computed: tp 2, fp 1, fn 1 → F1 2/3, variance 4·2·2·4/6⁴', () => {
    const v = f1WithVariance({ tp: 2, fp: 1, tn: 100, fn: 1 })
    expect(v.f1).toBeCloseTo(2 / 3, 15)
    expect(v.variance).toBeCloseTo(64 / 1296, 15)
    expect(v.size).toBe(4)
  })

  it('no positive anywhere: F1 undefined, NaN', () => {
    const r = f1Difference({ tp: 0, fp: 0, tn: 10, fn: 0 }, { tp: 3, fp: 1, tn: 5, fn: 1 })
    expect(r.score).toBeNaN()
    expect(r.ciLow).toBeNaN()
    expect(r.pValue).toBeNaN()
  })

  it('perfect on both sides: zero variance, point interval, p = 1', () => {
    const r = f1Difference({ tp: 5, fp: 0, tn: 5, fn: 0 }, { tp: 7, fp: 0, tn: 1, fn: 0 })
    expect([r.score, r.ciLow, r.ciHigh, r.pValue]).toEqual([0, 0, 0, 1])
  })
})
