import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { jensenShannon } from './jensen-shannon.js'

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
    const e = c.expected as { referenceCounts: number[]; currentCounts: number[]; jensenShannon: number }
    const { referenceCounts, currentCounts } = e
    return [{ name: c.name, referenceCounts, currentCounts, expected: e.jensenShannon }]
  }
  if (c.kind === 'counts') {
    const i = c.input as { referenceCounts: number[]; currentCounts: number[] }
    return [{ name: c.name, ...i, expected: (c.expected as { jensenShannon: number }).jensenShannon }]
  }
  return []
})

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)))
}

describe('jensenShannon matches the reference', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = jensenShannon(c.referenceCounts, c.currentCounts)
    expect(result.method).toBe('jensenshannon')
    expect(result.pValue).toBeUndefined()
    expectClose(result.score, c.expected)
  })
})

describe('jensenShannon edge cases', () => {
  it('gives NaN for an empty side (all counts zero) or no bins', () => {
    expect(jensenShannon([0, 0], [1, 2]).score).toBeNaN()
    expect(jensenShannon([1, 2], [0, 0]).score).toBeNaN()
    expect(jensenShannon([], []).score).toBeNaN()
  })

  it('is 0 for the same distribution, a single value or a constant sample', () => {
    expect(jensenShannon([1, 2, 3], [10, 20, 30]).score).toBeCloseTo(0, 15)
    expect(jensenShannon([1], [1]).score).toBe(0)
    expect(jensenShannon([0, 7, 0], [0, 3, 0]).score).toBeCloseTo(0, 15)
  })

  it('rejects NaN, ±Infinity and negative counts, and mismatched bins', () => {
    expect(() => jensenShannon([1, Number.NaN], [1, 1])).toThrow(RangeError)
    expect(() => jensenShannon([1, 1], [Infinity, 1])).toThrow(RangeError)
    expect(() => jensenShannon([1, -Infinity], [1, 1])).toThrow(RangeError)
    expect(() => jensenShannon([1, -1], [1, 1])).toThrow(RangeError)
    expect(() => jensenShannon([1, 1], [1, 1, 1])).toThrow(RangeError)
  })

  it('needs no epsilon: disjoint supports give exactly 1, an unseen bin a finite value', () => {
    expect(jensenShannon([3, 0], [0, 5]).score).toBeCloseTo(1, 15)
    // p = [1, 0], q = [1/2, 1/2], m = [3/4, 1/4]
    const js = (Math.log(4 / 3) + 0.5 * Math.log(2 / 3) + 0.5 * Math.log(2)) / Math.log(2)
    expect(jensenShannon([2, 0], [1, 1]).score).toBeCloseTo(Math.sqrt(js / 2), 14)
  })

  it('is symmetric and reports its base', () => {
    expect(jensenShannon([5, 3, 0], [1, 4, 4]).score).toBeCloseTo(jensenShannon([1, 4, 4], [5, 3, 0]).score, 15)
    expect(jensenShannon([1], [1]).params).toEqual({ bins: 1, base: 2 })
  })
})
