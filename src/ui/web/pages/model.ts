/**
 * Model page: per-window time series of one model version (and variant): drift share, drifted
 * features (a heatmap table), realized vs estimated performance with label coverage, the worst
 * fairness ratio with the 4/5 line, volume, and challenger vs champion when both variants exist.
 */
import type { ChartSpec } from '../../chart-spec.js'
import { getAll, getJson } from '../api.js'
import type { WindowDetail, WindowHeadline } from '../api-types.js'
import { drawAll } from '../charts.js'
import { duration, numeric, plotted, referenceText, windowStartLabel } from '../../figures.js'
import { chartFigure, h, nameText, whenLoaded } from '../dom.js'
import { featureHealth, type Health } from '../health.js'
import { modelHref, windowHref } from '../routes.js'
import { comparisonCharts, openFrom } from '../comparison-view.js'
import { binaryOnlyNote, modelSummary } from './window.js'
import { mapLimit } from '../limit.js'
import { gapText, lastWindows, type Slot, timeline } from '../timeline.js'
import { pageParam } from '../pager.js'
import { CHART_WINDOWS, chartRange, windowsTable, withParam } from './model-windows.js'

export { windowRowHealth } from './model-windows.js'

const HEATMAP_WINDOWS = 60
/** Per-group fairness needs each window's detail: the last this many windows, a few requests at a time. */
const GROUP_WINDOWS = 30
const PARALLEL = 4

/**
 * A window's label on a chart axis or the heatmap: its start (UTC, with seconds when the window
 * is not a whole number of minutes long), marked when the window is still open or starts after now.
 */
export const tick = (w: { readonly window_start: string; readonly window_end?: string; readonly closed: boolean; readonly future?: boolean }): string =>
  `${windowStartLabel(w.window_start, w.window_end === undefined ? undefined : Date.parse(w.window_end) - Date.parse(w.window_start))}${w.future ? ' (future)' : w.closed ? '' : ' (open)'}`

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
  // An attribute none of whose groups had enough rows in any window has nothing to draw: left out
  // (groupFairnessNote says why when no attribute is left).
  return attributes.flatMap((attribute) => {
    const rates = ds.map((d) => new Map(d.fairness.filter((f) => f.attribute === attribute && f.group !== '' && f.metric === 'selection_rate' && f.status === 'ok' && f.value !== null).map((f) => [f.group, numeric(f.value)!])))
    const groups = [...new Set(rates.flatMap((r) => [...r.keys()]))].sort()
    if (groups.length === 0) return []
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
    return [{ attribute, spec }]
  })
}

/**
 * Why the per-group fairness charts are missing (null when there is one): no group had enough
 * rows to compare in any recent window (rows of status 'insufficient', value null), the task is
 * not binary, or there are no fairness rows at all.
 */
export function groupFairnessNote(ds: readonly WindowDetail[], task: string | undefined): string | null {
  if (groupRatioCharts(ds).length > 0) return null
  const binaryOnly = binaryOnlyNote(task)
  if (binaryOnly) return `No fairness per group: ${binaryOnly}.`
  if (ds.some((d) => d.fairness.length > 0)) return 'No fairness per group: no verdict: too few rows per group in the recent windows.'
  return 'No fairness per group: the model names no protected attributes (protected in its configuration), or its recent windows had no groups to compare.'
}

/**
 * Why there can be no fairness per group in these windows, known without their details: the task
 * is not binary (fairness is computed for binary models only), or no window has a fairness
 * headline (a window with protected-attribute groups has a disparate impact row, even one with
 * too few rows per group: src/read/headline.ts). Null when the details are worth loading.
 */
export function groupFairnessSkip(windows: readonly WindowHeadline[], task: string | undefined): string | null {
  if (binaryOnlyNote(task) !== null || windows.every((w) => w.fairness === null)) return groupFairnessNote([], task)
  return null
}

