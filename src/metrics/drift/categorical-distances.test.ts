import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { categoricalJensenShannon, categoricalPsi, linf } from './categorical-distances.js'

interface CategoricalCase {
  kind: 'categorical'
  name: string
  input: { reference: Record<string, number>; current: Record<string, number> }
  expected: { psi: number; jensenShannon: number; linf: number; unseenCategories: number; unseenCount: number }
}

const cases = (fixture.cases as unknown as { kind: string }[]).filter(
  (c): c is CategoricalCase => c.kind === 'categorical',
)

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)))
}

describe('categorical distances match numpy / scipy jensenshannon (natural log, as Evidently)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { reference, current } = c.input
    const unseen = { unseenCategories: c.expected.unseenCategories, unseenCount: c.expected.unseenCount }
    const results = [
      [categoricalPsi(reference, current), 'psi', c.expected.psi],
      [categoricalJensenShannon(reference, current), 'jensenshannon', c.expected.jensenShannon],
      [linf(reference, current), 'linf', c.expected.linf],
    ] as const
    for (const [result, method, expected] of results) {
      expect(result.method).toBe(method)
      expectClose(result.score, expected)
      expect(result.params).toMatchObject(unseen)
    }
  })

  it('accepts Maps as well as records', () => {
    const c = cases[1] as CategoricalCase
    const asMap = (r: Record<string, number>) => new Map(Object.entries(r))
    expect(categoricalPsi(asMap(c.input.reference), asMap(c.input.current))).toEqual(
      categoricalPsi(c.input.reference, c.input.current),
    )
  })
})

describe('categorical distances edge cases', () => {
  const all = [categoricalPsi, categoricalJensenShannon, linf]

  it('give NaN for an empty side', () => {
    for (const f of all) {
      expect(f({}, { a: 1 }).score).toBeNaN()
      expect(f({ a: 1 }, {}).score).toBeNaN()
      expect(f({ a: 0 }, { a: 0 }).score).toBeNaN()
    }
  })

  it('give 0 for a single value and for a constant sample on both sides', () => {
    for (const f of all) {
      expect(f({ a: 1 }, { a: 1 }).score).toBe(0)
      expect(f({ a: 40 }, { a: 3 }).score).toBe(0)
    }
  })

  it('report unseen categories: current-only, or an explicit zero in the reference', () => {
    const r = linf({ a: 3, b: 0 }, { a: 1, b: 2, c: 1 })
    expect(r.params).toMatchObject({ categories: 3, unseenCategories: 2, unseenCount: 3 })
    expect(r.score).toBe(0.75)
    // An unseen category makes PSI large but finite (epsilon), JS finite without epsilon.
    const p = categoricalPsi({ a: 10 }, { a: 5, new: 5 })
    expect(p.score).toBeCloseTo(-0.5 * Math.log(0.5) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4), 14)
    expect(categoricalJensenShannon({ a: 10 }, { new: 5 }).score).toBeCloseTo(Math.sqrt(Math.LN2), 15)
  })

  it('reject NaN, ±Infinity and negative counts', () => {
    for (const f of all) {
      expect(() => f({ a: Number.NaN }, { a: 1 })).toThrow(RangeError)
      expect(() => f({ a: 1 }, { a: Infinity })).toThrow(RangeError)
      expect(() => f({ a: 1 }, { b: -1 })).toThrow(RangeError)
    }
  })
})
