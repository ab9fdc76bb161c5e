/**
 * The report as one self-contained HTML file: the sections of the text report (format-text.ts)
 * as tables, with its lines (headline, calibration, prediction, label and score drift, performance
 * status, groups compared) written by the same functions, and charts: reference vs current
 * distribution per feature (from the binned distributions the report carries, so the page's
 * size does not grow with the rows), current vs
 * reference performance and the difference with its interval, and fairness per group with the
 * 4/5 line. The charting script comes in as text (src/ui/assets.ts reads the built bundle) and is
 * inlined with the report's JSON: the file loads nothing from the network. Pure: report in, text out.
 */
import { binLabels, type ChartSpec, distributionSpec } from '../ui/chart-spec.js'
import {
  calibrationText, comparedSuffix, continuousText, fourFifthsText, datasetDriftText, formatNumber, hasInterval, hasPerformance, hasRegressionMetrics, methodText, NOT_METRICS, outliersText, performanceStatusText, targetDrifts,
  targetDriftText,
} from './format-text.js'
import { badge, type CellHtml, esc, figure, htmlTable, jsonScriptText, REPORT_CSS, scriptText } from './html-parts.js'
import type { DistributionJson, ReportJson, Section } from './types.js'

type Cell = string | number | boolean | null | undefined
const get = (s: Section | undefined, k: string): Cell => (s?.[k] as Cell) ?? null
const n = (x: Cell, style: 'value' | 'p' | 'count' = 'value') => formatNumber(x, style)

export function distributionChart(name: string, d: DistributionJson): ChartSpec {
  if (d.type === 'bins') return distributionSpec(name, binLabels(d.edges, 'left'), d.reference, d.current)
  const other = d.other && d.other.categories > 0 ? d.other : null
  return distributionSpec(
    name,
    other ? [...d.categories, `other (${other.categories})`] : d.categories,
    other ? [...d.reference, other.reference] : d.reference,
    other ? [...d.current, other.current] : d.current,
  )
}

function featureSection(report: ReportJson): string {
  const rows: CellHtml[][] = Object.entries(report.features).map(([name, f]) => [
    name, f.kind, methodText(f), n(f.drift_score), n(f.p_value, 'p'), n(f.adjusted_p_value, 'p'), n(f.threshold),
    f.drift_detected === null ? badge('-', 'none') : f.drift_detected ? badge('DRIFT', 'bad') : badge('ok', 'ok'),
  ])
  const charts = Object.entries(report.features).flatMap(([name, f]) => {
    return f.distribution ? [figure(distributionChart(name, f.distribution), `distribution:${name}`)] : []
  })
  const d = report.dataset
  return [
    '<section id="drift"><h2>Feature drift</h2>',
    `<p>${esc(datasetDriftText(report))}</p>`,
    htmlTable(['feature', 'kind', 'method', 'score', 'p-value', 'adjusted p-value', 'threshold', 'drift'], rows, 'features'),
    charts.length > 0 ? `<h3>Reference vs current distributions</h3><div class="charts">${charts.join('\n')}</div>` : '<p>No binned distributions in this report.</p>',
    '</section>',
  ].join('\n')
}

const hasRows = (s: Section) => typeof s['rows'] === 'number'

