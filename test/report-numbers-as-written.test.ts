/**
 * `driftwatch report` on files whose numbers are written differently, or hold no class at all,
 * through the ClickHouse engine (src/cli/report-files.ts, run in this process) and through the
 * in-memory csv-parse path, which print the same report:
 * - a numeric column with at most 5 values (a 0/1 flag, a 1–5 rating), categorical, written
 *   `1` in one file and `1.0` in the other (pandas writes an integer column that holds a missing
 *   value as floats): one category per number, in drift, data quality and outliers;
 * - a continuous label and prediction (floats): no classification metrics, a note, and a
 *   numerical prediction drift;
 * - a feature with no value in the current file: a note, and the headline says it was not evaluated.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { reportOf } from './support/report-run.js'
import type { ReportJson } from '../src/report/index.js'

const dir = mkdtempSync(join(tmpdir(), 'dw-report-numbers-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let files = 0
function file(lines: readonly string[]): string {
  const path = join(dir, `f${files++}.csv`)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}

/** The report of both paths, which must agree byte for byte. */
async function bothPaths(reference: string, current: string, format: 'json' | 'text' = 'json'): Promise<string> {
  const memory = await reportOf({ reference, current, format }, false)
  expect(memory.err).toBe('')
  expect(memory.code).toBe(0)
  const engine = await reportOf({ reference, current, format }, true)
  expect(engine.err).toBe('')
  expect(engine.code).toBe(0)
  expect(engine.out).toBe(memory.out)
  return engine.out
}

// A deterministic "noise" in [-1, 1): the same multiset in both files.
const noise = (i: number) => ((((i * 7919) % 600) - 300) / 300).toFixed(3)

describe('a numeric categorical column written 1 in one file and 1.0 in the other', async () => {
  const rows = (spell: (x: number) => string) => Array.from({ length: 600 }, (_, i) => `${spell(i % 2)},${spell(1 + (i % 5))},${noise(i)}`)
  const reference = file(['flag,rating,noise', ...rows(String)])
  const current = file(['flag,rating,noise', ...rows((x) => `${x}.0`)])
  const report = JSON.parse(await bothPaths(reference, current)) as ReportJson

  it('is compared by number: no drift, the same categories on both sides', () => {
    for (const name of ['flag', 'rating']) {
      const f = report.features[name]
      expect(f).toMatchObject({ kind: 'categorical', drift_detected: false, unseen_categories: { count: 0, observations: 0, categories: [] } })
      expect(f?.p_value).toBeGreaterThan(0.99)
    }
    expect(report.features['flag']?.distribution).toMatchObject({ categories: ['0', '1'], reference: [300, 300], current: [300, 300] })
    expect(report.dataset).toMatchObject({ drifted_features: 0, evaluated_features: 3 })
  })

  it('has no new category and no outlier', () => {
    const quality = report.quality['features'] as Record<string, { new_category_rate: number; new_categories: object }>
    expect(quality['flag']).toMatchObject({ new_category_rate: 0, new_categories: {} })
    expect(quality['rating']).toMatchObject({ new_category_rate: 0, new_categories: {} })
    const outliers = report.quality['outliers'] as { current: { outlier_rate: number }; reference: { outlier_rate: number } }
    expect(outliers.current.outlier_rate).toBe(outliers.reference.outlier_rate)
  })

  it('text categories stay as written', async () => {
    const text = (spell: (x: number) => string) => Array.from({ length: 100 }, (_, i) => `${spell(i % 2)},${noise(i)}`)
    const out = JSON.parse(await bothPaths(file(['c,noise', ...text((x) => ['a', '1'][x] as string)]), file(['c,noise', ...text((x) => ['a', '1.0'][x] as string)]))) as ReportJson
    expect(out.features['c']?.unseen_categories).toMatchObject({ count: 1, categories: ['1.0'] })
  })
})

describe('a continuous label and prediction', async () => {
  const value = (i: number, shift: number) => (50 + shift + ((i * 37) % 200) / 10 - 10 + ((i * 13) % 100) / 100).toFixed(2)
  const rows = (shift: number) => Array.from({ length: 600 }, (_, i) => `${noise(i)},${value(i, shift)},${value(i + 11, shift)}`)
  const reference = file(['x,label,prediction', ...rows(0)])
  const current = file(['x,label,prediction', ...rows(0)])
  const report = JSON.parse(await bothPaths(reference, current)) as ReportJson

  it('has regression metrics and no classification metric, and a note naming the columns', () => {
    const p = report.performance
    expect(p['task']).toBe('continuous')
    for (const side of ['reference', 'current']) {
      expect(Object.keys(p[side] as object)).toEqual(['rows', 'status', 'rows_left_out', 'mae', 'rmse', 'mape', 'r2'])
      expect(p[side]).toMatchObject({ rows: 600 })
    }
    expect(report.notes.some((n) => n.includes('"label"') && n.includes('"prediction"') && n.includes('MAE, RMSE, MAPE and R² are computed'))).toBe(true)
  })

  it('compares the predictions as numbers', () => {
    expect(report.performance['prediction_drift']).toMatchObject({ kind: 'numerical', method: 'ks', drift_detected: false, current_count: 600 })
  })
})

describe('a feature with no value in the current file', async () => {
  const header = 'a,b,c'
  const reference = file([header, ...Array.from({ length: 500 }, (_, i) => `${noise(i)},${noise(i + 1)},${noise(i + 2)}`)])
  const current = file([header, ...Array.from({ length: 500 }, (_, i) => `${noise(i)},${noise(i + 1)},`)])

  it('is named in a note, with the side and the rows missing', async () => {
    const report = JSON.parse(await bothPaths(reference, current)) as ReportJson
    expect(report.dataset).toMatchObject({ evaluated_features: 2, number_of_features: 3 })
    expect(report.notes).toContain('feature "c" is left out of the dataset drift: the current file has no value of it (500 rows: 500 missing)')
  })

  it('is counted in the text headline', async () => {
    const text = await bothPaths(reference, current, 'text')
    expect(text).toContain('Dataset drift: 0 of 2 features drifted (1 of 3 not evaluated: no values;')
  })
})
