/**
 * Re-evaluation of windows whose reference window gained data. A model whose
 * reference is its previous N windows (`reference: { previousWindows: N }`, the default N = 1)
 * compares window W with [W - N·size, W) of the same version. When a window R that was evaluated
 * before gets new data (a mark of reason predictions, labels or erasure newer than the mark its
 * last evaluation recorded),
 * the windows R + k·size (k = 1..N) that were evaluated before are marked with reason 'reference',
 * so the evaluator evaluates them again against the reference as stored now. Marks of reason
 * reference, detector or recompute do not propagate: a window's re-evaluation against a changed
 * reference does not change its own data, so nothing cascades. Windows never evaluated need no
 * mark: their first evaluation reads the reference as it is then. Not covered: a window R whose
 * first data arrives after R + size was evaluated without it (its reference empty then): R's first
 * evaluation does not re-mark R + size (telling it apart from a due window that keeps failing, whose
 * data is old, needs each dependent's evaluation time); `driftwatch recompute` does.
 * A fixed reference period (`reference: { from, to }`) and a baseline: ./reference-changes.ts.
 */
import { modelConfig, type FileConfig } from '../config/file.js'
import { withDatabase } from '../store/query.js'
import type { Store } from '../store/clickhouse.js'
import { markWindows, type WindowRef } from '../store/mark-windows.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import type { DueWindow } from './due.js'
import { minOf } from '../arrays.js'

/** Mark reasons that mean a window's stored data changed (src/join/joiner.ts, src/store/erase.ts). */
export const DATA_MARK_REASONS = ['predictions', 'labels', 'erasure'] as const

/** The windows that use `changed` as (part of) their reference, for a previous-windows reference of `n` windows. */
export function dependentWindows(changed: readonly WindowRef[], previousWindows: (modelId: string) => number | null): WindowRef[] {
  const out: WindowRef[] = []
  for (const r of changed) {
    const n = previousWindows(r.modelId)
    for (let k = 1; n !== null && k <= n; k++) out.push({ ...r, startMs: r.startMs + k * r.windowMs })
  }
  return out
}

const windowKey = (w: { modelId: string; modelVersion: string; startMs: number }) => `${w.modelId}\u0000${w.modelVersion}\u0000${w.startMs}`

/**
 * Among the due windows, those evaluated before whose data changed since; marks their evaluated
 * dependents. Returns the number of marks written.
 */
export async function markReferenceDependents(store: Store, file: FileConfig, due: readonly DueWindow[], token: string): Promise<number> {
  const previousWindows = (modelId: string) => {
    const r = modelConfig(file, modelId).reference
    return 'previousWindows' in r ? r.previousWindows : null
  }
  const candidates = due.filter((w) => previousWindows(w.modelId) !== null)
  if (candidates.length === 0) return 0
  const query = async <T>(sql: string, params: Record<string, unknown>) => (await store.client.query({ query: withDatabase(sql, store.database), query_params: params, format: 'JSONEachRow' })).json<T>()
  const inList = (ws: readonly WindowRef[] | readonly DueWindow[]) => ({
    models: [...new Set(ws.map((w) => w.modelId))],
    starts: [...new Set(ws.map((w) => clickhouseDateTime64(w.startMs)))],
  })
  // The candidates evaluated before, with the mark their last evaluation recorded; then only marks
  // newer than the oldest of those (window_marks is ordered by marked_at, so this reads recent parts).
  const evaluated = await query<{ model_id: string; model_version: string; ws: string; lm: string }>(
    `SELECT model_id, model_version, toUnixTimestamp64Milli(window_start) AS ws, toUnixTimestamp64Milli(last_mark) AS lm
     FROM {db}.window_state FINAL WHERE model_id IN {models:Array(String)} AND window_start IN {starts:Array(DateTime64(3, 'UTC'))}`,
    inList(candidates),
  )
  const lastMark = new Map(evaluated.map((r) => [windowKey({ modelId: r.model_id, modelVersion: r.model_version, startMs: Number(r.ws) }), Number(r.lm)]))
  const before = candidates.filter((w) => lastMark.has(windowKey(w)))
  if (before.length === 0) return 0
  const marks = await query<{ model_id: string; model_version: string; ws: string; dm: string }>(
    `SELECT model_id, model_version, toUnixTimestamp64Milli(window_start) AS ws, toUnixTimestamp64Milli(max(marked_at)) AS dm
     FROM {db}.window_marks
     WHERE marked_at > {since:DateTime64(3, 'UTC')} AND reason IN {reasons:Array(String)}
       AND model_id IN {models:Array(String)} AND window_start IN {starts:Array(DateTime64(3, 'UTC'))}
     GROUP BY model_id, model_version, window_start`,
    { ...inList(before), reasons: [...DATA_MARK_REASONS], since: clickhouseDateTime64(minOf(before.map((w) => lastMark.get(windowKey(w))!))) },
  )
  const dataMark = new Map(marks.map((r) => [windowKey({ modelId: r.model_id, modelVersion: r.model_version, startMs: Number(r.ws) }), Number(r.dm)]))
  const refs: WindowRef[] = before
    .filter((w) => (dataMark.get(windowKey(w)) ?? Number.NEGATIVE_INFINITY) > lastMark.get(windowKey(w))!)
    .map((w) => ({ modelId: w.modelId, modelVersion: w.modelVersion, startMs: w.startMs, windowMs: w.windowMs }))
  const dependents = dependentWindows(refs, previousWindows)
  if (dependents.length === 0) return 0
  const existing = await query<{ model_id: string; model_version: string; ws: string }>(
    `SELECT model_id, model_version, toUnixTimestamp64Milli(window_start) AS ws FROM {db}.window_state FINAL
     WHERE model_id IN {models:Array(String)} AND window_start IN {starts:Array(DateTime64(3, 'UTC'))}`,
    inList(dependents),
  )
  const known = new Set(existing.map((r) => windowKey({ modelId: r.model_id, modelVersion: r.model_version, startMs: Number(r.ws) })))
  const targets = dependents.filter((w) => known.has(windowKey(w)))
  return targets.length === 0 ? 0 : markWindows(store, targets, 'reference', token)
}
