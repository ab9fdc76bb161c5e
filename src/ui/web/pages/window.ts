/**
 * Window page: per-feature reference vs current distributions, the statistic that decided and
 * why, with every other statistic of the row (an alert can fire on any); performance with
 * intervals, fairness per group (with 4/5 of the best group's selection rate), the quality
 * problems the headline counts, detectors and the window's alerts.
 */
import { binLabels, type ChartSpec, distributionSpec } from '../../chart-spec.js'
import { compact, numeric, percent, plotted, referenceText, utcTime, versus, windowLabel } from '../../figures.js'
import { qualityFeature, qualityProblemCount, qualityProblems, type QualityFigure, type ReferenceCount } from '../../quality-problems.js'
import { getJson } from '../api.js'
import { NO_POSITIVE_CLASS } from '../../../evaluate/row-status.js'
import type { ApiNote, DatasetDrift, DetectorDetail, DriftDetail, FairnessDetail, ModelSummary, PerformanceDetail, WindowDetail } from '../api-types.js'
import { badge, chartFigure, fmt, h, type Level, nameText, openBadge, table } from '../dom.js'
import { boundOf, FOUR_FIFTHS, fourFifths } from '../health.js'
import { modelHref } from '../routes.js'
import { comparisonTable } from '../comparison-view.js'

/**
 * Why a binary row has no figure with status NO_POSITIVE_CLASS (src/evaluate/row-status.ts): the
 * positive class is none of the classes (labels and predicted classes) of `side`. A calibration
 * row gets the status when either side lacks the class, a fairness row when the window does.
 */
const positiveClassAbsent = (side: string) =>
  `the model's positive class is none of ${side} classes (labels and predicted classes): set positiveClass for the model in driftwatch.yaml`

/** The API's own reason or note for a figure, when it sends one (trimmed; empty counts as none). */
export function apiNote(x: ApiNote): string | null {
  for (const v of [x.reason, x.note]) if (typeof v === 'string' && v.trim() !== '') return v.trim()
  return null
}

/**
 * Why a row has no verdict: the API's reason when it gives one, else from its status (src/read/schemas.ts, DriftDetailSchema). The API
 * sends drift_detected false for these too, so the status is read before the flag.
 */
function noVerdict(d: DriftDetail): { readonly label: string; readonly reason: string } {
  const said = apiNote(d)
  if (said !== null) return { label: d.status === 'insufficient' ? 'insufficient data' : d.status.replaceAll('_', ' '), reason: said }
  switch (d.status) {
    case 'insufficient':
      return { label: 'insufficient data', reason: `too few rows on a side for a verdict (reference ${d.n_reference}, current ${d.n_current})` }
    case 'method_not_applicable':
      return { label: 'method not applicable', reason: `the configured method does not apply to this ${d.column_kind} column` }
    case NO_POSITIVE_CLASS:
      return { label: 'no positive class', reason: positiveClassAbsent("this window's or its reference's") }
    case 'not_computable':
      return { label: 'not computable', reason: d.target === 'calibration'
        ? 'no score bin has rows on both sides and both outcomes among them (e.g. every label one class): the calibration test has nothing to compare'
        : `the ${d.method} statistic could not be computed on these values` }
    default:
      return { label: d.status, reason: `status ${d.status}` }
  }
}

interface Compared {
  /** What the figure is: "adjusted p-value", "p-value" or the method's name. */
  readonly name: string
  readonly value: number
  /** A test's p-value (drift when below the threshold), else a distance (drift at or above it). */
  readonly test: boolean
}

/** The figure a row compares with its threshold: the adjusted p-value when stored, else the raw one, else the score. */
function compared(d: DriftDetail): Compared | null {
  if (d.p_value_adjusted !== null) return { name: 'adjusted p-value', value: d.p_value_adjusted, test: true }
  if (d.p_value !== null) return { name: 'p-value', value: d.p_value, test: true }
  const score = numeric(d.score)
  if (score !== null) return { name: d.method, value: score, test: false }
  return null
}

/** The figure and its threshold, with the digits that tell them apart: never "0.0500 < 0.0500". */
function comparison(c: Compared, threshold: number, op: string): string {
  const shown = versus(c.value, threshold, 4)
  return `${c.name} ${shown.value} ${op} ${c.test ? '' : 'threshold '}${shown.threshold}`
}
/** Drift by the figures alone (src/metrics/drift/dataset-drift.ts): a p-value below the threshold, a score at or above it. */
const beyond = (c: Compared, threshold: number) => (c.test ? c.value < threshold : c.value >= threshold)

