import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { psi } from './psi.js'

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
    const e = c.expected as { referenceCounts: number[]; currentCounts: number[]; psi: number }
    const { referenceCounts, currentCounts } = e
    return [{ name: c.name, referenceCounts, currentCounts, expected: e.psi }]
  }
  if (c.kind === 'counts') {
    const i = c.input as { referenceCounts: number[]; currentCounts: number[] }
    return [{ name: c.name, ...i, expected: (c.expected as { psi: number }).psi }]
  }
  return []
})

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)))
}

describe('psi matches the reference', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = psi(c.referenceCounts, c.currentCounts)
    expect(result.method).toBe('psi')
    expect(result.pValue).toBeUndefined()
    expectClose(result.score, c.expected)
  })
})

describe('psi edge cases', () => {
  it('gives NaN for an empty side (all counts zero) or no bins', () => {
    expect(psi([0, 0], [1, 2]).score).toBeNaN()
    expect(psi([1, 2], [0, 0]).score).toBeNaN()
    expect(psi([], []).score).toBeNaN()
  })

  it('is 0 for the same distribution, a single value or a constant sample', () => {
    expect(psi([1, 2, 3], [10, 20, 30]).score).toBeCloseTo(0, 15)
    expect(psi([1], [1]).score).toBe(0)
    expect(psi([0, 7, 0], [0, 3, 0]).score).toBeCloseTo(0, 15)
  })

  it('rejects NaN, ±Infinity and negative counts, and mismatched bins', () => {
    expect(() => psi([1, Number.NaN], [1, 1])).toThrow(RangeError)
    expect(() => psi([1, 1], [Infinity, 1])).toThrow(RangeError)
    expect(() => psi([1, -Infinity], [1, 1])).toThrow(RangeError)
    expect(() => psi([1, -1], [1, 1])).toThrow(RangeError)
    expect(() => psi([1, 1], [1, 1, 1])).toThrow(RangeError)
  })

  it('replaces empty proportions by epsilon (a bin unseen in the reference)', () => {
    // reference [1, 0] → r = [1, 1e-4]; current [1, 1] → c = [0.5, 0.5]
    const expected = (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4)
    expect(psi([4, 0], [1, 1]).score).toBeCloseTo(expected, 14)
    expect(psi([4, 0], [1, 1]).params).toEqual({ bins: 2, epsilon: 1e-4 })
  })

  it('uses the epsilon it is given', () => {
    const expected = (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 0.01) * Math.log(0.5 / 0.01)
    const r = psi([4, 0], [1, 1], { epsilon: 0.01 })
    expect(r.score).toBeCloseTo(expected, 14)
    expect(r.params.epsilon).toBe(0.01)
    expect(() => psi([1], [1], { epsilon: 0 })).toThrow(RangeError)
  })

  it('is symmetric in reference and current', () => {
    expect(psi([5, 3, 0, 2], [1, 4, 4, 1]).score).toBeCloseTo(psi([1, 4, 4, 1], [5, 3, 0, 2]).score, 14)
  })
})
