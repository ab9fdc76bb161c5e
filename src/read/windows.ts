/**
 * The per-window series of a model: one row per (version, window) from window_summary (FINAL:
 * the newest evaluation wins), with the headline figures of that same evaluation from the other
 * metric tables (rows whose eval_version is the window_summary row's; older evaluations' rows
 * are ignored even before ClickHouse merges them away).
 */
import { optionalColumn } from './columns.js'
import { ALL_VARIANTS, assertKnownModel, assertKnownVariant, assertKnownVersion, type ReadDeps } from './deps.js'
import { FAIRNESS_HEADLINE_METRICS, headlinePerformance, MAIN_METRICS, qualityProblemCount, QUALITY_PROBLEMS, worstFairness } from './headline.js'
import { modelTask, type Task } from './task.js'
import { decodeCursor, isoTime, optionalTime, page } from './params.js'
import { int, METRIC_VALUES, n, readRows, storedNumber } from './sql.js'
import type { WindowHeadline, WindowSeries } from './types.js'
import { maxOf, minOf } from '../arrays.js'

export interface SeriesOptions {
  readonly from?: string
  readonly to?: string
  readonly version?: string
  readonly variant?: string
  readonly order?: 'asc' | 'desc'
  readonly limit?: number
  readonly cursor?: string
}

interface SummaryRow {
  model_version: string
  start: string
  end: string
  closed: number
  eval_version: string
  predictions: string
  labeled: string
  label_coverage: number | null
}

interface Versioned {
  model_version: string
  start: string
  eval_version: string
}

const keyOf = (version: string, startMs: number) => `${version}\u0000${startMs}`

/**
 * Whether a window starts after `nowMs` (the read's clock): stored ahead of time, from events
 * stamped up to ingest.maxFutureMs ahead, it is no model's latest window and decides no alert
 * until the clock reaches its start (src/alerts/metric-points.ts).
 */
export const startsAfter = (r: { start: string }, nowMs: number): boolean => int(r.start) > nowMs

/** Rows of one evaluation per window, grouped by window key. */
function byWindow<R extends Versioned>(rows: readonly R[], versions: ReadonlyMap<string, string>): Map<string, R[]> {
  const out = new Map<string, R[]>()
  for (const r of rows) {
    const key = keyOf(r.model_version, int(r.start))
    if (versions.get(key) !== r.eval_version) continue
    const list = out.get(key) ?? out.set(key, []).get(key)!
    list.push(r)
  }
  return out
}

/**
 * The windows of a model, newest evaluation each. The model, and the version and variant when
 * given, must exist (./deps.ts): a misspelt one is 404, not an empty series or null figures.
 */
export async function windowSeries(deps: ReadDeps, model: string, o: SeriesOptions = {}): Promise<WindowSeries> {
  await assertKnownModel(deps, model)
  const variant = o.variant ?? ALL_VARIANTS
  await assertKnownVariant(deps, model, variant)
  const limit = o.limit ?? 1000
  const desc = o.order === 'desc'
  const params: Record<string, unknown> = { m: model, lim: limit + 1 }
  const where = ['model_id = {m:String}']
  if (o.version !== undefined) (where.push('model_version = {v:String}'), (params['v'] = o.version))
  const from = optionalTime(o.from, 'from')
  const to = optionalTime(o.to, 'to')
  if (from !== undefined) (where.push('window_start >= fromUnixTimestamp64Milli({from:Int64})'), (params['from'] = from))
  if (to !== undefined) (where.push('window_start < fromUnixTimestamp64Milli({to:Int64})'), (params['to'] = to))
  if (o.cursor !== undefined) {
    const [cs, cv] = decodeCursor(o.cursor, ['number', 'string'] as const)
    const cmp = desc ? '<' : '>'
    where.push(`(window_start ${cmp} fromUnixTimestamp64Milli({cs:Int64}) OR (window_start = fromUnixTimestamp64Milli({cs:Int64}) AND model_version ${cmp} {cv:String}))`)
    Object.assign(params, { cs, cv })
  }
  const dir = desc ? 'DESC' : 'ASC'
  const rows = await readRows<SummaryRow>(
    deps.store,
    `SELECT model_version, toUnixTimestamp64Milli(window_start) AS start, toUnixTimestamp64Milli(window_end) AS end, closed, eval_version,
            predictions, labeled, label_coverage
     FROM {db}.window_summary FINAL WHERE ${where.join(' AND ')}
     ORDER BY window_start ${dir}, model_version ${dir} LIMIT {lim:UInt32}`,
    params,
  )
  // No row: a version that has none anywhere is unknown (checked only then: it costs a query).
  if (rows.length === 0 && o.version !== undefined) await assertKnownVersion(deps, model, o.version)
  const items = await headlines(deps, model, rows.slice(0, limit), variant, deps.now())
  const pageRows = page(rows, limit, (r) => [int(r.start), r.model_version])
  return { model, items, next_cursor: pageRows.next_cursor }
}

