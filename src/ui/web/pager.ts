/**
 * A long table shown a page at a time (the model page's windows: a model with 1,000 daily windows
 * would otherwise build 1,000 rows on every load and every minute's refresh). Only the page shown
 * is built. The controls are buttons, so Tab reaches them and Enter or Space presses them; the
 * focus stays on the button pressed, and one at the end of the table is marked aria-disabled
 * rather than disabled, which would drop the focus to the page. The status line ("1–50 of 1,000")
 * is announced as it changes (aria-live).
 */
import { type Child, h, scroller, tableBody } from './dom.js'

/** The rows [from, to) of page `page` (1-based) of `total` rows, `size` a page; a page out of range is the nearest one. */
export interface PageSpan { readonly page: number; readonly pages: number; readonly from: number; readonly to: number }

export function pageSpan(total: number, size: number, requested: number): PageSpan {
  const pages = Math.max(1, Math.ceil(total / size))
  const page = Number.isInteger(requested) ? Math.min(pages, Math.max(1, requested)) : 1
  return { page, pages, from: (page - 1) * size, to: Math.min(total, page * size) }
}

/** A page number from the address: a positive integer, else 1. */
export const pageParam = (value: string | null): number => (value !== null && /^\d+$/.test(value) ? Number(value) : 1)

const count = (n: number) => n.toLocaleString('en-US')

/** "1–50 of 1,000 windows (page 1 of 20)". */
export const pageStatus = (span: PageSpan, total: number, noun: string): string =>
  `${count(span.from + 1)}–${count(span.to)} of ${count(total)} ${noun} (page ${span.page} of ${span.pages})`

export interface PagedTableOptions {
  readonly headers: readonly string[]
  readonly total: number
  /** The cells of row i (0-based, in the table's order); called for the rows of the page shown only. */
  readonly row: (i: number) => readonly Child[]
  readonly size: number
  readonly page: number
  /** What the rows are, for the status line: "windows". */
  readonly noun: string
  /** The buttons' words, in the table's order: first, previous, next, last. */
  readonly words: readonly [string, string, string, string]
  /** Attributes of the table (its id). */
  readonly attrs?: Record<string, string>
  /** Columns whose cells may break inside a word (dom.table). */
  readonly wrap?: readonly string[]
  /** Called with the page shown after a button changed it (to keep it in the address). */
  readonly onPage?: (page: number) => void
}

/** The table and, when it has more than one page, its controls above it. */
export function pagedTable(o: PagedTableOptions): HTMLElement {
  let span = pageSpan(o.total, o.size, o.page)
  const rows = () => Array.from({ length: span.to - span.from }, (_, i) => o.row(span.from + i))
  const table = h('table', o.attrs ?? {}, h('thead', {}, h('tr', {}, ...o.headers.map((x) => h('th', {}, x)))), tableBody(o.headers, rows(), o.wrap))
  table.dataset['page'] = String(span.page)
  if (span.pages === 1) return scroller(table)
  const status = h('span', { class: 'pager-status', 'aria-live': 'polite' }, pageStatus(span, o.total, o.noun))
  const targets = { first: () => 1, previous: () => span.page - 1, next: () => span.page + 1, last: () => span.pages } as const
  const keys = Object.keys(targets) as (keyof typeof targets)[]
  const buttons = keys.map((key, i) => {
    const b = h('button', { type: 'button', 'data-go': key }, o.words[i]!)
    b.addEventListener('click', () => {
      if (b.getAttribute('aria-disabled') === 'true') return
      show(targets[key]())
    })
    return b
  })
  const mark = () => {
    buttons.forEach((b, i) => {
      const atEnd = i < 2 ? span.page === 1 : span.page === span.pages
      b.setAttribute('aria-disabled', String(atEnd))
    })
  }
  const show = (page: number) => {
    span = pageSpan(o.total, o.size, page)
    table.replaceChild(tableBody(o.headers, rows(), o.wrap), table.tBodies[0]!)
    table.dataset['page'] = String(span.page)
    status.textContent = pageStatus(span, o.total, o.noun)
    mark()
    o.onPage?.(span.page)
  }
  mark()
  const nav = h('nav', { class: 'pager', 'aria-label': `pages of the ${o.noun} table` }, buttons[0]!, buttons[1]!, status, buttons[2]!, buttons[3]!)
  return h('div', { class: 'paged' }, nav, scroller(table))
}
