/**
 * Model page: per-window time series of one model version (and variant): drift share, drifted
 * features (a heatmap table), realized vs estimated performance with label coverage, the worst
 * fairness ratio with the 4/5 line, volume, and challenger vs champion when both variants exist.
 */
import type { ChartSpec } from '../../chart-spec.js'
import { ApiError, getAll, getJson } from '../api.js'
import type { ModelSummary, WindowDetail, WindowHeadline } from '../api-types.js'
import { drawAll } from '../charts.js'
import { duration, percent, versus, windowLabel, windowStartLabel } from '../../figures.js'
import { chartFigure, fmt, h, nameText, openBadge, table, whenLoaded } from '../dom.js'
import { driftHealth, featureHealth, FOUR_FIFTHS } from '../health.js'
import { modelHref, windowHref } from '../routes.js'
import { comparisonCharts, openFrom } from '../comparison-view.js'
import { binaryOnlyNote } from './window.js'
import { mapLimit } from '../limit.js'

const HEATMAP_WINDOWS = 60
/** Per-group fairness needs each window's detail: the last this many windows, a few requests at a time. */
const GROUP_WINDOWS = 30
const PARALLEL = 4

/**
 * A window's label on a chart axis or the heatmap: its start (UTC, with seconds when the window
 * is not a whole number of minutes long), marked when the window is still open.
 */
export const tick = (w: { readonly window_start: string; readonly window_end?: string; readonly closed: boolean }): string =>
  `${windowStartLabel(w.window_start, w.window_end === undefined ? undefined : Date.parse(w.window_end) - Date.parse(w.window_start))}${w.closed ? '' : ' (open)'}`

/**
 * The windows' details, PARALLEL requests in flight (each takes a while: the window's
 * distributions are rebuilt), with `progress(done)` called as each arrives.
 */
function details(model: string, windows: readonly WindowHeadline[], progress: (done: number) => void): Promise<WindowDetail[]> {
  return mapLimit(windows, PARALLEL, (w) =>
    getJson<WindowDetail>(`/v1/models/${encodeURIComponent(model)}/windows/${encodeURIComponent(w.window_start)}`, { version: w.model_version }),
  (_d, _i, done) => progress(done))
}

/**
 * Per protected attribute: each group's selection rate over the highest group's in the window
 * (the impact ratio; the 4/5 rule flags a group below 0.8), one line per group. Only groups the
 * fairness ratio compares in that window (status ok: enough rows) count, for the highest rate and
 * as points: a group too small to compare has no point in that window.
 */
export function groupRatioCharts(ds: readonly WindowDetail[]): { attribute: string; spec: ChartSpec }[] {
  const attributes = [...new Set(ds.flatMap((d) => d.fairness.map((f) => f.attribute)))].sort()
  return attributes.map((attribute) => {
    const rates = ds.map((d) => new Map(d.fairness.filter((f) => f.attribute === attribute && f.group !== '' && f.metric === 'selection_rate' && f.status === 'ok' && f.value !== null).map((f) => [f.group, f.value!])))
    const groups = [...new Set(rates.flatMap((r) => [...r.keys()]))].sort()
    const spec: ChartSpec = {
      kind: 'line',
      title: `Selection rate ratio to the highest group, by ${attribute}; the 4/5 rule at 0.8`,
      labels: ds.map((d) => tick(d)),
      yMin: 0,
      yMax: 1.2,
      refLine: { value: 0.8, label: '4/5 rule' },
      series: groups.map((g) => ({
        name: g,
        values: rates.map((r) => {
          const best = Math.max(0, ...r.values())
          const v = r.get(g)
          return v === undefined || best === 0 ? null : v / best
        }),
      })),
    }
    return { attribute, spec }
  })
}

const seriesOf = (model: string, version: string | undefined, variant: string) =>
  getAll<WindowHeadline>(`/v1/models/${encodeURIComponent(model)}/windows`, { version, variant, limit: '5000' })

/**
 * A selector's options with `value` selected. A value the URL asks for that is not an option
 * (`?version=v9`) is added first, marked, so the selector shows what the page shows.
 */
export function selectOptions(name: string, options: readonly string[], value: string): { value: string; text: string; selected: boolean }[] {
  const known = options.map((o) => ({ value: o, text: o, selected: o === value }))
  return options.includes(value) ? known : [{ value, text: `${value} (no such ${name})`, selected: true }, ...known]
}

function select(name: string, options: readonly string[], value: string, href: (v: string) => string): HTMLElement {
  const el = h('select', { name, 'aria-label': name, title: value }, ...selectOptions(name, options, value).map((o) => h('option', { value: o.value, selected: o.selected }, o.text)))
  el.addEventListener('change', () => (location.hash = href(el.value)))
  return h('label', {}, `${name} `, el)
}

