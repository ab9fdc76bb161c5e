import { describe, expect, it } from 'vitest'
import { featureProfile, type ReferenceProfile } from '../metrics/profile/index.js'
import { qualityAccumulator } from '../metrics/quality/index.js'
import { categoryValues, finiteSortedValues } from './column-values.js'
import { cellCounts } from './csv-report.js'
import { countedCategories, countedColumn, countedFiniteSorted, countedLength, expandCounted } from './counted-column.js'
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
    expect(featureProfile(ref.values, 'numerical', {}, ref.counts)).toEqual(featureProfile(refRows, 'numerical'))
    const t = countedColumn(cellCounts(refCells), 'text')
    expect(featureProfile(t.values, 'categorical', {}, t.counts)).toEqual(featureProfile(expandCounted(t), 'categorical'))
    expect(() => featureProfile([1], 'numerical', {}, [0.5])).toThrow(RangeError)
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
