/**
 * What `driftwatch report` reads as missing, per format, as pandas reads it: in Parquet only a
 * null (and a float NaN) is missing, and a string is a value whatever its text ("NA" North
 * America, "None" and "" for no discount code, "nan", "NULL", ...: pandas.read_parquet keeps
 * them); in a CSV file those texts are missing markers (pandas.read_csv's default na_values).
 * The fixtures are one pandas frame per side written both ways, with pandas' readings of each
 * (scripts/reference/report_parquet_strings.py; versions in
 * test/fixtures/report-parquet-strings/VERSIONS).
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FeatureDriftJson, ReportJson } from '../src/report/index.js'

const root = join(import.meta.dirname, '..')
const fixture = (name: string) => join(root, 'test/fixtures/report-parquet-strings', name)

interface Reading {
  readonly missing: number
  readonly counts?: Record<string, number>
}
type Side = 'reference' | 'current'
type Format = 'parquet' | 'csv'
const expected = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as Record<Side, Record<Format, Record<string, Reading>>>

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin/driftwatch.js'), 'report', ...args], { cwd: root, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

/** The categories the report counted on one side, with their counts (those with none left out). */
function counted(f: FeatureDriftJson, side: Side): Record<string, number> {
  const d = f.distribution
  if (d?.type !== 'categories') throw new Error('not a categorical distribution')
  return Object.fromEntries(d.categories.map((c, i) => [c, d[side][i] as number]).filter(([, n]) => (n as number) > 0))
}

describe.each(['parquet', 'csv'] as const)('the %s pair: missing values and categories as pandas reads them', async (format) => {
  const run = await cli(['--reference', fixture(`reference.${format}`), '--current', fixture(`current.${format}`)])
  // Parsed only when the report ran: the first test says why it did not.
  const features = run.code === 0 ? (JSON.parse(run.stdout) as ReportJson).features : {}

  it('runs', () => {
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
  })

  it.each(['region', 'discount', 'token', 'market', 'x'])('%s: the missing count of each side', (column) => {
    const f = features[column] as FeatureDriftJson
    expect(f).toBeDefined()
    expect(f.reference_left_out.missing).toBe(expected.reference[format][column]?.missing)
    expect(f.current_left_out.missing).toBe(expected.current[format][column]?.missing)
  })

  it.each(['region', 'discount', 'token', 'market'])('%s: the categories and their counts of each side', (column) => {
    const f = features[column] as FeatureDriftJson
    expect(f).toBeDefined()
    for (const side of ['reference', 'current'] as const) {
      const want = expected[side][format][column]?.counts ?? {}
      // A column with no value in either file has no distribution to compare.
      if (Object.keys(want).length === 0 && f.distribution === undefined) continue
      expect(counted(f, side)).toEqual(want)
    }
  })
})

describe('the Parquet pair', () => {
  it('keeps "NA" (North America) a region and finds its drift, which the CSV of the same frames reads as missing', async () => {
    const run = await cli(['--reference', fixture('reference.parquet'), '--current', fixture('current.parquet')])
    expect(run.stderr).toBe('')
    const region = (JSON.parse(run.stdout) as ReportJson).features['region'] as FeatureDriftJson
    expect(region.drift_detected).toBe(true)
    expect(counted(region, 'reference')['NA']).toBe(expected.reference.parquet['region']?.counts?.['NA'])
  })
})
