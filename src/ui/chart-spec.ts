/**
 * What a chart shows, as data: the HTML report writes it into `data-spec` attributes, the web UI
 * builds it from API responses, and one browser function (web/charts.ts) draws it with Chart.js.
 * The spec is the figure's data in the DOM, so a test reads the same numbers the chart was drawn
 * from. Pure and DOM-free, so both the Node side and the browser bundle import it.
 */
/** A value, a gap (null), or an interval [low, high] drawn as a floating bar. */
export type ChartValue = number | null | readonly [number, number]

export interface SeriesSpec {
  readonly name: string
  readonly values: readonly ChartValue[]
  /** Drawn as bars (default for kind 'bar') or a line. */
  readonly as?: 'bar' | 'line'
  /** 'right': a second y axis (e.g. label coverage next to a metric). */
  readonly axis?: 'left' | 'right'
  readonly dashed?: boolean
}

export interface ChartSpec {
  readonly kind: 'bar' | 'line'
  readonly title: string
  readonly labels: readonly string[]
  readonly series: readonly SeriesSpec[]
  readonly yLabel?: string
  readonly rightLabel?: string
  readonly yMin?: number
  readonly yMax?: number
  /** Bounds of the right axis, in the unit of its series (label coverage in percent: 0 and 100); unset, it fits the data. */
  readonly rightMin?: number
  readonly rightMax?: number
  /** A horizontal reference line, e.g. the 4/5 rule at 0.8. */
  readonly refLine?: { readonly value: number; readonly label: string }
}

export interface AxisBounds { readonly min?: number; readonly max?: number }

/**
 * The bounds each y axis is drawn with: 'y' (left) and, when a series is on the right, 'y2'.
 * Taken from the spec alone, never fixed in the drawing code: an axis bounded in one unit (0..1)
 * under values in another (percent) would cut every bar off at the top.
 */
export function axisBounds(spec: ChartSpec): { y: AxisBounds; y2?: AxisBounds } {
  const bounds = (min: number | undefined, max: number | undefined): AxisBounds => ({ ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) })
  const y = bounds(spec.yMin, spec.yMax)
  return spec.series.some((s) => s.axis === 'right') ? { y, y2: bounds(spec.rightMin, spec.rightMax) } : { y }
}

/** The values of a spec that lie outside the bounds of the axis they are drawn on (an interval by either end). */
export function valuesOffAxis(spec: ChartSpec): { series: string; value: ChartValue }[] {
  const axes = axisBounds(spec)
  return spec.series.flatMap((s) => {
    const b = (s.axis === 'right' ? axes.y2 : axes.y) ?? {}
    const off = (x: number) => (b.min !== undefined && x < b.min) || (b.max !== undefined && x > b.max)
    return s.values.filter((v) => v !== null && (typeof v === 'number' ? off(v) : off(v[0]) || off(v[1]))).map((value) => ({ series: s.name, value }))
  })
}

/** Counts as shares of their total (0 when the total is 0), so samples of different sizes compare. */
export function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0)
  return counts.map((c) => (total > 0 ? c / total : 0))
}

const short = (x: number) => (Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 0.01) ? x.toPrecision(3) : String(Number(x.toFixed(3))))

/**
 * Bin labels of a histogram with inner edges e1..ek (k + 1 bins, open at both ends), closed on
 * the side the data's binning is: 'left', bins [e[i-1], e[i]): "< e1", "[e1, e2)", …, "≥ ek";
 * 'right', bins (e[i-1], e[i]]: "≤ e1", "(e1, e2]", …, "> ek". A value on an edge is in a
 * different bin under each, so there is no default: the caller names its data's convention.
 * Every histogram driftwatch computes is left-closed (src/metrics/drift/reference-bins.ts,
 * numpy.histogram's rule), the read API's and the report's alike (src/read/schemas.ts).
 * A left-closed edge that is the double just above a value m (reference-bins.ts closes a tied
 * reference's range with such edges) bounds the bins as m does from the other side: "[a, m]"
 * and "> m", not "[a, m)" and "≥ m", which would say m itself is beyond the edge.
 */
export function binLabels(edges: readonly number[], closed: 'left' | 'right'): string[] {
  if (edges.length === 0) return ['all']
  // Per edge: the value it is printed as, and whether the bins meet there as if right-closed.
  const bounds = edges.map((e) => {
    const below = closed === 'left' ? justBelow(e) : null
    return below === null ? { at: e, right: closed === 'right' } : { at: below, right: true }
  })
  const upper = (b: { at: number; right: boolean }) => `${short(b.at)}${b.right ? ']' : ')'}`
  const lower = (b: { at: number; right: boolean }) => `${b.right ? '(' : '['}${short(b.at)}`
  const labels = [`${bounds[0]!.right ? '≤' : '<'} ${short(bounds[0]!.at)}`]
  for (let i = 1; i < bounds.length; i++) labels.push(`${lower(bounds[i - 1]!)}, ${upper(bounds[i]!)}`)
  const lastBound = bounds[bounds.length - 1]!
  labels.push(`${lastBound.right ? '>' : '≥'} ${short(lastBound.at)}`)
  return labels
}

/** The double just below e when it prints shorter than e (e is the edge just above a written value), else null. */
function justBelow(e: number): number | null {
  if (!Number.isFinite(e) || e === 0) return null
  const bits = new BigInt64Array(Float64Array.of(e).buffer)
  bits[0] = (bits[0] as bigint) + (e > 0 ? -1n : 1n)
  const below = new Float64Array(bits.buffer)[0] as number
  return String(below).length < String(e).length ? below : null
}

/** A chart value as the figures table prints it. */
export function valueText(v: ChartValue | undefined, format: (x: number) => string): string {
  if (v === null || v === undefined) return '-'
  return typeof v === 'number' ? format(v) : `[${format(v[0])}, ${format(v[1])}]`
}

/** Reference vs current distribution chart: shares per bin or category. */
export function distributionSpec(title: string, labels: readonly string[], reference: readonly number[], current: readonly number[]): ChartSpec {
  return {
    kind: 'bar',
    title,
    labels,
    yLabel: 'share',
    yMin: 0,
    series: [
      { name: 'reference', values: shares(reference) },
      { name: 'current', values: shares(current) },
    ],
  }
}
