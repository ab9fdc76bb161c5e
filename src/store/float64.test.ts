import { describe, expect, it } from 'vitest'
import { float64 } from './float64.js'

describe('float64: quoted denormals from ClickHouse JSON', () => {
  it('reads inf, -inf and nan strings as ±Infinity and NaN, and NULL as null', () => {
    expect(float64('inf')).toBe(Number.POSITIVE_INFINITY)
    expect(float64('+inf')).toBe(Number.POSITIVE_INFINITY)
    expect(float64('-inf')).toBe(Number.NEGATIVE_INFINITY)
    expect(float64('nan')).toBeNaN()
    expect(float64('-nan')).toBeNaN()
    expect(float64(null)).toBeNull()
    expect(float64(undefined)).toBeNull()
  })

  it('passes numbers through', () => {
    expect(float64(1.5)).toBe(1.5)
    expect(float64(-0)).toBe(-0)
    expect(float64('2e200')).toBe(2e200)
  })
})
