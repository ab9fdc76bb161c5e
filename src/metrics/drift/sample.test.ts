import { describe, expect, it } from 'vitest'
import { ks } from './ks.js'
import { finiteSorted, sortedSample } from './sample.js'
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
})
