import { describe, expect, it } from 'vitest'
import { DEFAULT_REPORT_CONFIG } from './index.js'
import { reportFromCsv } from './csv-report.js'
import { formatText } from './format-text.js'
import { formatHtml } from './format-html.js'
import { MIN_OUTLIER_REFERENCE_ROWS } from './quality-section.js'

const table = (rows: readonly { x: string; c: string }[]) => ({ columns: ['x', 'c'], records: rows })
const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ x: String((from + i) % 997), c: `k${(from + i) % 3}` }))
const outliersOf = (r: { quality: Record<string, unknown> }) => r.quality['outliers'] as Record<string, unknown>

describe('the outlier summary of a reference too small for its 1% tails (regression: no marker while other sections had one)', () => {
  it('needs 200 reference rows: one in each 0.5% tail', () => {
    expect(MIN_OUTLIER_REFERENCE_ROWS).toBe(200)
  })

  it('a reference of 1 row: status insufficient and the count needed, in JSON, text and HTML', async () => {
    const report = await reportFromCsv(table(rows(1)), table(rows(300, 5)), DEFAULT_REPORT_CONFIG)
    expect(outliersOf(report)).toMatchObject({ status: 'insufficient', min_reference_rows: 200, reference: { scored: 1 } })
    const marker = '(insufficient: 1 scored reference row, fewer than the 200 the 1% tails need'
    expect(formatText(report).split('\n').find((l) => l.startsWith('Outliers'))).toContain(marker)
    expect(formatHtml(report, { script: '' })).toContain(marker)
  })

  it('199 reference rows: insufficient; 200: ok, and the line has no marker', async () => {
    const small = await reportFromCsv(table(rows(199)), table(rows(300, 5)), DEFAULT_REPORT_CONFIG)
    expect(outliersOf(small)).toMatchObject({ status: 'insufficient', min_reference_rows: 200 })
    expect(formatText(small)).toContain('(insufficient: 199 scored reference rows, fewer than the 200 the 1% tails need')
    const enough = await reportFromCsv(table(rows(200)), table(rows(300, 5)), DEFAULT_REPORT_CONFIG)
    expect(outliersOf(enough)).toMatchObject({ status: 'ok', min_reference_rows: 200 })
    expect(formatText(enough)).not.toContain('insufficient: 200')
    expect(formatText(enough).split('\n').find((l) => l.startsWith('Outliers'))).not.toContain('insufficient')
    expect(formatHtml(enough, { script: '' })).not.toMatch(/Outliers[^<]*insufficient/)
  })

  it('counts the scored rows: 200 rows of which one has no feature value are too few', async () => {
    const report = await reportFromCsv(table([...rows(199), { x: '', c: '' }]), table(rows(300, 5)), DEFAULT_REPORT_CONFIG)
    expect(outliersOf(report)).toMatchObject({ status: 'insufficient', reference: { scored: 199, unscored: 1 } })
  })
})
