/**
 * Window page: per-feature reference vs current distributions, the statistic that decided and
 * why, performance with intervals, fairness per group (with 4/5 of the best group's selection
 * rate), quality findings, detectors and the window's alerts.
 */
import { binLabels, type ChartSpec, distributionSpec } from '../../chart-spec.js'
import { getJson } from '../api.js'
import type { DriftDetail, FairnessDetail, WindowDetail } from '../api-types.js'
import { badge, chartFigure, day, fmt, h, table } from '../dom.js'
import { modelHref } from '../routes.js'

/** Why the verdict: the compared figure against its threshold, in one sentence. */
export function why(d: DriftDetail): string {
  const p = d.p_value_adjusted ?? d.p_value
  if (p !== null) {
    const which = d.p_value_adjusted !== null ? 'adjusted p-value' : 'p-value'
    return `${which} ${fmt(p, 4)} ${d.drift_detected ? '<' : '≥'} ${fmt(d.threshold, 4)}`
  }
  return `${d.method} ${fmt(d.score, 4)} ${d.drift_detected ? '≥' : '<'} threshold ${fmt(d.threshold, 4)}`
}

export function distributionChart(d: DriftDetail): ChartSpec | null {
  const dist = d.distribution
  if (!dist) return null
  const labels = dist.kind === 'histogram' ? binLabels(dist.edges) : dist.categories
  return distributionSpec(`${d.column} (${d.target}): reference vs current`, labels, dist.reference, dist.current)
}

/** Selection rate per group of one attribute, with the 4/5 rule drawn at 0.8 × the highest rate. */
export function fairnessChart(attribute: string, rows: readonly FairnessDetail[]): ChartSpec | null {
  const groups = rows.filter((r) => r.attribute === attribute && r.group !== '' && r.metric === 'selection_rate')
  if (groups.length === 0) return null
  const best = groups.reduce((most, g) => Math.max(most, g.value ?? 0), -Infinity)
  return {
    kind: 'bar',
    title: `Selection rate by ${attribute}`,
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
  const dd = w.dataset_drift
  section.append(h('h2', {}, 'Drift'), h('p', {}, dd ? `${dd.n_drifted} of ${dd.n_features} features drifted (share ${fmt(dd.drift_share, 2)})` : 'No dataset drift row.'))
  section.append(table(
    ['target', 'column', 'kind', 'method', 'score', 'p-value', 'adjusted', 'threshold', 'verdict', 'why', 'reference n', 'current n'],
    w.drift.map((d) => [d.target, d.column, d.column_kind, d.method, fmt(d.score, 4), fmt(d.p_value, 4), fmt(d.p_value_adjusted, 4), fmt(d.threshold, 4),
      badge(d.drift_detected ? 'drift' : 'ok', d.drift_detected ? 'bad' : 'ok'), why(d), d.n_reference, d.n_current]),
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
