import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { chiSquare } from './chi-square.js'
import { zTest } from './z-test.js'

interface CategoricalCase {
  kind: 'categorical'
  name: string
  input: { reference: Record<string, number>; current: Record<string, number> }
  expected: { z?: number; zPValue?: number; unseenCategories: number }
}

const cases = (fixture.cases as unknown as { kind: string }[]).filter(
  (c): c is CategoricalCase & { expected: { z: number; zPValue: number } } =>
    c.kind === 'categorical' && (c as CategoricalCase).expected.z !== undefined,
)

describe("zTest matches Evidently's z stattest (scipy.stats.norm)", () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = zTest(c.input.reference, c.input.current)
    expect(r.method).toBe('z')
    expect(r.score).toBeCloseTo(c.expected.z, 12)
    expect(Math.abs((r.pValue as number) - c.expected.zPValue)).toBeLessThanOrEqual(1e-6)
    expect(Math.abs((r.pValue as number) - c.expected.zPValue)).toBeLessThanOrEqual(1e-9 * c.expected.zPValue)
    expect(r.params.unseenCategories).toBe(c.expected.unseenCategories)
  })

  it('agrees with the uncorrected 2×2 chi-square', () => {
    const z = zTest({ yes: 120, no: 80 }, { yes: 90, no: 110 })
    const chi = chiSquare({ yes: 120, no: 80 }, { yes: 90, no: 110 })
    expect(z.score ** 2).toBeCloseTo(chi.score, 10)
    expect(z.pValue).toBeCloseTo(chi.pValue as number, 14)
  })
})

describe('zTest edge cases', () => {
  it('gives NaN for an empty side', () => {
    expect(zTest({}, { a: 1 }).pValue).toBeNaN()
    expect(zTest({ a: 1 }, {}).score).toBeNaN()
  })

  it('gives z = 0, p = 1 for a single value or the same constant category', () => {
    expect(zTest({ a: 1 }, { a: 1 })).toMatchObject({ score: 0, pValue: 1 })
    expect(zTest({ a: 9 }, { a: 4 })).toMatchObject({ score: 0, pValue: 1 })
  })

  it('handles an unseen category and swapped constants', () => {
    const r = zTest({ a: 10 }, { b: 10 })
    expect(Math.abs(r.score)).toBeCloseTo(Math.sqrt(20), 12)
    expect(r.params).toMatchObject({ unseenCategories: 1, unseenCount: 10 })
  })

  it('rejects more than two categories and bad counts', () => {
    expect(() => zTest({ a: 1, b: 1 }, { c: 1 })).toThrow(RangeError)
    expect(() => zTest({ a: Number.NaN }, { a: 1 })).toThrow(RangeError)
    expect(() => zTest({ a: 1 }, { a: Infinity })).toThrow(RangeError)
  })
})
