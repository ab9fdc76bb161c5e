/**
 * The outlier summary of a file in the report engine's table (src/cli/report-files.ts): each
 * feature's distinct cells are judged in JS (outlierCellCodes, by outlierScorer itself), the
 * engine maps every cell of every row to its code with one hash lookup (transform), adds the
 * codes across the features into the row's evaluated / extreme counts, and counts the rows by
 * (evaluated, extreme) — a few groups cross back, summed up as the stream evaluator sums up
 * its windows (outlierSummaryOfGroups), so the in-memory path (src/report/outlier-counts.ts)
 * gives the same figures to the bit. Nothing depends on the row order, so the query runs on
 * every core. It runs on chDB's worker thread (queryBindAsync): the report computes the
 * feature drift meanwhile.
 */
import type { Session } from 'chdb'
import type { ReferenceProfile } from '../metrics/profile/index.js'
import { type OutlierSummary, outlierSummaryOfGroups } from '../metrics/quality/index.js'
import type { NumberCells } from '../report/counted-column.js'
import { outlierCellCodes, outlierNumberCellCodes, outlierSummary } from '../report/outlier-counts.js'
import { sqlIdentifier } from '../store/sql-text.js'


export async function engineOutlierSummary(
  session: Session,
  table: string,
  rowCount: number,
  profile: Pick<ReferenceProfile, 'features'>,
  columns: readonly string[],
  cells: { counts(name: string): Promise<ReadonlyMap<string, number>>; numbers(name: string): Promise<NumberCells> },
  threshold: number,
  /** The categorical features whose categories are named by number (src/report/numeric-categories.ts). */
  byNumber: ReadonlySet<string> = new Set(),
): Promise<OutlierSummary> {
  const params: Record<string, unknown> = {}
  const names = Object.keys(profile.features).filter((name) => columns.includes(name))
  const codes: string[] = []
  for (const [i, name] of names.entries()) {
    // A numerical feature's decimal cells are judged by their values, read as numbers.
    const judged =
      profile.features[name]?.kind === 'numerical'
        ? outlierNumberCellCodes(profile, name, await cells.numbers(name))
        : outlierCellCodes(profile, name, (await cells.counts(name)).keys(), byNumber.has(name))
    params[`k${i}`] = judged.cells
    params[`c${i}`] = judged.codes
    codes.push(`transform(ifNull(${sqlIdentifier(name)}, ''), {k${i}:Array(String)}, {c${i}:Array(UInt8)}, toUInt8(1))`)
  }
  if (codes.length === 0) return outlierSummary({ evaluated: new Uint16Array(rowCount), extreme: new Uint16Array(rowCount) }, threshold)
  const sum = (test: string) => codes.map((_, i) => `(o${i} ${test})`).join(' + ')
  // Counted by (evaluated, extreme) on every core: the sums do not depend on the row order.
  const result = await session.queryBindAsync(
    `WITH ${codes.map((c, i) => `${c} AS o${i}`).join(', ')},
          toUInt16(${sum('> 0')}) AS evaluated, toUInt16(${sum('= 2')}) AS extreme
     SELECT evaluated, extreme, count() FROM ${table} GROUP BY evaluated, extreme`,
    params,
    { format: 'JSONCompactColumns' },
  )
  const [evaluated, extreme, counts] = result.json<[number[], number[], (number | string)[]]>()
  const groups = evaluated.map((e, i) => ({ evaluated: e, extreme: extreme[i] as number, count: Number(counts[i]) }))
  const events = groups.reduce((n, g) => n + g.count, 0)
  if (events !== rowCount) throw new Error(`outlier counts: ${String(events)} rows read, ${rowCount} expected`)
  return outlierSummaryOfGroups(groups, threshold)
}
