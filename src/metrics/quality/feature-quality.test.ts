import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/quality.json' with { type: 'json' }
import { expectClose, expectMergeLaws, fold } from '../../../test/support/unit/metric-checks.js'
import { buildProfile, featureProfile, type FeatureValue, type Row } from '../profile/index.js'
import { decodeNumber } from '../../../test/support/unit/decode-number.js'
import { addFeatureValue, emptyFeatureQuality, type FeatureQuality, featureQualityResult } from './feature-quality.js'
import { qualityAccumulator, type QualityResult } from './quality-accumulator.js'

function quality(reference: FeatureValue[], current: FeatureValue[], kind?: 'numerical' | 'categorical'): FeatureQuality {
  const profile = featureProfile(reference, kind)
  const state = emptyFeatureQuality()
  for (const v of current) addFeatureValue(state, profile, v)
  return featureQualityResult(state, profile)
}

describe('feature quality vs pandas', () => {
  for (const c of fixture.quality) {
    it(c.name, () => {
      const decode = (xs: (number | string | null)[]) => (c.kind === 'numerical' ? xs.map(decodeNumber) : xs)
      const q = quality(decode(c.input.reference), decode(c.input.current), c.kind as 'numerical' | 'categorical')
      const e = c.expected as { missingRate: number; outOfRangeRate?: number; newCategoryRate?: number; newCategories?: Record<string, number> }
      expectClose(q.missingRate, e.missingRate, 1e-12, 'missing rate')
      if (c.kind === 'numerical') expectClose(q.outOfRangeRate, e.outOfRangeRate!, 1e-12, 'out of range')
      else {
        expectClose(q.newCategoryRate, e.newCategoryRate!, 1e-12, 'new category rate')
        expect(q.newCategories).toEqual(e.newCategories)
      }
    })
  }
})

describe('feature quality edge cases', () => {
  it('empty window: NaN rates, constancy unknown', () => {
    const q = quality([1, 2, 3, 4, 5, 6], [], 'numerical')
    expect([q.missingRate, q.typeViolationRate, q.outOfRangeRate]).toEqual([Number.NaN, Number.NaN, Number.NaN])
    expect(q.constant).toBeNull()
  })

  it('a single value is constant; a constant reference is flagged', () => {
    expect(quality([1, 2], [7], 'numerical')).toMatchObject({ constant: true, outOfRange: 1, outOfRangeRate: 1, referenceConstant: false })
    expect(quality([3, 3, 3], [3, 3], 'numerical')).toMatchObject({ constant: true, outOfRangeRate: 0, referenceConstant: true })
    expect(quality(['a'], ['a', 'b'], 'categorical')).toMatchObject({ constant: false, referenceConstant: true })
  })

  it('NaN is missing, ±Infinity is non-finite and out of range, a string is a type violation', () => {
    const q = quality([0, 1, 2, 3, 4, 5], [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '3', true, 2], 'numerical')
    expect(q).toMatchObject({ count: 6, missing: 1, nonFinite: 2, typeViolations: 2, outOfRange: 2, outOfRangeRate: 2 / 3 })
    expect(q.typeViolationRate).toBeCloseTo(1 / 3, 15)
  })

  it('an empty reference cannot say what is out of range', () => {
    const q = quality([], [1, 2], 'numerical')
    expect(q.outOfRangeRate).toBeNaN()
  })

  it('unseen categories are counted and listed; a non-finite number is a categorical type violation', () => {
    const q = quality(['a', 'b'], ['a', 'c', 'c', 'd', Number.POSITIVE_INFINITY, null], 'categorical')
    expect(q).toMatchObject({ newCategoryCount: 3, newCategories: { c: 2, d: 1 }, typeViolations: 1, missing: 1 })
    expect(q.newCategoryRate).toBe(3 / 4)
    expect(q.outOfRangeRate).toBeNaN()
  })
})

describe('qualityAccumulator over rows', () => {
  const reference: Row[] = Array.from({ length: 50 }, (_, i) => ({ x: i, city: ['A', 'B', 'C'][i % 3] as string }))
  const profile = buildProfile(reference)
  const current: Row[] = Array.from({ length: 40 }, (_, i) => ({
    ...(i % 7 === 0 ? {} : { x: i % 11 === 0 ? 'oops' : i * 1.5 }),
    city: i % 5 === 0 ? `new-${i % 3}` : (['A', 'B'][i % 2] as string),
  }))

  it('an absent column counts as missing', () => {
    const r = qualityAccumulator(profile).result(fold(qualityAccumulator(profile), [{ city: 'A' }]))
    expect(r.features['x']?.missingRate).toBe(1)
  })

  it('merge laws: associative, create() is the identity, parts merged equal the whole', () => {
    const same = (a: QualityResult, b: QualityResult) => expect(a).toEqual(b)
    expectMergeLaws(qualityAccumulator(profile), current, same)
  })

  it('constancy survives merging: two constant parts with different values vary', () => {
    const acc = qualityAccumulator(profile)
    const a = fold(acc, [{ x: 1, city: 'A' }])
    const b = fold(acc, [{ x: 2, city: 'A' }])
    const r = acc.result(acc.merge(a, b))
    expect(r.features['x']?.constant).toBe(false)
    expect(r.features['city']?.constant).toBe(true)
    expect(acc.result(acc.merge(acc.create(), acc.create())).features['x']?.constant).toBeNull()
  })
})
