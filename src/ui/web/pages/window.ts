/**
 * Window page: per-feature reference vs current distributions, the statistic that decided and
 * why, performance with intervals, fairness per group (with 4/5 of the best group's selection
 * rate), quality findings, detectors and the window's alerts.
 */
import { binLabels, type ChartSpec, distributionSpec } from '../../chart-spec.js'
import { getJson } from '../api.js'
import type { DatasetDrift, DriftDetail, FairnessDetail, WindowDetail } from '../api-types.js'
import { badge, chartFigure, day, fmt, h, type Level, table } from '../dom.js'
import { modelHref } from '../routes.js'

/**
 * Why a row has no verdict, from its status (src/read/schemas.ts, DriftDetailSchema). The API
 * sends drift_detected false for these too, so the status is read before the flag.
 */
function noVerdict(d: DriftDetail): { readonly label: string; readonly reason: string } {
  switch (d.status) {
    case 'insufficient':
      return { label: 'insufficient data', reason: `too few rows on a side for a verdict (reference ${d.n_reference}, current ${d.n_current})` }
    case 'method_not_applicable':
      return { label: 'method not applicable', reason: `the configured method does not apply to this ${d.column_kind} column` }
    default:
      return { label: d.status, reason: `status ${d.status}` }
  }
}

interface Compared {
  readonly text: string
  readonly value: number
  /** A test's p-value (drift when below the threshold), else a distance (drift at or above it). */
  readonly test: boolean
}

/** The figure a row compares with its threshold: the adjusted p-value when stored, else the raw one, else the score. */
function compared(d: DriftDetail): Compared | null {
  if (d.p_value_adjusted !== null) return { text: `adjusted p-value ${fmt(d.p_value_adjusted, 4)}`, value: d.p_value_adjusted, test: true }
  if (d.p_value !== null) return { text: `p-value ${fmt(d.p_value, 4)}`, value: d.p_value, test: true }
  if (d.score !== null) return { text: `${d.method} ${fmt(d.score, 4)}`, value: d.score, test: false }
  return null
}

const thresholdText = (c: Compared, threshold: number) => (c.test ? fmt(threshold, 4) : `threshold ${fmt(threshold, 4)}`)
/** Drift by the figures alone (src/metrics/drift/dataset-drift.ts): a p-value below the threshold, a score at or above it. */
const beyond = (c: Compared, threshold: number) => (c.test ? c.value < threshold : c.value >= threshold)

/** Why the verdict, or why there is none: the compared figure against its threshold, as the row's figures say. */
export function why(d: DriftDetail): string {
  const c = compared(d)
  if (d.status !== 'ok') {
    const { reason } = noVerdict(d)
    return c && d.threshold !== null ? `${reason}; ${c.text} not compared with ${thresholdText(c, d.threshold)}` : reason
  }
  if (c === null || d.threshold === null) return `no ${d.method} score or p-value to compare with ${fmt(d.threshold, 4)}`
  return `${c.text} ${c.value < d.threshold ? '<' : '≥'} ${thresholdText(c, d.threshold)}`
}

/** The verdict badge: drift, ok only when the figures show no drift, and no verdict otherwise. */
export function verdict(d: DriftDetail): { readonly text: string; readonly level: Level } {
  if (d.status !== 'ok') return { text: `no verdict: ${noVerdict(d).label}`, level: 'none' }
  if (d.drift_detected) return { text: 'drift', level: 'bad' }
  // drift_detected is false too when the statistic could not be computed (NaN is stored as null).
  const c = compared(d)
  if (c === null || d.threshold === null || beyond(c, d.threshold)) return { text: 'no verdict', level: 'none' }
  return { text: 'ok', level: 'ok' }
}

/** The dataset drift line: features without a verdict are left out of the share and counted apart. */
export function datasetDriftText(dd: DatasetDrift | null): string {
  if (!dd) return 'No dataset drift row.'
  if (dd.status === 'insufficient') return `No verdict on any of the ${dd.n_features} features: insufficient data`
  if (dd.status !== 'ok') return `No verdict on the ${dd.n_features} features: status ${dd.status}`
  if (dd.drift_share === null) return `No verdict on any of the ${dd.n_features} features`
  const drifted = `${dd.n_drifted} of ${dd.n_features} features drifted`
  if (dd.n_insufficient === 0) return `${drifted} (share ${fmt(dd.drift_share, 2)})`
  return `${drifted} (share ${fmt(dd.drift_share, 2)} of those with a verdict); ${dd.n_insufficient} without a verdict: insufficient data`
}

export function distributionChart(d: DriftDetail): ChartSpec | null {
  const dist = d.distribution
  if (!dist) return null
  // The API's histograms are left-closed: bin i holds edges[i-1] <= v < edges[i] (src/read/schemas.ts).
  const labels = dist.kind === 'histogram' ? binLabels(dist.edges, 'left') : dist.categories
  return distributionSpec(`${d.column} (${d.target}): reference vs current`, labels, dist.reference, dist.current)
}

