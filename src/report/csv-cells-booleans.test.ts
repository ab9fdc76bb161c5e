import { describe, expect, it } from 'vitest'
import { cellValue, isBooleanColumn, parseCell, typeRecords, VERBATIM } from './csv-cells.js'

describe('parseCell: a cell written true or false in any case is the boolean, named as pandas writes it', () => {
  it.each([
    ['True', 'True'],
    ['TRUE', 'True'],
    ['true', 'True'],
    ['tRUE', 'True'],
    ['False', 'False'],
    ['FALSE', 'False'],
    ['false', 'False'],
  ] as const)('%j → %j in a text column and in a number column (a type violation there)', (cell, value) => {
    expect(parseCell(cell, 'text')).toBe(value)
    expect(parseCell(cell, 'number')).toBe(value)
  })

  it('other texts stay as written: no boolean by prefix, by padding or by number', () => {
    for (const cell of ['t', 'f', 'yes', 'no', 'truth', 'falsey', 'True!', '1', '0']) expect(parseCell(cell, 'text')).toBe(cell)
    expect(parseCell('1', 'number')).toBe(1)
  })

  it('a true among other texts is the boolean too: two files compare alike whichever has the other text', () => {
    expect(['true', 'maybe', 'FALSE'].map((c) => parseCell(c, 'text'))).toEqual(['True', 'maybe', 'False'])
  })

  it('cellValue reads the cell as written (the stream compares class strings as sent)', () => {
    expect(cellValue('true', 'text')).toBe('true')
    expect(cellValue('TRUE', 'number')).toBe('TRUE')
    expect(cellValue('NA', 'text')).toBeNull()
  })
})

describe('isBooleanColumn: pandas read_csv reads the column as bool', () => {
  it.each([
    [['True', 'false', 'TRUE'], true],
    [['true', '', 'NA', 'False', undefined], true],
    [['true', 'maybe'], false],
    [['true', '1'], false],
    [['', 'NA'], false],
    [[], false],
  ] as const)('%j → %j', (cells, boolean) => {
    expect(isBooleanColumn(cells)).toBe(boolean)
  })
})

describe("typeRecords: a 'boolean' column's cells as true / false, the others as written", () => {
  it('reads the booleans of any case as JavaScript booleans and leaves text columns as written', () => {
    const records = [
      { flag: 'True', label: 'true', x: '1.5' },
      { flag: 'false', label: 'False', x: 'NA' },
      { flag: '', label: 'TRUE', x: '2' },
    ]
    expect(typeRecords(records, { flag: 'boolean', x: 'number' })).toEqual([
      { flag: true, label: 'true', x: 1.5 },
      { flag: false, label: 'False', x: null },
      { flag: null, label: 'TRUE', x: 2 },
    ])
  })
})

describe('VERBATIM: a Parquet string that a CSV file would hold as a missing marker is that text', () => {
  it.each(['NA', 'None', '', 'nan', 'NULL', '<NA>', 'N/A'])('%j marked VERBATIM is the text %j, in a text and a number column', (token) => {
    expect(parseCell(`${VERBATIM}${token}`, 'text')).toBe(token)
    expect(parseCell(`${VERBATIM}${token}`, 'number')).toBe(token)
    expect(parseCell(token, 'text')).toBeNull()
  })

  it('only a missing marker after the mark is read so: any other cell is as written', () => {
    expect(parseCell(`${VERBATIM}abc`, 'text')).toBe(`${VERBATIM}abc`)
  })
})
