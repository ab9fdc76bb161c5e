/**
 * The ticks of a chart's value axis, and their labels, at any magnitude. Chart.js's own labels
 * (Ticks.formatters.numeric) print every value above 1e15 in scientific notation with as many
 * decimals as the step has below 1, which is none for a large step: an RMSE near 1e300 had its
 * ticks 1.5e300, 2e300 and 2.5e300 all labelled "2E300". Here the axis is planned as data: the
 * bounds and the ticks from the values, each label with the digits the step needs (0.25 steps
 * read "0.25", 2.5e299 steps "1.25e+300"), so two ticks never read alike.
 *
 * Steps are 1, 2, 2.5 or 5 times a power of 10, about `intervals` of them over the data (the
 * "nice numbers" of Heckbert, Graphics Gems, 1990); unbounded ends are rounded out to a tick. A
 * flat series (a single point too) gets a range of ±5% around its value (±1 around 0), as Chart.js
 * gives it. Ranges near ±Number.MAX_VALUE never overflow to ±Infinity: the span is computed as
 * max/n − min/n, and an end that would round out past the largest double stays at the data.
 */
import { axisBounds, type AxisBounds, type ChartSpec } from '../chart-spec.js'

export interface AxisTick { readonly value: number; readonly label: string }

export interface AxisPlan {
  readonly min: number
  readonly max: number
  /** Ascending, within [min, max], labels distinct. */
  readonly ticks: readonly AxisTick[]
}

export interface AxisOptions {
  /** A fixed end (the spec's yMin / yMax): kept as given, never rounded out. */
  readonly min?: number
  readonly max?: number
  /** Whether 0 lies on the axis (bar charts: bars grow from 0). */
  readonly includeZero?: boolean
  /** About how many intervals between ticks. */
  readonly intervals?: number
}

/** Beyond these magnitudes (and not 0), labels have an exponent: 2.0e+6, 2.5e-5; below, digits grouped: 1,600. */
const EXPONENT_ABOVE = 1e6
const EXPONENT_BELOW = 1e-4
const NICE = [1, 2, 2.5, 5, 10] as const
const DEFAULT_INTERVALS = 5
/** The least height of an interval between two labelled ticks (a label is ~15 px high). */
const INTERVAL_PX = 32
/** More ticks than this means the step is wrong (it never is for finite ends): stop rather than loop. */
const MAX_TICKS = 100

/** The bounds and ticks of an axis over `values` (non-finite values are ignored). */
export function planAxis(values: readonly number[], options: AxisOptions = {}): AxisPlan {
  const intervals = Math.max(1, Math.floor(options.intervals ?? DEFAULT_INTERVALS))
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (!Number.isFinite(v)) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (options.includeZero) {
    lo = Math.min(lo, 0)
    hi = Math.max(hi, 0)
  }
  const fixedMin = finiteOr(options.min)
  const fixedMax = finiteOr(options.max)
  if (fixedMin !== undefined) lo = fixedMin
  if (fixedMax !== undefined) hi = fixedMax
  // No data: Chart.js's empty axis, 0 to 1, within what is fixed.
  if (lo === Infinity && hi === -Infinity) [lo, hi] = [0, 1]
  else if (lo === Infinity) lo = hi
  else if (hi === -Infinity) hi = lo
  if (lo > hi) [lo, hi] = [hi, lo]
  if (lo === hi) {
    // At least the smallest double: 5% of a subnormal can round to nothing.
    const pad = lo === 0 ? 1 : Math.max(Math.abs(lo) * 0.05, Number.MIN_VALUE)
    if (fixedMin === undefined || fixedMax !== undefined) lo = clamp(lo - pad)
    if (fixedMax === undefined || fixedMin !== undefined) hi = clamp(hi + pad)
  }
  const step = chooseStep(lo, hi, intervals, fixedMin !== undefined, fixedMax !== undefined)
  const [outLo, outHi] = roundedOut(lo, hi, step, fixedMin !== undefined, fixedMax !== undefined)
  return { min: outLo, max: outHi, ticks: label(tickValues(outLo, outHi, step), step) }
}

/**
 * The ends of the axis: rounded out to a tick where not fixed; an end that would overflow, or
 * that float noise puts a hair inside the data, is the data's own end (its tick reads the same).
 */
