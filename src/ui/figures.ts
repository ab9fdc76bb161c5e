/**
 * Figures as every view prints them: the web UI, `driftwatch status` and `driftwatch alerts list`
 * (through src/rules/symbols.ts). Pure and DOM-free, so both the Node side and the browser bundle
 * import it (as ./chart-spec.ts).
 *
 * A value shown next to its threshold gets as many decimals as it takes for the two to differ
 * when they differ: 0.7996 against the 4/5 rule reads "0.7996" and "0.8000", never "0.80" and
 * "0.80", and a p-value just under 0.05 never reads "0.0500 < 0.0500". Times are UTC and say so.
 */

/** Decimals at which any two different doubles print differently (17 significant digits; a margin for values above 1). */
const MAX_DECIMALS = 20

/** Below this (and not 0), a figure is printed with an exponent: 1.45e-11, not 0.0000. */
const EXPONENT_BELOW = 1e-4

/**
 * A figure as the read API sends it: a number, or "Infinity" / "-Infinity" for ±∞ (JSON has no
 * infinities; docs/http-api.md), or null when there is none.
 */
export type FigureValue = number | 'Infinity' | '-Infinity' | null | undefined

/** A figure as a number: the API's "Infinity" / "-Infinity" as ±Infinity. */
export function numeric(x: FigureValue): number | null {
  if (x === 'Infinity') return Number.POSITIVE_INFINITY
  if (x === '-Infinity') return Number.NEGATIVE_INFINITY
  return x ?? null
}

/** A figure for a chart: finite, or null (no point: an axis cannot hold ±∞). */
export function plotted(value: FigureValue): number | null {
  const x = numeric(value)
  return x !== null && Number.isFinite(x) ? x : null
}

const finite = (x: number | null | undefined): x is number => x !== null && x !== undefined && Number.isFinite(x)

/** '∞' / '−∞' for an infinite figure, else null. */
const infinite = (x: number | null): string | null => (x === Number.POSITIVE_INFINITY ? '∞' : x === Number.NEGATIVE_INFINITY ? '−∞' : null)

/** x at a precision of `decimals` decimals, or `decimals - 2` mantissa decimals (at least 2) with an exponent when tiny. */
function render(x: number, decimals: number): string {
  if (x !== 0 && Math.abs(x) < EXPONENT_BELOW) return x.toExponential(Math.max(2, decimals - 2))
  return x.toFixed(decimals)
}

/** A figure with `decimals` decimals (an exponent when tiny); '∞' / '−∞' when infinite; '-' when there is none (null, NaN). */
export function figure(value: FigureValue, decimals = 3): string {
  const x = numeric(value)
  return finite(x) ? render(x, decimals) : infinite(x) ?? '-'
}

export interface Versus {
  readonly value: string
  readonly threshold: string
}

/**
 * A value and the threshold it is judged against, with at least `decimals` decimals and more
 * until the two texts differ whenever the numbers do: versus(0.7996, 0.8, 2) is 0.7996 / 0.8000.
 */
export function versus(shownValue: FigureValue, shownThreshold: FigureValue, decimals = 4): Versus {
  const value = numeric(shownValue)
  const threshold = numeric(shownThreshold)
  if (!finite(value) || !finite(threshold) || value === threshold) return { value: figure(value, decimals), threshold: figure(threshold, decimals) }
  // Judged by the numbers the texts say, not by the texts: 1.00e-4 next to 0.0001 reads as one
  // number, and 1.00e-4 next to 0.00 (a threshold of 0.0001 at two decimals) the wrong way round.
  const order = Math.sign(value - threshold)
  for (let d = decimals; d <= MAX_DECIMALS; d++) {
    const a = render(value, d)
    const b = render(threshold, d)
    if (Math.sign(Number(a) - Number(b)) === order) return { value: a, threshold: b }
  }
  return { value: String(value), threshold: String(threshold) }
}

const trimZeros = (s: string) => s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')

/**
 * A figure on its own, as short as it is exact up to `decimals` decimals (0.31, 12.5, 1.45e-11),
 * where rounding never makes a value look rounder than it is: 0.79996 is "0.79996", not "0.8"
 * (the threshold it is compared with elsewhere). A rounded text that ends in a 0 gets more
 * decimals until it ends in another digit or equals the value (differences below ~1e-15 are
 * float noise: 0.1 + 0.2 is "0.3"). For a value next to its threshold, use versus().
 */
export function compact(x: number | null | undefined, decimals = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a'
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞'
  const tiny = x !== 0 && Math.abs(x) < 10 ** -(decimals - 1)
  for (let d = decimals; d <= 15; d++) {
    const s: string = tiny ? x.toExponential(d - 2) : x.toFixed(d)
    const mantissa = s.split('e')[0]!
    if (Number(s) === x || !mantissa.endsWith('0')) return tiny ? s : trimZeros(s)
  }
  return tiny ? x.toExponential(2) : trimZeros(x.toFixed(decimals))
}

