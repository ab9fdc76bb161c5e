import { describe, expect, it } from 'vitest'
import { headerNames, parseCell, typeRecords } from './csv-cells.js'

describe('parseCell', () => {
  it.each([
    ['', null],
    ['NA', null],
    ['NaN', null],
    ['None', null],
    ['1.5', 1.5],
    ['-2', -2],
    ['.5', 0.5],
    ['1e-3', 0.001],
    ['inf', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['0x10', '0x10'],
    ['1,5', '1,5'],
    ['unknown', 'unknown'],
  ] as const)('number column: %j → %j', (cell, value) => {
    expect(parseCell(cell, 'number')).toEqual(value)
  })

  it('text columns keep the cell as written; missing tokens are still missing', () => {
    expect(parseCell('1.0', 'text')).toBe('1.0')
    expect(parseCell('NA', 'text')).toBeNull()
    expect(parseCell(undefined, 'text')).toBeNull()
  })
})

describe('typeRecords', () => {
  const records = [
    { x: '1', c: 'a', flag: '0' },
    { x: '2.5', c: 'b', flag: '1' },
    { x: '3', c: '7', flag: '1' },
    { x: '4', c: 'a', flag: '' },
    { x: '5', c: 'b', flag: '0' },
    { x: '6', c: 'a', flag: '1' },
  ]

  it('types each column as asked, text by default', () => {
    expect(typeRecords(records.slice(0, 2), { x: 'number' })).toEqual([
      { x: 1, c: 'a', flag: '0' },
      { x: 2.5, c: 'b', flag: '1' },
    ])
  })
})

describe('headerNames', () => {
  it("names an empty header cell as pandas does: `Unnamed: <0-based position>`", () => {
    expect(headerNames(['', 'c', 'label', '', 'score'])).toEqual(['Unnamed: 0', 'c', 'label', 'Unnamed: 3', 'score'])
    expect(headerNames(['a', 'b'])).toEqual(['a', 'b'])
  })
})
