/**
 * Compares the versions of a model over one window (./comparison.ts) after the tick's version
 * windows are evaluated: reads each version's newest stored partials (partial_aggregates rows
 * of the version window_state records, so a half-written evaluation is never mixed in), merges
 * them per version, and stores all of the window's rows in table comparison under one new
 * version, above every version stored for the window (./eval-version.ts: a comparison stored by an
 * instance whose clock ran ahead must not outlive this one). So a window's current comparisons
 * are its rows at its highest version (src/read/comparisons.ts reads them so), and a window
 * with nothing left to compare has its rows deleted.
 */
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { compareVersions, type ComparisonRow, type VersionWindow } from './comparison.js'
import { nextEvalVersion } from './eval-version.js'
import { mergeAll, type LabelingContext, type Partial } from './partial-state.js'
import { nullable, num } from './write.js'
import { withDatabase } from '../store/query.js'
import { deleteWhere } from '../store/delete-rows.js'

export interface ModelWindow {
  readonly modelId: string
  readonly startMs: number
  readonly windowMs: number
}

/**
 * Each model version's partials of its newest full evaluation of the window: the newest version
 * with a window_summary not above its window_state's. window_state is written last, so a newer
 * half-written evaluation is not used; a window whose stored evaluation was kept
 * (./expired-window.ts) has a newer state and no summary of its own, so its stored evaluation is
 * used; an evaluation that found no predictions wrote a summary and no partials, so its version is
 * left out.
 */
async function versionWindows(store: Store, w: ModelWindow, ctx: LabelingContext): Promise<VersionWindow[]> {
  const rows = await (
    await store.client.query({
      query: withDatabase(`SELECT pa.model_version AS v, pa.partition AS p, pa.state AS state
              FROM (SELECT * FROM {db}.partial_aggregates FINAL WHERE model_id = {m:String} AND window_start = {ws:DateTime64(3, 'UTC')} AND kind = 'window') AS pa
              INNER JOIN (
                SELECT su.model_version AS model_version, max(su.eval_version) AS eval_version
                FROM (SELECT model_version, eval_version FROM {db}.window_summary WHERE model_id = {m:String} AND window_start = {ws:DateTime64(3, 'UTC')}) AS su
                INNER JOIN (SELECT model_version, eval_version FROM {db}.window_state FINAL WHERE model_id = {m:String} AND window_start = {ws:DateTime64(3, 'UTC')}) AS s
                  ON su.model_version = s.model_version
                WHERE su.eval_version <= s.eval_version
                GROUP BY su.model_version) AS e
                ON pa.model_version = e.model_version AND pa.eval_version = e.eval_version
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

const AT_WINDOW = "model_id = {m:String} AND window_start = {ws:DateTime64(3, 'UTC')}"

/** The highest version stored for any comparison of a (model, window) (0: none). */
async function storedComparisonVersion(store: Store, w: ModelWindow): Promise<number> {
  const found = await (
    await store.client.query({
      query: withDatabase(`SELECT toString(max(eval_version)) AS v FROM {db}.comparison WHERE ${AT_WINDOW}`, store.database),
      query_params: { m: w.modelId, ws: clickhouseDateTime64(w.startMs) },
      format: 'JSONEachRow',
    })
  ).json<{ v: string }>()
  return Number(found[0]?.v ?? 0)
}

/** Stores the comparisons of one (model, window) under `version` or above what is stored for them; returns the number of rows. */
export async function compareWindow(store: Store, w: ModelWindow, ctx: LabelingContext, version: number): Promise<number> {
  const rows = compareVersions(await versionWindows(store, w, ctx))
  const stored = await storedComparisonVersion(store, w)
  if (rows.length === 0) {
    // Nothing to compare any more (a challenger lost its labels, one version left): the rows of
    // an earlier evaluation would still read as the window's current comparison.
    if (stored > 0) await deleteWhere(store, 'comparison', AT_WINDOW, { m: w.modelId, ws: clickhouseDateTime64(w.startMs) })
    return 0
  }
  const v = nextEvalVersion(version, 0, stored)
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
