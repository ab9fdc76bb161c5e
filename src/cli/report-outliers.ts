/**
 * The outlier summary of a file in the report engine's table (src/cli/report-files.ts): each
 * feature's distinct cells are judged in JS (outlierCellCodes, by outlierScorer itself), the
 * engine maps every cell of every row to its code with one hash lookup (transform), adds the
 * codes across the features into the row's evaluated / extreme counts, and sums up the totals
 * (src/report/outlier-counts.ts summaryOfTotals) — only one row of totals crosses back.
 *
 * Same figures to the bit as outlierSummary over per-row counts: score = extreme / evaluated is
 * one IEEE division either way, the count, the comparison with the threshold and the maximum do
 * not depend on the order, and the sum of the scores is added in row order as JS does it
 * (arrayCumSum over the scores in read order, sequential; arrayFold would be too, but is
 * quadratic in chDB 3.4: 15 s for 1M values). One thread reads the table in load order, and
 * the same query checks the row numbers (the order matters for the sum's last bits only).
 * Numbers come back as TSV text, shortest round-trip form, which Number() reads exactly. The query
 * runs on chDB's worker thread (queryBindAsync): the report computes the feature drift meanwhile.
 */
import type { Session } from 'chdb'
import type { ReferenceProfile } from '../metrics/profile/index.js'
import type { OutlierSummary } from '../metrics/quality/index.js'
import type { NumberCells } from '../report/counted-column.js'
import { outlierCellCodes, outlierNumberCellCodes, outlierSummary, summaryOfTotals } from '../report/outlier-counts.js'
import { sqlIdentifier } from '../store/sql-text.js'
import { ROWS_IN_LOAD_ORDER } from './report-rows.js'


export async function engineOutlierSummary(
  session: Session,
  table: string,
  rowCount: number,
  profile: Pick<ReferenceProfile, 'features'>,
  columns: readonly string[],
  cells: { counts(name: string): Promise<ReadonlyMap<string, number>>; numbers(name: string): Promise<NumberCells> },
  threshold: number,
): Promise<OutlierSummary> {
  const params: Record<string, unknown> = { threshold }
  const names = Object.keys(profile.features).filter((name) => columns.includes(name))
  const codes: string[] = []
  for (const [i, name] of names.entries()) {
    // A numerical feature's decimal cells are judged by their values, read as numbers.
    const judged =
      profile.features[name]?.kind === 'numerical'
        ? outlierNumberCellCodes(profile, name, await cells.numbers(name))
        : outlierCellCodes(profile, name, (await cells.counts(name)).keys())
    params[`k${i}`] = judged.cells
    params[`c${i}`] = judged.codes
    codes.push(`transform(ifNull(${sqlIdentifier(name)}, ''), {k${i}:Array(String)}, {c${i}:Array(UInt8)}, toUInt8(1))`)
  }
  if (codes.length === 0) return outlierSummary({ evaluated: new Uint16Array(rowCount), extreme: new Uint16Array(rowCount) }, threshold)
  const sum = (test: string) => codes.map((_, i) => `(o${i} ${test})`).join(' + ')
  const result = await session.queryBindAsync(
    `WITH ${codes.map((c, i) => `${c} AS o${i}`).join(', ')},
          toUInt16(${sum('> 0')}) AS evaluated, toUInt16(${sum('= 2')}) AS extreme, extreme / evaluated AS score
     SELECT count(), countIf(evaluated > 0), countIf(evaluated > 0 AND score >= {threshold:Float64}), maxIf(score, evaluated > 0),
            arrayCumSum(groupArrayIf(score, evaluated > 0))[-1], ${ROWS_IN_LOAD_ORDER}
     FROM ${table} SETTINGS max_threads = 1`,
    params,
    { format: 'TabSeparated' },
  )
  const text = result.text()
  const [events, scored, outliers, maxScore, scoreSum, ordered] = text.replace(/\n$/, '').split('\t').map(Number)
  if (ordered !== 1) throw new Error(`outlier counts: rows came back out of order (of ${rowCount})`)
  if (events !== rowCount) throw new Error(`outlier counts: ${String(events)} rows read, ${rowCount} expected`)
  return summaryOfTotals(
    { events, scored: scored as number, outliers: outliers as number, scoreSum: scoreSum as number, maxScore: maxScore as number },
    threshold,
  )
}
