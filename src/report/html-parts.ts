/**
 * HTML building blocks of the report: escaping, tables and chart figures. A figure is a canvas
 * whose `data-spec` holds the chart's data (src/ui/chart-spec.ts), drawn by the inlined script,
 * and under it the same figures as a table, so the numbers read the same with or without script.
 */
import { type ChartSpec, valueText } from '../ui/chart-spec.js'
import { formatNumber } from './format-text.js'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!)

/** Cells are text (escaped) unless given as { html } (already markup). */
export type CellHtml = string | { readonly html: string }

const cell = (c: CellHtml) => (typeof c === 'string' ? esc(c) : c.html)

export function htmlTable(headers: readonly string[], rows: readonly (readonly CellHtml[])[], id?: string): string {
  return [
    `<table${id ? ` id="${esc(id)}"` : ''}>`,
    `<thead><tr>${headers.map((x) => `<th>${esc(x)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('\n')}</tbody>`,
    '</table>',
  ].join('\n')
}

export function figure(spec: ChartSpec, id: string): string {
  const headers = ['', ...spec.series.map((s) => s.name)]
  const rows = spec.labels.map((label, i) => [label, ...spec.series.map((s) => valueText(s.values[i], (x) => formatNumber(x)))])
  return [
    `<figure class="chart" data-chart="${esc(id)}">`,
    `<div class="chart-box"><canvas data-spec="${esc(JSON.stringify(spec))}" role="img" aria-label="${esc(spec.title)}"></canvas></div>`,
    `<details><summary>figures</summary>${htmlTable(headers, rows)}</details>`,
    '</figure>',
  ].join('\n')
}

export const badge = (text: string, level: 'ok' | 'warn' | 'bad' | 'none'): CellHtml => ({ html: `<span class="badge ${level}">${esc(text)}</span>` })

/** Text for a `<script>` element: no "</script" (or "<!--") can end or confuse it early. */
export const scriptText = (js: string): string => js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--')

/** JSON for a `<script type="application/json">`: "<" escaped, so the data cannot close the element. */
export const jsonScriptText = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c')

export const REPORT_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; padding: 1em 1.5em; max-width: 1300px; color: #222; background: #fafafa; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; background: #fff; font-variant-numeric: tabular-nums; margin: .4em 0; }
th, td { border: 1px solid #ddd; padding: .25em .55em; text-align: left; } th { background: #f0f3f6; }
.badge { padding: .05em .5em; border-radius: .7em; } .badge.ok { background: #dff3e3; } .badge.warn { background: #fff1c9; } .badge.bad { background: #fbd5d5; } .badge.none { background: #eee; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); gap: 1em; }
figure.chart { margin: 0; background: #fff; border: 1px solid #ddd; padding: .5em; min-width: 0; }
.chart-box { position: relative; height: 240px; } figure details { font-size: .85em; }
`
