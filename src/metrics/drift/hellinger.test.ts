import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { hellinger } from './hellinger.js'

interface CountsCase {
  name: string
  referenceCounts: number[]
  currentCounts: number[]
  expected: number
}

// 'binned' cases carry counts from reference-decile bins, 'counts' cases hand-made counts.
const cases: CountsCase[] = (
  fixture.cases as unknown as {
    kind: string
    name: string
    input: { referenceCounts?: number[]; currentCounts?: number[] }
    expected: Record<string, unknown>
  }[]
).flatMap((c) => {
  if (c.kind === 'binned') {
    const e = c.expected as { referenceCounts: number[]; currentCounts: number[]; hellinger: number }
    const { referenceCounts, currentCounts } = e
    return [{ name: c.name, referenceCounts, currentCounts, expected: e.hellinger }]
  }
  if (c.kind === 'counts') {
    const i = c.input as { referenceCounts: number[]; currentCounts: number[] }
    return [{ name: c.name, ...i, expected: (c.expected as { hellinger: number }).hellinger }]
  }
  return []
})

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)))
}

describe('hellinger matches the reference', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = hellinger(c.referenceCounts, c.currentCounts)
    expect(result.method).toBe('hellinger')
    expect(result.pValue).toBeUndefined()
    expectClose(result.score, c.expected)
  })
})

describe('hellinger edge cases', () => {
  it('gives NaN for an empty side (all counts zero) or no bins', () => {
    expect(hellinger([0, 0], [1, 2]).score).toBeNaN()
    expect(hellinger([1, 2], [0, 0]).score).toBeNaN()
    expect(hellinger([], []).score).toBeNaN()
  })

  it('is 0 for the same distribution, a single value or a constant sample', () => {
    expect(hellinger([1, 2, 3], [10, 20, 30]).score).toBeCloseTo(0, 15)
    expect(hellinger([1], [1]).score).toBe(0)
    expect(hellinger([0, 7, 0], [0, 3, 0]).score).toBeCloseTo(0, 15)
  })

  it('rejects NaN, ±Infinity and negative counts, and mismatched bins', () => {
    expect(() => hellinger([1, Number.NaN], [1, 1])).toThrow(RangeError)
    expect(() => hellinger([1, 1], [Infinity, 1])).toThrow(RangeError)
    expect(() => hellinger([1, -Infinity], [1, 1])).toThrow(RangeError)
    expect(() => hellinger([1, -1], [1, 1])).toThrow(RangeError)
    expect(() => hellinger([1, 1], [1, 1, 1])).toThrow(RangeError)
  })

  it('needs no epsilon: disjoint supports give exactly 1, an unseen bin a finite value', () => {
    expect(hellinger([3, 0], [0, 5]).score).toBeCloseTo(1, 15)
    // p = [1, 0], q = [1/2, 1/2]: H² = 1 − √(1/2)
    expect(hellinger([2, 0], [1, 1]).score).toBeCloseTo(Math.sqrt(1 - Math.SQRT1_2), 14)
  })

  it('is symmetric', () => {
    expect(hellinger([5, 3, 0], [1, 4, 4]).score).toBe(hellinger([1, 4, 4], [5, 3, 0]).score)
  })
})
