/**
 * A Parquet file is read as pandas writes the same frame to CSV (src/cli/report-parquet-text.ts):
 * booleans as True/False, dates, timestamps of every unit with and without a time part, with a
 * time zone, and nullable columns. The fixtures are one pandas frame written both ways
 * (scripts/reference/report_parquet_types.py; versions in test/fixtures/report-parquet/VERSIONS).
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Session } from 'chdb'
import { afterAll, describe, expect, it } from 'vitest'
import { parquetTextExpressions } from '../src/cli/report-parquet-text.js'
import { sqlString } from '../src/store/sql-text.js'

const root = join(import.meta.dirname, '..')
const fixture = (name: string) => join(root, 'test/fixtures/report-parquet', name)

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin/driftwatch.js'), 'report', ...args], { cwd: root, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('Parquet values read as pandas writes them to CSV', () => {
  const session = new Session()
  afterAll(() => session.cleanup())

  it.each(['reference', 'current'])('every cell of the %s Parquet file is the text of its CSV', (side) => {
    const path = fixture(`${side}.parquet`)
    const [columns, types] = JSON.parse(session.query(`DESCRIBE file(${sqlString(path)}, Parquet)`, 'JSONCompactColumns')) as string[][]
    const texts = parquetTextExpressions(session, path, columns as string[], types as string[])
    const rows = JSON.parse(`[${session.query(`SELECT ${texts.join(', ')} FROM file(${sqlString(path)}, Parquet)`, 'JSONCompactEachRow').trim().split('\n').join(',')}]`) as string[][]
    const csv = readFileSync(fixture(`${side}.csv`), 'utf8').trimEnd().split('\n')
    expect(rows.map((r) => r.join(','))).toEqual(csv.slice(1))
  })

  it('a CSV pair and the Parquet pair of the same frames give byte-identical JSON reports', async () => {
    const csv = await cli(['--reference', fixture('reference.csv'), '--current', fixture('current.csv')])
    const parquet = await cli(['--reference', fixture('reference.parquet'), '--current', fixture('current.parquet')])
    expect(csv.code).toBe(0)
    expect(parquet.stderr).toBe(csv.stderr)
    expect(parquet.code).toBe(0)
    expect(parquet.stdout).toBe(csv.stdout)
  })

  it('a CSV reference against a Parquet current of one distribution finds no drift', async () => {
    const mixed = await cli(['--reference', fixture('reference.csv'), '--current', fixture('reference.parquet')])
    expect(mixed.code).toBe(0)
    expect(JSON.parse(mixed.stdout).dataset.drifted_features).toBe(0)
  })
})
