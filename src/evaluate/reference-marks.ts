/**
 * Re-evaluation of windows whose reference window gained data (issue 15, bug 8). A model whose
 * reference is its previous N windows (`reference: { previousWindows: N }`, the default N = 1)
 * compares window W with [W - N·size, W) of the same version. When a window R that was evaluated
 * before gets new data (a mark of reason predictions, labels or erasure newer than the mark its
 * last evaluation recorded), the windows R + k·size (k = 1..N) that were evaluated before are
 * marked with reason 'reference', so the evaluator evaluates them again against the reference
 * as stored now. Marks of reason reference, detector or recompute do not propagate: a window's
 * re-evaluation against a changed reference does not change its own data, so nothing cascades.
 * Windows never evaluated need no mark: their first evaluation reads the reference as it is then.
 * A fixed reference period (`reference: { from, to }`) and baselines are not covered: data that
 * arrives late in a fixed period reaches later windows' evaluations through the evaluator's
 * reference cache (60 s), not earlier windows'.
 */
import { modelConfig, type FileConfig } from '../config/file.js'
import type { Store } from '../store/clickhouse.js'
import { markWindows, type WindowRef } from '../store/mark-windows.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import type { DueWindow } from './due.js'

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
  const db = store.database
  const changed = await (
    await store.client.query({
      query: `SELECT m.model_id AS model_id, m.model_version AS model_version, toUnixTimestamp64Milli(m.window_start) AS ws, m.window_ms AS window_ms
              FROM (SELECT model_id, model_version, window_start, max(window_ms) AS window_ms, max(marked_at) AS data_mark
                    FROM ${db}.window_marks
                    WHERE reason IN {reasons:Array(String)} AND model_id IN {models:Array(String)} AND window_start IN {starts:Array(DateTime64(3, 'UTC'))}
                    GROUP BY model_id, model_version, window_start) AS m
              INNER JOIN (SELECT model_id, model_version, window_start, last_mark FROM ${db}.window_state FINAL) AS s
                ON s.model_id = m.model_id AND s.model_version = m.model_version AND s.window_start = m.window_start
              WHERE m.data_mark > s.last_mark`,
      query_params: {
        reasons: [...DATA_MARK_REASONS],
        models: [...new Set(candidates.map((w) => w.modelId))],
        starts: [...new Set(candidates.map((w) => clickhouseDateTime64(w.startMs)))],
      },
      format: 'JSONEachRow',
    })
  ).json<{ model_id: string; model_version: string; ws: string; window_ms: string }>()
  const dueKeys = new Set(candidates.map(windowKey))
  const refs = changed
    .map((r) => ({ modelId: r.model_id, modelVersion: r.model_version, startMs: Number(r.ws), windowMs: Number(r.window_ms) }))
    .filter((r) => dueKeys.has(windowKey(r)))
  const dependents = dependentWindows(refs, previousWindows)
  if (dependents.length === 0) return 0
  const evaluated = await (
    await store.client.query({
      query: `SELECT model_id, model_version, toUnixTimestamp64Milli(window_start) AS ws FROM ${db}.window_state FINAL
              WHERE model_id IN {models:Array(String)} AND window_start IN {starts:Array(DateTime64(3, 'UTC'))}`,
      query_params: { models: [...new Set(dependents.map((w) => w.modelId))], starts: [...new Set(dependents.map((w) => clickhouseDateTime64(w.startMs)))] },
      format: 'JSONEachRow',
    })
  ).json<{ model_id: string; model_version: string; ws: string }>()
  const known = new Set(evaluated.map((r) => windowKey({ modelId: r.model_id, modelVersion: r.model_version, startMs: Number(r.ws) })))
  const marks = dependents.filter((w) => known.has(windowKey(w)))
  return marks.length === 0 ? 0 : markWindows(store, marks, 'reference', token)
}
