import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/comparison.json' with { type: 'json' }
import { expectClose } from '../../../test/support/unit/metric-checks.js'
import { proportionDifference, wilsonInterval } from './proportion-difference.js'

describe('proportionDifference vs statsmodels (newcomb, wilson, proportions_ztest)', () => {
  for (const c of fixture.proportions) {
    const { x, y, confidence } = c.input
    it(`${x.successes}/${x.trials} vs ${y.successes}/${y.trials} at ${confidence}`, () => {
      const r = proportionDifference(x, y, { confidence })
      expectClose(r.score, c.expected.difference, 1e-12, 'difference')
      expectClose(r.ciLow, c.expected.ciLow, 1e-9, 'ciLow')
      expectClose(r.ciHigh, c.expected.ciHigh, 1e-9, 'ciHigh')
      expectClose(r.pValue as number, c.expected.pValue, 1e-6, 'pValue')
      const [l1, u1] = wilsonInterval(x, confidence)
      expectClose(l1, c.expected.wilsonX[0]!, 1e-9, 'wilson low')
      expectClose(u1, c.expected.wilsonX[1]!, 1e-9, 'wilson high')
      expect(r.ciLow).toBeLessThanOrEqual(r.score)
      expect(r.ciHigh).toBeGreaterThanOrEqual(r.score)
      expect(r.estimates).toEqual([x.successes / x.trials, y.successes / y.trials])
      expect(r.sizes).toEqual([x.trials, y.trials])
    })
  }
})

describe('proportionDifference edge cases', () => {
  it('an empty sample gives NaN everywhere', () => {
    const r = proportionDifference({ successes: 0, trials: 0 }, { successes: 3, trials: 5 })
    expect(r.score).toBeNaN()
    expect(r.ciLow).toBeNaN()
    expect(r.ciHigh).toBeNaN()
    expect(r.pValue).toBeNaN()
  })

  it('both samples all successes: difference 0, p = 1, an interval around 0', () => {
    const r = proportionDifference({ successes: 20, trials: 20 }, { successes: 30, trials: 30 })
    expect(r.score).toBe(0)
    expect(r.pValue).toBe(1)
    expect(r.ciLow).toBeLessThan(0)
    expect(r.ciHigh).toBeGreaterThan(0)
  })

  it('single observations: a wide but finite interval', () => {
    const r = proportionDifference({ successes: 1, trials: 1 }, { successes: 0, trials: 1 })
    expect(r.score).toBe(1)
    expect(r.ciLow).toBeGreaterThan(-1)
    expect(r.ciHigh).toBeLessThanOrEqual(1)
  })

  it('counts that are not a proportion are a bug: RangeError', () => {
    expect(() => proportionDifference({ successes: 3, trials: 2 }, { successes: 0, trials: 1 })).toThrow(RangeError)
    expect(() => proportionDifference({ successes: Number.NaN, trials: 2 }, { successes: 0, trials: 1 })).toThrow(RangeError)
    expect(() => proportionDifference({ successes: 1, trials: 2 }, { successes: 0, trials: 1 }, { confidence: 1 })).toThrow(RangeError)
  })
})