function roundedOut(lo: number, hi: number, step: number, fixedLo: boolean, fixedHi: boolean): [number, number] {
  const outLo = fixedLo ? lo : Math.min(lo, finiteOr(Math.floor(lo / step + 1e-9) * step) ?? lo)
  const outHi = fixedHi ? hi : Math.max(hi, finiteOr(Math.ceil(hi / step - 1e-9) * step) ?? hi)
  return [outLo, outHi]
}

/**
 * niceStep's step, unless another nice step near it does better within `intervals` + 1
 * intervals: between two fixed ends, one that lands on both (0 to 1.2 by 0.2, both ends labelled,
 * rather than by 0.25), the number of intervals nearest `intervals`, then the larger; with a free
 * end, when rounding out leaves more than a quarter of the axis empty, the one that leaves the
 * least (0 to 2,002 in about 2 intervals: 0 to 3,000 by 1,000, not 0 to 4,000 by 2,000).
 */
function chooseStep(lo: number, hi: number, intervals: number, fixedLo: boolean, fixedHi: boolean): number {
  const base = niceStep(lo, hi, intervals)
  if (!(base >= 1e-300) || !Number.isFinite(base)) return base
  const whole = (x: number) => Math.abs(x - Math.round(x)) < 1e-9
  const candidates: { step: number; n: number; room: number }[] = []
  const exponent = Math.floor(Math.log10(base))
  for (let e = exponent - 1; e <= exponent + 1; e++) {
    for (const m of NICE.slice(0, -1)) {
      const step = m * 10 ** e
      if (!Number.isFinite(step)) continue
      const [outLo, outHi] = roundedOut(lo, hi, step, fixedLo, fixedHi)
      const n = outHi / step - outLo / step
      if (!Number.isFinite(n) || n > intervals + 1 + 1e-9 || n < 2 - 1e-9) continue
      if (fixedLo && fixedHi && !(whole(n) && whole(lo / step))) continue
      candidates.push({ step, n, room: outHi / 2 - outLo / 2 })
    }
  }
  if (fixedLo && fixedHi) {
    return candidates.reduce<{ step: number; n: number } | null>((best, c) =>
      best === null || less([Math.abs(c.n - intervals), -c.step], [Math.abs(best.n - intervals), -best.step]) ? c : best, null)?.step ?? base
  }
  const [outLo, outHi] = roundedOut(lo, hi, base, fixedLo, fixedHi)
  if (hi / 2 - lo / 2 >= 0.75 * (outHi / 2 - outLo / 2)) return base
  return candidates.reduce((best, c) => (less([c.room, Math.abs(c.n - intervals), -c.step], [best.room, Math.abs(best.n - intervals), -best.step]) ? c : best), { step: base, n: outHi / base - outLo / base, room: outHi / 2 - outLo / 2 }).step
}

/** Lexicographic order of two scores, the first difference beyond float noise deciding. */
function less(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (Math.abs(x - y) > Math.max(Math.abs(x), Math.abs(y)) * 1e-9) return x < y
  }
  return false
}

const finiteOr = (x: number | undefined): number | undefined => (x !== undefined && Number.isFinite(x) ? x : undefined)
const clamp = (x: number) => Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, x))

/** A step of 1, 2, 2.5 or 5 × 10^k that cuts [lo, hi] into about `intervals` parts. */
export function niceStep(lo: number, hi: number, intervals: number): number {
  const span = hi - lo
  // (hi − lo) overflows when the ends are near ±MAX_VALUE; the parts do not.
  const raw = Number.isFinite(span) ? span / intervals : hi / intervals - lo / intervals
  if (!(raw > 0)) return Number.MIN_VALUE
  const exponent = Math.floor(Math.log10(raw))
  const base = 10 ** exponent
  // Below ~1e-308 powers of 10 lose their digits (subnormals): the raw step will do.
  if (!(base > 0) || !Number.isFinite(base) || base < 1e-300) return raw
  for (const m of NICE) if (raw <= m * base * (1 + 1e-12)) return Math.min(m * base, Number.MAX_VALUE)
  return Math.min(10 * base, Number.MAX_VALUE)
}

