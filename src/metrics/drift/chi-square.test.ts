import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { chiSquare, chiSquareSf } from './chi-square.js'

interface CategoricalCase {
  kind: 'categorical'
  name: string
  input: { reference: Record<string, number>; current: Record<string, number> }
  expected: { chi2: number; chi2PValue: number; dof: number; unseenCategories: number; unseenCount: number }
}

const cases = (fixture.cases as unknown as { kind: string }[]).filter(
  (c): c is CategoricalCase => c.kind === 'categorical',
)

describe('chiSquare matches scipy.stats.chi2_contingency(correction=False)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = chiSquare(c.input.reference, c.input.current)
    const p = r.pValue as number
    expect(r.method).toBe('chi2')
    expect(Math.abs(r.score - c.expected.chi2)).toBeLessThanOrEqual(1e-9 * Math.max(1, c.expected.chi2))
    expect(Math.abs(p - c.expected.chi2PValue)).toBeLessThanOrEqual(1e-6)
    expect(Math.abs(p - c.expected.chi2PValue)).toBeLessThanOrEqual(1e-9 * c.expected.chi2PValue)
    expect(r.params).toMatchObject({
      dof: c.expected.dof,
      unseenCategories: c.expected.unseenCategories,
      unseenCount: c.expected.unseenCount,
      correction: false,
    })
  })
})

describe('chiSquare edge cases', () => {
  it('gives NaN for an empty side', () => {
    for (const r of [chiSquare({}, { a: 1 }), chiSquare({ a: 2 }, { a: 0 }), chiSquare({}, {})]) {
      expect(r.score).toBeNaN()
      expect(r.pValue).toBeNaN()
    }
  })

  it('gives χ² = 0, p = 1, dof = 0 for a single value or one constant category', () => {
    expect(chiSquare({ a: 1 }, { a: 1 })).toMatchObject({ score: 0, pValue: 1, params: { dof: 0 } })
    expect(chiSquare({ a: 50 }, { a: 3 })).toMatchObject({ score: 0, pValue: 1, params: { dof: 0 } })
  })

  it('drops categories that are zero on both sides', () => {
    expect(chiSquare({ a: 5, b: 5, z: 0 }, { a: 2, b: 8, z: 0 })).toMatchObject({
      score: chiSquare({ a: 5, b: 5 }, { a: 2, b: 8 }).score,
      params: { dof: 1, categories: 3 },
    })
  })

  it('includes an unseen category in the table', () => {
    // Table [[10, 0], [5, 5]]: E = [[7.5, 2.5], [7.5, 2.5]], χ² = 2·(2.5²/7.5 + 2.5²/2.5) = 6.666…
    const r = chiSquare({ a: 10 }, { a: 5, new: 5 })
    expect(r.score).toBeCloseTo(20 / 3, 13)
    expect(r.params).toMatchObject({ dof: 1, unseenCategories: 1, unseenCount: 5 })
  })

  it('rejects NaN, ±Infinity and negative counts', () => {
    expect(() => chiSquare({ a: Number.NaN }, { a: 1 })).toThrow(RangeError)
    expect(() => chiSquare({ a: 1 }, { a: -Infinity })).toThrow(RangeError)
    expect(() => chiSquare({ a: 1 }, { a: Infinity })).toThrow(RangeError)
  })

  it('has an accurate upper tail', () => {
    expect(chiSquareSf(0, 3)).toBe(1)
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 14)
    // chi2.sf(400, 2) = exp(-200): 1 − cdf would round to 0.
    expect(chiSquareSf(400, 2) / Math.exp(-200)).toBeCloseTo(1, 12)
  })
})