/** A share (0..1) as a percent with one decimal: label coverage is a percent in every view. */
export function percent(x: number | null | undefined): string {
  return finite(x) ? `${(x * 100).toFixed(1)}%` : '-'
}

const UNITS = [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000]] as const

/** A duration in the largest unit that divides it: "15 min", "1 h", "1 d", "36 h", "1500 ms". */
export function duration(ms: number): string {
  for (const [unit, size] of UNITS) if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`
  return `${ms} ms`
}

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000
const date = (iso: string) => iso.slice(0, 10)
/** "14:30", or "14:30:05" with seconds. */
const clock = (iso: string, seconds = false) => iso.slice(11, seconds ? 19 : 16)
/** Whether an instant lies on a whole minute (the API's times are ISO 8601, to the millisecond). */
const onMinute = (iso: string) => Date.parse(iso) % MINUTE_MS === 0

/**
 * An instant in UTC, to the minute: "2026-01-10 14:30 UTC" (the API's times are ISO 8601 with Z);
 * with `seconds`, "2026-01-10 14:30:05 UTC".
 */
export function utcTime(iso: string, seconds = false): string {
  return `${date(iso)} ${clock(iso, seconds)} UTC`
}

/**
 * A window's start as a short label (chart axes, heatmap): its date when it starts at midnight, else date and time; UTC.
 * Windows shorter than a minute, or not on whole minutes (config allows 1 s), get seconds, so
 * that two windows never read the same: "2026-01-10 23:37:05 UTC".
 */
export function windowStartLabel(startIso: string, windowMs?: number): string {
  if (!onMinute(startIso) || (windowMs !== undefined && windowMs % MINUTE_MS !== 0)) return utcTime(startIso, true)
  return clock(startIso) === '00:00' ? `${date(startIso)} UTC` : utcTime(startIso)
}

/**
 * A window [start, end) as one unambiguous label. Windows end exclusively, so a daily window is
 * one day: "2026-01-10 (UTC day)", not "2026-01-10 – 2026-01-11"; whole days at midnight are
 * "2026-01-10 – 2026-01-16 (7 UTC days)" (last day included); anything else names both times:
 * "2026-01-10 14:00–15:00 UTC", "2026-01-10 22:00 – 2026-01-11 04:00 UTC", with seconds when
 * either end is not on a whole minute: "2026-01-10 23:37:05–23:37:10 UTC".
 */
export function windowLabel(startIso: string, endIso: string): string {
  const days = wholeUtcDays(startIso, endIso)
  if (days > 0) {
    if (days === 1) return `${date(startIso)} (UTC day)`
    return `${date(startIso)} – ${date(new Date(Date.parse(endIso) - DAY_MS).toISOString())} (${days} UTC days)`
  }
  const seconds = !onMinute(startIso) || !onMinute(endIso)
  if (date(startIso) === date(endIso)) return `${date(startIso)} ${clock(startIso, seconds)}–${clock(endIso, seconds)} UTC`
  return `${date(startIso)} ${clock(startIso, seconds)} – ${date(endIso)} ${clock(endIso, seconds)} UTC`
}

/** How many whole UTC days [start, end) is when both ends are at midnight; 0 otherwise. */
export function wholeUtcDays(startIso: string, endIso: string): number {
  const ms = Date.parse(endIso) - Date.parse(startIso)
  return clock(startIso) === '00:00' && clock(endIso) === '00:00' && ms > 0 && ms % DAY_MS === 0 ? ms / DAY_MS : 0
}

/** An ISO 8601 period "from..to" (end exclusive) as the read API's reference descriptions print it. */
const PERIOD = /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)\.\.(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)/g

/**
 * A reference description (src/read/models.ts, or as the evaluator stored it with a window:
 * "all versions 2026-11-01T00:00:00.000Z..2026-11-05T00:00:00.000Z") with its period in UTC
 * labels and an end that cannot be misread: whole days name the last day included
 * ("2026-11-01 – 2026-11-04 (4 UTC days)"), anything else says the end is excluded
 * ("2026-11-01 06:00 – 2026-11-05 06:00 UTC, end excluded"). The rest of the text is kept.
 */
export function referenceText(description: string): string {
  return description.replace(PERIOD, (_all, from: string, to: string) => {
    const f = new Date(Date.parse(from)).toISOString()
    const t = new Date(Date.parse(to)).toISOString()
    if (!(Date.parse(t) > Date.parse(f))) return `${utcTime(f, !onMinute(f))} – ${utcTime(t, !onMinute(t))}`
    return wholeUtcDays(f, t) > 0 ? windowLabel(f, t) : `${windowLabel(f, t)}, end excluded`
  })
}
