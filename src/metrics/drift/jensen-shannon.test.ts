import { describe, expect, it } from 'vitest'
import { jensenShannon } from './jensen-shannon.js'
import { describeBinnedStatistic } from './binned-statistic.test-helper.js'

describeBinnedStatistic('jensenShannon', jensenShannon, 'jensenshannon', 'jensenShannon')

describe('jensenShannon edge cases', () => {
  it('needs no epsilon: disjoint supports give exactly 1, an unseen bin a finite value', () => {
    expect(jensenShannon([3, 0], [0, 5]).score).toBeCloseTo(1, 15)
    // p = [1, 0], q = [1/2, 1/2], m = [3/4, 1/4]
    const js = (Math.log(4 / 3) + 0.5 * Math.log(2 / 3) + 0.5 * Math.log(2)) / Math.log(2)
    expect(jensenShannon([2, 0], [1, 1]).score).toBeCloseTo(Math.sqrt(js / 2), 14)
  })

  it('is symmetric and reports its base', () => {
    expect(jensenShannon([5, 3, 0], [1, 4, 4]).score).toBeCloseTo(jensenShannon([1, 4, 4], [5, 3, 0]).score, 15)
    expect(jensenShannon([1], [1]).params).toEqual({ bins: 1, base: 2 })
  })
})
