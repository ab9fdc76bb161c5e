import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { kl } from './kl.js'

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
    const e = c.expected as { referenceCounts: number[]; currentCounts: number[]; kl: number }
    const { referenceCounts, currentCounts } = e
    return [{ name: c.name, referenceCounts, currentCounts, expected: e.kl }]
  }
  if (c.kind === 'counts') {
    const i = c.input as { referenceCounts: number[]; currentCounts: number[] }
    return [{ name: c.name, ...i, expected: (c.expected as { kl: number }).kl }]
  }
  return []
})

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)))
}

describe('kl matches the reference', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = kl(c.referenceCounts, c.currentCounts)
    expect(result.method).toBe('kl_div')
    expect(result.pValue).toBeUndefined()
    expectClose(result.score, c.expected)
  })
})

describe('kl edge cases', () => {
  it('gives NaN for an empty side (all counts zero) or no bins', () => {
    expect(kl([0, 0], [1, 2]).score).toBeNaN()
    expect(kl([1, 2], [0, 0]).score).toBeNaN()
    expect(kl([], []).score).toBeNaN()
  })

  it('is 0 for the same distribution, a single value or a constant sample', () => {
    expect(kl([1, 2, 3], [10, 20, 30]).score).toBeCloseTo(0, 15)
    expect(kl([1], [1]).score).toBe(0)
    expect(kl([0, 7, 0], [0, 3, 0]).score).toBeCloseTo(0, 15)
  })

  it('rejects NaN, ±Infinity and negative counts, and mismatched bins', () => {
    expect(() => kl([1, Number.NaN], [1, 1])).toThrow(RangeError)
    expect(() => kl([1, 1], [Infinity, 1])).toThrow(RangeError)
    expect(() => kl([1, -Infinity], [1, 1])).toThrow(RangeError)
    expect(() => kl([1, -1], [1, 1])).toThrow(RangeError)
    expect(() => kl([1, 1], [1, 1, 1])).toThrow(RangeError)
  })

  it('is KL(reference ‖ current) with epsilon for empty bins, renormalised', () => {
    // reference [1, 0] → [1, 1e-4]/1.0001; current [1, 1] → [0.5, 0.5]
    const r = [1 / 1.0001, 1e-4 / 1.0001]
    const expected = r.reduce((sum, ri) => sum + ri * Math.log(ri / 0.5), 0)
    const result = kl([3, 0], [1, 1])
    expect(result.score).toBeCloseTo(expected, 14)
    expect(result.params).toMatchObject({ direction: 'reference||current', epsilon: 1e-4, base: 'e' })
  })

  it('is asymmetric, and an empty current bin is capped by epsilon', () => {
    expect(kl([3, 0], [1, 1]).score).not.toBeCloseTo(kl([1, 1], [3, 0]).score, 3)
    expect(Number.isFinite(kl([1, 1], [3, 0]).score)).toBe(true)
    expect(kl([1, 1], [3, 0], { epsilon: 1e-2 }).score).toBeLessThan(kl([1, 1], [3, 0]).score)
  })
})