/** The multiples of step within [lo, hi], as k × step (no accumulated error), -0 as 0, an end when within noise of it. */
function tickValues(lo: number, hi: number, step: number): number[] {
  const first = Math.ceil(lo / step - 1e-9)
  const last = Math.floor(hi / step + 1e-9)
  const out: number[] = []
  const near = (a: number, b: number) => Math.abs(a - b) <= step * 1e-9
  for (let k = first; k <= last && out.length < MAX_TICKS; k++) {
    // 6 × 0.2 is 1.2000000000000002: on a fixed end of 1.2, the tick is the end.
    const kStep = k * step + 0
    const v = near(kStep, lo) ? lo : near(kStep, hi) ? hi : kStep
    if (v >= lo && v <= hi && Number.isFinite(v)) out.push(v)
  }
  // Noise put a tick a hair outside a fixed end: the end itself, as a tick.
  if (out.length === 0) out.push(lo)
  return out
}

/** Fixed decimals, thousands grouped as Chart.js groups them ("1,600"); always en-US, whatever the browser's language, as every figure of the UI. */
const grouped = (x: number, decimals: number) => x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })

const exponentOf = (x: number) => Math.floor(Math.log10(Math.abs(x)))

/**
 * The ticks' labels: fixed decimals, or an exponent when the largest tick is above EXPONENT_ABOVE
 * or (not 0) under EXPONENT_BELOW, every label with the same number of digits: the fewest at
 * which each reads its value to well within a step, so no two read alike (they are a step
 * apart). Past 17 more digits than the step asks for, the shortest exact text of each value.
 */
function label(values: readonly number[], step: number): AxisTick[] {
  const largest = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
  const exponent = largest > EXPONENT_ABOVE || (largest > 0 && largest < EXPONENT_BELOW)
  // Mantissa digits (exponent) or decimals (fixed) down to the step's first digit.
  const digits = exponent ? exponentOf(largest) - exponentOf(step) : -exponentOf(step)
  const close = (text: string, v: number) => Math.abs(Number(text.replaceAll(',', '')) - v) <= step * 1e-6
  for (let extra = 0; extra <= 17; extra++) {
    const d = Math.min(exponent ? 100 : 20, Math.max(0, digits) + extra)
    const texts = values.map((v) => (v === 0 ? '0' : exponent ? v.toExponential(d) : grouped(v, d)))
    if (texts.every((t, i) => close(t, values[i]!)) && new Set(texts).size === texts.length) return values.map((value, i) => ({ value, label: texts[i]! }))
  }
  return values.map((value) => ({ value, label: String(value) }))
}

/** What an axis is planned from: the values drawn on it and its options. */
export interface AxisInput { readonly values: readonly number[]; readonly options: AxisOptions }

/**
 * What each y axis of a spec is planned from: the values drawn on it (an interval by both ends;
 * the reference line on the left axis), within the spec's fixed bounds; a bar chart's axis holds
 * 0, as Chart.js's bar charts begin at zero.
 */
export function axisInputs(spec: ChartSpec): { y: AxisInput; y2?: AxisInput } {
  const bounds = axisBounds(spec)
  const input = (b: AxisBounds, right: boolean): AxisInput => ({
    values: [
      ...spec.series.filter((s) => (s.axis === 'right') === right).flatMap((s) => s.values.flatMap((v) => (v === null ? [] : typeof v === 'number' ? [v] : [v[0], v[1]]))),
      ...(!right && spec.refLine ? [spec.refLine.value] : []),
    ],
    options: { ...b, includeZero: spec.kind === 'bar' },
  })
  return bounds.y2 ? { y: input(bounds.y, false), y2: input(bounds.y2, true) } : { y: input(bounds.y, false) }
}

/** Each y axis of a spec planned with about `intervals` intervals. */
export function axisPlans(spec: ChartSpec, intervals?: number): { y: AxisPlan; y2?: AxisPlan } {
  const inputs = axisInputs(spec)
  const plan = (a: AxisInput) => planAxis(a.values, { ...a.options, ...(intervals === undefined ? {} : { intervals }) })
  return inputs.y2 ? { y: plan(inputs.y), y2: plan(inputs.y2) } : { y: plan(inputs.y) }
}

/** Intervals on an axis `lengthPx` long: one per INTERVAL_PX, from 2 up to the default 5, so labels never crowd (Chart.js would skip some). */
export const intervalsFor = (lengthPx: number): number => Math.max(2, Math.min(DEFAULT_INTERVALS, Math.floor(lengthPx / INTERVAL_PX)))