/**
 * Drifted features per window as a table: one row per feature that ever drifted, one column per
 * window; a window without a verdict on its features is marked so, not left blank as "no drift".
 */
function heatmap(model: string, version: string, windows: readonly WindowHeadline[]): HTMLElement {
  const shown = windows.slice(-HEATMAP_WINDOWS)
  const features = [...new Set(shown.flatMap((w) => w.drifted_features))].sort()
  const head = h('tr', {}, h('th', {}, 'feature'), ...shown.map((w) => h('th', { class: 'rot' }, h('a', { href: windowHref(model, w.window_start, version) }, tick(w)))))
  const rows = features.map((f) =>
    h('tr', {}, h('th', {}, f), ...shown.map((w) => {
      const drifted = w.drifted_features.includes(f)
      const health = featureHealth(w, f)
      const cls = drifted ? 'cell drift' : health.level === 'ok' ? 'cell' : `cell ${health.level}`
      return h('td', { class: cls, 'data-feature': f, 'data-window': w.window_start, 'data-drifted': String(drifted), title: `${f} ${tick(w)}: ${health.text}` }, drifted ? '●' : '')
    })),
  )
  return h(
    'figure',
    { class: 'heatmap', 'data-chart': 'feature-drift' },
    h('figcaption', {}, `Drifted features per window${windows.length > shown.length ? ` (last ${shown.length} windows)` : ''}`),
    features.length === 0 ? h('p', {}, 'No feature drifted in these windows.') : h('div', { class: 'scroll' }, h('table', { class: 'grid' }, h('thead', {}, head), h('tbody', {}, ...rows))),
  )
}

export function modelCharts(windows: readonly WindowHeadline[]): ChartSpec[] {
  const labels = windows.map(tick)
  const metric = windows.find((w) => w.performance)?.performance?.metric ?? 'performance'
  const attribute = windows.find((w) => w.fairness)?.fairness?.attribute ?? ''
  return [
    { kind: 'line', title: 'Drift share (features drifted / evaluated)', labels, yMin: 0, yMax: 1, series: [{ name: 'drift share', values: windows.map((w) => w.drift_share) }] },
    {
      kind: 'line',
      title: `${metric}: realized vs estimated (CBPE), and label coverage (%)`,
      labels,
      rightLabel: 'label coverage (%)',
      rightMin: 0,
      rightMax: 100,
      series: [
        { name: `${metric} realized`, values: windows.map((w) => w.performance?.realized ?? null) },
        { name: `${metric} estimated`, values: windows.map((w) => w.performance?.estimated ?? null), dashed: true },
        // A percent, as everywhere else coverage is shown.
        { name: 'label coverage (%)', values: windows.map((w) => (w.label_coverage === null ? null : w.label_coverage * 100)), axis: 'right', as: 'bar' },
      ],
    },
    {
      kind: 'line',
      title: `Worst fairness ratio${attribute ? ` (${attribute})` : ''}; the 4/5 rule at 0.8`,
      labels,
      yMin: 0,
      yMax: 1.2,
      refLine: { value: 0.8, label: '4/5 rule' },
      series: [{ name: 'disparate impact ratio', values: windows.map((w) => w.fairness?.value ?? null) }],
    },
    { kind: 'bar', title: 'Volume', labels, yMin: 0, series: [{ name: 'predictions', values: windows.map((w) => w.predictions) }, { name: 'labeled', values: windows.map((w) => w.labeled) }] },
  ]
}

/** The model page's charts by id, in modelCharts' order. */
export const CHART_IDS = ['drift-share', 'performance', 'fairness', 'volume'] as const

/** Why a chart has nothing (or part of nothing) to draw: `empty` replaces the chart, a note goes under it. */
export interface ChartNote { readonly text: string; readonly empty: boolean }

/**
 * What the model page says instead of an empty chart, by chart id: drift without a reference or a
 * verdict, performance before any label or of a variant the model does not have (`noSuchVariant`:
 * the windows are then those of variant 'all', whose performance is not shown), fairness for a
 * model without protected attributes or whose task (ModelSummary.task, when known) is not binary.
 */
