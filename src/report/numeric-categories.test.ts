import { describe, expect, it } from 'vitest'
import { countedArrays, countedColumn } from './counted-column.js'
import { allNumbers, byNumber, columnByNumber, countedByNumber, tableByNumber } from './numeric-categories.js'
import { outlierCellCodes, OUTLIER_CODE } from './outlier-counts.js'
import { categoricalProfile } from '../metrics/profile/index.js'

describe('categories named by number', () => {
  it('allNumbers: numbers and decimal text; missing and infinities passed over; any other text or a boolean is not', () => {
    expect(allNumbers(['1', '1.0', '1e0', '01', '-.5', 2, null, undefined, Number.NaN, Number.POSITIVE_INFINITY])).toBe(true)
    expect(allNumbers([])).toBe(true)
    for (const other of ['a', 'inf', '1,5', '0x1', true, '']) expect(allNumbers(['1', other])).toBe(false)
    expect(allNumbers(countedColumn(new Map([['1', 3], ['1.0', 2], ['', 1]]), 'text'))).toBe(true)
  })

  it('byNumber: decimal text named by its number\'s shortest text; anything else as it is', () => {
    expect(['1', '1.0', '1e0', '01', '0.50', '-0', '1e21', 'a', 2, null].map(byNumber)).toEqual(['1', '1', '1', '1', '0.5', '0', '1e+21', 'a', 2, null])
  })

  it('countedByNumber: equal numbers merged, in the canonical order (text in code-unit order, then missing)', () => {
    const c = countedColumn(new Map([['2.0', 1], ['1', 3], ['10', 1], ['1.0', 2], ['', 4], ['01', 1]]), 'text')
    expect(countedArrays(countedByNumber(c))).toEqual({ values: ['1', '10', '2', null], counts: [6, 1, 1, 4] })
    expect(columnByNumber(['1.0', null, '1'])).toEqual(['1', null, '1'])
  })

  it('tableByNumber: only the named columns, counted or in row order; the counted ones as they come in', () => {
    const counted = new Map([['a', countedColumn(new Map([['1.0', 2]]), 'text')]])
    const t = tableByNumber({ rowCount: 2, columns: new Map([['b', ['1.0', '2']], ['c', ['1.0', '2']]]), counted }, new Set(['a', 'b']))
    expect(t.columns.get('b')).toEqual(['1', '2'])
    expect(t.columns.get('c')).toEqual(['1.0', '2'])
    expect(t.columns.get('a')).toEqual(['1', '1'])
    counted.set('b', countedColumn(new Map([['3.0', 1]]), 'text'))
    const b = t.counted?.get('b')
    expect(b && countedArrays(b)).toEqual({ values: ['3'], counts: [1] })
  })

  it('outlierCellCodes judges a cell named by number against a profile named so', () => {
    const profile = { features: { f: categoricalProfile(Array.from({ length: 200 }, (_, i) => String(i % 2))) } }
    expect(outlierCellCodes(profile, 'f', ['1.0', '0', '2.0'], true)).toEqual({ cells: ['2.0'], codes: [OUTLIER_CODE.extreme] })
    expect(outlierCellCodes(profile, 'f', ['1.0', '0'])).toEqual({ cells: ['1.0'], codes: [OUTLIER_CODE.extreme] })
  })
})
