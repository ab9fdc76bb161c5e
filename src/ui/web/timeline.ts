/**
 * A chart's time axis: every window start from the first window to the last, `windowMs` apart, so
 * that windows nobody sent predictions for (never evaluated, so absent from the read API's series)
 * show as gaps on the axis rather than being skipped, which would draw an outage as continuous
 * traffic. Window starts are on the model's window grid (src/window/), `windowMs` apart.
 */
import { windowStartLabel } from '../figures.js'

/** At most this many positions on an axis: beyond it the axis keeps the evaluated windows only (the gaps are still listed). */
export const MAX_SLOTS = 2000

export interface Slot<W> {
  readonly start: string
  /** The evaluated window at this start; undefined for a window without traffic. */
  readonly window: W | undefined
}

/** A run of windows without traffic: from the first one's start to the next evaluated window's start. */
export interface Gap { readonly from: string; readonly to: string }

export interface Timeline<W> {
  readonly slots: readonly Slot<W>[]
  readonly gaps: readonly Gap[]
  /** Whether `slots` holds the windows without traffic too (false past MAX_SLOTS or without a window size). */
  readonly filled: boolean
}

/** `windows` in ascending start order, one per start (the first kept when a start repeats). */
export function timeline<W extends { readonly window_start: string }>(windows: readonly W[], windowMs: number | undefined, max = MAX_SLOTS): Timeline<W> {
  const byStart = new Map<number, W>()
  for (const w of windows) {
    const t = Date.parse(w.window_start)
    if (!byStart.has(t)) byStart.set(t, w)
  }
  const starts = [...byStart.keys()].sort((a, b) => a - b)
  const evaluated = starts.map((t) => ({ start: byStart.get(t)!.window_start, window: byStart.get(t) }))
  if (windowMs === undefined || !Number.isFinite(windowMs) || windowMs <= 0 || starts.length < 2) return { slots: evaluated, gaps: [], filled: false }
  const gaps: Gap[] = []
  let missing = 0
  for (let i = 1; i < starts.length; i++) {
    const prev = starts[i - 1]!
    const next = starts[i]!
    if (next - prev > windowMs) {
      gaps.push({ from: new Date(prev + windowMs).toISOString(), to: new Date(next).toISOString() })
      missing += Math.ceil((next - prev) / windowMs) - 1
    }
  }
  if (starts.length + missing > max) return { slots: evaluated, gaps, filled: false }
  const slots: Slot<W>[] = []
  for (let i = 0; i < starts.length; i++) {
    if (i > 0) for (let t = starts[i - 1]! + windowMs; t < starts[i]!; t += windowMs) slots.push({ start: new Date(t).toISOString(), window: undefined })
    slots.push(evaluated[i]!)
  }
  return { slots, gaps, filled: true }
}

/** "No traffic from 2026-01-10 14:00 UTC to 2026-01-10 18:00 UTC (no window evaluated)", one per gap. */
export function gapText(gap: Gap, windowMs: number): string {
  return `No traffic from ${windowStartLabel(gap.from, windowMs)} to ${windowStartLabel(gap.to, windowMs)} (no window evaluated)`
}