/** The model's task as a phrase: "binary model", or "task unknown" when its stored figures do not tell (src/read/task.ts). */
export const taskText = (task: string): string => (task === 'unknown' ? 'task unknown (not configured here, and its stored figures do not tell)' : `${task} model`)

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

function select(name: string, label: string, options: readonly string[], value: string, help?: string): { label: HTMLElement; select: HTMLSelectElement } {
  const el = h('select', { name, title: help ?? value }, ...selectOptions(name, options, value).map((o) => h('option', { value: o.value, selected: o.selected }, o.text)))
  return { label: h('label', {}, `${label} `, el), select: el }
}

/**
 * The version and variant selectors. Choosing an option changes nothing until "show" is pressed
 * (or Enter in a selector): navigating on 'change' would leave the page at the first arrow key,
 * before a keyboard user reached the option they want (WCAG 3.2.2, On Input).
 */
function filterForm(versions: readonly string[], version: string, variants: readonly string[], variant: string, href: (version: string, variant: string) => string): HTMLElement {
  const v = select('version', 'version', versions, version)
  const r = select('variant', 'variant (performance only)', variants, variant, 'The variant filters the performance figures; drift, fairness, quality and volume are over all variants of the version.')
  const form = h('form', { class: 'filter-form', 'aria-label': 'version and variant' }, v.label, r.label, h('button', { type: 'submit' }, 'show'))
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    location.hash = href(v.select.value, r.select.value)
  })
  for (const el of [v.select, r.select]) {
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault()
        form.requestSubmit()
      }
    })
  }
  return form
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
    h('tr', {}, h('th', { class: 'wrap' }, f), ...shown.map((w) => {
      const drifted = w.drifted_features.includes(f)
      const health = featureHealth(w, f)
      const cls = drifted ? 'cell drift' : health.level === 'ok' ? 'cell' : `cell ${health.level}`
      return h('td', { class: cls, 'data-feature': f, 'data-window': w.window_start, 'data-drifted': String(drifted), title: `${f} ${tick(w)}: ${health.text}` }, HEATMAP_GLYPH[drifted ? 'bad' : health.level])
    })),
  )
  return h(
    'figure',
    { class: 'heatmap', 'data-chart': 'feature-drift' },
    h('figcaption', {}, `Drifted features per window${windows.length > shown.length ? ` (last ${shown.length} windows)` : ''}`),
    features.length === 0 ? h('p', {}, 'No feature drifted in these windows.') : h('div', { class: 'scroll' }, h('table', { class: 'grid' }, h('thead', {}, head), h('tbody', {}, ...rows))),
    features.length === 0 ? null : heatmapLegend(),
  )
}

/** Each heatmap cell carries a glyph as well as its colour, so colour is never the only cue. */
const HEATMAP_GLYPH: Record<Health['level'], string> = { bad: '●', none: '–', warn: '?', ok: '' }

/** What the heatmap's cells mean: a sample cell of each kind, with its glyph, and its words. */
function heatmapLegend(): HTMLElement {
  const item = (cls: string, glyph: string, text: string) => h('li', {}, h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }, glyph), ` ${text}`)
  return h('ul', { class: 'legend', 'aria-label': 'heatmap legend' },
    item('drift', HEATMAP_GLYPH.bad, 'drift'),
    item('none', HEATMAP_GLYPH.none, 'no verdict'),
    item('warn', HEATMAP_GLYPH.warn, 'no drift, or no verdict (some features without one)'),
    item('ok', HEATMAP_GLYPH.ok, 'no drift'))
}

/** A window without traffic on an axis: its start, as a closed window. */
const emptySlotTick = (start: string, windowMs: number | undefined) =>
  tick({ window_start: start, window_end: windowMs === undefined ? undefined : new Date(Date.parse(start) + windowMs).toISOString(), closed: true })

/**
 * The model page's charts over `windows` (one version's, ascending). With the model's window size,
 * the axis holds every window start from the first to the last (./timeline.ts): a window without
 * traffic is a gap in the lines and 0 in the volume bars.
 */