/**
 * Headline figures of the given windows (window_summary rows of one model), in their order;
 * `future` for those that start after `nowMs`. `task`: the model's (./task.ts), when the caller
 * has it already.
 */
export async function headlines(deps: ReadDeps, model: string, rows: readonly SummaryRow[], variant: string, nowMs: number, known?: Task): Promise<WindowHeadline[]> {
  if (rows.length === 0) return []
  const task = known ?? (await modelTask(deps, model))
  const starts = rows.map((r) => int(r.start))
  const versionsInPage = [...new Set(rows.map((r) => r.model_version))]
  const range = 'model_id = {m:String} AND model_version IN {vs:Array(String)} AND window_start BETWEEN fromUnixTimestamp64Milli({lo:Int64}) AND fromUnixTimestamp64Milli({hi:Int64})'
  const params = { m: model, vs: versionsInPage, lo: minOf(starts), hi: maxOf(starts), metrics: MAIN_METRICS[task], variant, ratios: FAIRNESS_HEADLINE_METRICS, quality: QUALITY_PROBLEMS }
  const cols = 'model_version, toUnixTimestamp64Milli(window_start) AS start, eval_version'
  const [insufficient, status] = await Promise.all([
    optionalColumn(deps.store, 'dataset_drift', 'n_insufficient', '0'),
    optionalColumn(deps.store, 'dataset_drift', 'status', "'ok'"),
  ])
  const [drift, performance, fairness, quality, sizes, alerts] = await Promise.all([
    readRows<Versioned & { drift_share: number | null; n_features: number; n_drifted: number; n_insufficient: number; drifted_features: string[]; status: string }>(
      deps.store, `SELECT ${cols}, drift_share, n_features, n_drifted, ${insufficient}, drifted_features, ${status} FROM {db}.dataset_drift WHERE ${range}`, params),
    readRows<Versioned & { variant: string; metric: string; kind: string; value: number | string | null; n: string }>(
      deps.store, `SELECT ${cols}, variant, metric, kind, value, n FROM {db}.performance
                   WHERE ${range} AND variant = {variant:String} AND metric IN {metrics:Array(String)} AND kind IN ('realized', 'estimated')`, params, METRIC_VALUES),
    readRows<Versioned & { attribute: string; metric: string; value: number | string | null; status: string }>(
      deps.store, `SELECT ${cols}, attribute, metric, value, status FROM {db}.fairness WHERE ${range} AND metric IN {ratios:Array(String)} AND group_value = ''`, params, METRIC_VALUES),
    // Quality problems are judged as the window page judges them (qualityProblemCount,
    // src/ui/quality-problems.ts): from each problem rate with its n, and the reference sizes of
    // the window's feature drift rows. A rate of 0 or NaN (an empty denominator) is never a
    // problem, so only rates above 0 are read. One row per window, with arrays: a 50-feature
    // model has 150 quality rows and 50 feature drift rows per window.
    readRows<Versioned & { features: string[]; metrics: string[]; rates: number[]; counts: string[] }>(
      deps.store, `SELECT ${cols}, groupArray(feature) AS features, groupArray(metric) AS metrics, groupArray(value) AS rates, groupArray(n) AS counts
                   FROM (SELECT model_version, window_start, eval_version, feature, metric, value, n FROM {db}.quality
                         WHERE ${range} AND metric IN {quality:Array(String)} AND value > 0 AND isFinite(value)
                         LIMIT 1 BY model_version, window_start, eval_version, feature, metric)
                   GROUP BY model_version, window_start, eval_version`, params),
    readRows<Versioned & { columns: string[]; sizes: string[] }>(
      deps.store, `SELECT ${cols}, groupArray(column) AS columns, groupArray(n_reference) AS sizes
                   FROM (SELECT model_version, window_start, eval_version, column, n_reference FROM {db}.drift
                         WHERE ${range} AND target = 'feature' AND n_reference > 0
                         LIMIT 1 BY model_version, window_start, eval_version, column)
                   GROUP BY model_version, window_start, eval_version`, params),
    readRows<{ model_version: string; start: string; firing: string }>(
      deps.store,
      `SELECT last_version AS model_version, toUnixTimestamp64Milli(last_start) AS start, count() AS firing FROM (
         SELECT alert_key, argMax(status, changed_at) AS last_status, argMax(model_version, changed_at) AS last_version, argMax(window_start, changed_at) AS last_start
         FROM {db}.alerts WHERE model_id = {m:String} AND transition_id != '' GROUP BY alert_key)
       WHERE last_status = 'firing' GROUP BY last_version, last_start`,
      params),
  ])
  const versions = new Map(rows.map((r) => [keyOf(r.model_version, int(r.start)), r.eval_version]))
  const driftBy = byWindow(drift, versions)
  const perfBy = byWindow(performance, versions)
  const fairBy = byWindow(fairness, versions)
  const qualBy = byWindow(quality, versions)
  const sizesBy = byWindow(sizes, versions)
  const firing = new Map(alerts.map((a) => [keyOf(a.model_version, int(a.start)), int(a.firing)]))

  return rows.map((r) => {
    const key = keyOf(r.model_version, int(r.start))
    const d = driftBy.get(key)?.[0]
    return {
      model_version: r.model_version,
      window_start: isoTime(int(r.start)),
      window_end: isoTime(int(r.end)),
      closed: Number(r.closed) === 1,
      future: startsAfter(r, nowMs),
      evaluated_at: isoTime(int(r.eval_version)),
      predictions: int(r.predictions),
      labeled: int(r.labeled),
      label_coverage: n(r.label_coverage),
      drift_share: d ? n(d.drift_share) : null,
      n_features: d ? int(d.n_features) : 0,
      n_drifted: d ? int(d.n_drifted) : 0,
      drifted_features: d ? d.drifted_features : [],
      n_insufficient: d ? int(d.n_insufficient) : 0,
      drift_status: d ? d.status : 'not_evaluated',
      performance: headlinePerformance(task, variant, (perfBy.get(key) ?? []).map((p) => ({ ...p, value: storedNumber(p.value), n: int(p.n) }))),
      fairness: worstFairness((fairBy.get(key) ?? []).map((f) => ({ ...f, value: storedNumber(f.value) }))),
      quality_problems: qualityProblemsOf(qualBy.get(key)?.[0], sizesBy.get(key)?.[0]),
      firing_alerts: firing.get(key) ?? 0,
    }
  })
}

/** The headline's quality_problems from a window's problem rates above 0 and its feature drift rows' reference sizes. */
function qualityProblemsOf(
  q: { features: string[]; metrics: string[]; rates: number[]; counts: string[] } | undefined,
  s: { columns: string[]; sizes: string[] } | undefined,
): number {
  if (!q) return 0
  const rows = q.features.map((feature, i) => ({ feature, metric: q.metrics[i]!, value: q.rates[i]!, n: int(q.counts[i]!) }))
  const drift = (s?.columns ?? []).map((column, i) => ({ target: 'feature', column, n_reference: int(s!.sizes[i]!) }))
  return qualityProblemCount(rows, drift)
}

export type { SummaryRow }
