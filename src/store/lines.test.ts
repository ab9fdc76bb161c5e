import { describe, expect, it } from 'vitest'
import { LineBuffer } from './lines.js'

describe('LineBuffer', () => {
  it('grows as rows are written, keeping what was written', () => {
    const out = new LineBuffer(4)
    out.text('é-1\n')
    out.text('12.5')
    out.byte(0x0a)
    out.copy(Buffer.from('xyz'), 1, 3)
    expect(out.buf.toString('utf8', 0, out.pos)).toBe('é-1\n12.5\nyz')
  })

  it('gives the kept rows: a view of the buffer when none was left out, a copy otherwise', () => {
    const out = new LineBuffer()
    out.text('a\nbb\nccc\n')
    const all = out.bytesOf([[0, 2], [2, 5], [5, 9]])
    expect(all.buffer).toBe(out.buf.buffer)
    expect(all.toString()).toBe('a\nbb\nccc\n')
    expect(out.bytesOf([[0, 2], [5, 9]]).toString()).toBe('a\nccc\n')
    expect(out.bytesOf([[2, 5], [5, 9]]).toString()).toBe('bb\nccc\n')
    expect(out.bytesOf([]).length).toBe(0)
  })
})
