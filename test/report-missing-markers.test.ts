/**
 * `driftwatch report` counts a CSV cell as missing exactly where pandas.read_csv's default does
 * (keep_default_na, na_filter: pandas' STR_NA_VALUES, `#N/A` and `n/a` among them), through the
 * ClickHouse engine (src/cli/report-files.ts, src/cli/report-rows.ts, run in this process) and
 * through the in-memory csv-parse path. The file and pandas' readings of it come from
 * scripts/reference/report_missing_markers.py (pandas version in the fixture): every default
 * marker, and texts that look like one but are values to pandas (`N/a`, `NAN`, `na`, `+nan`,
 * a quoted ` NA`), in a numerical feature, a categorical one and the score.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import markers from '../scripts/reference/fixtures/report-missing-markers.json' with { type: 'json' }
import type { FeatureDriftJson, ReportJson } from '../src/report/index.js'
import { reportOf } from './support/report-run.js'

const dir = mkdtempSync(join(tmpdir(), 'dw-report-missing-markers-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const MARKERS = file('markers.csv', markers.csv)
const pandasMissing = markers.missing_counts as Record<string, number>

interface Performance {
  readonly status: string
  readonly scored_rows_left_out: { readonly no_score: number; readonly score_not_a_number: number }
  readonly roc_auc: number | null
}

describe.each([
  ['the engine', true],
  ['the in-memory reader', false],
] as const)("driftwatch report through %s: missing CSV cells as pandas' read_csv reads them", async (_, engine) => {
  const run = await reportOf({ reference: MARKERS, current: MARKERS }, engine)
  // Parsed only when the report ran: the first test says why it did not.
  const report = run.code === 0 ? (JSON.parse(run.out) as ReportJson) : undefined
  const feature = (name: string) => report?.features[name] as FeatureDriftJson

  it('runs', () => {
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
  })

  it.each(['x', 'c'])('%s: the missing count of each file is pandas\' isna().sum()', (column) => {
    expect(feature(column).reference_left_out.missing).toBe(pandasMissing[column])
    expect(feature(column).current_left_out.missing).toBe(pandasMissing[column])
  })

  it('x stays a numerical feature, c a categorical one', () => {
    expect(feature('x').kind).toBe('numerical')
    expect(feature('c').kind).toBe('categorical')
  })

  it("score: the rows without a score are pandas' missing cells", () => {
    const performance = report?.performance as unknown as Record<'reference' | 'current', Performance>
    expect(performance.reference.scored_rows_left_out.no_score).toBe(pandasMissing['score'])
    expect(performance.current.scored_rows_left_out.no_score).toBe(pandasMissing['score'])
  })

  // pandas keeps an unquoted cell's spaces (` NA`, a cell of spaces: values); the report's readers
  // trim them, so such a cell that is a marker, or nothing, once trimmed is missing.
  it("cell: pandas' missing cells, and the unquoted cells that trim to a marker or to nothing", () => {
    const trimmedToMissing = markers.cells.filter((c) => c.padded && markers.str_na_values.includes(c.written.trim())).length
    expect(trimmedToMissing).toBe(markers.cells.filter((c) => c.padded).length)
    expect(feature('cell').reference_left_out.missing).toBe(pandasMissing['cell']! + trimmedToMissing)
  })
})

describe('driftwatch report: the engine and the in-memory reader give one report of the missing markers', () => {
  it('byte for byte', async () => {
    const memory = await reportOf({ reference: MARKERS, current: MARKERS }, false)
    const engine = await reportOf({ reference: MARKERS, current: MARKERS }, true)
    expect(memory.code).toBe(0)
    expect(engine.out).toBe(memory.out)
  })
})

describe('driftwatch report: a numerical feature with `#N/A` cells (as Excel exports a missing value), on both paths', () => {
  const rows = (missing: (i: number) => boolean) =>
    `x,c\n${Array.from({ length: 200 }, (_, i) => `${missing(i) ? '#N/A' : ((i * 37) % 101) / 10},${missing(i) ? 'n/a' : 'abc'[i % 3]}`).join('\n')}\n`
  // 16 of 200 rows (8 %) missing in both columns of each file.
  const reference = file('excel-reference.csv', rows((i) => i % 25 >= 23))
  const current = file('excel-current.csv', rows((i) => i % 25 < 2))

  it.each([
    ['the engine', true],
    ['the in-memory reader', false],
  ] as const)('%s: x stays numerical, its #N/A cells missing; c has no new category', async (_, engine) => {
    const run = await reportOf({ reference, current }, engine)
    expect(run.err).toBe('')
    const features = (JSON.parse(run.out) as ReportJson).features
    const x = features['x'] as FeatureDriftJson
    expect(x.kind).toBe('numerical')
    expect(x.reference_left_out).toMatchObject({ missing: 16, type_violation: 0 })
    expect(x.current_left_out).toMatchObject({ missing: 16, type_violation: 0 })
    const c = features['c'] as FeatureDriftJson
    expect(c.reference_left_out.missing).toBe(16)
    expect(c.current_left_out.missing).toBe(16)
    expect(c.distribution?.type === 'categories' && c.distribution.categories).toEqual(['a', 'b', 'c'])
  })
})
