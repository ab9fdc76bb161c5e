/**
 * The tests every statistic over bin counts shares (PSI, Jensen-Shannon, Hellinger, KL): its
 * values on the scipy fixture ('binned' cases from reference-decile bins, 'counts' cases by
 * hand) and the common edge cases. Each statistic's own test file adds what is specific to it.
 */
import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import type { StatResult } from '../../../src/metrics/types.js'

type BinnedStatistic = (reference: readonly number[], current: readonly number[]) => StatResult

interface FixtureCase {
  kind: string
  name: string
  input: { referenceCounts?: number[]; currentCounts?: number[] }
  expected: Record<string, unknown>
}

/** Fixture cases with the expected value of `key` (the fixture's name for the statistic). */
export function countsCases(key: string): { name: string; referenceCounts: number[]; currentCounts: number[]; expected: number }[] {
  return (fixture.cases as unknown as FixtureCase[]).flatMap((c) => {
    if (c.kind === 'binned') {
      const e = c.expected as { referenceCounts: number[]; currentCounts: number[] } & Record<string, number>
      return [{ name: c.name, referenceCounts: e.referenceCounts, currentCounts: e.currentCounts, expected: e[key]! }]
    }
    if (c.kind === 'counts') {
      const i = c.input as { referenceCounts: number[]; currentCounts: number[] }
      return [{ name: c.name, ...i, expected: c.expected[key] as number }]
    }
    return []
  })
}

export function describeBinnedStatistic(name: string, statistic: BinnedStatistic, method: string, fixtureKey: string): void {
  describe(`${name} matches the reference`, () => {
    it.each(countsCases(fixtureKey).map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const result = statistic(c.referenceCounts, c.currentCounts)
      expect(result.method).toBe(method)
      expect(result.pValue).toBeUndefined()
      expect(Math.abs(result.score - c.expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(c.expected)))
    })
  })

  describe(`${name} edge cases shared by binned statistics`, () => {
    it('gives NaN for an empty side (all counts zero) or no bins', () => {
      expect(statistic([0, 0], [1, 2]).score).toBeNaN()
      expect(statistic([1, 2], [0, 0]).score).toBeNaN()
      expect(statistic([], []).score).toBeNaN()
    })

    it('is 0 for the same distribution, a single value or a constant sample', () => {
      expect(statistic([1, 2, 3], [10, 20, 30]).score).toBeCloseTo(0, 15)
      expect(statistic([1], [1]).score).toBe(0)
      expect(statistic([0, 7, 0], [0, 3, 0]).score).toBeCloseTo(0, 15)
    })

    it('rejects NaN, ±Infinity and negative counts, and mismatched bins', () => {
      expect(() => statistic([1, Number.NaN], [1, 1])).toThrow(RangeError)
      expect(() => statistic([1, 1], [Infinity, 1])).toThrow(RangeError)
      expect(() => statistic([1, -Infinity], [1, 1])).toThrow(RangeError)
      expect(() => statistic([1, -1], [1, 1])).toThrow(RangeError)
      expect(() => statistic([1, 1], [1, 1, 1])).toThrow(RangeError)
    })
  })
}
