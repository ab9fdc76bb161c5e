import { describe, expect, it } from 'vitest'
import { DEFAULT_REPORT_CONFIG } from './index.js'
import { cellCounts, reportFromCsv } from './csv-report.js'
import { countedCellKind, valuesCellKind } from './cell-kind.js'
import { countedColumn } from './counted-column.js'
import { parseCell } from './csv-cells.js'

const table = (cells: readonly string[]) => ({ columns: ['x'], records: cells.map((x) => ({ x })) })
const repeat = (cell: string, n: number) => Array.from({ length: n }, () => cell)
/** n values cycling over 4.800, 4.801, …, 5.200 (401 values, mean 5). */
const around5 = (n: number) => Array.from({ length: n }, (_, i) => (4.8 + (i % 401) / 1000).toFixed(3))

const manyCategoriesNote = (notes: readonly string[]) => notes.some((n) => n.includes('many categories'))

describe('a numerical column constant in the reference (regression: compared as categories, every current value new)', () => {
  it('reads as numerical on both paths of the kind: counted and in row order', () => {
    const kinds = (cells: readonly string[]) => [countedCellKind(countedColumn(cellCounts(cells), 'number')), valuesCellKind(cells.map((c) => parseCell(c, 'number')))]
    expect(kinds([...repeat('5', 40), ''])).toEqual(['numerical', 'numerical'])
    // -0 and 0 are one value, as inferKind counts them; an infinity is no second value.
    expect(kinds(['0', '-0', '0', 'inf'])).toEqual(['numerical', 'numerical'])
    // One text cell in 40 is a type violation of a column of numbers.
    expect(kinds([...repeat('5', 39), 'n/a?'])).toEqual(['numerical', 'numerical'])
    // Not one number: the few-values rule stands.
    expect(kinds(['0', '1', '0', '1'])).toEqual(['categorical', 'categorical'])
    expect(kinds([...repeat('5', 10), 'a'])).toEqual(['categorical', 'categorical'])
    expect(kinds(['a', 'a'])).toEqual(['categorical', 'categorical'])
    expect(kinds(['', ''])).toEqual(['categorical', 'categorical'])
  })

  it('5 → values spread around it: KS decides, drift, no new category', async () => {
    // 20 current values below 5 and 20 above: F_cur − F_ref is 0.5 just below 5 and just at it.
    const current = Array.from({ length: 40 }, (_, i) => (i < 20 ? 4.8 + i / 100 : 5.01 + (i - 20) / 100).toFixed(2))
    const report = await reportFromCsv(table(repeat('5', 40)), table(current), DEFAULT_REPORT_CONFIG)
    const x = report.features['x']
    expect(x).toMatchObject({ kind: 'numerical', treated_as: 'numerical', method: 'ks', status: 'ok', drift_detected: true })
    expect(x?.ks?.statistic).toBe(0.5)
    // W1 = mean |x − 5| = 0.105; the constant reference is normed by the mixture's std
    // sqrt(var(cur)/2 + (mean(cur) − 5)²/4) (src/metrics/drift/wasserstein.ts).
    const mean = current.reduce((s, c) => s + Number(c), 0) / 40
    const variance = current.reduce((s, c) => s + (Number(c) - mean) ** 2, 0) / 40
    expect(x?.wasserstein_distance).toBeCloseTo(0.105, 12)
    expect(x?.wasserstein).toBeCloseTo(0.105 / Math.sqrt(variance / 2 + (mean - 5) ** 2 / 4), 12)
    expect(x?.unseen_categories).toBeUndefined()
    const quality = report.quality['features'] as Record<string, Record<string, unknown>>
    expect(quality['x']).toMatchObject({ out_of_range_rate: 1, reference_constant: true })
    expect(quality['x']?.['new_category_rate']).toBeUndefined()
  })

  it('5 → 401 values around it in 3,000 rows a side: normed Wasserstein decides, drift, and no note on many categories', async () => {
    const report = await reportFromCsv(table(repeat('5', 3000)), table(around5(3000)), DEFAULT_REPORT_CONFIG)
    expect(report.features['x']).toMatchObject({ kind: 'numerical', treated_as: 'numerical', method: 'wasserstein', drift_detected: true })
    expect(report.features['x']?.drift_score).toBeGreaterThan(1)
    expect(manyCategoriesNote(report.notes)).toBe(false)
  })

  it('5 → 7: drift, KS 1 and normed Wasserstein 2', async () => {
    for (const n of [40, 3000]) {
      const report = await reportFromCsv(table(repeat('5', n)), table(repeat('7', n)), DEFAULT_REPORT_CONFIG)
      const x = report.features['x']
      expect(x).toMatchObject({ kind: 'numerical', treated_as: 'categorical', method: 'z', drift_detected: true, wasserstein: 2, wasserstein_distance: 2 })
      expect(x?.ks?.statistic).toBe(1)
      expect(manyCategoriesNote(report.notes)).toBe(false)
    }
  })

  it('5 → 5: no drift, every statistic 0', async () => {
    for (const n of [40, 3000]) {
      const report = await reportFromCsv(table(repeat('5', n)), table(repeat('5', n)), DEFAULT_REPORT_CONFIG)
      const x = report.features['x']
      expect(x).toMatchObject({ kind: 'numerical', drift_detected: false, drift_score: 0, wasserstein: 0, wasserstein_distance: 0 })
      expect(x?.ks).toEqual({ statistic: 0, p_value: 1 })
    }
  })
})

describe('a numerical column of few values compared as categories decides as the categories do (regression: Jensen–Shannon missed a rare value)', () => {
  it('0 in 3,000 rows → 10 of 3,000 at 1: the z-test decides and sees the drift', async () => {
    // Jensen–Shannon between [1, 0] and [0.9967, 0.0033] is ≈ 0.04, under its 0.1 threshold;
    // the z-test gives p ≈ 0.0016 (src/metrics/drift/select-method.ts, the rare-category rule).
    const report = await reportFromCsv(table(repeat('0', 3000)), table([...repeat('0', 2990), ...repeat('1', 10)]), DEFAULT_REPORT_CONFIG)
    expect(report.features['x']).toMatchObject({ kind: 'numerical', treated_as: 'categorical', method: 'z', drift_detected: true })
    expect(report.features['x']?.jensen_shannon).toBeLessThan(0.1)
  })

  it('a column configured numerical with two values and a rare one: the same', async () => {
    const cells = (rare: number) => [...repeat('2', 3000 - rare), ...repeat('3', rare)]
    const config = { ...DEFAULT_REPORT_CONFIG, features: { x: 'numerical' as const } }
    const report = await reportFromCsv(table(cells(3)), table(cells(30)), config)
    expect(report.features['x']).toMatchObject({ kind: 'numerical', treated_as: 'categorical', method: 'z', drift_detected: true })
  })
})
