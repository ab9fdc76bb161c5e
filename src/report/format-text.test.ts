import { describe, expect, it } from 'vitest'
import { formatNumber, table } from './format-text.js'

describe('text formatting', () => {
  it('formatNumber: 4 decimals, small p-values in exponent form, counts as they are, null as -', () => {
    expect(formatNumber(0.123456)).toBe('0.1235')
    expect(formatNumber(1)).toBe('1.0000')
    expect(formatNumber(3.2e-9, 'p')).toBe('3.20e-9')
    expect(formatNumber(0, 'p')).toBe('0.0000')
    expect(formatNumber(800, 'count')).toBe('800')
    expect(formatNumber(null)).toBe('-')
    expect(formatNumber(true)).toBe('yes')
  })

  it('table: columns padded to the widest cell, numbers right-aligned', () => {
    expect(table(['name', 'value', 'note'], [['a', '1.5000', 'x'], ['longer', '-', 'yy']])).toEqual([
      'name     value  note',
      'a       1.5000  x',
      'longer       -  yy',
    ])
  })
})
