import { describe, expect, it } from 'vitest'
import { featureProfile, type ReferenceProfile } from '../metrics/profile/index.js'
import { qualityAccumulator } from '../metrics/quality/index.js'
import { categoryValues, finiteSortedValues } from './column-values.js'
import { cellCounts, isIdLike } from './csv-report.js'
import { parseCell } from './csv-cells.js'
import { cellCountsOf, countedArrays, countedCategories, countedColumn, countedFiniteSorted, countedKind, countedLength, countedNumbers, expandCounted, numberCells } from './counted-column.js'
import { isIdLikeNumbers } from './id-like.js'
import { inferKind } from '../metrics/profile/index.js'
import { columnDrift } from './feature-drift.js'
import { foldColumn, foldRows, type Table } from './table.js'

// Seeded cells with what a real column holds: repeats, -0 and +0, ±inf, missing tokens, text
// among numbers (type violations), numbers written two ways ("1" and "1.0").
function cells(n: number, seed: number, spread: number): string[] {
  let s = seed
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648
  const odd = ['', 'NA', '-0', '0', 'inf', '-inf', 'x', 'y', '1', '1.0']
  return Array.from({ length: n }, () => (next() < 0.05 ? (odd[Math.floor(next() * odd.length)] as string) : (Math.round(next() * spread) / 10 - 3).toFixed(1)))
}

