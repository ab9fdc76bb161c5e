import { describe, expect, it } from 'vitest'
import { tsvEscape, tsvUnescape } from './tsv.js'

describe('tsvEscape', () => {
  it('escapes what would end a value or a line, and nothing else', () => {
    expect(tsvEscape("a\tb\nc'd\\e\r\0\b\f")).toBe("a\\tb\\nc\\'d\\\\e\\r\\0\\b\\f")
    expect(tsvEscape('é 名前 🚀 plain')).toBe('é 名前 🚀 plain')
  })
})

describe('tsvUnescape', () => {
  it('gives back what tsvEscape wrote, for every ASCII character and beyond', () => {
    const all = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('') + 'é 名前 🚀'
    expect(tsvUnescape(tsvEscape(all))).toBe(all)
    expect(tsvUnescape('plain')).toBe('plain')
  })

  it('reads a backslash before any other character as that character', () => {
    expect(tsvUnescape('a\\qb\\\\')).toBe('aqb\\')
  })
})