/** Why the verdict, or why there is none: the compared figure against its threshold, as the row's figures say. */
export function why(d: DriftDetail): string {
  const c = compared(d)
  const threshold = numeric(d.threshold)
  if (d.status !== 'ok') {
    const { reason } = noVerdict(d)
    return c && threshold !== null ? `${reason}; ${comparison(c, threshold, 'not compared with')}` : reason
  }
  if (c === null || threshold === null) return `no ${d.method} score or p-value to compare with ${fmt(d.threshold, 4)}`
  return comparison(c, threshold, c.value < threshold ? '<' : '≥')
}

/**
 * The row's other statistics (every applicable one is stored, src/read/schemas.ts), by name:
 * an alert rule can fire on any of them (the default one on PSI), whichever method decided.
 * The deciding method's score and p-value have their own columns.
 */
export function otherStatistics(d: DriftDetail): string {
  const shown = new Set([d.method, `${d.method}_p_value`])
  const others = Object.entries(d.statistics).filter(([name]) => !shown.has(name)).sort(([a], [b]) => a.localeCompare(b))
  return others.length === 0 ? '-' : others.map(([name, value]) => `${name} ${fmt(value, 4)}`).join(', ')
}

/** The verdict badge: drift, ok only when the figures show no drift, and no verdict otherwise. */
export function verdict(d: DriftDetail): { readonly text: string; readonly level: Level } {
  if (d.status !== 'ok') return { text: `no verdict: ${noVerdict(d).label}`, level: 'none' }
  if (d.drift_detected) return { text: 'drift', level: 'bad' }
  // drift_detected is false too when the statistic could not be computed (NaN is stored as null).
  const c = compared(d)
  const threshold = numeric(d.threshold)
  if (c === null || threshold === null || beyond(c, threshold)) return { text: 'no verdict', level: 'none' }
  return { text: 'ok', level: 'ok' }
}

