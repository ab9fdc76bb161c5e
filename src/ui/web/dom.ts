/** DOM helpers: elements from text only (never innerHTML with data), numbers as the reports print them. */
import { type ChartSpec, valueText } from '../chart-spec.js'

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

export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-'
  if (x !== 0 && Math.abs(x) < 1e-4) return x.toExponential(2)
  return x.toFixed(digits)
}

export const day = (iso: string): string => iso.slice(0, 16).replace('T', ' ').replace(/ 00:00$/, '')

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

/** A badge's colour: 'none' (grey) for no verdict, never 'ok'. */
export type Level = 'ok' | 'warn' | 'bad' | 'none'

export function badge(text: string, level: Level): HTMLElement {
  return h('span', { class: `badge ${level}` }, text)
}
