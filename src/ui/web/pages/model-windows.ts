/**
 * The model page's windows: the table of every window, newest first, a page at a time (../pager.ts),
 * and the line above the charts that says which windows they show (the last CHART_WINDOWS, or all).
 */
import type { WindowHeadline } from '../api-types.js'
import { percent, windowLabel, windowStartLabel } from '../../figures.js'
import { badge, fmt, h, openBadge } from '../dom.js'
import { driftHealth, fairnessHealth, qualityHealth, type Health } from '../health.js'
import { windowHref } from '../routes.js'
import { pagedTable } from '../pager.js'
import { gapText, type Gap } from '../timeline.js'

/**
 * The charts show the last this many windows unless the address asks for all (`charts=all`): over
 * a few hundred windows a line is a band and its axis labels are skipped; the table lists them all.
 */
export const CHART_WINDOWS = 120
/** Rows of the windows table per page (newest first; `page=` in the address). */
export const WINDOWS_PAGE_SIZE = 50

/** A window's health cells in the windows table: drift, fairness and quality as the overview words them (../health.ts). */
export function windowRowHealth(w: WindowHeadline): { drift: Health; fairness: Health | null; quality: Health } {
  return { drift: driftHealth(w), fairness: w.fairness ? fairnessHealth(w.fairness) : null, quality: qualityHealth(w) }
}

function windowRow(model: string, w: WindowHeadline): (Node | string | number)[] {
  const health = windowRowHealth(w)
  return [
    h('span', { class: 'window' }, h('a', { href: windowHref(model, w.window_start, w.model_version) }, windowLabel(w.window_start, w.window_end)), ' ', openBadge(w.closed, w.future)),
    w.predictions, percent(w.label_coverage), health.drift.text, w.drifted_features.join(', '),
    fmt(w.performance?.realized), fmt(w.performance?.estimated), health.fairness ? badge(health.fairness.text, health.fairness.level) : '-',
    badge(health.quality.text, health.quality.level), w.firing_alerts,
  ]
}

/** The page's address parameters with `name` set to `value`, or removed (null). */
export function withParam(query: URLSearchParams, name: string, value: string | null): Record<string, string> {
  const out = Object.fromEntries(query)
  if (value === null) delete out[name]
  else out[name] = value
  return out
}

const count = (n: number) => n.toLocaleString('en-US')

/**
 * What the charts cover when the model has windows before the last CHART_WINDOWS, with a link to
 * chart them all (or, charting all, back to the last ones); null when there is nothing before.
 * `recent`: the windows the last CHART_WINDOWS take.
 */
export function chartRange(windows: readonly WindowHeadline[], recent: readonly WindowHeadline[], all: boolean, href: (all: boolean) => string): HTMLElement | null {
  if (recent.length === windows.length) return null
  if (all) return h('p', { id: 'chart-range' }, `The charts show all ${count(windows.length)} evaluated windows. `, h('a', { href: href(false) }, `Chart the last ${CHART_WINDOWS} windows`))
  return h('p', { id: 'chart-range' },
    `The charts show the last ${CHART_WINDOWS} windows, from ${windowStartLabel(recent[0]!.window_start)} (${count(recent.length)} of ${count(windows.length)} evaluated windows; the table below lists them all). `,
    h('a', { href: href(true) }, `Chart all ${count(windows.length)} windows`))
}

/**
 * The windows, newest first, WINDOWS_PAGE_SIZE rows a page, from page `page` (the address's
 * `page=`; `onPage` is told of each page shown after); a run of windows without traffic is one
 * row, between the windows around it.
 */
export function windowsTable(model: string, windows: readonly WindowHeadline[], gaps: readonly Gap[], windowMs: number, page: number, onPage: (page: number) => void): HTMLElement {
  const entries = [...windows.map((w) => ({ start: w.window_start, w })), ...gaps.map((g) => ({ start: g.from, g }))].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0)).reverse()
  const row = (i: number) => {
    const e = entries[i]!
    return 'g' in e ? [h('span', { class: 'window gap', 'data-gap': e.g.from }, gapText(e.g, windowMs)), 0, '-', '-', '-', '-', '-', '-', '-', '-'] : windowRow(model, e.w)
  }
  return pagedTable({
    headers: ['window', 'predictions', 'label coverage', 'drift share', 'drifted features', 'realized', 'estimated', 'fairness', 'quality', 'alerts'],
    total: entries.length,
    row,
    size: WINDOWS_PAGE_SIZE,
    page,
    noun: 'windows',
    words: ['« newest', '‹ newer', 'older ›', 'oldest »'],
    attrs: { id: 'windows' },
    wrap: ['drifted features'],
    onPage,
  })
}
