/**
 * `driftwatch report` given a JSON Lines or JSON file as --reference or --current: refused with
 * one line naming the file and what is read (DW_FILE_INVALID, exit 2), instead of csv-parse's
 * "Invalid Opening Quote". Known by the name (.jsonl, .ndjson, .json) or by the first non-blank
 * text ({, or [ opening an array of records). Through the ClickHouse engine and the in-memory
 * csv-parse path, and once through the `driftwatch` command itself.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { inputFiles, reportOf } from './support/report-run.js'

const write = inputFiles('dw-report-json-input-')
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ x: i % 40, c: `k${i % 7}` }))
const csv = write(`x,c\n${rows(200).map((r) => `${r.x},${r.c}`).join('\n')}\n`)
const jsonLines = write(`${rows(200).map((r) => JSON.stringify(r)).join('\n')}\n`, 'jsonl')
const jsonArray = write(JSON.stringify(rows(200)), 'json')
// JSON Lines under a CSV name, with a blank line first.
const jsonLinesAsCsv = write(`\n  ${rows(200).map((r) => JSON.stringify(r)).join('\n')}\n`, 'csv')
const oneLine = (what: string, path: string) =>
  new RegExp(`^driftwatch: DW_FILE_INVALID: ${what} ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: JSON Lines/JSON is not read by report; CSV or Parquet expected\\n$`)

describe('a JSON Lines or JSON input file (regression: read as CSV, "Invalid Opening Quote")', () => {
  for (const engine of [true, false]) {
    const path = engine ? 'engine' : 'csv-parse'
    it(`${path}: .jsonl as --reference is refused in one line, exit 2`, async () => {
      const r = await reportOf({ reference: jsonLines, current: csv, format: 'json' }, engine)
      expect(r.code).toBe(2)
      expect(r.err).toMatch(oneLine('reference file', jsonLines))
      expect(r.out).toBe('')
    })

    it(`${path}: .json (an array of records) as --current is refused in one line, exit 2`, async () => {
      const r = await reportOf({ reference: csv, current: jsonArray, format: 'json' }, engine)
      expect(r.code).toBe(2)
      expect(r.err).toMatch(oneLine('current file', jsonArray))
    })

    it(`${path}: JSON Lines named .csv is known by its first non-blank text`, async () => {
      const r = await reportOf({ reference: csv, current: jsonLinesAsCsv, format: 'json' }, engine)
      expect(r.code).toBe(2)
      expect(r.err).toMatch(oneLine('current file', jsonLinesAsCsv))
    })

    it(`${path}: a CSV whose first header cell starts with [ is read`, async () => {
      const bracketed = write(`[x],c\n${rows(200).map((r) => `${r.x},${r.c}`).join('\n')}\n`)
      const r = await reportOf({ reference: bracketed, current: bracketed, format: 'json' }, engine)
      expect([r.code, r.err]).toEqual([0, ''])
    })
  }

  it('the driftwatch command: one line on stderr, exit 2', () => {
    const bin = join(import.meta.dirname, '..', 'bin', 'driftwatch.js')
    const r = spawnSync(process.execPath, [bin, 'report', '--reference', jsonLines, '--current', csv], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(oneLine('reference file', jsonLines))
  }, 120_000)
})
