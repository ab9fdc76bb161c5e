/**
 * A chart's time axis: every window start from the first window to the last, `windowMs` apart, so
 * that windows nobody sent predictions for (never evaluated, so absent from the read API's series)
 * show as gaps on the axis rather than being skipped, which would draw an outage as continuous
 * traffic. Window starts are on the model's window grid (src/window/), `windowMs` apart.
 */
import { wholeUtcDays, windowLabel } from '../figures.js'

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

/**
 * A run of windows without traffic, named by the windows themselves, first and last included (a
 * gap's `to` is the next evaluated window's start, which had traffic): "No traffic in 4 windows:
 * 2026-11-15 – 2026-11-18 (4 UTC days; none evaluated)" for windows of whole days, "No traffic in
 * 4 windows: 2026-01-10 14:00–15:00 UTC to 2026-01-10 17:00–18:00 UTC (none evaluated)" otherwise.
 */
export function gapText(gap: Gap, windowMs: number): string {
  const from = Date.parse(gap.from)
  const count = Math.max(1, Math.ceil((Date.parse(gap.to) - from) / windowMs))
  const iso = (t: number) => new Date(t).toISOString()
  const windowAt = (i: number) => windowLabel(iso(from + i * windowMs), iso(from + (i + 1) * windowMs))
  const end = iso(from + count * windowMs)
  const windows = count === 1 ? '1 window' : `${count} windows`
  const evaluated = count === 1 ? 'not evaluated' : 'none evaluated'
  // Whole UTC days: one range with its last day included, "(4 UTC days; none evaluated)".
  if (wholeUtcDays(gap.from, end) > 0 && windowMs % 86_400_000 === 0) {
    const span = windowLabel(gap.from, end)
    return `No traffic in ${windows}: ${span.endsWith(')') ? `${span.slice(0, -1)}; ${evaluated})` : `${span} (${evaluated})`}`
  }
  const span = count === 1 ? windowAt(0) : `${windowAt(0)} to ${windowAt(count - 1)}`
  return `No traffic in ${windows}: ${span} (${evaluated})`
}

/**
 * The windows on the last `count` positions of the time axis: those starting at most count − 1
 * window sizes before the last start (a window without traffic takes its position too, as on the
 * axis); without a window size, the windows of the last `count` starts.
 */
export function lastWindows<W extends { readonly window_start: string }>(windows: readonly W[], windowMs: number | undefined, count: number): W[] {
  const starts = [...new Set(windows.map((w) => Date.parse(w.window_start)))].sort((a, b) => a - b)
  if (starts.length === 0) return []
  const last = starts[starts.length - 1]!
  const from = windowMs !== undefined && Number.isFinite(windowMs) && windowMs > 0
    ? last - (count - 1) * windowMs
    : starts[Math.max(0, starts.length - count)]!
  return windows.filter((w) => Date.parse(w.window_start) >= from)
}
