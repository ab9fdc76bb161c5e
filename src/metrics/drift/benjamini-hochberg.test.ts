import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/drift.json' with { type: 'json' }
import { benjaminiHochberg } from './benjamini-hochberg.js'

interface BhCase {
  kind: 'bh'
  name: string
  input: { pValues: number[] }
  expected: { adjusted: number[] }
}

const cases = (fixture.cases as unknown as { kind: string }[]).filter((c): c is BhCase => c.kind === 'bh')

describe("benjaminiHochberg matches scipy.stats.false_discovery_control(method='bh')", () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const adjusted = benjaminiHochberg(c.input.pValues)
    expect(adjusted).toHaveLength(c.expected.adjusted.length)
    adjusted.forEach((q, i) => expect(Math.abs(q - (c.expected.adjusted[i] as number))).toBeLessThanOrEqual(1e-12))
  })
})

describe('benjaminiHochberg edge cases', () => {
  it('returns empty and single inputs unchanged', () => {
    expect(benjaminiHochberg([])).toEqual([])
    expect(benjaminiHochberg([0.03])).toEqual([0.03])
  })

  it('keeps constant p-values, clips at 1', () => {
    expect(benjaminiHochberg([0.2, 0.2, 0.2])).toEqual([0.2, 0.2, 0.2])
    expect(benjaminiHochberg([0.9, 0.95])).toEqual([0.95, 0.95])
  })

  it('rejects NaN, ±Infinity and values outside [0, 1]', () => {
    expect(() => benjaminiHochberg([0.1, Number.NaN])).toThrow(RangeError)
    expect(() => benjaminiHochberg([Infinity])).toThrow(RangeError)
    expect(() => benjaminiHochberg([-Infinity, 0.1])).toThrow(RangeError)
    expect(() => benjaminiHochberg([1.5])).toThrow(RangeError)
  })
})