function performanceSection(p: Section): string {
  const ref = (p['reference'] ?? {}) as Section
  const cur = (p['current'] ?? {}) as Section
  // Keyed by the same snake_case metric names as reference and current.
  const deg = (p['degradation'] ?? {}) as Record<string, Section>
  const metrics = [...new Set([...Object.keys(ref), ...Object.keys(cur)])].filter((k) => !NOT_METRICS.includes(k) && typeof (cur[k] ?? ref[k]) !== 'string')
  const confidence = `${Math.round(Number(p['confidence']) * 100)}% interval`
  const continuous = p['task'] === 'continuous'
  // Continuous targets' regression metrics: differences without an interval, and no method to name (as in the text report).
  const intervals = !continuous || metrics.some((m) => hasInterval(deg[m]))
  const rows = metrics.map((m) => {
    const d = deg[m]
    const status = performanceStatusText(p, m)
    return [m, n(get(ref, m)), n(get(cur, m)), n(get(d, 'difference')),
      ...(intervals ? [hasInterval(d) ? `[${n(get(d, 'ci_low'))}, ${n(get(d, 'ci_high'))}]` : '-', d ? `${d['method']}` : '-'] : []),
      status === undefined ? badge('ok', 'ok') : badge(status, 'warn')]
  })
  // A status column only when a metric has too few rows, as in the text report.
  const marked = metrics.some((m) => performanceStatusText(p, m) !== undefined)
  const withCi = metrics.filter((m) => typeof deg[m]?.['ci_low'] === 'number' && typeof deg[m]?.['ci_high'] === 'number')
  const charts: string[] = []
  // On one 0–1 axis: the classification metrics; the regression metrics are in the target's units (MAE, RMSE) or unbounded (MAPE, R²).
  const bounded = continuous ? [] : metrics.filter((m) => [get(ref, m), get(cur, m)].every((x) => x === null || (typeof x === 'number' && x >= 0 && x <= 1)))
  if (bounded.length > 0) {
    const current = { name: 'current', values: bounded.map((m) => (get(cur, m) as number | null) ?? null) }
    charts.push(figure(hasRows(ref)
      ? { kind: 'bar', title: 'Performance: reference vs current', labels: bounded, yMin: 0, yMax: 1, series: [{ name: 'reference', values: bounded.map((m) => (get(ref, m) as number | null) ?? null) }, current] }
      : { kind: 'bar', title: 'Performance', labels: bounded, yMin: 0, yMax: 1, series: [current] }, 'performance'))
  }
  if (withCi.length > 0) {
    charts.push(figure({ kind: 'bar', title: `Current minus reference, with the ${confidence}`, labels: withCi, series: [
      { name: confidence, values: withCi.map((m) => [deg[m]!['ci_low'] as number, deg[m]!['ci_high'] as number] as const) },
      { name: 'difference', values: withCi.map((m) => (get(deg[m], 'difference') as number | null) ?? null), as: 'line' },
    ] }, 'degradation'))
  }
  for (const { key, drift } of targetDrifts(p)) {
    const d = drift['distribution'] as DistributionJson | undefined
    if (d) charts.push(figure(distributionChart(key.replace('_', ' '), d), `distribution:${key}`))
  }
  const cal = p['calibration_drift'] as Section | undefined
  if (p['task'] !== 'continuous' && !hasPerformance(p)) {
    return ['<section id="performance"><h2>Performance</h2>', '<p>None: no label, prediction or score to compute from (see the notes).</p>', '</section>'].join('\n')
  }
  return [
    '<section id="performance"><h2>Performance</h2>',
    continuous && !hasRegressionMetrics(p)
      ? `<p>${esc(`No performance metric: ${continuousText(p)} (see the notes).`)}</p>`
      : `<p>${esc(`${continuous ? `regression: ${continuousText(p)}` : p['task']}${p['positive_class'] !== null && p['positive_class'] !== undefined ? `, positive class "${p['positive_class']}"` : ''}; rows ${hasRows(ref) ? `${n(get(ref, 'rows'), 'count')} → ` : ''}${n(get(cur, 'rows'), 'count')}`)}</p>`,
    rows.length > 0
      ? htmlTable(['metric', 'reference', 'current', 'difference', ...(intervals ? [confidence, 'method'] : []), ...(marked ? ['status'] : [])], marked ? rows : rows.map((r) => r.slice(0, -1)), 'performance-table')
      : p['task'] === 'continuous' ? '' : '<p>No performance metric: the files have no label or prediction column.</p>',
    cal ? `<p id="calibration-drift">${esc(calibrationText(cal))}</p>` : '',
    ...targetDrifts(p).map(({ id, label, drift }) => `<p id="${id}">${esc(targetDriftText(label, drift))}</p>`),
    charts.length > 0 ? `<div class="charts">${charts.join('\n')}</div>` : '',
    '</section>',
  ].join('\n')
}

/** The disparate impact ratio and its bound, as a badge when below 4/5 (fourFifthsText). */
function diHtml(f: Section, ratio: string): string {
  const { suffix, level } = fourFifthsText(f)
  return level === 'none' ? esc(`${ratio}${suffix}`) : (badge(`${ratio}${suffix}`, level) as { html: string }).html
}

