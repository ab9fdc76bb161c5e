import { describe, expect, it } from 'vitest'
import { labelFormat } from './format.js'

describe('labelFormat', () => {
  it('reads the extension, case-insensitively', () => {
    expect(labelFormat('a/labels.csv')).toBe('csv')
    expect(labelFormat('labels.JSONL')).toBe('jsonl')
    expect(labelFormat('labels.ndjson')).toBe('jsonl')
  })

  it('prefers --format, and refuses an unknown one or an unknown extension (DW_CONFIG_INVALID: exit 2)', () => {
    expect(labelFormat('labels.txt', 'csv')).toBe('csv')
    expect(() => labelFormat('labels.csv', 'xml')).toThrow(expect.objectContaining({ code: 'DW_CONFIG_INVALID' }))
    expect(() => labelFormat('labels.txt')).toThrow(/pass --format csv\|jsonl/)
  })
})
