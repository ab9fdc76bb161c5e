/**
 * Operator-requested re-evaluation: the windows that stored predictions fall in, and marks for
 * them in window_marks. A mark newer than a window's last evaluation makes the evaluator
 * evaluate it again under a new version (src/evaluate/due.ts), so metric rows are recomputed
 * from what is stored now (after `driftwatch erase`, a config change, or a fix).
 */
import type { MarkRow } from '../join/joiner.js'
import type { Store } from './clickhouse.js'
import { insertRows } from './insert.js'
import { clickhouseDateTime64 } from './rows.js'
import { withDatabase } from './query.js'

/**
 * recompute, erasure: operator requests. detector: a detector replay changed the window's concept
 * rows (src/evaluate/detector-run.ts). reference: the window's reference window gained data
 * (src/evaluate/reference-marks.ts). retry: the window's evaluation failed for good and waits for
 * its retry (src/evaluate/failed-windows.ts).
 * Only 'erasure' says the window's stored data was removed on purpose: after one newer than its
 * last evaluation, an evaluation that finds no prediction of the window left replaces the stored
 * one, where otherwise it keeps it (raw rows expired: src/evaluate/expired-window.ts).
 */
export type MarkReason = 'recompute' | 'erasure' | 'detector' | 'reference' | 'retry'

export interface WindowRef {
  readonly modelId: string
  readonly modelVersion: string
  readonly startMs: number
  readonly windowMs: number
}

export interface PredictionRange {
  readonly modelId: string
  /** null: every version of the model. */
  readonly modelVersion: string | null
  /** Event time, [fromMs, toMs). */
  readonly fromMs: number
  readonly toMs: number
}

/** Windows of `windowMs` (epoch-aligned, as src/window/windows.ts) holding stored predictions of the range. */
export async function windowsWithPredictions(store: Store, range: PredictionRange, windowMs: number): Promise<WindowRef[]> {
  const rows = await (
    await store.client.query({
      query: withDatabase(`SELECT DISTINCT model_version, toString(intDiv(toUnixTimestamp64Milli(event_time), {w:Int64}) * {w:Int64}) AS ws
              FROM {db}.predictions
              WHERE model_id = {model:String}
                ${range.modelVersion === null ? '' : 'AND model_version = {version:String}'}
                AND event_time >= {from:DateTime64(3, 'UTC')} AND event_time < {to:DateTime64(3, 'UTC')}
              ORDER BY model_version, ws`, store.database),
      query_params: {
        w: windowMs,
        model: range.modelId,
        ...(range.modelVersion === null ? {} : { version: range.modelVersion }),
        from: clickhouseDateTime64(range.fromMs),
        to: clickhouseDateTime64(range.toMs),
      },
      format: 'JSONEachRow',
    })
  ).json<{ model_version: string; ws: string }>()
  return rows.map((r) => ({ modelId: range.modelId, modelVersion: r.model_version, startMs: Number(r.ws), windowMs }))
}

const key = (w: WindowRef) => `${w.modelId}\u0000${w.modelVersion}\u0000${w.startMs}`

/** Distinct windows, in a stable order (model, version, start). */
export function distinctWindows(windows: Iterable<WindowRef>): WindowRef[] {
  const byKey = new Map<string, WindowRef>()
  for (const w of windows) byKey.set(key(w), w)
  return [...byKey.values()].sort((a, b) => a.modelId.localeCompare(b.modelId) || a.modelVersion.localeCompare(b.modelVersion) || a.startMs - b.startMs)
}

/** Inserts one mark per distinct window. A duplicate mark is harmless: it only makes a window due. */
export async function markWindows(store: Store, windows: readonly WindowRef[], reason: MarkReason, token: string): Promise<number> {
  const rows: MarkRow[] = distinctWindows(windows).map((w) => ({
    model_id: w.modelId,
    model_version: w.modelVersion,
    window_start: clickhouseDateTime64(w.startMs),
    window_ms: w.windowMs,
    reason,
  }))
  await insertRows(store, 'window_marks', rows, `${reason}:${token}`)
  return rows.length
}
