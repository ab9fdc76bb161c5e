/**
 * `driftwatch report` on booleans written in another case in each file: pandas writes a bool
 * `True` / `False`, Spark and JavaScript write `true` / `false`, and pandas read_csv reads all
 * of them as bool. Through the ClickHouse engine (src/cli/report-files.ts, run in this process)
 * and the in-memory csv-parse path, which print the same report:
 * - a boolean feature is one feature with the categories `True` / `False` in both files: no
 *   drift and no new category where only the case differs, and a drift gate passes;
 * - label and prediction are one binary task with the positive class `True`, and the current
 *   file's accuracy is the one scikit-learn computes from pandas' reading;
 * - a protected attribute has the same two groups in both files;
 * - a Parquet bool column (read as `True` / `False`) against a CSV of `true` / `false` gives the
 *   report of the CSV pair.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { reportOnBothPaths as report } from './support/report-run.js'
import type { CategoryDistributionJson, FeatureDriftJson } from '../src/report/index.js'

const dir = mkdtempSync(join(tmpdir(), 'dw-report-booleans-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let files = 0
function file(lines: readonly string[]): string {
  const path = join(dir, `f${files++}.csv`)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}

const N = 600
// Row i: member in 2 of 5 rows, label in 2 of 5, the prediction wrong on every 4th row (accuracy 0.75).
const member = (i: number) => i % 5 < 2
const label = (i: number) => (i * 7) % 5 < 2
const prediction = (i: number) => (i % 4 === 0 ? !label(i) : label(i))
const x = (i: number) => ((((i * 7919) % 600) - 300) / 300).toFixed(3)
const pandas = (b: boolean) => (b ? 'True' : 'False')
const spark = (b: boolean) => (b ? 'true' : 'false')
const shouting = (b: boolean) => (b ? 'TRUE' : 'FALSE')
function rows(write: (b: boolean) => string): string[] {
  return ['member,x,label,prediction', ...Array.from({ length: N }, (_, i) => `${write(member(i))},${x(i)},${write(label(i))},${write(prediction(i))}`)]
}

describe('booleans written True/False in the reference and true/false in the current file', async () => {
  const reference = file(rows(pandas))
  const current = file(rows(spark))
  const { code, json, err } = await report({ reference, current, protected: 'member', failOn: 'drift_share>0.3' })

  it('a boolean feature is one feature with the categories True/False: no drift, no new category, the gate passes', () => {
    expect(code).toBe(0)
    expect(err).toContain('all 1 gates passed')
    const f = json.features['member'] as FeatureDriftJson
    const d = f.distribution as CategoryDistributionJson
    expect(f.drift_detected).toBe(false)
    expect(f.drift_score).toBe(0)
    expect(f.unseen_categories?.count).toBe(0)
    expect([...d.categories].sort()).toEqual(['False', 'True'])
    expect(d.reference).toEqual(d.current)
    const quality = (json.quality as { features: Record<string, { new_category_count: number }> }).features['member']
    expect(quality?.new_category_count).toBe(0)
    expect(json.dataset.drifted_features).toBe(0)
  })

  it('label and prediction are one binary task, positive class True, accuracy 0.75 on both sides (scikit-learn on pandas\' reading)', () => {
    const p = json.performance as { task: string; positive_class: string; reference: { accuracy: number }; current: { accuracy: number } }
    expect(p.task).toBe('binary')
    expect(p.positive_class).toBe('True')
    expect(p.reference.accuracy).toBe(0.75)
    expect(p.current.accuracy).toBe(0.75)
  })

  it('the protected attribute has the two groups True and False', () => {
    const fairness = json.fairness as Record<string, { groups: Record<string, { count: number }> }>
    const groups = fairness['member']?.groups ?? {}
    expect(Object.keys(groups).sort()).toEqual(['False', 'True'])
    expect(groups['True']?.count).toBe(240)
  })

  it('is the report of the pair written alike (True/False in both), and so is TRUE/FALSE', async () => {
    const alike = await report({ reference, current: file(rows(pandas)), protected: 'member', failOn: 'drift_share>0.3' })
    const upper = await report({ reference, current: file(rows(shouting)), protected: 'member', failOn: 'drift_share>0.3' })
    expect(json).toEqual(alike.json)
    expect(upper.json).toEqual(alike.json)
  })
})

describe('a Parquet bool column against a CSV of true/false', async () => {
  // The reference as a Parquet file of Bool columns, written by chDB in a process of its own (a
  // chDB session per process) from the pandas-written CSV.
  const csvReference = file(rows(pandas))
  const parquetReference = join(dir, 'reference.parquet')
  const structure = 'member Bool, x Float64, label Bool, prediction Bool'
  const write = `require('chdb').query("INSERT INTO FUNCTION file('${parquetReference}', Parquet) SELECT * FROM file('${csvReference}', CSVWithNames, '${structure}')")`
  const written = await new Promise<string>((resolve) => execFile(process.execPath, ['-e', write], (_, __, stderr) => resolve(stderr)))
  const current = file(rows(spark))

  it('gives the report of the CSV pair', async () => {
    expect(written).toBe('')
    const fromParquet = await report({ reference: parquetReference, current, protected: 'member' })
    const fromCsv = await report({ reference: csvReference, current, protected: 'member' })
    expect(fromParquet.code).toBe(0)
    expect(fromParquet.json).toEqual(fromCsv.json)
    expect(fromParquet.json.dataset.drifted_features).toBe(0)
  })
})
