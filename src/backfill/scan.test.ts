import { describe, expect, it } from 'vitest'
import { DriftwatchError } from '../errors.js'
import type { LabelRow } from './label-file.js'
import { formatProblem, formatScan, scanLabels } from './scan.js'

const ok = (row: number): LabelRow => ({ row, line: row + 1, bytes: 30, result: { ok: true, event: { prediction_id: `p${row}`, label: { class_label: 'a', value: null }, label_time: 1, source: 'backfill' } } })
const bad = (row: number, code: 'DW_MISSING_FIELD' | 'DW_TIMESTAMP_OUT_OF_RANGE'): LabelRow => ({
  row,
  line: row + 1,
  bytes: 0,
  result: { ok: false, error: new DriftwatchError(code, `label_time: problem ${row}`, { path: 'label_time' }) },
})
async function* of(rows: LabelRow[]) {
  yield* rows
}

describe('scanLabels', () => {
  const rows = [ok(1), bad(2, 'DW_MISSING_FIELD'), ok(3), bad(4, 'DW_TIMESTAMP_OUT_OF_RANGE'), bad(5, 'DW_TIMESTAMP_OUT_OF_RANGE'), ok(6)]

  it('counts valid and invalid rows by code, and the valid rows after the resume point', async () => {
    const report = await scanLabels(of(rows), { skipRows: 3, maxProblems: 2 })
    expect(report).toMatchObject({ rows: 6, valid: 3, invalid: 3, validToSend: 1, invalidByCode: { DW_MISSING_FIELD: 1, DW_TIMESTAMP_OUT_OF_RANGE: 2 } })
    expect(report.problems.map((p) => p.line)).toEqual([3, 5])
  })

  it('formats problems as "line N: CODE path: message", then the total', async () => {
    const report = await scanLabels(of(rows), { maxProblems: 2 })
    expect(formatProblem(report.problems[0]!)).toBe('line 3: DW_MISSING_FIELD label_time: problem 2')
    expect(formatScan(report, 'f.csv')).toEqual([
      'line 3: DW_MISSING_FIELD label_time: problem 2',
      'line 5: DW_TIMESTAMP_OUT_OF_RANGE label_time: problem 4',
      'f.csv: 3 invalid row(s) of 6 (the first 2 shown): DW_TIMESTAMP_OUT_OF_RANGE 2, DW_MISSING_FIELD 1',
    ])
  })

  it('prints nothing for a valid file', async () => {
    expect(formatScan(await scanLabels(of([ok(1)])), 'f.csv')).toEqual([])
  })
})
