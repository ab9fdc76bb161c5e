import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/quality.json' with { type: 'json' }
import { expectClose } from '../../../test/support/unit/metric-checks.js'
import { numericalProfile, profileQuantile, stratifiedSample } from './numerical-profile.js'
import { PROFILE_QUANTILES, quantileSorted } from './quantiles.js'
import { decodeNumber } from '../../../test/support/unit/decode-number.js'

describe('numericalProfile vs numpy', () => {
  it('records the fixture levels', () => expect(PROFILE_QUANTILES).toEqual(fixture.levels))
  for (const c of fixture.numerical) {
    it(c.name, () => {
      const p = numericalProfile((c.input as (number | string | null)[]).map(decodeNumber))
      const e = c.expected
      expect({ count: p.count, missing: p.missing, nonFinite: p.nonFinite, finite: p.finite, nUnique: p.nUnique }).toEqual({
        count: e.count,
        missing: e.missing,
        nonFinite: e.nonFinite,
        finite: e.finite,
        nUnique: e.nUnique,
      })
      expect([p.min, p.max]).toEqual([e.min, e.max])
      for (const k of ['mean', 'std'] as const) {
        if (e[k] === null) expect(p[k]).toBeNull()
        else expectClose(p[k] as number, e[k], 1e-9, k)
      }
      // Quantiles use numpy's exact lerp: equal to the last bit.
      expect(p.quantiles.values).toEqual(e.quantiles)
      expect(p.binEdges).toEqual(e.binEdges)
      expect(p.binCounts).toEqual(e.binCounts)
      expect(p.typeViolations).toBe(0)
    })
  }
})

describe('numericalProfile conventions', () => {
  it('strings and booleans are type violations, left out of every statistic', () => {
    const p = numericalProfile([1, '2', true, 3, null, undefined, Number.NaN])
    expect(p).toMatchObject({ count: 7, missing: 3, typeViolations: 2, finite: 2, min: 1, max: 3, mean: 2 })
  })

  it('keeps value frequencies for at most 5 distinct values (treated as categorical by drift)', () => {
    expect(numericalProfile([0, 1, 1, 0, 1]).values).toEqual({ '0': 2, '1': 3 })
    expect(numericalProfile([1, 2, 3, 4, 5, 6]).values).toBeUndefined()
  })

  it('an empty or all-missing column: nulls, one bin, still plain JSON', () => {
    const p = numericalProfile([null, Number.NaN])
    expect([p.min, p.max, p.mean, p.std]).toEqual([null, null, null, null])
    expect(p.quantiles.values.every((q) => q === null)).toBe(true)
    expect(p.binCounts).toEqual([0])
    expect(JSON.parse(JSON.stringify(p))).toEqual(p)
    expect(profileQuantile(p, 0.5)).toBeNull()
  })

  it('profileQuantile reads a recorded level, null for one not recorded', () => {
    const p = numericalProfile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(profileQuantile(p, 0.5)).toBe(5.5)
    expect(profileQuantile(p, 0.3)).toBeNull()
  })

  it('quantileSorted: empty → NaN, a level outside [0, 1] is a bug', () => {
    expect(quantileSorted([], 0.5)).toBeNaN()
    expect(quantileSorted([4], 0.995)).toBe(4)
    expect(() => quantileSorted([1], 1.5)).toThrow(RangeError)
    expect(() => quantileSorted([1], Number.NaN)).toThrow(RangeError)
  })

  it('no sample unless asked for; a sample is sorted, bounded and independent of row order', () => {
    const xs = Array.from({ length: 1001 }, (_, i) => (i * 7919) % 1001)
    expect(numericalProfile(xs).sample).toBeUndefined()
    const p = numericalProfile([...xs, null, 'x', Number.POSITIVE_INFINITY], { sampleSize: 10 })
    expect(p.sample).toEqual([50, 150, 250, 350, 450, 550, 650, 750, 850, 950])
    expect(numericalProfile([...xs].reverse(), { sampleSize: 10 }).sample).toEqual(p.sample)
    expect(numericalProfile([3, 1, 2], { sampleSize: 10 }).sample).toEqual([1, 2, 3])
    expect(numericalProfile([], { sampleSize: 10 }).sample).toEqual([])
  })

  it('stratifiedSample: evenly spaced order statistics; a bad size is a bug', () => {
    expect(stratifiedSample([0, 1, 2, 3], 2)).toEqual([1, 3])
    expect(stratifiedSample([5], 1)).toEqual([5])
    expect(() => stratifiedSample([1, 2], 0)).toThrow(RangeError)
  })
})
