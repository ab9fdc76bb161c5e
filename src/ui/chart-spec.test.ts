import { describe, expect, it } from 'vitest'
import { binCounts } from '../metrics/drift/reference-bins.js'
import { axisBounds, binLabels, distributionSpec, shares, valuesOffAxis } from './chart-spec.js'

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
    // A range closed above the reference's maximum 19 (the double just above it): 19 is inside.
    const above19 = 19 + 2 ** -48
    expect(binLabels([0, 7, above19], 'left')).toEqual(['< 0', '[0, 7)', '[7, 19]', '> 19'])
    expect(binLabels([-5 + 2 ** -50, 0], 'left')).toEqual(['≤ -5', '(-5, 0)', '≥ 0'])
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

describe('chart axes', () => {
  it('take their bounds from the spec, the right axis too, and report values outside them', () => {
    const spec = { kind: 'line' as const, title: 't', labels: ['a', 'b'], yMin: 0, yMax: 1, rightMin: 0, rightMax: 100, series: [{ name: 'share', values: [0.5, null] }, { name: 'coverage (%)', values: [36, 86], axis: 'right' as const }] }
    expect(axisBounds(spec)).toEqual({ y: { min: 0, max: 1 }, y2: { min: 0, max: 100 } })
    expect(valuesOffAxis(spec)).toEqual([])
    // Percent values on a 0..1 axis: every bar cut off at the top.
    expect(valuesOffAxis({ ...spec, rightMax: 1 })).toEqual([{ series: 'coverage (%)', value: 36 }, { series: 'coverage (%)', value: 86 }])
    // No right series, no right axis; no bounds, fitted to the data.
    expect(axisBounds({ ...spec, series: [spec.series[0]!] })).toEqual({ y: { min: 0, max: 1 } })
    expect(axisBounds({ ...spec, rightMin: undefined, rightMax: undefined })).toEqual({ y: { min: 0, max: 1 }, y2: {} })
    expect(valuesOffAxis({ ...spec, series: [{ name: 'interval', values: [[-0.1, 0.2]] }] })).toEqual([{ series: 'interval', value: [-0.1, 0.2] }])
  })
})
