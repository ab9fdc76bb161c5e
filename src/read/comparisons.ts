/**
 * Model comparison as the evaluator stored it (table comparison, src/evaluate/comparison-run.ts):
 * per (model, window), challenger minus champion for each metric, with the interval of the
 * difference and its two-sided p-value. The evaluator writes every comparison of a window in one
 * insert under one eval_version, so a window's current comparisons are its rows at the highest
 * eval_version; rows of an older evaluation (another champion, a challenger that has since lost
 * its labels) are ignored even before ClickHouse merges them away.
 *
 * Nothing here judges: the rows carry no verdict (the table stores none), and which side is
 * better depends on the metric (a higher false_positive_rate is worse).
 */
import { assertKnownModel, assertKnownVersion, type ReadDeps } from './deps.js'
import { decodeCursor, isoTime, page, timeRange } from './params.js'
import { int, n, readRows } from './sql.js'
import type { ComparisonDetail, ComparisonSeries, ComparisonWindow } from './types.js'

interface Row {
  start: string
  end: string
  metric: string
  method: string
  champion_version: string
  challenger_version: string
  champion_value: number | null
  challenger_value: number | null
  difference: number | null
  ci_low: number | null
  ci_high: number | null
  p_value: number | null
  n_champion: string
  n_challenger: string
  ev: string
}

const COLUMNS = `toUnixTimestamp64Milli(window_start) AS start, toUnixTimestamp64Milli(window_end) AS end, metric, method, champion_version, challenger_version,
  champion_value, challenger_value, difference, ci_low, ci_high, p_value, n_champion, n_challenger, toString(eval_version) AS ev`

const detail = (r: Row): ComparisonDetail => ({
  metric: r.metric,
  method: r.method,
  champion_version: r.champion_version,
  challenger_version: r.challenger_version,
  champion_value: n(r.champion_value),
  challenger_value: n(r.challenger_value),
  difference: n(r.difference),
  ci_low: n(r.ci_low),
  ci_high: n(r.ci_high),
  p_value: n(r.p_value),
  n_champion: int(r.n_champion),
  n_challenger: int(r.n_challenger),
})

/** The comparisons of one window in which `version` is the champion or a challenger. */
export async function windowComparisons(deps: ReadDeps, model: string, startMs: number, version: string): Promise<ComparisonDetail[]> {
  const rows = await readRows<Row>(
    deps.store,
    `SELECT ${COLUMNS} FROM {db}.comparison FINAL
     WHERE model_id = {m:String} AND window_start = fromUnixTimestamp64Milli({s:Int64})
       AND eval_version = (SELECT max(eval_version) FROM {db}.comparison WHERE model_id = {m:String} AND window_start = fromUnixTimestamp64Milli({s:Int64}))
       AND (champion_version = {v:String} OR challenger_version = {v:String})
     ORDER BY metric, champion_version, challenger_version`,
    { m: model, s: startMs, v: version },
  )
  return rows.map(detail)
}

export interface ComparisonOptions {
  readonly from?: string
  readonly to?: string
  /** Only comparisons in which this version is the champion or a challenger. */
  readonly version?: string
  readonly metric?: string
  readonly limit?: number
  readonly cursor?: string
}

/**
 * Comparisons of a model over windows, oldest first, one item per window (its current rows).
 * Paginated by window: `limit` windows per page.
 */
export async function comparisonSeries(deps: ReadDeps, model: string, o: ComparisonOptions = {}): Promise<ComparisonSeries> {
  await assertKnownModel(deps, model)
  const limit = o.limit ?? 1000
  const range = timeRange(o.from, o.to)
  const after = o.cursor === undefined ? undefined : decodeCursor(o.cursor, ['number'] as const)[0]
  const where = [
    'model_id = {m:String}',
    range.from === undefined ? '' : 'window_start >= fromUnixTimestamp64Milli({from:Int64})',
    range.to === undefined ? '' : 'window_start < fromUnixTimestamp64Milli({to:Int64})',
    after === undefined ? '' : 'window_start > fromUnixTimestamp64Milli({after:Int64})',
  ].filter((c) => c !== '').join(' AND ')
  const filters = [
    o.version === undefined ? '' : 'AND (champion_version = {v:String} OR challenger_version = {v:String})',
    o.metric === undefined ? '' : 'AND metric = {metric:String}',
  ].join(' ')
  // The windows of this page first (limit + 1 tells whether there is a next page), then their rows:
  // windows whose current evaluation (highest eval_version) has a row the filters keep.
  const windows = await readRows<{ start: string; ev: string }>(
    deps.store,
    `SELECT toUnixTimestamp64Milli(window_start) AS start, toString(ev) AS ev
     FROM (SELECT window_start, max(eval_version) AS ev FROM {db}.comparison WHERE ${where} GROUP BY window_start)
     WHERE (window_start, ev) IN (SELECT window_start, eval_version FROM {db}.comparison WHERE ${where} ${filters})
     ORDER BY window_start LIMIT {limit:UInt32}`,
    { m: model, from: range.from, to: range.to, after, v: o.version, metric: o.metric, limit: limit + 1 },
  )
  const shown = windows.slice(0, limit)
  if (shown.length === 0) {
    // A version the model has no window of is unknown (404), not a version without comparisons.
    if (o.version !== undefined) await assertKnownVersion(deps, model, o.version)
    return { model, items: [], next_cursor: null }
  }
  const evOf = new Map(shown.map((w) => [w.start, w.ev]))
  const rows = (await readRows<Row>(
    deps.store,
    `SELECT ${COLUMNS} FROM {db}.comparison FINAL
     WHERE model_id = {m:String} AND window_start BETWEEN fromUnixTimestamp64Milli({first:Int64}) AND fromUnixTimestamp64Milli({last:Int64})
       ${filters}
     ORDER BY window_start, metric, champion_version, challenger_version`,
    { m: model, first: int(shown[0]!.start), last: int(shown.at(-1)!.start), v: o.version, metric: o.metric },
  )).filter((r) => evOf.get(r.start) === r.ev)
  const items: ComparisonWindow[] = shown.flatMap((w) => {
    const own = rows.filter((r) => r.start === w.start)
    return own.length === 0 ? [] : [{ window_start: isoTime(int(w.start)), window_end: isoTime(int(own[0]!.end)), comparisons: own.map(detail) }]
  })
  const next = page(windows, limit, (w) => [int(w.start)]).next_cursor
  return { model, items, next_cursor: next }
}
