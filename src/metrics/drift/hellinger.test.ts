import { describe, expect, it } from 'vitest'
import { hellinger } from './hellinger.js'
import { describeBinnedStatistic } from '../../../test/support/unit/binned-statistic.js'

describeBinnedStatistic('hellinger', hellinger, 'hellinger', 'hellinger')

describe('hellinger edge cases', () => {
  it('needs no epsilon: disjoint supports give exactly 1, an unseen bin a finite value', () => {
    expect(hellinger([3, 0], [0, 5]).score).toBeCloseTo(1, 15)
    // p = [1, 0], q = [1/2, 1/2]: H² = 1 − √(1/2)
    expect(hellinger([2, 0], [1, 1]).score).toBeCloseTo(Math.sqrt(1 - Math.SQRT1_2), 14)
  })

  it('is symmetric', () => {
    expect(hellinger([5, 3, 0], [1, 4, 4]).score).toBe(hellinger([1, 4, 4], [5, 3, 0]).score)
  })
})