export function chartNotes(windows: readonly WindowHeadline[], task?: string, noSuchVariant?: string): Partial<Record<(typeof CHART_IDS)[number], ChartNote>> {
  const notes: Partial<Record<(typeof CHART_IDS)[number], ChartNote>> = {}
  if (windows.length === 0) return notes
  if (windows.every((w) => w.drift_share === null)) {
    // No drift rows, or a dataset row over no feature: nothing was compared (a model's first
    // windows have no previous window for a reference).
    const text = windows.every((w) => w.drift_status === 'not_evaluated' || w.n_features === 0)
      ? 'No drift share: these windows were not compared with a reference (none was available yet).'
      : windows.every((w) => w.drift_status === 'insufficient' || w.drift_status === 'not_evaluated')
        ? 'No drift share: too few rows on a side for a verdict on any feature.'
        : 'No drift share: no feature had a verdict in these windows.'
    notes['drift-share'] = { text, empty: true }
  }
  const metric = windows.find((w) => w.performance)?.performance?.metric ?? 'performance'
  const unlabeled = windows.every((w) => w.labeled === 0)
  const realized = windows.some((w) => w.performance?.realized != null)
  const estimated = windows.some((w) => w.performance?.estimated != null)
  if (noSuchVariant !== undefined) {
    notes['performance'] = { text: `No ${metric}: this model has no variant "${noSuchVariant}" (no performance figures of it); pick one above.`, empty: true }
  } else if (!realized && !estimated) {
    notes['performance'] = { text: unlabeled ? `No ${metric} yet: no labels have arrived for these windows, and there is no estimate.` : `No ${metric} in these windows: too few labeled predictions.`, empty: true }
  } else if (!realized) {
    notes['performance'] = { text: unlabeled ? `No realized ${metric} yet: no labels have arrived for these windows; the estimate (CBPE) needs none.` : `No realized ${metric}: too few labeled predictions in these windows.`, empty: false }
  }
  if (windows.every((w) => w.fairness === null)) {
    const binaryOnly = binaryOnlyNote(task)
    notes['fairness'] = { text: binaryOnly ? `No fairness ratio: ${binaryOnly}.` : 'No fairness ratio: the model names no protected attributes (protected in its configuration), or its windows had no groups to compare.', empty: true }
  }
  return notes
}

/** A chart, or the reason it has nothing to draw, with its title. */
function noted(spec: ChartSpec, id: string, note: ChartNote | undefined): HTMLElement {
  if (note?.empty) return h('figure', { class: 'chart empty', 'data-chart': id, 'data-empty': 'true' }, h('figcaption', {}, spec.title), h('p', { class: 'empty-note' }, note.text))
  const figure = chartFigure(spec, id)
  if (note) figure.append(h('p', { class: 'empty-note' }, note.text))
  return figure
}

function comparisonChart(champion: readonly WindowHeadline[], challenger: readonly WindowHeadline[]): ChartSpec {
  const both = [...champion, ...challenger]
  const starts = [...new Set([...champion, ...challenger].map((w) => w.window_start))].sort()
  // Without a version filter a start has a row per version; the variant's figures are on the
  // version that served it.
  const at = (ws: readonly WindowHeadline[], key: 'realized' | 'estimated') =>
    starts.map((s) => ws.find((w) => w.window_start === s && w.performance)?.performance?.[key] ?? null)
  const metric = champion.find((w) => w.performance)?.performance?.metric ?? 'performance'
  return {
    kind: 'line',
    title: `Challenger vs champion: ${metric} realized (estimated dashed)`,
    // A start is open when the window of either variant there still is.
    labels: starts.map((s) => tick({ window_start: s, window_end: both.find((w) => w.window_start === s)?.window_end, closed: both.every((w) => w.window_start !== s || w.closed) })),
    series: [
      { name: 'champion', values: at(champion, 'realized') },
      { name: 'challenger', values: at(challenger, 'realized') },
      { name: 'champion estimated', values: at(champion, 'estimated'), dashed: true },
      { name: 'challenger estimated', values: at(challenger, 'estimated'), dashed: true },
    ],
  }
}

