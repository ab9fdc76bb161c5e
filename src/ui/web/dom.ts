/** DOM helpers: elements from text only (never innerHTML with data), numbers as the reports print them. */
import { type ChartSpec, valueText } from '../chart-spec.js'
import { figure, windowStartLabel } from '../figures.js'
import type { Level } from '../health.js'

export type { Level }

type Child = Node | string | number | null | undefined | false
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

export function table(headers: readonly string[], rows: readonly (readonly Child[])[], attrs: Attrs = {}): HTMLTableElement {
  return h(
    'table',
    attrs,
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', {}, x)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  )
}

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
