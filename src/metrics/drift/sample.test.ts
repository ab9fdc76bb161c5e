import { describe, expect, it } from 'vitest'
import { ks } from './ks.js'
import { binCounts, referenceBinEdges } from './reference-bins.js'
import { finiteSorted, type SortedRuns, sortedSample } from './sample.js'
import { wasserstein } from './wasserstein.js'

describe('finiteSorted', () => {
  it('keeps the finite values sorted in a copy; a declared sample is taken as it is', () => {
    const raw = new Float64Array([3, Number.NaN, -1, Number.POSITIVE_INFINITY, 0, -0])
    const kept = finiteSorted(raw)
    expect(Array.from(kept.sorted).map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual([-1, '-0', 0, 3])
    expect(kept.excluded).toBe(2)
    const ascending = new Float64Array([-2, 0, 1, 1, 5])
    expect(finiteSorted(ascending).sorted).not.toBe(ascending)
    const declared = sortedSample(new Float64Array([-2, 0, 1, 1, 5]))
    expect(finiteSorted(declared)).toEqual({ sorted: declared, excluded: 0 })
    expect(finiteSorted(declared).sorted).toBe(declared)
  })

  it('the statistics give the same results on a declared sample', () => {
    const a = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i) * 10).sort()
    const b = Float64Array.from({ length: 700 }, (_, i) => Math.cos(i) * 9 + 1).sort()
    const [da, db] = [sortedSample(a.slice()), sortedSample(b.slice())]
    expect(ks(da, db)).toEqual(ks(a, b))
    expect(wasserstein(da, db)).toEqual(wasserstein(a, b))
    expect(Array.from(da)).toEqual(Array.from(a))
  })

  it('a sample given as runs of equal values: KS, Wasserstein and the bins as on the expanded sample', () => {
    // Repeats, -0 and +0 in runs of their own, values equal to a reference bin edge.
    const runsOf = (xs: Float64Array): SortedRuns => {
      const values: number[] = []
      const ends: number[] = []
      xs.forEach((x, i) => {
        if (i > 0 && Object.is(x, xs[i - 1])) ends[ends.length - 1] = i + 1
        else {
          values.push(x)
          ends.push(i + 1)
        }
      })
      return { values: Float64Array.from(values), ends: Float64Array.from(ends) }
    }
    const reference = Float64Array.from({ length: 400 }, (_, i) => Math.round(Math.sin(i) * 6) / 2).sort()
    for (const current of [
      Float64Array.from({ length: 900 }, (_, i) => Math.round(Math.cos(i * 1.3) * 7) / 2 + 0.5).sort(),
      Float64Array.from([-0, -0, 0, 0, 0, 1, 1, 2]),
      Float64Array.from([5]),
    ]) {
      const runs = runsOf(current)
      expect(runs.values.length).toBeLessThan(current.length + 1)
      expect(ks(reference, runs)).toEqual(ks(reference, current))
      expect(ks(runsOf(reference), runs)).toEqual(ks(reference, current))
      expect(wasserstein(reference, runs)).toEqual(wasserstein(reference, current))
      expect(wasserstein(runsOf(reference), runs)).toEqual(wasserstein(reference, current))
      const edges = referenceBinEdges(reference)
      expect(binCounts(edges, runs)).toEqual(binCounts(edges, current))
    }
  })
})