/**
 * Selection rate per group of one attribute, with the 4/5 rule drawn at 0.8 × the highest rate.
 * Only the groups the fairness ratio compares (status ok: enough rows, src/metrics/fairness/parity.ts)
 * are drawn, as in the batch report: a group too small to compare would move the line and
 * suggest an unfairness the ratio does not show. The table lists every group.
 */
export function fairnessChart(attribute: string, rows: readonly FairnessDetail[]): ChartSpec | null {
  const groups = rows.filter((r) => r.attribute === attribute && r.group !== '' && r.metric === 'selection_rate' && r.status === 'ok')
  if (groups.length === 0) return null
  const best = groups.reduce((most, g) => Math.max(most, g.value ?? 0), -Infinity)
  return {
    kind: 'bar',
    title: `Selection rate by ${attribute} (groups with enough rows)`,
    labels: groups.map((g) => g.group),
    yMin: 0,
    refLine: { value: 0.8 * best, label: '4/5 of the highest rate' },
    series: [{ name: 'selection rate', values: groups.map((g) => g.value) }],
  }
}

export async function windowPage(model: string, start: string, query: URLSearchParams): Promise<HTMLElement> {
  const version = query.get('version') ?? undefined
  const w = await getJson<WindowDetail>(`/v1/models/${encodeURIComponent(model)}/windows/${encodeURIComponent(start)}`, { version })
  const s = w.summary
  const section = h(
    'section',
    { 'data-page': 'window', 'data-model': model, 'data-window': w.window_start },
    h('p', {}, h('a', { href: modelHref(model, { version: w.model_version }) }, `← ${model}`)),
    h('h1', {}, `${model} ${w.model_version}: window ${day(w.window_start)} – ${day(w.window_end)}`),
    h('p', {}, `${s.predictions} predictions, ${s.labeled} labeled (${fmt(s.label_coverage, 2)}); ${w.closed ? 'closed' : 'open'}; reference: ${w.reference}; evaluated ${w.evaluated_at}`),
  )
  section.append(h('h2', {}, 'Drift'), h('p', {}, datasetDriftText(w.dataset_drift)))
  section.append(table(
    ['target', 'column', 'kind', 'method', 'score', 'p-value', 'adjusted', 'threshold', 'verdict', 'why', 'reference n', 'current n'],
    w.drift.map((d) => {
      const v = verdict(d)
      return [d.target, d.column, d.column_kind, d.method, fmt(d.score, 4), fmt(d.p_value, 4), fmt(d.p_value_adjusted, 4), fmt(d.threshold, 4),
        badge(v.text, v.level), why(d), d.n_reference, d.n_current]
    }),
    { id: 'drift' },
  ))
  const dists = w.drift.flatMap((d) => {
    const spec = distributionChart(d)
    return spec ? [chartFigure(spec, `distribution:${d.target}:${d.column}`)] : []
  })
  if (dists.length > 0) section.append(h('div', { class: 'charts small' }, ...dists))

  section.append(h('h2', {}, 'Performance'), table(
    ['variant', 'metric', 'kind', 'value', 'interval', 'n', 'label coverage'],
    w.performance.map((p) => [p.variant, p.metric, p.kind, fmt(p.value, 4), p.ci_low === null && p.ci_high === null ? '-' : `[${fmt(p.ci_low, 4)}, ${fmt(p.ci_high, 4)}]`, p.n, fmt(p.label_coverage, 2)]),
    { id: 'performance' },
  ))

  section.append(h('h2', {}, 'Fairness'))
  const attributes = [...new Set(w.fairness.map((f) => f.attribute))]
  for (const a of attributes) {
    const spec = fairnessChart(a, w.fairness)
    if (spec) section.append(h('div', { class: 'charts' }, chartFigure(spec, `fairness:${a}`)))
  }
  section.append(table(['attribute', 'group', 'metric', 'value', 'n', 'status'],
    w.fairness.map((f) => [f.attribute, f.group || '(all groups)', f.metric, f.metric.endsWith('ratio') && f.value !== null && f.value < 0.8 ? badge(fmt(f.value, 4), 'bad') : fmt(f.value, 4), f.n, f.status]),
    { id: 'fairness' }))

  const findings = w.quality.filter((q) => q.value !== null && q.value > 0)
  section.append(h('h2', {}, 'Data quality'), findings.length === 0 ? h('p', {}, 'No quality finding.') : table(['feature', 'metric', 'value', 'n'], findings.map((q) => [q.feature, q.metric, fmt(q.value, 4), q.n]), { id: 'quality' }))
  if (w.detectors.length > 0) {
    section.append(h('h2', {}, 'Concept-drift detectors'), table(['detector', 'score', 'threshold', 'drift', 'detections'],
      w.detectors.map((d) => [d.detector, fmt(d.score, 4), fmt(d.threshold, 4), d.drift_detected ? 'yes' : 'no', d.detections.map(day).join(', ')]), { id: 'detectors' }))
  }
  section.append(h('h2', {}, 'Alerts'), w.alerts.length === 0 ? h('p', {}, 'No alert about this window.') : table(['status', 'rule', 'subject', 'value', 'threshold'], w.alerts.map((a) => [a.status, a.rule, a.subject, fmt(a.value, 4), fmt(a.threshold, 4)])))
  return section
}
