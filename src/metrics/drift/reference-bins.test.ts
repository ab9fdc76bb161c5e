import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { binCounts, referenceBinEdges } from './reference-bins.js'

type Sample = number[] | { values: number[]; counts: number[] }
interface BinnedCase {
  kind: 'binned'
  name: string
  input: { reference: Sample; current: Sample }
  expected: { edges: number[]; referenceCounts: number[]; currentCounts: number[] }
}

function expand(sample: Sample): number[] {
  if (Array.isArray(sample)) return sample
  return sample.values.flatMap((v, i) => Array<number>(sample.counts[i] ?? 0).fill(v))
}

const cases = (fixture.cases as unknown as { kind: string }[]).filter((c): c is BinnedCase => c.kind === 'binned')

describe('reference bins match numpy (np.quantile linear, np.unique, searchsorted right)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const reference = expand(c.input.reference)
    const edges = referenceBinEdges(reference)
    // Bit-exact: a value equal to an edge must land in the same bin as in numpy.
    expect(edges).toEqual(c.expected.edges)
    expect(binCounts(edges, reference)).toEqual({ counts: c.expected.referenceCounts, nonFinite: 0 })
    expect(binCounts(edges, expand(c.input.current))).toEqual({ counts: c.expected.currentCounts, nonFinite: 0 })
  })
})

describe('reference bins edge cases', () => {
  it('an empty reference has no edges: one bin holds everything', () => {
    expect(referenceBinEdges([])).toEqual([])
    expect(binCounts([], [1, -5, 1e9])).toEqual({ counts: [3], nonFinite: 0 })
  })

  it('a single value or a constant reference gives one edge and two bins', () => {
    expect(referenceBinEdges([4])).toEqual([4])
    expect(referenceBinEdges([4, 4, 4, 4])).toEqual([4])
    expect(binCounts([4], [3.9, 4, 4.1])).toEqual({ counts: [1, 2], nonFinite: 0 })
  })

  it('bins are left-closed and the outer bins are open', () => {
    expect(binCounts([1, 2, 3], [-1e300, 0.999, 1, 1.5, 2, 3, 1e300])).toEqual({ counts: [2, 2, 1, 2], nonFinite: 0 })
  })

  it('values in any order, ascending runs and drops, land in the bins one binary search each would give', () => {
    const edges = [-1, 0, 0.5, 2, 7]
    const values = [-3, -1, -1, 0.2, 0.5, 9, 0.4, -0, 0, 2, 2, 1.9, 7, 7, -2, 100, Number.NaN, 3]
    const expected = new Array<number>(edges.length + 1).fill(0)
    for (const x of values) if (Number.isFinite(x)) expected[edges.filter((e) => e <= x).length]! += 1
    expect(binCounts(edges, values)).toEqual({ counts: expected, nonFinite: 1 })
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
    expect(binCounts(edges, sorted).counts).toEqual(expected)
  })

  it('excludes NaN and ±Infinity from the edges and counts them when binning', () => {
    expect(referenceBinEdges([1, Number.NaN, 2, Infinity, 3, -Infinity])).toEqual(referenceBinEdges([1, 2, 3]))
    expect(binCounts([1], [Number.NaN, Infinity, -Infinity, 0])).toEqual({ counts: [1, 0], nonFinite: 3 })
  })

  it('rejects edges that are not finite and strictly increasing', () => {
    expect(() => binCounts([1, 1], [0])).toThrow(RangeError)
    expect(() => binCounts([2, 1], [0])).toThrow(RangeError)
    expect(() => binCounts([Number.NaN], [0])).toThrow(RangeError)
  })

  it('gives ten bins on continuous data', () => {
    const reference = Array.from({ length: 101 }, (_, i) => i)
    expect(referenceBinEdges(reference)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90])
  })
})
