import { describe, expect, it } from 'vitest'
import { tsvDoubleHex, writeDoubleHex } from './tsv.js'

/** What the engine does with a features_num_hex value: reinterpretAsFloat64(unhex(v)). */
const engineRead = (hex: string) => Buffer.from(hex, 'hex').readDoubleLE(0)

describe('numbers as the hex digits of their bytes (features_num_hex)', () => {
  const edges = [0, 1, -1, 0.1, 1.5, 52000, 1e21, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, Math.PI, 2 ** 53 + 2]

  it('gives back the same double for every value, subnormals and extremes included', () => {
    for (const x of edges) expect(engineRead(tsvDoubleHex(x))).toBe(x)
    for (let i = 0; i < 10_000; i++) {
      const bytes = Buffer.from(Array.from({ length: 8 }, () => Math.floor(Math.random() * 256)))
      const x = bytes.readDoubleLE(0)
      if (!Number.isFinite(x) || Object.is(x, -0)) continue
      expect(tsvDoubleHex(x)).toBe(bytes.toString('hex'))
      expect(engineRead(tsvDoubleHex(x))).toBe(x)
    }
  })

  it('writes -0 as 0, as decimal text does', () => {
    expect(tsvDoubleHex(-0)).toBe('0000000000000000')
    expect(Object.is(engineRead(tsvDoubleHex(-0)), 0)).toBe(true)
  })

  it('copies the bytes of an Avro double from inside a payload, the same digits as from the number', () => {
    const payload = Buffer.alloc(3 + 8 + 2, 0xee)
    for (const x of edges) {
      payload.writeDoubleLE(x, 3)
      const out = Buffer.alloc(20, 0x20)
      expect(writeDoubleHex(payload, 3, out, 2)).toBe(18)
      expect(out.toString('latin1', 2, 18)).toBe(tsvDoubleHex(x))
      expect(out[1]).toBe(0x20) // nothing written outside
      expect(out[18]).toBe(0x20)
    }
  })
})
