/**
 * `driftwatch report` on a reference too poor for some of its readings, through the ClickHouse
 * engine (src/cli/report-files.ts, run in this process) and the in-memory csv-parse path,
 * which print the same report:
 * - a numerical feature constant in the reference (every value 5): numerical, compared by its
 *   values (src/report/cell-kind.ts), with no note on many categories;
 * - a reference of 1 row: the outlier line says it has fewer rows than the 1% tails need, in
 *   the JSON, text and HTML reports (src/report/quality-section.ts).
 */
import { describe, expect, it } from 'vitest'
import { inputFiles, reportOf, reportOnBothPaths as report } from './support/report-run.js'

const write = inputFiles('dw-report-constant-reference-')
const file = (lines: readonly string[]) => write(`${lines.join('\n')}\n`)
// A deterministic noise feature in [-1, 1), the same multiset in both files.
const noise = (i: number) => ((((i * 7919) % 2000) - 1000) / 1000).toFixed(3)
const rows = (n: number, x: (i: number) => string) => ['x,y', ...Array.from({ length: n }, (_, i) => `${x(i)},${noise(i)}`)]

describe('a feature constant in the reference, 2,000 rows a side', async () => {
  const reference = file(rows(2000, () => '5'))
  const spread = await report({ reference, current: file(rows(2000, (i) => (4.8 + (i % 401) / 1000).toFixed(3))) })
  const shifted = await report({ reference, current: file(rows(2000, () => '7')) })
  const same = await report({ reference, current: file(rows(2000, () => '5')) })

  it('5 → 4.8–5.2 is numerical drift by normed Wasserstein, with no new category and no note on many categories', () => {
    expect(spread.code).toBe(0)
    expect(spread.json.features['x']).toMatchObject({ kind: 'numerical', treated_as: 'numerical', method: 'wasserstein', drift_detected: true })
    expect(spread.json.features['x']?.unseen_categories).toBeUndefined()
    expect(spread.json.notes.some((n) => n.includes('many categories'))).toBe(false)
    expect(spread.json.features['y']?.drift_detected).toBe(false)
  })

  it('5 → 7 is drift; 5 → 5 is none', () => {
    expect(shifted.json.features['x']).toMatchObject({ kind: 'numerical', treated_as: 'categorical', drift_detected: true, wasserstein: 2 })
    expect(same.json.features['x']).toMatchObject({ kind: 'numerical', drift_detected: false, drift_score: 0, wasserstein: 0 })
  })
})

describe('a reference of 1 row', async () => {
  const reference = file(rows(1, () => '5'))
  const current = file(rows(300, (i) => String(i % 7)))
  const json = await report({ reference, current })
  const marker = '(insufficient: 1 scored reference row, fewer than the 200 the 1% tails need'

  it('has an outlier summary marked insufficient, with the rows it needs', () => {
    expect(json.json.quality['outliers']).toMatchObject({ status: 'insufficient', min_reference_rows: 200, reference: { scored: 1 } })
  })

  it('says so in the text and HTML reports, on both paths', async () => {
    for (const format of ['text', 'html'] as const) {
      const [engine, memory] = [await reportOf({ reference, current, format }, true), await reportOf({ reference, current, format }, false)]
      expect(engine.out).toBe(memory.out)
      expect(engine.out).toContain(marker)
    }
  })
})
