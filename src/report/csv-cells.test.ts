import { describe, expect, it } from 'vitest'
import markers from '../../scripts/reference/fixtures/report-missing-markers.json' with { type: 'json' }
import { parseCsv } from '../cli/report.js'
import { type CellType, headerNames, MISSING_TOKENS, parseCell, typeRecords } from './csv-cells.js'

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

/**
 * pandas' readings of a CSV file of every default missing marker and of texts that look like one
 * (scripts/reference/report_missing_markers.py, pandas version in the fixture), against the
 * in-memory reader: csv-parse as `driftwatch report` runs it (parseCsv), then parseCell.
 */
describe("missing cells: pandas read_csv's default markers, read by the in-memory reader", () => {
  const { records } = parseCsv(markers.csv, 'report-missing-markers.csv')
  const cells = markers.cells.map((c, row) => [c.written, c.missing, row, c.padded] as const)
  const row = (i: number) => {
    const r = records[i] as Record<string, string>
    expect(r['id']).toBe(String(i))
    return r
  }

  it(`MISSING_TOKENS is pandas' STR_NA_VALUES (pandas ${markers.pandas}), no more, no fewer`, () => {
    expect([...MISSING_TOKENS].sort()).toEqual(markers.str_na_values)
  })

  it.each(cells.filter((c) => !c[3]))('%j: missing %s, as pandas reads it, in a text and a number column', (_, missing, i) => {
    const r = row(i)
    for (const column of ['cell', 'x', 'c', 'score'])
      for (const type of ['text', 'number'] as CellType[]) expect([column, type, parseCell(r[column], type) === null]).toEqual([column, type, missing])
  })

  // pandas keeps an unquoted cell's spaces (` NA` is a value, and so is a cell of spaces); both
  // report readers trim them (csv-parse's trim, the engine's input_format_csv_trim_whitespaces).
  it.each(cells.filter((c) => c[3]))("%j (pandas' missing: %s): the reader trims the cell's spaces before reading it", (written, _, i) => {
    expect(parseCell(row(i)['cell'], 'text')).toEqual(parseCell(written.trim(), 'text'))
  })
})
