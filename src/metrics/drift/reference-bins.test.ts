import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { binCounts, decileEdges, orderStatisticIndices, quantileBetween, REFERENCE_QUANTILES, referenceBinEdges } from './reference-bins.js'

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

  it('an edge from the two order statistics around it equals the whole-sample edge, to the bit', () => {
    // The 0.1-decile of this reference sits at t = 0.5 between 0.3 and 0.9: numpy's lerp gives
    // 0.6, a + (b − a)·t (ClickHouse's quantilesExactInclusive) 0.6000000000000001.
    const reference = [0.0, 0.1, 0.2, 0.3, 0.3, 0.9, 0.9, 1.1, 1.2, 1.2, 1.5, 1.5, 1.6, 1.6, 1.7, 1.7, 1.8, 1.9, 2.0, 2.0, 2.1, 2.2, 2.2,
      2.5, 2.6, 2.7, 2.7, 2.8, 2.8, 2.9, 2.9, 3.1, 3.3, 3.4, 3.4, 3.5, 3.5, 3.6, 3.6, 3.7, 3.8, 3.8, 3.8, 3.9, 3.9, 3.9]
    expect(referenceBinEdges(reference)[0]).toBe(0.6)
    expect(0.3 + (0.9 - 0.3) * 0.5).toBe(0.6000000000000001)
    for (const sample of [reference, Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e3 + i / 7), [4], [1, 2]]) {
      const sorted = [...sample].sort((a, b) => a - b)
      const n = sorted.length
      const deciles = REFERENCE_QUANTILES.map((q) => {
        const [below, above] = orderStatisticIndices(n, q)
        return quantileBetween(n, q, sorted[below]!, sorted[above]!)
      })
      expect(decileEdges(deciles)).toEqual(referenceBinEdges(sample))
    }
  })

  it('neighbours more than the largest double apart give a finite edge between them (numpy would give -Infinity)', () => {
    // n = 46: the median lies halfway between -1e308 and 1e308, whose difference overflows.
    const reference = [...Array<number>(21).fill(-1.5e308), -1.2e308, -1e308, 1e308, 1.2e308, ...Array<number>(21).fill(1.5e308)]
    const edges = referenceBinEdges(reference)
    expect(edges.every(Number.isFinite)).toBe(true)
    expect(edges).toContain(0)
    expect(binCounts(edges, reference).counts.reduce((a, b) => a + b, 0)).toBe(46)
    // The half-scale lerp is the full-scale one wherever that does not overflow.
    expect(quantileBetween(3, 0.5, -1e307, 1e307)).toBe(quantileBetween(3, 0.5, -1e307 / 2, 1e307 / 2) * 2)
    expect(quantileBetween(2, 0.3, -1.7e308, 1.7e308)).toBe(2 * (-0.85e308 + 1.7e308 * 0.3))
    expect(quantileBetween(2, 0.7, -1.7e308, 1.7e308)).toBe(2 * (0.85e308 - 1.7e308 * (1 - 0.7)))
  })
})
