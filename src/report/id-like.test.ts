import { describe, expect, it } from 'vitest'
import { parseCell } from './csv-cells.js'
import { numberCells } from './counted-column.js'
import { cellCounts } from './csv-report.js'
import { distinctTally, distinctTallyOfNumbers, idLikeNote, isIdLike, isIdLikeNumbers } from './id-like.js'

const ids = (n: number) => Array.from({ length: n }, (_, i) => `order-${i}`)
const typed = (cells: readonly (string | undefined)[]) => cells.map((c) => parseCell(c, 'number'))
const both = (cells: readonly (string | undefined)[]) => {
  const memory = isIdLike(cells, typed(cells))
  expect(isIdLikeNumbers(numberCells(cellCounts(cells)))).toBe(memory)
  expect(distinctTallyOfNumbers(numberCells(cellCounts(cells)))).toEqual(distinctTally(cells, typed(cells)))
  return memory
}

describe('isIdLike: most non-missing reference cells text, at least 95% of them distinct', () => {
  it('every cell distinct, from two cells on', () => {
    expect(both(['a1', 'a2'])).toBe(true)
    expect(both(['a1'])).toBe(false)
    expect(both([...ids(50), '', 'NA'])).toBe(true)
  })

  it('one repeated id among 2,000 cells is id-like', () => {
    expect(both([...ids(1999), 'order-0'])).toBe(true)
    expect(distinctTally([...ids(1999), 'order-0'], typed([...ids(1999), 'order-0']))).toEqual({ cells: 2000, distinct: 1999, text: 2000 })
  })

  it('19 distinct in 20 cells is id-like; 18 in 19 and 94 in 100 are not', () => {
    expect(both([...ids(19), 'order-0'])).toBe(true)
    expect(both([...ids(18), 'order-0'])).toBe(false)
    expect(both([...ids(94), ...ids(6)])).toBe(false)
    expect(both([...ids(95), ...ids(5)])).toBe(true)
  })

  it('a column of numbers with a few text cells is no id, however distinct', () => {
    expect(both([...Array.from({ length: 99 }, (_, i) => String(i + 0.5)), 'unknown'])).toBe(false)
    expect(both(['1', '2', 'a'])).toBe(false)
  })

  it('missing cells count neither as cells nor as distinct values', () => {
    expect(both([...ids(20), ...Array.from({ length: 80 }, () => '')])).toBe(true)
    expect(both(['', 'NA', undefined])).toBe(false)
  })
})

describe('idLikeNote', () => {
  it('says every value is distinct, or how many of the cells are', () => {
    expect(idLikeNote('id', { cells: 50, distinct: 50, text: 50 })).toBe('column "id" looks like an id (every reference value distinct): left out of the features (--config features: to keep it)')
    expect(idLikeNote('t', { cells: 2000, distinct: 1999, text: 2000 })).toBe(
      'column "t" looks like an id (1,999 distinct values in its 2,000 non-missing reference cells, at least 95% distinct: an identifier, a timestamp or free text, whose values are nearly all new categories in the current file): left out of the features (--config features: to keep it)',
    )
  })
})
