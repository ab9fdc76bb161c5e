import { describe, expect, it } from 'vitest'
import { binLabels, distributionSpec, shares } from './chart-spec.js'

describe('chart specs', () => {
  it('turns counts into shares, and an empty sample into zeros', () => {
    expect(shares([1, 3])).toEqual([0.25, 0.75])
    expect(shares([0, 0])).toEqual([0, 0])
    expect(shares([])).toEqual([])
  })

  it('labels k inner edges as k + 1 bins, open at both ends', () => {
    expect(binLabels([1, 2.5, 10])).toEqual(['≤ 1', '(1, 2.5]', '(2.5, 10]', '> 10'])
    expect(binLabels([])).toEqual(['all'])
    expect(binLabels([15000.123])).toEqual(['≤ 1.50e+4', '> 1.50e+4'])
    expect(binLabels([1, 2], 'left')).toEqual(['< 1', '[1, 2)', '≥ 2'])
  })

  it('compares reference and current as shares of their own totals', () => {
    const spec = distributionSpec('income', ['a', 'b'], [10, 30], [2, 2])
    expect(spec.series.map((s) => s.values)).toEqual([[0.25, 0.75], [0.5, 0.5]])
  })
})
