import { describe, expect, it } from 'vitest'
import { binCounts } from '../metrics/drift/reference-bins.js'
import { binLabels, distributionSpec, shares } from './chart-spec.js'

describe('chart specs', () => {
  it('turns counts into shares, and an empty sample into zeros', () => {
    expect(shares([1, 3])).toEqual([0.25, 0.75])
    expect(shares([0, 0])).toEqual([0, 0])
    expect(shares([])).toEqual([])
  })

  it('labels k inner edges as k + 1 bins, open at both ends, closed on the side the caller names', () => {
    expect(binLabels([1, 2.5, 10], 'left')).toEqual(['< 1', '[1, 2.5)', '[2.5, 10)', '≥ 10'])
    expect(binLabels([1, 2.5, 10], 'right')).toEqual(['≤ 1', '(1, 2.5]', '(2.5, 10]', '> 10'])
    expect(binLabels([], 'left')).toEqual(['all'])
    expect(binLabels([15000.123], 'left')).toEqual(['< 1.50e+4', '≥ 1.50e+4'])
  })

  it('has no default convention: each caller states the one its data uses', () => {
    // @ts-expect-error the side a bin is closed on is required (the bug it prevents: labels on the wrong side)
    const unstated = () => binLabels([1, 2])
    expect(unstated).toBeTypeOf('function')
    // driftwatch's bins (the evaluator, the read API, the report) are left-closed: a value on an
    // edge is counted in the bin that starts there, and 'left' labels that bin as holding it.
    const edges = [1, 2]
    const { counts } = binCounts(edges, [1, 2])
    expect(binLabels(edges, 'left').filter((_, i) => counts[i]! > 0)).toEqual(['[1, 2)', '≥ 2'])
  })

  it('compares reference and current as shares of their own totals', () => {
    const spec = distributionSpec('income', ['a', 'b'], [10, 30], [2, 2])
    expect(spec.series.map((s) => s.values)).toEqual([[0.25, 0.75], [0.5, 0.5]])
  })
})
