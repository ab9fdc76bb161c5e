/**
 * Compares the versions of a model over one window (./comparison.ts) after the tick's version
 * windows are evaluated: reads each version's newest stored partials (partial_aggregates rows
 * of the version window_state records, so a half-written evaluation is never mixed in), merges
 * them per version, and stores the rows in table comparison under a new version, above the
 * version stored for any of the keys it writes (./eval-version.ts: a comparison stored by an
 * instance whose clock ran ahead must not outlive this one).
 */
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { compareVersions, type ComparisonRow, type VersionWindow } from './comparison.js'
import { nextEvalVersion } from './eval-version.js'
import { mergeAll, type LabelingContext, type Partial } from './partial-state.js'
import { nullable, num } from './write.js'
import { withDatabase } from '../store/query.js'

export interface ModelWindow {
  readonly modelId: string
  readonly startMs: number
  readonly windowMs: number
}

async function versionWindows(store: Store, w: ModelWindow, ctx: LabelingContext): Promise<VersionWindow[]> {
  const rows = await (
    await store.client.query({
      query: withDatabase(`SELECT pa.model_version AS v, pa.partition AS p, pa.state AS state
              FROM (SELECT * FROM {db}.partial_aggregates FINAL WHERE model_id = {m:String} AND window_start = {ws:DateTime64(3, 'UTC')} AND kind = 'window') AS pa
              INNER JOIN (SELECT model_version, eval_version FROM {db}.window_state FINAL WHERE model_id = {m:String} AND window_start = {ws:DateTime64(3, 'UTC')}) AS s
                ON pa.model_version = s.model_version AND pa.eval_version = s.eval_version
              ORDER BY v, p`, store.database),
      query_params: { m: w.modelId, ws: clickhouseDateTime64(w.startMs) },
      format: 'JSONEachRow',
    })
  ).json<{ v: string; p: number; state: string }>()
  const byVersion = new Map<string, Map<number, Partial>>()
  for (const r of rows) {
    const parts = byVersion.get(r.v) ?? byVersion.set(r.v, new Map()).get(r.v)!
    parts.set(Number(r.p), JSON.parse(r.state) as Partial)
  }
  return [...byVersion].map(([modelVersion, parts]) => ({ modelVersion, partial: mergeAll(parts, ctx) }))
}

/** The highest version stored for these comparison keys of a (model, window), on comparison's primary key (0: none). */
async function storedComparisonVersion(store: Store, w: ModelWindow, rows: readonly ComparisonRow[]): Promise<number> {
  const distinct = (f: (r: ComparisonRow) => string) => [...new Set(rows.map(f))]
  const found = await (
    await store.client.query({
      query: withDatabase(`SELECT toString(max(eval_version)) AS v FROM {db}.comparison
              WHERE model_id = {m:String} AND metric IN {metrics:Array(String)} AND champion_version IN {champions:Array(String)}
                AND challenger_version IN {challengers:Array(String)} AND window_start = {ws:DateTime64(3, 'UTC')}`, store.database),
      query_params: { m: w.modelId, ws: clickhouseDateTime64(w.startMs), metrics: distinct((r) => r.metric), champions: distinct((r) => r.champion_version), challengers: distinct((r) => r.challenger_version) },
      format: 'JSONEachRow',
    })
  ).json<{ v: string }>()
  return Number(found[0]?.v ?? 0)
}

/** Stores the comparisons of one (model, window) under `version` or above what is stored for them; returns the number of rows. */
export async function compareWindow(store: Store, w: ModelWindow, ctx: LabelingContext, version: number): Promise<number> {
  const rows = compareVersions(await versionWindows(store, w, ctx))
  if (rows.length === 0) return 0
  const v = nextEvalVersion(version, 0, await storedComparisonVersion(store, w, rows))
  const window = { model_id: w.modelId, window_start: clickhouseDateTime64(w.startMs), window_end: clickhouseDateTime64(w.startMs + w.windowMs) }
  await insertRows(
    store,
    'comparison',
    rows.map((r) => ({
      ...window, ...r, champion_value: num(r.champion_value), challenger_value: num(r.challenger_value), difference: num(r.difference),
      ci_low: nullable(r.ci_low), ci_high: nullable(r.ci_high), p_value: nullable(r.p_value), eval_version: v,
    })),
    `eval:comparison:${w.modelId}:${w.startMs}:${v}`,
  )
  return rows.length
}