describe('counted columns: every reader gives what it gives on the expanded column', () => {
  const refCells = cells(3000, 11, 80)
  const curCells = cells(2500, 29, 95)
  const ref = countedColumn(cellCounts(refCells), 'number')
  const cur = countedColumn(cellCounts(curCells), 'number')
  const refRows = expandCounted(ref)
  const curRows = expandCounted(cur)

  it('length, finite sorted sample and categories', () => {
    expect(countedLength(ref)).toBe(refCells.length)
    expect(Array.from(countedFiniteSorted(ref))).toEqual(Array.from(finiteSortedValues(refRows)))
    const { counts, n } = countedCategories(ref)
    const texts = categoryValues(refRows)
    const expected = new Map<string, number>()
    for (const t of texts) expected.set(t, (expected.get(t) ?? 0) + 1)
    expect(n).toBe(texts.length)
    expect([...counts]).toEqual([...expected]) // same order of first appearance too
  })

  it('numerical drift (KS, Wasserstein, bins, distribution): the same JSON to the bit', () => {
    expect(columnDrift('f', 'numerical', ref, cur)).toEqual(columnDrift('f', 'numerical', refRows, curRows))
  })

  it('categorical drift and a numerical column with few values compared as categories', () => {
    const a = countedColumn(cellCounts(cells(900, 3, 3)), 'text')
    const b = countedColumn(cellCounts(cells(700, 5, 4)), 'text')
    expect(columnDrift('c', 'categorical', a, b)).toEqual(columnDrift('c', 'categorical', expandCounted(a), expandCounted(b)))
    // At most 5 distinct finite values (-0 and +0 are one, 1 and 1.0 are one), with ±inf, text, missing.
    const few = ['1', '2', '3', '0', '-0', '1.0', 'inf', 'NA', 'x', '2', '2', '3']
    const x = countedColumn(cellCounts(refCells.map((_, i) => few[(i * 7) % few.length] as string)), 'number')
    const y = countedColumn(cellCounts(curCells.map((_, i) => few[(i * 5) % (few.length - 2)] as string)), 'number')
    const drift = columnDrift('n', 'numerical', x, y)
    expect(drift.json.treated_as).toBe('categorical')
    expect(drift).toEqual(columnDrift('n', 'numerical', expandCounted(x), expandCounted(y)))
  })

  it('the reference profile with the counts as weights', () => {
    const r = countedArrays(ref)
    expect(featureProfile(r.values, 'numerical', {}, r.counts)).toEqual(featureProfile(refRows, 'numerical'))
    // Missing as NaN (an array of doubles): the same profile.
    const d = countedArrays(ref, true)
    expect(d.values.some((v) => Number.isNaN(v))).toBe(true)
    expect(d.values).not.toContain(null)
    expect(featureProfile(d.values, 'numerical', {}, d.counts)).toEqual(featureProfile(refRows, 'numerical'))
    const t = countedArrays(countedColumn(cellCounts(refCells), 'text'))
    expect(featureProfile(t.values, 'categorical', {}, t.counts)).toEqual(featureProfile(expandCounted(countedColumn(cellCounts(refCells), 'text')), 'categorical'))
    expect(() => featureProfile([1], 'numerical', {}, [0.5])).toThrow(RangeError)
  })

  it('cells read as numbers (NumberCells): the same counted column, id-like verdict and counts as the cells', () => {
    for (const column of [refCells, curCells, ['x', 'y', 'z'], ['1', '1.0', 'a1', 'NA'], ['-0', '0', '-0.0', '+0', '1e400', 'inf', '']]) {
      const counts = cellCounts(column)
      const read = numberCells(counts)
      expect(countedArrays(countedNumbers(read))).toEqual(countedArrays(countedColumn(counts, 'number')))
      expect(isIdLikeNumbers(read)).toBe(isIdLike(column, column.map((c) => parseCell(c, 'number'))))
      expect(new Map([...(cellCountsOf(read) ?? [])].sort())).toEqual(new Map([...counts].sort()))
      expect(Array.from(read.decimals)).toEqual([...read.decimals].sort((a, b) => a - b))
    }
    // Decimals from an engine, -0 after +0 (a sort that calls them equal): merged as a Float64Array sort orders them.
    const zeros = { decimals: new Float64Array([-1, 0, -0, 0, 2]), decimalCounts: new Uint32Array([1, 2, 3, 4, 5]), decimalCell: (i: number) => ['-1', '0', '-0', '0.0', '2'][i] as string, others: new Map([['NA', 1]]) }
    const merged = countedArrays(countedNumbers(zeros))
    expect(merged.values.map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual([-1, '-0', 0, 2, null])
    expect(merged.counts).toEqual([1, 3, 6, 5, 1])
  })

  it('the quality checks folded over the counts', () => {
    const profile = { features: { f: featureProfile(refRows, 'numerical') } } as unknown as ReferenceProfile
    const counted: Table = { rowCount: curRows.length, columns: new Map([['f', curRows]]), counted: new Map([['f', cur]]) }
    const rows: Table = { rowCount: curRows.length, columns: new Map([['f', curRows]]) }
    const q = foldColumn(qualityAccumulator(profile), counted, 'f')
    expect(q).toEqual(foldRows(qualityAccumulator(profile), rows, ['f']))
    expect(q.features['f']?.typeViolations).toBeGreaterThan(0)
    expect(q.features['f']?.nonFinite).toBeGreaterThan(0)
  })
})

describe('counted columns: a numerical column is held as typed runs', () => {
  it('distinct doubles read as numbers: the finite runs are the NumberCells arrays themselves, the rest holds only the other values', () => {
    const column = Array.from({ length: 5000 }, (_, i) => String(Math.sin(i + 1) * 1e3)).concat(['', 'NA', 'inf', '-inf', 'x'])
    const read = numberCells(cellCounts(column))
    const c = countedNumbers(read)
    expect(c.finite.values).toBe(read.decimals)
    expect(c.finite.counts).toBe(read.decimalCounts)
    expect(c.rest.values).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 'x', null])
    expect(countedArrays(c)).toEqual(countedArrays(countedColumn(cellCounts(column), 'number')))
  })

  it('the canonical order: -Infinity, finite ascending (-0 before +0), +Infinity, text in code-unit order, missing', () => {
    const column = cells(3000, 7, 60)
    const typed = column.map((c) => parseCell(c, 'number'))
    const rank = (v: unknown) => (v === Number.NEGATIVE_INFINITY ? 0 : typeof v === 'number' && Number.isFinite(v) ? 1 : v === Number.POSITIVE_INFINITY ? 2 : typeof v === 'string' ? 3 : 4)
    const expected = [...typed].sort((a, b) => {
      const d = rank(a) - rank(b)
      if (d !== 0) return d
      if (typeof a === 'number' && typeof b === 'number') return a - b || (Object.is(a, -0) ? -1 : 0) - (Object.is(b, -0) ? -1 : 0)
      return typeof a === 'string' && typeof b === 'string' ? (a < b ? -1 : a > b ? 1 : 0) : 0
    })
    const got = expandCounted(countedColumn(cellCounts(column), 'number'))
    expect(got.map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(expected.map((v) => (Object.is(v, -0) ? '-0' : v)))
  })

  it("countedKind is inferKind's verdict on the expanded column", () => {
    const columns = [['1', '2', '3', '4', '5', '-0', '0'], ['1', '2', '3', '4', '5', '6'], ['1', '2', '3', '4', '5', '-0', '0', '6'], ['1', '1.0', 'inf', 'NA'], ['1', '2', '3', '4', '5', '6', 'x'], [], ['NA']]
    for (const column of columns) {
      const c = countedColumn(cellCounts(column), 'number')
      expect(countedKind(c), column.join(' ')).toBe(inferKind(expandCounted(c)))
    }
  })
})