export function modelCharts(windows: readonly WindowHeadline[], windowMs?: number): ChartSpec[] {
  const slots: readonly Slot<WindowHeadline>[] = timeline(windows, windowMs).slots
  const labels = slots.map((s) => (s.window ? tick(s.window) : emptySlotTick(s.start, windowMs)))
  const of = <T>(f: (w: WindowHeadline) => T, none: T) => slots.map((s) => (s.window ? f(s.window) : none))
  const metric = windows.find((w) => w.performance)?.performance?.metric ?? 'performance'
  const attribute = windows.find((w) => w.fairness)?.fairness?.attribute ?? ''
  return [
    { kind: 'line', title: 'Drift share (features drifted / evaluated)', labels, yMin: 0, yMax: 1, series: [{ name: 'drift share', values: of((w) => w.drift_share, null) }] },
    {
      kind: 'line',
      title: `${metric}: realized vs estimated (CBPE), and label coverage (%)`,
      labels,
      rightLabel: 'label coverage (%)',
      rightMin: 0,
      rightMax: 100,
      series: [
        { name: `${metric} realized`, values: of((w) => plotted(w.performance?.realized), null) },
        { name: `${metric} estimated`, values: of((w) => plotted(w.performance?.estimated), null), dashed: true },
        // A percent, as everywhere else coverage is shown.
        { name: 'label coverage (%)', values: of((w) => (w.label_coverage === null ? null : w.label_coverage * 100), null), axis: 'right', as: 'bar' },
      ],
    },
    {
      kind: 'line',
      title: `Worst fairness ratio${attribute ? ` (${attribute})` : ''}; the 4/5 rule at 0.8`,
      labels,
      yMin: 0,
      yMax: 1.2,
      refLine: { value: 0.8, label: '4/5 rule' },
      series: [{ name: 'disparate impact ratio', values: of((w) => plotted(w.fairness?.value), null) }],
    },
    { kind: 'bar', title: 'Volume', labels, yMin: 0, series: [{ name: 'predictions', values: of((w) => w.predictions, 0) }, { name: 'labeled', values: of((w) => w.labeled, 0) }] },
  ]
}

/** The model page's charts by id, in modelCharts' order. */
export const CHART_IDS = ['drift-share', 'performance', 'fairness', 'volume'] as const

/** Why a chart has nothing (or part of nothing) to draw: `empty` replaces the chart, a note goes under it. */
export interface ChartNote { readonly text: string; readonly empty: boolean }

/**
 * What the model page says instead of an empty chart, by chart id: drift without a reference or a
 * verdict, performance before any label or of a variant the model does not have (`noSuchVariant`:
 * the windows are then those of variant 'all', whose performance is not shown) or of a variant the
 * version served none of (`selected`: the version and variant shown; the windows then carry no
 * performance row of that variant at all, src/evaluate/compute.ts writing realized and estimated
 * rows for every variant with predictions), fairness for a model without protected attributes or
 * whose task (ModelSummary.task, when known) is not binary, or whose every ratio is no verdict.
 */
