/**
 * `driftwatch report` on the ClickHouse engine (src/cli/report-files.ts), the real CLI spawned:
 * - CSV read by chDB gives the very report the in-memory csv-parse path gives on the golden
 *   pair (same exactness: every number equal, not close);
 * - Parquet files (written by chDB from the same CSV, typed columns) give the same report;
 * - the report runs while this process holds a chDB data directory open, as `driftwatch
 *   start` does, and that store still answers afterwards (a chDB directory belongs to one
 *   process: the report uses a private temporary session).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runReport } from '../src/cli/report.js'
import { openStore, type Store } from '../src/store/clickhouse.js'
import { testConfig } from './support/config.js'

const root = join(import.meta.dirname, '..')
const REFERENCE = join(root, 'test/fixtures/report/reference.csv')
const CURRENT = join(root, 'test/fixtures/report/current.csv')

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { cwd: root, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}
const cli = (args: string[]) => run(join(root, 'bin/driftwatch.js'), ['report', ...args])

/** The report of the in-memory path (csv-parse, no engine): the reference behaviour. */
async function inMemoryReport(args: { reference: string; current: string; protected: string }): Promise<string> {
  let out = ''
  const code = await runReport(args, {
    exists: () => true,
    readFile: (p) => readFileSync(p, 'utf8'),
    writeFile: () => {},
    stdout: (t) => {
      out += t
    },
    stderr: () => {},
  })
  expect(code).toBe(0)
  return out
}

describe('driftwatch report on the ClickHouse engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-report-engine-'))
  const config = testConfig({ kafka: false })
  let store: Store
  let expected: string

  beforeAll(async () => {
    // Held open for the whole file, as a running `driftwatch start` holds its data directory.
    store = openStore(config.clickhouse)
    await store.client.query({ query: 'SELECT 1' })
    expected = await inMemoryReport({ reference: REFERENCE, current: CURRENT, protected: 'gender' })
    const write = (csv: string, parquet: string) =>
      `require('chdb').query("INSERT INTO FUNCTION file('${parquet}', Parquet) SELECT * FROM file('${csv}', CSVWithNames)")`
    for (const [csv, parquet] of [[REFERENCE, join(dir, 'reference.parquet')], [CURRENT, join(dir, 'current.parquet')]] as const) {
      const r = await run('-e', [write(csv, parquet)])
      expect(r.stderr).toBe('')
    }
  })
  afterAll(async () => {
    await store?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('CSV through chDB: the same report as the in-memory path, number for number', async () => {
    const r = await cli(['--reference', REFERENCE, '--current', CURRENT, '--protected', 'gender'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(expected))
    expect(r.stdout).toBe(expected)
  })

  it('a cell \\N is the text it is, as in the in-memory path and pandas (the engine reads it as NULL by default)', async () => {
    const rows = (n: number) => ['cat,num', ...Array.from({ length: n }, (_, i) => `${i % 5 === 0 ? '\\N' : 'abc'[i % 3]},${(i * 0.37) % 3}`)].join('\n') + '\n'
    const [reference, current] = [join(dir, 'escaped-reference.csv'), join(dir, 'escaped-current.csv')]
    writeFileSync(reference, rows(300))
    writeFileSync(current, rows(200))
    const r = await cli(['--reference', reference, '--current', current])
    expect(r.stderr).toBe('')
    const report = JSON.parse(r.stdout) as { quality: { features: Record<string, { missing_rate: number }> } }
    expect(report.quality.features['cat']!.missing_rate).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(await inMemoryReport({ reference, current, protected: '' })))
  })

  it('--progress: columns read on stderr, the report unchanged on stdout', async () => {
    const r = await cli(['--reference', REFERENCE, '--current', CURRENT, '--protected', 'gender', '--progress'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(expected)
    // 8 features and 3 targets of the reference (gender is a feature), the same 11 of the current.
    expect(r.stderr).toContain('driftwatch report: columns read: 22/22 (100%)\n')
    // Each column counted once: the reference's features, read for their kinds, are not counted again.
    expect(r.stderr.trim().split('\n').at(-1)).toBe('driftwatch report: columns read: 22/22 (100%)')
  })

  it('Parquet input (typed columns written by chDB): the same report', async () => {
    const r = await cli(['--reference', join(dir, 'reference.parquet'), '--current', join(dir, 'current.parquet'), '--protected', 'gender'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(expected))
  })

  it('Parquet of 200k rows (decoded in parallel blocks): rows stay paired, the same report as its CSV', async () => {
    // Rows whose label, score and group depend on the row: pairing them wrongly changes the report.
    const rows = (n: number, shift: number) =>
      `SELECT number % 1000 / 7 + ${shift} AS x, if(number % 5 = 0, 'a', 'b') AS g, number % 3 = 0 ? 1 : 0 AS label,
              (number % 997) / 997 AS score FROM numbers(${n})`
    const files: string[] = []
    for (const [name, n, shift] of [['reference', 200_000, 0], ['current', 150_000, 3]] as const) {
      for (const format of ['CSVWithNames', 'Parquet']) {
        const file = join(dir, `${name}-rows.${format === 'Parquet' ? 'parquet' : 'csv'}`)
        const write = `require('chdb').query("INSERT INTO FUNCTION file('${file}', ${format}) ${rows(n, shift).replace(/\n\s*/g, ' ')}")`
        expect((await run('-e', [write])).stderr).toBe('')
        files.push(file)
      }
    }
    const [refCsv, refParquet, curCsv, curParquet] = files as [string, string, string, string]
    const csv = await cli(['--reference', refCsv, '--current', curCsv, '--protected', 'g'])
    const parquet = await cli(['--reference', refParquet, '--current', curParquet, '--protected', 'g'])
    expect(parquet.stderr).toBe('')
    expect(parquet.code).toBe(0)
    expect(JSON.parse(parquet.stdout)).toEqual(JSON.parse(csv.stdout))
  })

  it('the store this process holds still answers after the reports ran beside it', async () => {
    const rows = await (await store.client.query({ query: 'SELECT 41 + 1 AS x', format: 'JSONEachRow' })).json<{ x: number }>()
    expect(rows).toEqual([{ x: 42 }])
  })

  it('an unreadable file through the engine: DW_FILE_INVALID, exit 2, one line', async () => {
    const r = await cli(['--reference', REFERENCE, '--current', join(root, 'package.json')])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    expect(r.stderr).toMatch(/^driftwatch: DW_FILE_INVALID: /)
  })

  it('a current file that fails to load while the report computes on the reference: DW_FILE_INVALID, exit 2, one line', async () => {
    // The reference's header and rows, then a row the engine cannot parse: the current file
    // loads after the reference, so its error reaches the report through the reads that wait for it.
    const lines = readFileSync(CURRENT, 'utf8').split('\n')
    const broken = join(dir, 'broken-current.csv')
    writeFileSync(broken, [...lines.slice(0, 50), '"unclosed,1,2', ...lines.slice(50)].join('\n'))
    const r = await cli(['--reference', REFERENCE, '--current', broken])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    expect(r.stderr).toMatch(/^driftwatch: DW_FILE_INVALID: .*broken-current\.csv: cannot be read: /)
  })
})