function fairnessSection(attribute: string, f: Section): string {
  const groups = Object.entries((f['groups'] ?? {}) as Record<string, Section>)
  // Selection counts every prediction of the group (`predictions`, compared when selection_status
  // is ok); the label metrics its labeled rows (`count`, compared when status is ok).
  const rows = groups.map(([g, m]) => [g, n(get(m, 'predictions') ?? get(m, 'count'), 'count'), n(get(m, 'selection_rate')), n(get(m, 'count'), 'count'), n(get(m, 'true_positive_rate')), n(get(m, 'false_positive_rate')), n(get(m, 'accuracy')), String(m['status'])])
  const compared = groups.filter(([, m]) => (m['selection_status'] ?? m['status']) === 'ok' && typeof m['selection_rate'] === 'number')
  const best = Math.max(0, ...compared.map(([, m]) => m['selection_rate'] as number))
  const di = get(f, 'disparate_impact_ratio')
  const chart = compared.length > 0
    ? figure({ kind: 'bar', title: `Selection rate by ${attribute} (groups with enough rows)`, labels: compared.map(([g]) => g), yMin: 0,
      refLine: { value: 0.8 * best, label: '4/5 of the highest rate' },
      series: [{ name: 'selection rate', values: compared.map(([, m]) => m['selection_rate'] as number) }] }, `fairness:${attribute}`)
    : ''
  return [
    `<h3>${esc(attribute)}</h3>`,
    htmlTable(['group', 'predictions', 'selection', 'labeled', 'TPR', 'FPR', 'accuracy', 'status'], rows, `fairness-${attribute}`),
    `<p>${esc(`demographic parity difference ${n(get(f, 'demographic_parity_difference'))}, ratio ${n(get(f, 'demographic_parity_ratio'))}; equalized odds difference ${n(get(f, 'equalized_odds_difference'))}; equal opportunity difference ${n(get(f, 'equal_opportunity_difference'))}; disparate impact `)}${diHtml(f, n(di))}${esc(comparedSuffix(f))}</p>`,
    chart ? `<div class="charts">${chart}</div>` : '',
  ].join('\n')
}

function qualitySection(q: Section): string {
  const rows = Object.entries((q['features'] ?? {}) as Record<string, Section>).map(([name, f]) => {
    const news = f['new_categories'] as Record<string, number> | undefined
    return [name, n(get(f, 'missing_rate')), n(get(f, 'type_violation_rate')), n(get(f, 'out_of_range_rate')),
      news ? `${n(get(f, 'new_category_rate'))} ${Object.keys(news).slice(0, 5).join(', ')}` : '-', n(get(f, 'constant'))]
  })
  const o = (q['outliers'] ?? {}) as Section
  return [
    '<section id="quality"><h2>Data quality (current vs reference)</h2>',
    htmlTable(['feature', 'missing', 'type errors', 'out of range', 'new categories', 'constant'], rows, 'quality-table'),
    `<p>${esc(outliersText(o, '≥'))}</p>`,
    '</section>',
  ].join('\n')
}

export interface HtmlAssets {
  /** The chart script (dist/ui/report.js): Chart.js and the code that draws every `canvas[data-spec]`. */
  readonly script: string
}

export function formatHtml(report: ReportJson, assets: HtmlAssets, title = 'driftwatch report'): string {
  const d = report.dataset
  const fairness = Object.entries(report.fairness)
  // A current-only report (CI gates on performance and fairness) has no drift or quality figures.
  const hasReference = typeof d['reference_rows'] === 'number'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="icon" href="data:,"><style>${REPORT_CSS}</style></head>
<body>
<h1>${esc(title)}</h1>
<p id="summary">${esc(hasReference
    ? `${d['reference_rows']} reference rows, ${d['current_rows']} current rows. Dataset drift: ${datasetDriftText(report)}.`
    : `${n(get(d, 'current_rows'), 'count')} current rows, no reference.`)}</p>
${hasReference ? featureSection(report) : ''}
${performanceSection(report.performance)}
<section id="fairness"><h2>Fairness</h2>
${fairness.length > 0 ? fairness.map(([a, f]) => fairnessSection(a, f)).join('\n') : '<p>No protected attribute: pass --protected or list them in the model file.</p>'}
</section>
${hasReference ? qualitySection(report.quality) : ''}
${report.notes.length > 0 ? `<section id="notes"><h2>Notes</h2><ul>${report.notes.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></section>` : ''}
<script type="application/json" id="report-data">${jsonScriptText(report)}</script>
<script>${scriptText(assets.script)}</script>
</body></html>
`
}
