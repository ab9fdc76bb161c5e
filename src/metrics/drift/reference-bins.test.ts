import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { binCounts, decileEdges, nextUp, orderStatisticIndices, quantileBetween, REFERENCE_QUANTILES, referenceBinEdges } from './reference-bins.js'
import { hellinger } from './hellinger.js'
import { jensenShannon } from './jensen-shannon.js'
import { kl } from './kl.js'
import { psi } from './psi.js'
import { DISTANCE_THRESHOLD } from './select-method.js'

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

// 85 % zeros, the rest 1..19 (each 15 or 16 times); 60 % zeros between 25 % at -19..-1 and 15 % at 1..19.
const zerosThenRest = [...Array<number>(1700).fill(0), ...Array.from({ length: 300 }, (_, i) => (i % 19) + 1)]
const middleTie = [...Array.from({ length: 500 }, (_, i) => -(i % 19) - 1), ...Array<number>(1200).fill(0), ...Array.from({ length: 300 }, (_, i) => (i % 19) + 1)]
const far = Array.from({ length: 300 }, (_, i) => 1000 + 3 * i)

describe('reference bins edge cases', () => {
  it('an empty reference has no edges: one bin holds everything', () => {
    expect(referenceBinEdges([])).toEqual([])
    expect(binCounts([], [1, -5, 1e9])).toEqual({ counts: [3], nonFinite: 0 })
  })

  it('a single value or a constant reference: below it, the value itself, above it', () => {
    expect(referenceBinEdges([4])).toEqual([4, nextUp(4)])
    expect(referenceBinEdges([4, 4, 4, 4])).toEqual([4, nextUp(4)])
    expect(binCounts(referenceBinEdges([4]), [3.9, 4, 4.1])).toEqual({ counts: [1, 1, 1], nonFinite: 0 })
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
    for (const sample of [reference, Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e3 + i / 7), [4], [1, 2], zerosThenRest, middleTie]) {
      const sorted = [...sample].sort((a, b) => a - b)
      const n = sorted.length
      const deciles = REFERENCE_QUANTILES.map((q) => {
        const [below, above] = orderStatisticIndices(n, q)
        return quantileBetween(n, q, sorted[below]!, sorted[above]!)
      })
      expect(decileEdges(deciles, sorted[0]!, sorted[n - 1]!)).toEqual(referenceBinEdges(sample))
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

describe('range closure when ties collapse the deciles', () => {
  const binned = (reference: number[], current: number[]) => {
    const edges = referenceBinEdges(reference)
    const r = binCounts(edges, reference).counts
    const c = binCounts(edges, current).counts
    return { edges, psi: psi(r, c).score, jensenshannon: jensenShannon(r, c).score, hellinger: hellinger(r, c).score, kl: kl(r, c).score }
  }

  it.each([
    ['85 % zeros, the rest moved to 1000..1897', zerosThenRest, [...Array<number>(1700).fill(0), ...far]],
    ['85 % zeros, the rest moved to -1897..-1000', zerosThenRest, [...Array<number>(1700).fill(0), ...far.map((x) => -x)]],
    ['mirrored: 85 % zeros, the rest at -19..-1 moved to -1897..-1000', zerosThenRest.map((x) => -x), [...Array<number>(1700).fill(0), ...far.map((x) => -x)]],
    ['60 % zeros in the middle, the part above moved to 1000..1897', middleTie, [...middleTie.slice(0, 1700), ...far]],
  ])('values off a heavy tie moved far outside the reference range read as drift with psi, jensenshannon, hellinger and kl (%s)', (_name, reference, current) => {
    const d = binned(reference, current)
    for (const method of ['psi', 'jensenshannon', 'hellinger', 'kl'] as const) expect(d[method], method).toBeGreaterThanOrEqual(DISTANCE_THRESHOLD)
  })

  it('ends the outer bins at the reference\'s extremes, min and max in them; the same law stays close to 0', () => {
    // 0 is a decile: the atom keeps its bin [0, …) with (−∞, 0) below it, and 19 ends the top bin.
    expect(referenceBinEdges(zerosThenRest)).toEqual([0, 7, 19])
    const sameLaw = binned(zerosThenRest, [...Array<number>(1700).fill(0), ...Array.from({ length: 300 }, (_, i) => ((i + 7) % 19) + 1)])
    for (const method of ['psi', 'jensenshannon', 'hellinger', 'kl'] as const) expect(sameLaw[method], method).toBeLessThan(0.01)
  })

  it('the outer bins hold the reference\'s smallest and largest values, never a bin the reference leaves empty', () => {
    const edges = referenceBinEdges(middleTie)
    expect(edges).toEqual([nextUp(-19), -12, -4, 0, 7, 19])
    const counts = binCounts(edges, middleTie).counts
    expect(counts[0]).toBe(26) // the -19s
    expect(counts[counts.length - 1]).toBe(15) // the 19s
    // A value beyond the range shares its outer bin with the reference's extreme.
    expect(binCounts(edges, [-1e6, 1e6]).counts).toEqual([1, 0, 0, 0, 0, 0, 1])
  })

  it('a current of the same law reaching a little beyond a small reference\'s range stays below the psi threshold', () => {
    // 30 % zeros and the integers 1..70 (100 values); the current, 1,000 values, also holds 71..73 (3 %).
    const reference = [...Array<number>(30).fill(0), ...Array.from({ length: 70 }, (_, i) => i + 1)]
    const current = [...Array<number>(300).fill(0), ...Array.from({ length: 700 }, (_, j) => (j % 73) + 1)]
    const edges = referenceBinEdges(reference)
    expect(edges[edges.length - 1]).toBe(70)
    // With an edge just above 70, the 3 % fell in a bin of reference share 1e-4: psi 0.15.
    expect(binned(reference, current).psi).toBeLessThan(DISTANCE_THRESHOLD)
  })

  it('leaves the nine deciles of a reference without collapse alone, whatever lies beyond its range', () => {
    const reference = Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e3 + i / 7)
    const edges = referenceBinEdges(reference)
    expect(edges).toHaveLength(9)
    expect(edges[0]).toBeGreaterThan(Math.min(...reference))
    expect(edges[8]).toBeLessThan(Math.max(...reference))
  })

  it('puts no edge above the largest double, keeps the smallest double\'s bin, and a -0 edge is 0', () => {
    expect(referenceBinEdges([...Array<number>(10).fill(0), Number.MAX_VALUE])).toEqual([0, Number.MAX_VALUE])
    expect(decileEdges(Array<number>(9).fill(5), -Number.MAX_VALUE, Number.MAX_VALUE)).toEqual([nextUp(-Number.MAX_VALUE), 5, Number.MAX_VALUE])
    expect(decileEdges(Array<number>(9).fill(Number.MAX_VALUE), Number.MAX_VALUE, Number.MAX_VALUE)).toEqual([Number.MAX_VALUE])
    // A -0 maximum (ClickHouse's max may say 0), and nextUp(-MIN_VALUE) = -0: the edge 0 on every path.
    expect(Object.is(decileEdges(Array<number>(9).fill(-5), -7, -0)[2], 0)).toBe(true)
    expect(Object.is(decileEdges(Array<number>(9).fill(5), -Number.MIN_VALUE, 5)[0], 0)).toBe(true)
  })

  it('an atom at either end keeps a bin of its own: a constant, two values, a tie at the maximum', () => {
    expect(referenceBinEdges(Array<number>(10).fill(2.5))).toEqual([2.5, nextUp(2.5)])
    const two = [1, 1, 1, 1, 1, 3, 3, 3, 3, 3]
    expect(referenceBinEdges(two)).toEqual([1, 2, 3, nextUp(3)])
    expect(binCounts(referenceBinEdges(two), two).counts).toEqual([0, 5, 0, 5, 0])
    // 85 % zeros at the top, the rest -19..-1: the zeros moved to 1 leave their bin.
    const mirrored = zerosThenRest.map((x) => -x + 0)
    expect(referenceBinEdges(mirrored)).toEqual([nextUp(-19), -7, 0, Number.MIN_VALUE])
    expect(binned(mirrored, mirrored.map((x) => (x === 0 ? 1 : x))).psi).toBeGreaterThanOrEqual(DISTANCE_THRESHOLD)
  })

  it('nextUp is np.nextafter(x, inf)', () => {
    expect(nextUp(1)).toBe(1 + 2 ** -52)
    expect(nextUp(-1)).toBe(-1 + 2 ** -53)
    expect(nextUp(0)).toBe(Number.MIN_VALUE)
    expect(nextUp(-0)).toBe(Number.MIN_VALUE)
    expect(Object.is(nextUp(-Number.MIN_VALUE), -0)).toBe(true)
    expect(nextUp(Number.MAX_VALUE)).toBe(Infinity)
    expect(nextUp(19)).toBe(19.000000000000004)
  })
})
