import { describe, expect, it } from 'vitest'
import { quantileSorted } from './quantiles.js'

describe('quantileSorted', () => {
  it("is numpy's linear quantile: v = q·(n − 1), lerp between the order statistics around it", () => {
    const x = [1, 2, 4, 8, 16]
    expect(quantileSorted(x, 0)).toBe(1)
    expect(quantileSorted(x, 1)).toBe(16)
    expect(quantileSorted(x, 0.5)).toBe(4)
    expect(quantileSorted(x, 0.3)).toBe(2 + (4 - 2) * 0.2) // v = 1.2
    expect(quantileSorted(x, 0.9)).toBe(16 - (16 - 8) * (1 - 0.6000000000000001)) // v = 3.6, t >= 1/2
    expect(quantileSorted([], 0.5)).toBeNaN()
    expect(() => quantileSorted(x, 1.5)).toThrow(RangeError)
  })

  it('stays finite between neighbours more than the largest double apart, where numpy overflows', () => {
    const x = [-1.7e308, 1.7e308]
    for (const q of [0.005, 0.25, 0.5, 0.75, 0.995]) {
      const v = quantileSorted(x, q)
      expect(Number.isFinite(v)).toBe(true)
      expect(v).toBeGreaterThanOrEqual(-1.7e308)
      expect(v).toBeLessThanOrEqual(1.7e308)
    }
    expect(quantileSorted(x, 0.5)).toBe(0)
  })
})
