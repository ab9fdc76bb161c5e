import { describe, expect, it } from 'vitest'
import { relativeChange } from './relative-performance.js'

describe('relativeChange', () => {
  it('is (value − reference) / |reference|', () => {
    expect(relativeChange(0.9, 1)).toBeCloseTo(-0.1, 15)
    expect(relativeChange(-3, -2)).toBe(-0.5)
  })

  it('an infinite value is an infinite change, which a rule can breach on', () => {
    expect(relativeChange(Number.POSITIVE_INFINITY, 2)).toBe(Number.POSITIVE_INFINITY)
    expect(relativeChange(Number.NEGATIVE_INFINITY, 2)).toBe(Number.NEGATIVE_INFINITY)
  })

  it('no change without a value, with an undefined one, or without a finite non-zero reference', () => {
    expect(relativeChange(null, 1)).toBeNull()
    expect(relativeChange(Number.NaN, 1)).toBeNull()
    expect(relativeChange(1, null)).toBeNull()
    expect(relativeChange(1, 0)).toBeNull()
    expect(relativeChange(1, Number.POSITIVE_INFINITY)).toBeNull()
  })
})
