/** DOM helpers: elements from text only (never innerHTML with data), numbers as the reports print them. */
import { type ChartSpec, valueText } from '../chart-spec.js'
import { figure, windowStartLabel } from '../figures.js'
import type { Level } from '../health.js'

export type { Level }

export type Child = Node | string | number | null | undefined | false
type Attrs = Record<string, string | number | boolean | undefined>

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    el.setAttribute(k, v === true ? '' : String(v))
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    el.append(typeof c === 'object' ? c : String(c))
  }
  return el
}

/** A figure with fixed decimals (../figures.ts, shared with the CLI); for a value next to its threshold use versus(). */
export const fmt = figure

/** A window start or an instant as a short label, in UTC and saying so: "2026-01-10 UTC", "2026-01-10 14:00 UTC". */
export const day = windowStartLabel

/**
 * A figure as a cell shows it: a number, a percent, ±∞, an exponent, "-" for none, or an interval
 * of two ("[0.81, 0.83]"). Such a cell never breaks (class `num`, index.html).
 */
const FIGURE = /^[-−+]?(?:\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?|∞)$|^-$/
export const isFigureText = (text: string): boolean => {
  const t = text.trim()
  const interval = /^\[(.+), (.+)\]$/.exec(t)
  return interval ? FIGURE.test(interval[1]!) && FIGURE.test(interval[2]!) : FIGURE.test(t)
}

/**
 * A table in its own horizontal scroller (class `scroll`): a table wider than the page scrolls
 * inside it, and the page never grows wider than the window. Headers, badges and figures never
 * break (index.html), text breaks between words; the cells of the columns headed `wrap` (names,
 * which may be one long word) may break anywhere. `attrs` (the id) go on the table.
 */
export function table(headers: readonly string[], rows: readonly (readonly Child[])[], attrs: Attrs = {}, wrap: readonly string[] = []): HTMLElement {
  return scroller(h(
    'table',
    attrs,
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', {}, x)))),
    tableBody(headers, rows, wrap),
  ))
}

/** A table's body: one row per entry of `rows`, the cells of the columns headed `wrap` allowed to break inside a word. */
export function tableBody(headers: readonly string[], rows: readonly (readonly Child[])[], wrap: readonly string[] = []): HTMLTableSectionElement {
  const wrapped = headers.map((x) => wrap.includes(x))
  return h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, i) => td(c, wrapped[i])))))
}

/** A table cell: a figure (class `num`) never breaks; with `wrap` (a name or free text) it may break inside a word. */
export function td(c: Child, wrap = false): HTMLTableCellElement {
  const cls = typeof c === 'number' || (typeof c === 'string' && isFigureText(c)) ? 'num' : wrap ? 'wrap' : undefined
  return h('td', { class: cls }, c)
}

/** A table (or a figure too wide for the page) in a box that scrolls sideways when it must. */
export const scroller = (el: HTMLElement): HTMLElement => h('div', { class: 'scroll' }, el)

/** A chart and, under it, the table of the figures it draws (the same numbers, for people and tests). */
export function chartFigure(spec: ChartSpec, id: string): HTMLElement {
  const headers = ['', ...spec.series.map((s) => s.name)]
  const rows = spec.labels.map((label, i) => [label, ...spec.series.map((s) => valueText(s.values[i], (x) => fmt(x, 4)))])
  return h(
    'figure',
    { class: 'chart', 'data-chart': id },
    h('div', { class: 'chart-box' }, h('canvas', { 'data-spec': JSON.stringify(spec), role: 'img', 'aria-label': spec.title })),
    h('details', {}, h('summary', {}, 'figures'), table(headers, rows)),
  )
}

export function badge(text: string, level: Level): HTMLElement {
  return h('span', { class: `badge ${level}` }, text)
}

/**
 * An open window's figures can still change (late events, labels): marked wherever they are
 * shown. A window that starts after now (events stamped ahead) is marked as such instead: it
 * decides no alert and is not the latest until it starts.
 */
export function openBadge(closed: boolean, future = false): HTMLElement | null {
  if (future) return h('span', { class: 'badge open', title: 'starts after now (events stamped ahead): it decides no alert until it starts' }, 'future')
  return closed ? null : h('span', { class: 'badge open', title: 'open window: its figures can still change' }, 'open')
}

/**
 * A name of any length (model ids go up to 256 characters): cut with an ellipsis by the `.name`
 * style, whole in its title (a tooltip) and to copy.
 */
export function nameText(name: string): HTMLElement {
  return h('span', { class: 'name', title: name }, name)
}

const pending = new WeakMap<Element, Promise<unknown>[]>()

/** Parts of a page filled in after it is shown (the model page's fairness per group). */
export function whenLoaded(page: Element, work: Promise<unknown>): void {
  pending.set(page, [...(pending.get(page) ?? []), work])
}

/** Resolves when every part registered with whenLoaded() is filled in (or failed: it says so on the page). */
export async function loaded(page: Element): Promise<void> {
  await Promise.allSettled(pending.get(page) ?? [])
}
