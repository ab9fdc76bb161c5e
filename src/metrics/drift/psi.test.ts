import { describe, expect, it } from 'vitest'
import { psi } from './psi.js'
import { describeBinnedStatistic } from '../../../test/support/unit/binned-statistic.js'

describeBinnedStatistic('psi', psi, 'psi', 'psi')

describe('psi edge cases', () => {
  it('replaces empty proportions by epsilon (a bin unseen in the reference)', () => {
    // reference [1, 0] → r = [1, 1e-4]; current [1, 1] → c = [0.5, 0.5]
    const expected = (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4)
    expect(psi([4, 0], [1, 1]).score).toBeCloseTo(expected, 14)
    expect(psi([4, 0], [1, 1]).params).toEqual({ bins: 2, epsilon: 1e-4 })
  })

  it('uses the epsilon it is given', () => {
    const expected = (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 0.01) * Math.log(0.5 / 0.01)
    const r = psi([4, 0], [1, 1], { epsilon: 0.01 })
    expect(r.score).toBeCloseTo(expected, 14)
    expect(r.params.epsilon).toBe(0.01)
    expect(() => psi([1], [1], { epsilon: 0 })).toThrow(RangeError)
  })

  it('is symmetric in reference and current', () => {
    expect(psi([5, 3, 0, 2], [1, 4, 4, 1]).score).toBeCloseTo(psi([1, 4, 4, 1], [5, 3, 0, 2]).score, 14)
  })
})
