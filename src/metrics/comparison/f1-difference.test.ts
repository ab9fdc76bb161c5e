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

  it('F1 at the boundary has no interval, not a zero-width one: 200 rows all positive and right on both sides', () => {
    const r = f1Difference({ tp: 200, fp: 0, tn: 0, fn: 0 }, { tp: 200, fp: 0, tn: 0, fn: 0 })
    expect(r.score).toBe(0)
    expect([r.ciLow, r.ciHigh, r.pValue]).toEqual([Number.NaN, Number.NaN, Number.NaN])
  })

  it('F1 1 against F1 0 (5 rows each): difference 1, no interval rather than [1, 1]', () => {
    const r = f1Difference({ tp: 3, fp: 0, fn: 0, tn: 2 }, { tp: 0, fp: 2, fn: 1, tn: 2 })
    expect(r.score).toBe(1)
    expect([r.ciLow, r.ciHigh, r.pValue]).toEqual([Number.NaN, Number.NaN, Number.NaN])
  })

  it('one side at the boundary is enough: its zero variance is not knowledge', () => {
    const r = f1Difference({ tp: 50, fp: 0, tn: 10, fn: 0 }, { tp: 30, fp: 10, tn: 10, fn: 10 })
    expect(r.score).toBeCloseTo(0.25, 15)
    expect(r.ciLow).toBeNaN()
    expect(r.ciHigh).toBeNaN()
  })
})
