/**
 * Model comparison in the UI: challenger minus champion as the evaluator stored it (read API:
 * WindowDetail.comparison, GET /v1/models/{model}/comparisons). The window page lists a window's
 * rows; the model page charts the difference of one metric per window with its interval, with
 * 0 (no difference) drawn. The API sends no verdict; the only reading added here is whether the
 * interval excludes 0, and which side is higher: whether higher is better depends on the metric.
 */
import type { ChartSpec } from '../chart-spec.js'
import { getAll } from './api.js'
import type { Num } from './api-types.js'
import { chartFigure, fmt, h, scroller, td } from './dom.js'
import { windowStartLabel } from '../figures.js'

export interface ComparisonDetail {
  metric: string
  method: string
  champion_version: string
  challenger_version: string
  champion_value: Num
  challenger_value: Num
  difference: Num
  ci_low: Num
  ci_high: Num
  p_value: Num
  n_champion: number
  n_challenger: number
}

export interface ComparisonWindow { window_start: string; window_end: string; comparisons: ComparisonDetail[] }

/** What the interval says about challenger − champion; not a verdict on which is better. */
export function intervalReading(c: ComparisonDetail): string {
  if (c.ci_low === null || c.ci_high === null) return 'no interval'
  if (c.ci_low > 0) return 'challenger higher (interval above 0)'
  if (c.ci_high < 0) return 'challenger lower (interval below 0)'
  return 'no clear difference (interval includes 0)'
}

const intervalText = (c: ComparisonDetail) => (c.ci_low === null && c.ci_high === null ? '-' : `[${fmt(c.ci_low, 4)}, ${fmt(c.ci_high, 4)}]`)

/** The window page's table of a window's comparisons (nothing when it has none). */
export function comparisonTable(w: { comparison?: ComparisonDetail[]; model_version: string }): Node[] {
  const rows = w.comparison ?? []
  if (rows.length === 0) return []
  const headers = ['metric', 'champion', 'challenger', 'champion value', 'challenger value', 'difference', 'interval', 'p-value', 'n (champion / challenger)', 'method', 'reading']
  const body = rows.map((c) => h(
    'tr',
    { 'data-metric': c.metric, 'data-figures': JSON.stringify({ difference: c.difference, ci_low: c.ci_low, ci_high: c.ci_high, p_value: c.p_value }) },
    ...[c.metric, c.champion_version, c.challenger_version, fmt(c.champion_value, 4), fmt(c.challenger_value, 4), fmt(c.difference, 4), intervalText(c),
      fmt(c.p_value, 4), `${c.n_champion} / ${c.n_challenger}`, c.method, intervalReading(c)].map((x, i) => td(x, i === 1 || i === 2)),
  ))
  return [
    h('h2', {}, 'Model comparison (challenger − champion)'),
    h('p', {}, `Version ${w.model_version} against the other version serving this window; the interval is that of the difference.`),
    scroller(h('table', { id: 'comparison' }, h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', {}, x)))), h('tbody', {}, ...body))),
  ]
}

/**
 * The first window start still open among these headlines, or null when all are closed. The
 * comparison rows carry no open flag; a model's windows close in order as its watermark moves,
 * so every window from the first open one on is open too.
 */
export function openFrom(headlines: readonly { readonly window_start: string; readonly closed: boolean }[]): string | null {
  const open = headlines.filter((w) => !w.closed).map((w) => w.window_start).sort()
  return open[0] ?? null
}

/** A comparison window's axis label: its start (with seconds for windows off whole minutes), "(open)" from `open` on. */
const label = (w: ComparisonWindow, open: string | null) =>
  `${windowStartLabel(w.window_start, Date.parse(w.window_end) - Date.parse(w.window_start))}${open !== null && w.window_start >= open ? ' (open)' : ''}`

/**
 * Per window, the difference and its interval of `metric`, one pair of series per (champion,
 * challenger); windows from `open` on (see openFrom) are marked open.
 */
export function differenceChart(windows: readonly ComparisonWindow[], metric: string, open: string | null = null): ChartSpec {
  const shown = windows.filter((w) => w.comparisons.some((c) => c.metric === metric))
  const pairs = [...new Set(shown.flatMap((w) => w.comparisons.filter((c) => c.metric === metric).map((c) => `${c.challenger_version} − ${c.champion_version}`)))].sort()
  const at = (w: ComparisonWindow, pair: string) => w.comparisons.find((c) => c.metric === metric && `${c.challenger_version} − ${c.champion_version}` === pair)
  return {
    kind: 'line',
    title: `Challenger − champion: ${metric} difference with its interval; 0 is no difference`,
    labels: shown.map((w) => label(w, open)),
    refLine: { value: 0, label: 'no difference' },
    series: pairs.flatMap((pair) => [
      { name: `${pair} difference`, values: shown.map((w) => at(w, pair)?.difference ?? null) },
      {
        name: `${pair} interval`,
        as: 'bar' as const,
        values: shown.map((w) => {
          const c = at(w, pair)
          return c && c.ci_low !== null && c.ci_high !== null ? ([c.ci_low, c.ci_high] as const) : null
        }),
      },
    ]),
  }
}

/** The metric to chart: the model's headline metric when it was compared, else the first compared one. */
export function chartedMetric(windows: readonly ComparisonWindow[], preferred: string | undefined): string | null {
  const metrics = [...new Set(windows.flatMap((w) => w.comparisons.map((c) => c.metric)))].sort()
  if (preferred !== undefined && metrics.includes(preferred)) return preferred
  return metrics[0] ?? null
}

/**
 * The model page's comparison chart, whenever the model has comparison rows (nothing otherwise),
 * over the windows from `from` on (the model page's charted range) when given.
 */
export async function comparisonCharts(model: string, preferredMetric: string | undefined, open: string | null = null, from: string | null = null): Promise<Node[]> {
  const all = await getAll<ComparisonWindow>(`/v1/models/${encodeURIComponent(model)}/comparisons`, { limit: '5000' })
  const windows = from === null ? all : all.filter((w) => w.window_start >= from)
  const metric = chartedMetric(windows, preferredMetric)
  if (metric === null) return []
  return [h('div', { class: 'charts' }, chartFigure(differenceChart(windows, metric, open), 'comparison-difference'))]
}
