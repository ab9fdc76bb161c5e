/** Test helper (not part of the library API): a report Table of row objects, a column for every key some row has. */
import type { Row } from '../../../src/metrics/profile/index.js'
import type { Table } from '../../../src/report/table.js'

export function tableFromRows(rows: readonly Row[]): Table {
  const names = new Set<string>()
  for (const r of rows) for (const k of Object.keys(r)) names.add(k)
  return { rowCount: rows.length, columns: new Map([...names].map((n) => [n, rows.map((r) => r[n])] as const)) }
}