export function chartNotes(windows: readonly WindowHeadline[], task?: string, noSuchVariant?: string, selected?: { readonly version: string; readonly variant: string }): Partial<Record<(typeof CHART_IDS)[number], ChartNote>> {
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
  // Drawable figures: an infinite one (an rmse that overflowed) has no point on an axis.
  const realized = windows.some((w) => plotted(w.performance?.realized) !== null)
  const estimated = windows.some((w) => plotted(w.performance?.estimated) !== null)
  const infinite = windows.some((w) => [w.performance?.realized, w.performance?.estimated].some((x) => x === 'Infinity' || x === '-Infinity'))
  if (noSuchVariant !== undefined) {
    notes['performance'] = { text: `No ${metric}: this model has no variant "${noSuchVariant}" (no performance figures of it); pick one above.`, empty: true }
  } else if (selected !== undefined && selected.variant !== 'all' && windows.every((w) => w.performance === null)) {
    notes['performance'] = { text: `No ${metric}: version ${selected.version} served no ${selected.variant} predictions in these windows (the variant filters performance only).`, empty: true }
  } else if (!realized && !estimated && infinite) {
    notes['performance'] = { text: `No ${metric} to draw: its values in these windows are infinite (see the windows table).`, empty: true }
  } else if (!realized && !estimated) {
    notes['performance'] = { text: unlabeled ? `No ${metric} yet: no labels have arrived for these windows, and there is no estimate.` : `No ${metric} in these windows: too few labeled predictions.`, empty: true }
  } else if (!realized) {
    notes['performance'] = { text: unlabeled ? `No realized ${metric} yet: no labels have arrived for these windows; the estimate (CBPE) needs none.` : `No realized ${metric}: too few labeled predictions in these windows.`, empty: false }
  }
  if (windows.every((w) => w.fairness === null)) {
    const binaryOnly = binaryOnlyNote(task)
    notes['fairness'] = { text: binaryOnly ? `No fairness ratio: ${binaryOnly}.` : 'No fairness ratio: the model names no protected attributes (protected in its configuration), or its windows had no groups to compare.', empty: true }
  } else if (windows.every((w) => w.fairness?.value == null)) {
    // Ratios over too few rows per group (status 'insufficient') are null: nothing to draw.
    notes['fairness'] = { text: 'No fairness ratio: no verdict: too few rows per group in these windows.', empty: true }
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

export function comparisonChart(champion: readonly WindowHeadline[], challenger: readonly WindowHeadline[], windowMs?: number): ChartSpec {
  const both = [...champion, ...challenger]
  // Every window start from the first to the last (./timeline.ts): no traffic is a gap.
  const starts = timeline(both, windowMs).slots.map((s) => s.start)
  // Without a version filter a start has a row per version; the variant's figures are on the
  // version that served it.
  const at = (ws: readonly WindowHeadline[], key: 'realized' | 'estimated') =>
    starts.map((s) => plotted(ws.find((w) => w.window_start === s && w.performance)?.performance?.[key]))
  const metric = champion.find((w) => w.performance)?.performance?.metric ?? 'performance'
  return {
    kind: 'line',
    title: `Challenger vs champion: ${metric} realized (estimated dashed)`,
    // A start is open when the window of either variant there still is.
    labels: starts.map((s) => tick({ window_start: s, window_end: both.find((w) => w.window_start === s)?.window_end ?? (windowMs === undefined ? undefined : new Date(Date.parse(s) + windowMs).toISOString()), closed: both.every((w) => w.window_start !== s || w.closed) })),
    series: [
      { name: 'champion', values: at(champion, 'realized') },
      { name: 'challenger', values: at(challenger, 'realized') },
      { name: 'champion estimated', values: at(champion, 'estimated'), dashed: true },
      { name: 'challenger estimated', values: at(challenger, 'estimated'), dashed: true },
    ],
  }
}

export async function modelPage(model: string, query: URLSearchParams): Promise<HTMLElement> {
  // This model's settings alone (404 when unknown), not every model's headline figures.
  const m = await modelSummary(model)
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
    filterForm(versions, version, variants, variant, (v, r) => modelHref(model, { version: v, variant: r })),
    h('span', { id: 'model-settings', class: 'wrap' }, `${taskText(m.task)}, ${duration(m.window_ms)} windows, reference: ${referenceText(m.reference.description)}`),
  )
  // The charts: the last CHART_WINDOWS windows, or all of them; the table lists every window.
  const allCharted = query.get('charts') === 'all'
  const recent = lastWindows(windows, m.window_ms, CHART_WINDOWS)
  const charted = allCharted ? windows : recent
  // The comparison charts cover the same windows, when these are not all of them.
  const from = charted.length < windows.length ? charted[0]!.window_start : null
  const notes = chartNotes(charted, m.task, knownVariant ? undefined : variant, { version, variant })
  const charts = modelCharts(charted, m.window_ms).map((spec, i) => noted(spec, CHART_IDS[i]!, notes[CHART_IDS[i]!]))
  const gaps = timeline(windows, m.window_ms).gaps
  const chartedGaps = timeline(charted, m.window_ms).gaps
  const section = h('section', { 'data-page': 'model', 'data-model': model, 'data-version': version, 'data-variant': variant }, h('h1', {}, 'Model ', nameText(model)), filters)
  if (unknown.length > 0) section.append(h('p', { class: 'error', id: 'unknown-filter' }, `This model has ${unknown.join(' and ')}: pick one above.`))
  if (windows.length === 0) {
    section.append(h('p', {}, 'No evaluated window for this version.'))
    return section
  }
  const chartsHref = (all: boolean) => modelHref(model, withParam(query, 'charts', all ? 'all' : null))
  const range = chartRange(windows, recent, allCharted, chartsHref)
  if (range) section.append(range)
  // A page of the windows table goes into the address without a navigation (no hashchange: the
  // page is not loaded again), so a reload shows it, and the link above keeps it.
  const onPage = (page: number) => {
    if (page === 1) query.delete('page')
    else query.set('page', String(page))
    history.replaceState(history.state, '', modelHref(model, Object.fromEntries(query)))
    range?.querySelector('a')?.setAttribute('href', chartsHref(!allCharted))
  }
  section.append(h('div', { class: 'charts' }, charts[0]!, heatmap(model, version, charted), ...charts.slice(1)))
  if (chartedGaps.length > 0) section.append(h('ul', { class: 'empty-note', id: 'traffic-gaps' }, ...chartedGaps.map((g) => h('li', {}, gapText(g, m.window_ms)))))
  let champion: WindowHeadline[] = []
  let challenger: WindowHeadline[] = []
  if (variants.includes('champion') && variants.includes('challenger')) {
    // Over all versions: a challenger is usually another version than the champion.
    [champion, challenger] = await Promise.all([seriesOf(model, undefined, 'champion'), seriesOf(model, undefined, 'challenger')])
    const since = (ws: readonly WindowHeadline[]) => (from === null ? ws : ws.filter((w) => w.window_start >= from))
    section.append(h('div', { class: 'charts' }, chartFigure(comparisonChart(since(champion), since(challenger), m.window_ms), 'comparison')))
  }
  // Challenger − champion with its interval, for any two versions sharing a window (variants or
  // not); its windows are marked open from the first open window of the series at hand.
  section.append(...await comparisonCharts(model, m.latest?.performance?.metric, openFrom([...windows, ...champion, ...challenger, ...(m.latest ? [m.latest] : [])]), from))
  const recentWindows = windows.slice(-GROUP_WINDOWS)
  // No window detail is fetched when the headlines already say there can be no fairness per group.
  const skip = groupFairnessSkip(recentWindows, m.task)
  if (skip !== null) {
    section.append(h('div', { class: 'charts' }, h('p', { class: 'empty-note', id: 'no-fairness-groups' }, skip)))
    section.append(h('h2', {}, 'Windows'), windowsTable(model, windows, gaps, m.window_ms, pageParam(query.get('page')), onPage))
    return section
  }
  // Filled in when the window details arrive, so the rest of the page does not wait for them.
  const progress = h('p', { class: 'progress' }, `Loading fairness per group: 0 of ${recentWindows.length} windows…`)
  const groups = h('div', { class: 'charts', 'data-pending': 'fairness-groups' }, progress)
  section.append(groups)
  const loaded = details(model, recentWindows, (done) => (progress.textContent = `Loading fairness per group: ${done} of ${recentWindows.length} windows…`)).then(
    (recent) => {
      const groupCharts = groupRatioCharts(recent)
      const none = groupFairnessNote(recent, m.task)
      groups.replaceChildren(...(none !== null
        ? [h('p', { class: 'empty-note', id: 'no-fairness-groups' }, none)]
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
  section.append(h('h2', {}, 'Windows'), windowsTable(model, windows, gaps, m.window_ms, pageParam(query.get('page')), onPage))
  return section
}
