import { describe, expect, it } from 'vitest'
import { RowBinaryReader } from '../../test/support/unit/row-binary.js'
import { RowBuffer } from './row-buffer.js'

describe('RowBuffer', () => {
  it('grows as rows are written, keeping what was written', () => {
    const out = new RowBuffer(4)
    out.string('é-1')
    out.float64(12.5)
    out.byte(0x0a)
    out.copy(Buffer.from('xyz'), 1, 3)
    const read = new RowBinaryReader(out.buf.subarray(0, out.pos))
    expect([read.value('String'), read.value('Float64')]).toEqual(['é-1', 12.5])
    expect(out.buf.toString('latin1', out.pos - 3, out.pos)).toBe('\nyz')
  })

  it('writes strings as RowBinary: the UTF-8 length as a varint, then the bytes (lone surrogates as U+FFFD)', () => {
    for (const s of ['', 'plain', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(20_000), 'é 名前 🚀', 'lone \ud800 surrogate', 'a\tb\n\0']) {
      const out = new RowBuffer(2)
      out.string(s)
      const bytes = Buffer.from(s, 'utf8')
      expect(new RowBinaryReader(out.buf.subarray(0, out.pos)).value('String')).toBe(bytes.toString('utf8'))
      expect(out.pos).toBe(bytes.length + (bytes.length < 128 ? 1 : bytes.length < 16384 ? 2 : 3))
    }
  })

  it('copies UTF-8 bytes as a string, and refuses bytes that are not UTF-8, writing nothing', () => {
    const src = Buffer.concat([Buffer.from(' ab é中🙂 '), Buffer.from([0x61, 0xff, 0x62, 0xc3, 0x28, 0xed, 0xa0, 0x80])])
    const out = new RowBuffer(2)
    expect(out.utf8Bytes(src, 1, 3)).toBe(true)
    expect(out.utf8Bytes(src, 4, 13)).toBe(true)
    const at = out.pos
    for (const [s, e] of [[14, 17], [17, 19], [19, 22]] as const) {
      expect(out.utf8Bytes(src, s, e)).toBe(false)
      expect(out.pos).toBe(at)
    }
    const read = new RowBinaryReader(out.buf.subarray(0, out.pos))
    expect([read.value('String'), read.value('String')]).toEqual(['ab', 'é中🙂'])
    expect(read.done).toBe(true)
  })

  it('writes Int64 and UInt64 in two’s complement, little-endian, over their whole range', () => {
    const out = new RowBuffer(2)
    const ints = [0, 1, -1, 2 ** 32, -(2 ** 32) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Date.UTC(1900, 0, 1), Date.UTC(2299, 11, 31)]
    for (const n of ints) out.int64(n)
    const offsets = ['0', '123456789012345', '1234567890123456', '18446744073709551615']
    for (const d of offsets) out.uint64Decimal(d)
    const read = new RowBinaryReader(out.buf.subarray(0, out.pos))
    expect(ints.map(() => read.value('Int64'))).toEqual(ints.map(String))
    expect(offsets.map(() => read.value('UInt64'))).toEqual(offsets)
  })

  it('writes nullable values and maps with their counts', () => {
    const out = new RowBuffer(2)
    out.nullableString(null)
    out.nullableString('x')
    out.nullableFloat64(null)
    out.nullableFloat64(-0)
    out.numberMap(JSON.parse('{"__proto__": 0.5, "b": 1e21}') as Record<string, number>)
    out.stringMap({})
    const read = new RowBinaryReader(out.buf.subarray(0, out.pos))
    expect([read.value('Nullable(String)'), read.value('Nullable(String)'), read.value('Nullable(Float64)')]).toEqual([null, 'x', null])
    expect(Object.is(read.value('Nullable(Float64)'), -0)).toBe(true)
    expect(read.value('Map(String, Float64)')).toEqual(JSON.parse('{"__proto__": 0.5, "b": 1e21}'))
    expect(read.value('Map(String, String)')).toEqual({})
    expect(read.done).toBe(true)
  })

  it('gives the kept rows: a view of the buffer when none was left out, a copy otherwise', () => {
    const out = new RowBuffer()
    out.copy(Buffer.from('a\nbb\nccc\n'), 0, 9)
    const all = out.bytesOf([[0, 2], [2, 5], [5, 9]])
    expect(all.buffer).toBe(out.buf.buffer)
    expect(all.toString()).toBe('a\nbb\nccc\n')
    expect(out.bytesOf([[0, 2], [5, 9]]).toString()).toBe('a\nccc\n')
    expect(out.bytesOf([[2, 5], [5, 9]]).toString()).toBe('bb\nccc\n')
    expect(out.bytesOf([]).length).toBe(0)
  })
})
