/**
 * The outlier summary of a file in the report engine's table (src/cli/report-files.ts): each
 * feature's distinct cells are judged in JS (outlierCellCodes, by outlierScorer itself), the
 * engine maps every cell of every row to its code with one hash lookup (transform) — a
 * numerical feature's decimals by their values instead, the engine's double of the cell (as
 * ./report-rows.ts numberCellsOf parses it) against the reference's tail quantiles, sent as
 * bit patterns (numericalOutlierRule: the comparisons featureCheck makes, so the texts of a
 * million distinct decimals never cross into JS) — adds the
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
import { OUTLIER_CODE, outlierCellCodes, numericalOutlierRule, outlierSummary } from '../report/outlier-counts.js'
import { float64Bits } from '../evaluate/float-params.js'
import { sqlIdentifier } from '../store/sql-text.js'


/** A double as SQL that the engine reads back bit for bit (its IEEE 754 pattern, src/evaluate/float-params.ts). */
const float64Sql = (x: number) => `reinterpretAsFloat64(toUInt64(${float64Bits(x)}))`

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
    const cell = `ifNull(${sqlIdentifier(name)}, '')`
    if (profile.features[name]?.kind === 'numerical') {
      // The listed cells (every one that is not a decimal the engine parsed) by their codes, the
      // rest by their doubles. A cell neither listed nor parsed (its text did not survive the
      // trip to JS and back: bytes that are not UTF-8) is `evaluated`, as the list's default was.
      const rule = numericalOutlierRule(profile, name, (await cells.numbers(name)).others.keys())
      const parsed = `toFloat64OrNull(${cell})`
      const byValue =
        rule.tails === null
          ? `if(isNull(${parsed}), ${OUTLIER_CODE.evaluated}, ${OUTLIER_CODE.notEvaluated})`
          : `multiIf(isNull(${parsed}), ${OUTLIER_CODE.evaluated}, ${parsed} < ${float64Sql(rule.tails[0])} OR ${parsed} > ${float64Sql(rule.tails[1])}, ${OUTLIER_CODE.extreme}, ${OUTLIER_CODE.evaluated})`
      params[`k${i}`] = rule.cells
      params[`c${i}`] = rule.codes
      codes.push(`transform(${cell}, {k${i}:Array(String)}, {c${i}:Array(UInt8)}, toUInt8(${byValue}))`)
      continue
    }
    const judged = outlierCellCodes(profile, name, (await cells.counts(name)).keys(), byNumber.has(name))
    params[`k${i}`] = judged.cells
    params[`c${i}`] = judged.codes
    codes.push(`transform(${cell}, {k${i}:Array(String)}, {c${i}:Array(UInt8)}, toUInt8(${OUTLIER_CODE.evaluated}))`)
  }
  if (codes.length === 0) return outlierSummary({ evaluated: new Uint16Array(rowCount), extreme: new Uint16Array(rowCount) }, threshold)
  const sum = (test: string) => codes.map((_, i) => `(o${i} ${test})`).join(' + ')
  // Counted by (evaluated, extreme) on every core: the sums do not depend on the row order.
  const result = await session.queryBindAsync(
    `WITH ${codes.map((c, i) => `${c} AS o${i}`).join(', ')},
          toUInt16(${sum('> 0')}) AS evaluated, toUInt16(${sum('= 2')}) AS extreme
     SELECT evaluated, extreme, count() FROM ${table} GROUP BY evaluated, extreme
     SETTINGS precise_float_parsing = 1`,
    params,
    { format: 'JSONCompactColumns' },
  )
  const [evaluated, extreme, counts] = result.json<[number[], number[], (number | string)[]]>()
  const groups = evaluated.map((e, i) => ({ evaluated: e, extreme: extreme[i] as number, count: Number(counts[i]) }))
  const events = groups.reduce((n, g) => n + g.count, 0)
  if (events !== rowCount) throw new Error(`outlier counts: ${String(events)} rows read, ${rowCount} expected`)
  return outlierSummaryOfGroups(groups, threshold)
}
