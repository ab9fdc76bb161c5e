import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { ks } from './ks.js'

type Sample = number[] | { values: number[]; counts: number[] }
interface KsCase {
  kind: 'ks'
  name: string
  input: { reference: Sample; current: Sample }
  expected: { statistic: number; pValue: number; mode: string }
}

function expand(sample: Sample): number[] {
  if (Array.isArray(sample)) return sample
  return sample.values.flatMap((v, i) => Array<number>(sample.counts[i] ?? 0).fill(v))
}

const ksCases = (fixture.cases as unknown as { kind: string }[]).filter((c): c is KsCase => c.kind === 'ks')

describe('ks matches scipy.stats.ks_2samp (two-sided, auto)', () => {
  it('covers exact and asymptotic cases', () => {
    expect(ksCases.filter((c) => c.expected.mode === 'exact').length).toBeGreaterThanOrEqual(5)
    expect(ksCases.filter((c) => c.expected.mode === 'asymp').length).toBeGreaterThanOrEqual(5)
  })

  it.each(ksCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = ks(expand(c.input.reference), expand(c.input.current))
    const p = result.pValue as number
    expect(result.method).toBe('ks')
    expect(Math.abs(result.score - c.expected.statistic)).toBeLessThanOrEqual(1e-12)
    expect(Math.abs(p - c.expected.pValue)).toBeLessThanOrEqual(1e-6)
    // Much tighter than required, also for tiny p-values the absolute tolerance cannot see.
    expect(Math.abs(p - c.expected.pValue)).toBeLessThanOrEqual(1e-9 * c.expected.pValue)
    expect(result.params.mode).toBe(c.expected.mode)
  })
})

describe('ks edge cases', () => {
  it('gives NaN for an empty side and records sizes', () => {
    for (const r of [ks([], [1, 2]), ks([1, 2], []), ks([], [])]) {
      expect(r.score).toBeNaN()
      expect(r.pValue).toBeNaN()
    }
    expect(ks([], [1, 2]).params).toMatchObject({ nReference: 0, nCurrent: 2, mode: null })
  })

  it('handles single values', () => {
    expect(ks([1], [1])).toMatchObject({ score: 0, pValue: 1 })
    expect(ks([1], [2])).toMatchObject({ score: 1, pValue: 1 })
  })

  it('handles constant samples', () => {
    expect(ks([3, 3, 3], [3, 3])).toMatchObject({ score: 0, pValue: 1 })
    const r = ks(Array<number>(20).fill(3), Array<number>(20).fill(4))
    expect(r.score).toBe(1)
    // Pr(D_{20,20} >= 1) = 2 / C(40, 20)
    expect(r.pValue).toBeCloseTo(2 / 137846528820, 20)
  })

  it('excludes NaN and ±Infinity and counts them', () => {
    const clean = ks([1, 2, 3, 4], [2, 3, 5])
    const dirty = ks([1, Number.NaN, 2, 3, Infinity, 4], [-Infinity, 2, 3, 5, Number.NaN])
    expect(dirty.score).toBe(clean.score)
    expect(dirty.pValue).toBe(clean.pValue)
    expect(dirty.params).toMatchObject({ nReference: 4, nCurrent: 3, excludedReference: 2, excludedCurrent: 2 })
  })

  it('gives NaN when every value is non-finite', () => {
    expect(ks([Number.NaN], [1]).score).toBeNaN()
  })

  it('is symmetric and does not mutate its inputs', () => {
    const a = [5, 1, 4, 2]
    const b = [3, 9, 0]
    const r = ks(a, b)
    expect(ks(b, a)).toEqual({ ...r, params: { ...r.params, nReference: 3, nCurrent: 4 } })
    expect(a).toEqual([5, 1, 4, 2])
  })

  it('treats values present in only one sample like unseen categories: they count in the ECDF', () => {
    expect(ks([0, 0, 0, 1], [0, 0, 0, 7]).score).toBeCloseTo(0.25, 15)
  })
})
