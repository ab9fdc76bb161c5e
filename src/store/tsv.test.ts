import { describe, expect, it } from 'vitest'
import { tsvEscape } from './tsv.js'

describe('tsvEscape', () => {
  it('escapes what would end a value or a line, and nothing else', () => {
    expect(tsvEscape("a\tb\nc'd\\e\r\0\b\f")).toBe("a\\tb\\nc\\'d\\\\e\\r\\0\\b\\f")
    expect(tsvEscape('é 名前 🚀 plain')).toBe('é 名前 🚀 plain')
  })
})
