/**
 * Which windows to re-evaluate after a subject's predictions are erased. Pure.
 *
 * - its own windows: every window an erased prediction fell in (marked even when nothing is left
 *   in it, so the newest metric version no longer counts the subject);
 * - windows that used them as reference: with `reference: { previousWindows: N }` the N windows
 *   after each own window, same version; with a fixed `reference: { from, to }` that held an
 *   erased prediction, every window of the model (all versions). These are returned as ranges,
 *   and only the windows with stored predictions in them are marked. A `baseline` reference is
 *   a stored profile, which erasure rewrites when it holds the subject's pii values as categories:
 *   for a model with pii features, every window of the model too.
 */
import type { ModelConfig } from '../config/file.js'
import { windowStart } from '../window/windows.js'
import type { PredictionRange, WindowRef } from './mark-windows.js'

export interface ErasedPrediction {
  readonly modelId: string
  readonly modelVersion: string
  readonly eventTimeMs: number
}

export interface ErasureWindows {
  readonly own: WindowRef[]
  readonly dependents: PredictionRange[]
}

/** The latest instant DateTime64(3) holds. */
export const END_OF_TIME_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999)

/** Merges [from, to) intervals that overlap or touch. */
function mergeIntervals(intervals: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0])
  const out: [number, number][] = []
  for (const [from, to] of sorted) {
    const last = out.at(-1)
    if (last && from <= last[1]) last[1] = Math.max(last[1], to)
    else out.push([from, to])
  }
  return out
}

export function erasureWindows(erased: readonly ErasedPrediction[], model: (modelId: string) => ModelConfig): ErasureWindows {
  const own = new Map<string, WindowRef>()
  for (const e of erased) {
    const windowMs = model(e.modelId).window
    const w = { modelId: e.modelId, modelVersion: e.modelVersion, startMs: windowStart(e.eventTimeMs, windowMs), windowMs }
    own.set(`${w.modelId}\u0000${w.modelVersion}\u0000${w.startMs}`, w)
  }
  const dependents: PredictionRange[] = []
  const modelIds = [...new Set(erased.map((e) => e.modelId))].sort()
  for (const modelId of modelIds) {
    const m = model(modelId)
    const r = m.reference
    if ('from' in r) {
      if (erased.some((e) => e.modelId === modelId && e.eventTimeMs >= r.from && e.eventTimeMs < r.to)) {
        dependents.push({ modelId, modelVersion: null, fromMs: 0, toMs: END_OF_TIME_MS })
      }
    } else if ('baseline' in r) {
      // Erasure rewrites the stored profiles that hold the subject's pseudonymized pii values as
      // categories (./erase.ts), so with pii features the baseline may change: every window.
      if (m.pii.length > 0) dependents.push({ modelId, modelVersion: null, fromMs: 0, toMs: END_OF_TIME_MS })
    } else if ('previousWindows' in r) {
      const windows = [...own.values()].filter((w) => w.modelId === modelId)
      for (const version of [...new Set(windows.map((w) => w.modelVersion))].sort()) {
        const after = windows.filter((w) => w.modelVersion === version).map((w) => [w.startMs + w.windowMs, w.startMs + (r.previousWindows + 1) * w.windowMs] as const)
        for (const [fromMs, toMs] of mergeIntervals(after)) dependents.push({ modelId, modelVersion: version, fromMs, toMs: Math.min(toMs, END_OF_TIME_MS) })
      }
    }
  }
  return { own: [...own.values()], dependents }
}