/** The dataset drift line: features without a verdict are left out of the share and counted apart. */
export function datasetDriftText(dd: DatasetDrift | null): string {
  if (!dd) return 'No dataset drift row.'
  const said = apiNote(dd)
  if (dd.status !== 'ok' && said !== null) return `No verdict on the ${dd.n_features} features: ${said}`
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

/** Rows that compare a column's distribution; calibration and concept rows have none to draw. */
const DISTRIBUTION_TARGETS = new Set(['feature', 'prediction', 'label'])

/**
 * One line per drift row whose reference vs current chart is missing, saying why (the API's
 * distribution_note: the reference as configured no longer fits the stored counts, or a side's
 * counts expired after retention.raw), so that a chart never just vanishes.
 */
export function missingDistributions(rows: readonly DriftDetail[]): { column: string; text: string }[] {
  return rows.filter((d) => d.distribution === null && DISTRIBUTION_TARGETS.has(d.target)).map((d) => {
    const why = typeof d.distribution_note === 'string' && d.distribution_note.trim() !== ''
      ? d.distribution_note.trim()
      : 'not available: the reference as configured no longer fits the stored counts, or they expired after retention.raw'
    return { column: `${d.target}:${d.column}`, text: `No reference vs current chart of ${d.column} (${d.target}): ${why}.` }
  })
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
  const best = groups.reduce((most, g) => Math.max(most, plotted(g.value) ?? 0), -Infinity)
  return {
    kind: 'bar',
    title: `Selection rate by ${attribute} (groups with enough rows)`,
    labels: groups.map((g) => g.group),
    yMin: 0,
    refLine: { value: 0.8 * best, label: '4/5 of the highest rate' },
    series: [{ name: 'selection rate', values: groups.map((g) => plotted(g.value)) }],
  }
}

/** The stored upper confidence bound of an attribute's disparate impact ratio (what the default alert rule reads). */
export const RATIO_UPPER = 'disparate_impact_ratio_upper'

/**
 * A parity ratio by the 4/5 rule as the default alert rule reads it (../../health.ts fourFifths):
 * red when the attribute's upper bound (its `disparate_impact_ratio_upper` row in `rows`) is
 * below 0.8, amber when only the ratio is (within sampling noise); without a bound row (a window
 * stored before the bound existed), red below 0.8. The bound row itself is red below 0.8. The
 * digits are those that tell the figure from 0.8.
 */
export function ratioCell(f: FairnessDetail, rows: readonly FairnessDetail[]): Node | string {
  const value = numeric(f.value)
  if (value === null || Number.isNaN(value) || f.group !== '') return fmt(f.value, 4)
  if (f.metric === RATIO_UPPER) {
    if (value >= FOUR_FIFTHS) return fmt(f.value, 4)
    const shown = versus(value, FOUR_FIFTHS)
    return badge(`${shown.value} < ${shown.threshold}`, 'bad')
  }
  if (!f.metric.endsWith('ratio')) return fmt(f.value, 4)
  const bound = rows.find((r) => r.attribute === f.attribute && r.group === '' && r.metric === RATIO_UPPER)
  const below = fourFifths(value, bound ? boundOf(bound.value) : null, 4)
  return below ? badge(below.text, below.level) : fmt(f.value, 4)
}

/** A performance row's value, with the API's reason beside it when the row is not a plain figure. */
export function performanceValue(p: PerformanceDetail): string {
  const said = apiNote(p)
  return said === null ? fmt(p.value, 4) : `${fmt(p.value, 4)} (${said})`
}

/**
 * What a detector's figures are (docs/evaluation.md, concept rows): `score` is its error-rate
 * estimate after the window, `threshold` one of its parameters in another unit (DDM: the drift
 * level, in standard deviations above its lowest error rate; ADWIN: δ, the confidence of a cut).
 * The score is never compared with the parameter: the verdict is the detector's own.
 */
export function detectorCells(d: DetectorDetail): { estimate: string; parameters: string } {
  switch (d.detector) {
    case 'ddm':
      return { estimate: `${fmt(d.score, 4)} (running error rate since the last reset)`, parameters: `drift level ${compact(numeric(d.threshold))} standard deviations` }
    case 'adwin':
      return { estimate: `${fmt(d.score, 4)} (mean error of the adaptive window)`, parameters: `δ ${compact(numeric(d.threshold))}` }
    default:
      return { estimate: fmt(d.score, 4), parameters: `parameter ${compact(numeric(d.threshold))}` }
  }
}

/**
 * Why a model has no fairness figures when its task is the reason: fairness reads labels and
 * predictions as positive or not, so it is computed for binary models only (driftwatch.yaml
 * refuses `protected` on another task, src/config/file.ts). Null for a binary task, or one not
 * known (not read, or 'unknown': src/read/task.ts).
 */
export function binaryOnlyNote(task: string | undefined): string | null {
  return task === undefined || task === 'binary' || task === 'unknown' ? null : `fairness is computed for binary models only, and this is a ${task} model`
}

/**
 * Why a section of the window page is empty, so that it never shows as a header-only table; and
 * `unlabeled` when the performance figures are estimates only, before any label arrived. `task`
 * is the model's (ModelSummary.task), when known.
 */
export function emptySection(w: Pick<WindowDetail, 'drift' | 'performance' | 'fairness' | 'reference' | 'summary'>, task?: string): { drift?: string; performance?: string; unlabeled?: string; noPositiveClass?: string; fairness?: string } {
  const binaryOnly = binaryOnlyNote(task)
  const estimatesOnly = w.performance.length > 0 && w.summary.labeled === 0 && w.performance.every((p) => p.kind !== 'realized')
  const noPositiveClass = positiveClassNote(w)
  return {
    ...(noPositiveClass ? { noPositiveClass } : {}),
    ...(estimatesOnly ? { unlabeled: 'No realized figures yet: no labels have arrived for this window; the estimates (CBPE) need none.' } : {}),
    ...(w.drift.length === 0 ? { drift: `No drift figures: this window was not compared with a reference (reference: ${w.reference ? referenceText(w.reference) : 'none yet'}).` } : {}),
    ...(w.performance.length === 0 ? { performance: w.summary.labeled === 0 ? 'No performance figures yet: no labels have arrived for this window.' : 'No performance figures: too few labeled predictions in this window.' } : {}),
    ...(w.fairness.length === 0 ? { fairness: binaryOnly ? `No fairness figures: ${binaryOnly}.` : 'No fairness figures: the model names no protected attributes (protected in its configuration), or this window has no groups to compare.' } : {}),
  }
}

/**
 * Which side lacks the positive class, as far as the rows tell (src/evaluate/compute.ts): fairness
 * rows carry the status when the window lacks it, so a calibration row with the status beside
 * fairness rows without it means the reference alone lacks it; without fairness rows either side may.
 */
function positiveClassNote(w: Pick<WindowDetail, 'drift' | 'fairness'>): string | null {
  const absent = (r: { readonly status: string }) => r.status === NO_POSITIVE_CLASS
  if (w.fairness.some(absent)) return `No binary figures: ${positiveClassAbsent("this window's")}.`
  if (!w.drift.some(absent)) return null
  if (w.fairness.length > 0) return `No figures compared with the reference's binary outcomes (calibration, degradation): ${positiveClassAbsent("the reference's")}.`
  return `Binary figures missing: ${positiveClassAbsent("this window's or its reference's")}.`
}

/** How the count judges the rates that data like the reference also has (src/ui/quality-problems.ts). */
export const QUALITY_RULE = 'A missing value or a new category is a problem. Data like the reference also has some values out of its range and some outliers: ' +
  'an out-of-range or outlier rate is a problem only when a rate that high comes by chance in at most 1 of 1,000 windows of unchanged data.'

/** Quality checks made against the reference (src/evaluate/quality-rows.ts): without one, only missing_rate rows are written. */
const REFERENCE_CHECKS = ['out_of_range_rate', 'new_category_rate', 'outlier_rate']

/**
 * The data-quality line: how many features have a problem, and what was checked. A window
 * without a reference has only missing-value rows (ranges, categories and outliers are checked
 * against a reference): its "no problem" would be a verdict on checks that never ran, so it says
 * only missing values were checked, as no verdict (grey). `drift`: the window's drift rows, whose
 * reference sizes judge the out-of-range and outlier rates (src/ui/quality-problems.ts).
 */
export function qualitySummary(rows: readonly QualityFigure[], drift: readonly ReferenceCount[]): { readonly text: string; readonly level: Level } {
  const count = qualityProblemCount(rows, drift)
  const problems = `${count} ${count === 1 ? 'feature' : 'features'} with a quality problem`
  if (rows.length === 0) return { text: 'No quality figures for this window.', level: 'none' }
  if (!rows.some((q) => REFERENCE_CHECKS.includes(q.metric))) {
    const only = 'only missing values were checked (no reference to check ranges, new categories and outliers against)'
    return count === 0 ? { text: `No missing values; ${only}.`, level: 'none' } : { text: `${problems}; ${only}.`, level: 'warn' }
  }
  return count === 0 ? { text: 'No quality problem.', level: 'ok' } : { text: problems, level: 'warn' }
}

/** One model's settings, versions and latest headline (GET /v1/models/{model}; 404 when unknown). */
export const modelSummary = (model: string): Promise<ModelSummary> => getJson<ModelSummary>(`/v1/models/${encodeURIComponent(model)}`)

/** The model's task, to say why its fairness section is empty; undefined when it cannot be read. */
async function modelTask(model: string): Promise<string | undefined> {
  try {
    return (await modelSummary(model)).task
  } catch {
    return undefined
  }
}

export async function windowPage(model: string, start: string, query: URLSearchParams): Promise<HTMLElement> {
  const version = query.get('version') ?? undefined
  const w = await getJson<WindowDetail>(`/v1/models/${encodeURIComponent(model)}/windows/${encodeURIComponent(start)}`, { version })
  const s = w.summary
  const section = h(
    'section',
    { 'data-page': 'window', 'data-model': model, 'data-window': w.window_start },
    h('p', {}, h('a', { href: modelHref(model, { version: w.model_version }) }, '← ', nameText(model))),
    h('h1', {}, nameText(model), ` ${w.model_version}: window ${windowLabel(w.window_start, w.window_end)} `, openBadge(w.closed, w.future)),
    h('p', {}, `${s.predictions} predictions, ${s.labeled} labeled (${percent(s.label_coverage)}); ${w.future ? 'starts after now (events stamped ahead): it decides no alert until it starts' : w.closed ? 'closed' : 'open: its figures can still change'}; reference: ${referenceText(w.reference)}; evaluated ${utcTime(w.evaluated_at)}`),
  )
  const empty = emptySection(w, w.fairness.length === 0 ? await modelTask(model) : undefined)
  section.append(h('h2', {}, 'Drift'), h('p', {}, empty.drift ?? datasetDriftText(w.dataset_drift)))
  if (!empty.drift) section.append(table(
    ['target', 'column', 'kind', 'method', 'score', 'p-value', 'adjusted', 'threshold', 'verdict', 'why', 'reference n', 'current n', 'other statistics'],
    w.drift.map((d) => {
      const v = verdict(d)
      return [d.target, d.column, d.column_kind, d.method, fmt(d.score, 4), fmt(d.p_value, 4), fmt(d.p_value_adjusted, 4), fmt(d.threshold, 4),
        badge(v.text, v.level), why(d), d.n_reference, d.n_current, h('span', { class: 'stats' }, otherStatistics(d))]
    }),
    { id: 'drift' },
    ['column'],
  ))
  const dists = w.drift.flatMap((d) => {
    const spec = distributionChart(d)
    return spec ? [chartFigure(spec, `distribution:${d.target}:${d.column}`)] : []
  })
  if (dists.length > 0) section.append(h('div', { class: 'charts small' }, ...dists))
  const missing = missingDistributions(w.drift)
  if (missing.length > 0) section.append(h('ul', { class: 'empty-note', id: 'no-distribution' }, ...missing.map((m) => h('li', { 'data-column': m.column }, m.text))))

  section.append(h('h2', {}, 'Performance'), empty.performance ? h('p', { class: 'empty-note', id: 'no-performance' }, empty.performance) : table(
    ['variant', 'metric', 'kind', 'value', 'interval', 'n', 'label coverage'],
    w.performance.map((p) => [p.variant, p.metric, p.kind, performanceValue(p), p.ci_low === null && p.ci_high === null ? '-' : `[${fmt(p.ci_low, 4)}, ${fmt(p.ci_high, 4)}]`, p.n, percent(p.label_coverage)]),
    { id: 'performance' },
  ), empty.unlabeled ? h('p', { class: 'empty-note', id: 'no-realized' }, empty.unlabeled) : '',
  empty.noPositiveClass ? h('p', { class: 'empty-note', id: 'no-positive-class' }, empty.noPositiveClass) : '')
  section.append(...comparisonTable(w))

  section.append(h('h2', {}, 'Fairness'))
  const attributes = [...new Set(w.fairness.map((f) => f.attribute))]
  for (const a of attributes) {
    const spec = fairnessChart(a, w.fairness)
    if (spec) section.append(h('div', { class: 'charts' }, chartFigure(spec, `fairness:${a}`)))
  }
  section.append(empty.fairness ? h('p', { class: 'empty-note', id: 'no-fairness' }, empty.fairness) : table(['attribute', 'group', 'metric', 'value', 'n', 'status'],
    w.fairness.map((f) => [f.attribute, f.group || '(all groups)', f.metric, ratioCell(f, w.fairness), f.n, f.status]),
    { id: 'fairness' }, ['attribute', 'group']))

  // The problems the headline counts (src/ui/quality-problems.ts), then every quality figure.
  const problems = qualityProblems(w.quality, w.drift)
  const quality = qualitySummary(w.quality, w.drift)
  const qualityRow = (q: (typeof w.quality)[number]) => [qualityFeature(q), q.metric, fmt(q.value, 4), q.n]
  section.append(
    h('h2', {}, 'Data quality'),
    h('p', { id: 'quality-problems' }, badge(quality.text, quality.level)),
    ...(w.quality.some((q) => q.metric === 'out_of_range_rate' || q.metric === 'outlier_rate') ? [h('p', { id: 'quality-rule' }, QUALITY_RULE)] : []),
    // Element.append writes `false` as text: only the parts there are.
    ...(problems.length > 0 ? [table(['feature', 'metric', 'value', 'n'], problems.map(qualityRow), { id: 'quality' }, ['feature'])] : []),
    ...(w.quality.length > 0 ? [h('details', {}, h('summary', {}, 'all quality figures'), table(['feature', 'metric', 'value', 'n'], w.quality.map(qualityRow), { id: 'quality-all' }, ['feature']))] : []),
  )
  if (w.detectors.length > 0) {
    section.append(h('h2', {}, 'Concept-drift detectors'), table(['detector', 'error-rate estimate', 'parameters', 'drift', 'detections'],
      w.detectors.map((d) => {
        const cells = detectorCells(d)
        return [d.detector, cells.estimate, cells.parameters, d.drift_detected ? 'yes' : 'no', d.detections.map((t) => utcTime(t, true)).join(', ')]
      }), { id: 'detectors' }))
  }
  section.append(h('h2', {}, 'Alerts'), w.alerts.length === 0 ? h('p', {}, 'No alert about this window.') : table(['status', 'rule', 'subject', 'value', 'threshold'], w.alerts.map((a) => {
    const shown = versus(a.value, a.threshold)
    return [a.status, a.rule, a.subject, shown.value, shown.threshold]
  }), {}, ['rule', 'subject']))
  return section
}
