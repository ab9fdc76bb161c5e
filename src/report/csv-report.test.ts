import { describe, expect, it } from 'vitest'
import { parseCell } from './csv-cells.js'
import { cellCounts, expandCounts, isIdLike, isIdLikeCounts } from './csv-report.js'

describe('expandCounts: a column as the multiset of its values', () => {
  const cells = ['3', 'x', '', '-0', '1', '1.0', 'NaN', '0', '-inf', 'x', '2e0', 'b', undefined, '0']

  it('the same values as typing every cell, in one canonical order whatever the order of the counts', () => {
    const typed = cells.map((c) => parseCell(c, 'number'))
    const counts = cellCounts(cells)
    const reversed = new Map([...counts].reverse())
    const a = expandCounts(counts, 'number')
    expect(a).toEqual(expandCounts(reversed, 'number'))
    expect(a).toHaveLength(cells.length)
    // numbers ascending with -0 before +0, then text in code-unit order, then missing
    expect(a).toEqual([Number.NEGATIVE_INFINITY, -0, 0, 0, 1, 1, 2, 3, 'b', 'x', 'x', null, null, null])
    expect(Object.is(a[1], -0) && Object.is(a[2], 0)).toBe(true)
    const sortKey = (v: unknown) => String(Object.is(v, -0) ? '-0' : v)
    expect(a.map(sortKey).sort()).toEqual(typed.map(sortKey).sort())
  })

  it('-0 without +0 stands between the negatives and the positives; text cells stay text', () => {
    expect(expandCounts(new Map([['2', 1], ['-0', 2], ['-1', 1]]), 'number').map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual([-1, '-0', '-0', 2])
    expect(expandCounts(new Map([['1.0', 2], ['1', 1], ['NA', 1]]), 'text')).toEqual(['1', '1.0', '1.0', null])
  })

  it('isIdLikeCounts agrees with isIdLike on the cells', () => {
    const nearlyDistinct = [...Array.from({ length: 19 }, (_, i) => `a${i}`), 'a0']
    for (const column of [['a1', 'a2', 'a3', ''], ['a1', 'a1', 'a2'], ['1', '2', '3'], ['a1'], ['a1', '2', 'NA', 'NA'], nearlyDistinct, nearlyDistinct.slice(1)]) {
      const typed = column.map((c) => parseCell(c, 'number'))
      expect(isIdLikeCounts(cellCounts(column))).toBe(isIdLike(column, typed))
    }
  })
})