export async function modelPage(model: string, query: URLSearchParams): Promise<HTMLElement> {
  const models = await getAll<ModelSummary>('/v1/models')
  const m = models.find((x) => x.model === model)
  if (!m) throw new ApiError(404, 'DW_NOT_FOUND', `no model "${model}"`)
  const versions = m.versions.map((v) => v.version)
  const version = query.get('version') ?? m.latest?.model_version ?? versions[0] ?? ''
  const variants = m.variants.length > 0 ? m.variants : ['all']
  const variant = query.get('variant') ?? (variants.includes('all') ? 'all' : variants[0]!)
  const knownVersion = versions.includes(version)
  const knownVariant = variants.includes(variant)
  // The API answers 404 for a version or variant the model does not have: an unknown version has
  // no windows to show, an unknown variant the windows of all variants without their performance.
  const windows = knownVersion ? await seriesOf(model, version, knownVariant ? variant : 'all') : []
  const unknown = [...(knownVersion ? [] : [`no version "${version}"`]), ...(knownVariant ? [] : [`no variant "${variant}"`])]
  const filters = h(
    'div',
    { class: 'filters' },
    select('version', versions, version, (v) => modelHref(model, { version: v, variant })),
    select('variant', variants, variant, (v) => modelHref(model, { version, variant: v })),
    h('span', {}, `${m.task} model, ${duration(m.window_ms)} windows, reference: ${m.reference.description}`),
  )
  const notes = chartNotes(windows, m.task, knownVariant ? undefined : variant)
  const charts = modelCharts(windows).map((spec, i) => noted(spec, CHART_IDS[i]!, notes[CHART_IDS[i]!]))
  const section = h('section', { 'data-page': 'model', 'data-model': model, 'data-version': version, 'data-variant': variant }, h('h1', {}, 'Model ', nameText(model)), filters)
  if (unknown.length > 0) section.append(h('p', { class: 'error', id: 'unknown-filter' }, `This model has ${unknown.join(' and ')}: pick one above.`))
  if (windows.length === 0) {
    section.append(h('p', {}, 'No evaluated window for this version.'))
    return section
  }
  section.append(h('div', { class: 'charts' }, charts[0]!, heatmap(model, version, windows), ...charts.slice(1)))
  let champion: WindowHeadline[] = []
  let challenger: WindowHeadline[] = []
  if (variants.includes('champion') && variants.includes('challenger')) {
    // Over all versions: a challenger is usually another version than the champion.
    [champion, challenger] = await Promise.all([seriesOf(model, undefined, 'champion'), seriesOf(model, undefined, 'challenger')])
    section.append(h('div', { class: 'charts' }, chartFigure(comparisonChart(champion, challenger), 'comparison')))
  }
  // Challenger − champion with its interval, for any two versions sharing a window (variants or
  // not); its windows are marked open from the first open window of the series at hand.
  section.append(...await comparisonCharts(model, m.latest?.performance?.metric, openFrom([...windows, ...champion, ...challenger, ...(m.latest ? [m.latest] : [])])))
  // Filled in when the window details arrive, so the rest of the page does not wait for them.
  const recentWindows = windows.slice(-GROUP_WINDOWS)
  const progress = h('p', { class: 'progress' }, `Loading fairness per group: 0 of ${recentWindows.length} windows…`)
  const groups = h('div', { class: 'charts', 'data-pending': 'fairness-groups' }, progress)
  section.append(groups)
  const loaded = details(model, recentWindows, (done) => (progress.textContent = `Loading fairness per group: ${done} of ${recentWindows.length} windows…`)).then(
    (recent) => {
      const groupCharts = groupRatioCharts(recent)
      groups.replaceChildren(...(groupCharts.length === 0
        ? [h('p', { class: 'empty-note', id: 'no-fairness-groups' }, binaryOnlyNote(m.task) ? `No fairness per group: ${binaryOnlyNote(m.task)}.` : 'No fairness per group: the model names no protected attributes (protected in its configuration), or its recent windows had no groups to compare.')]
        : groupCharts.map((c) => chartFigure(c.spec, `fairness-groups:${c.attribute}`))))
      // Off screen (a refresh builds the page before showing it), the page's drawAll draws them.
      if (groups.isConnected) drawAll(groups)
      groups.removeAttribute('data-pending')
    },
    (e: unknown) => {
      groups.replaceChildren(h('p', { class: 'error' }, `Fairness per group could not be loaded: ${e instanceof Error ? e.message : String(e)}`))
      groups.removeAttribute('data-pending')
    },
  )
  whenLoaded(section, loaded)
  const rows = [...windows].reverse().map((w) => [
    h('span', { class: 'window' }, h('a', { href: windowHref(model, w.window_start, w.model_version) }, windowLabel(w.window_start, w.window_end)), ' ', openBadge(w.closed)),
    w.predictions, percent(w.label_coverage), driftHealth(w).text, w.drifted_features.join(', '),
    fmt(w.performance?.realized), fmt(w.performance?.estimated), w.fairness?.value == null ? '-' : versus(w.fairness.value, FOUR_FIFTHS, 2).value, w.quality_problems, w.firing_alerts,
  ])
  section.append(h('h2', {}, 'Windows'), table(['window', 'predictions', 'label coverage', 'drift share', 'drifted features', 'realized', 'estimated', 'fairness', 'quality', 'alerts'], rows, { id: 'windows' }))
  return section
}
