import { describe, expect, it } from 'vitest'
import { float64ArrayParam, float64Bits, float64FromBits, float64MapBits, float64MapParam } from './float-params.js'

describe('float64 parameters as bit patterns', () => {
  it('writes the IEEE 754 binary64 pattern', () => {
    expect(float64Bits(1)).toBe(0x3ff0000000000000n)
    expect(float64Bits(-2)).toBe(0xc000000000000000n)
    expect(float64Bits(0)).toBe(0n)
    expect(float64Bits(-0)).toBe(0x8000000000000000n)
    expect(float64Bits(Number.MIN_VALUE)).toBe(1n) // the smallest subnormal
    expect(float64Bits(Number.MAX_VALUE)).toBe(0x7fefffffffffffffn)
    expect(float64Bits(Number.POSITIVE_INFINITY)).toBe(0x7ff0000000000000n)
    expect(float64Bits(2 ** 53)).toBe(0x4340000000000000n)
  })

  it('round-trips every kind of float, the ones decimal text loses included', () => {
    const cases = [0, -0, 1.2e16, 12000000000156796, -1.2e16, 2 ** 53 + 2, 1e21, 1e308, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE,
      2.2250738585072014e-308, 2.225073858507201e-308, 1.7091, 0.1, Number.EPSILON, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]
    for (const x of cases) expect(Object.is(float64FromBits(float64Bits(x)), x), String(x)).toBe(true)
    expect(Number.isNaN(float64FromBits(float64Bits(Number.NaN)))).toBe(true)
    // Unsigned: negative floats have the top bit set, and fit UInt64.
    expect(float64Bits(-1.2e16)).toBeGreaterThan(2n ** 63n)
    expect(float64Bits(-Number.MAX_VALUE)).toBeLessThan(2n ** 64n)
  })

  it('maps arrays and per-key values, keeping keys and order', () => {
    expect(float64MapBits({ a: 1, b: -0 })).toEqual({ a: 0x3ff0000000000000n, b: 0x8000000000000000n })
    expect(float64ArrayParam('e')).toBe('arrayMap(b -> reinterpretAsFloat64(b), {e:Array(UInt64)})')
    expect(float64MapParam('lo')).toContain('{lo:Map(String, UInt64)}')
  })
})
