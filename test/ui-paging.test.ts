/**
 * The model page of a model with 1,000 windows, in headless Chromium against a stub read API
 * (fixed JSON, no pipeline): the windows table shows 50 rows a page, newest first, with controls
 * that work from the keyboard and a page kept in the address across a reload; the charts show the
 * last 120 windows, and every window once asked to.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { windowLabel, windowStartLabel } from '../src/ui/figures.js'
import { screenshot, watchedPage } from './support/browser.js'
import { uiWithStubApi } from './support/ui-stub.js'

const HOUR = 3_600_000
const at = (h: number) => new Date(Date.UTC(2026, 0, 1, h)).toISOString()
/** Hours 0..1002 but 500..502 (no traffic): 1,000 windows, and one gap row in the table. */
const HOURS = Array.from({ length: 1003 }, (_, h) => h).filter((h) => h < 500 || h > 502)
const headline = (h: number) => ({
  model_version: 'v1', window_start: at(h), window_end: at(h + 1), closed: true, predictions: 1000 + h, labeled: 400, label_coverage: 0.4,
  drift_share: (h % 10) / 10, n_features: 10, n_drifted: h % 10, drifted_features: [], n_insufficient: 0, drift_status: 'ok',
  performance: { metric: 'roc_auc', variant: 'all', realized: 0.8, estimated: 0.79, n: 400 }, fairness: null, quality_problems: 0, firing_alerts: 0,
})
const WINDOWS = HOURS.map(headline)
const MODEL = {
  model: 'many', configured: true, task: 'binary', window_ms: HOUR, reference: { kind: 'previous_windows', description: 'previous window' },
  versions: [{ version: 'v1', windows: WINDOWS.length, first_window_start: at(0), last_window_start: at(1002) }],
  variants: ['all'], latest: WINDOWS.at(-1)!, firing_alerts: 0,
}

const ui = uiWithStubApi('dw-ui-paging-', (url) => {
  const json = (body: unknown) => ({ body })
  if (url.pathname === '/v1/models') return json({ items: [MODEL], next_cursor: null })
  if (url.pathname === '/v1/models/many') return json(MODEL)
  if (url.pathname === '/v1/models/many/windows') return json({ items: WINDOWS, next_cursor: null })
  return undefined
})

/** The table's rows as the page lists them, newest first: a window's label, or the gap's text. */
const EXPECTED_ROWS = [...HOURS].reverse().flatMap((h) => [
  `${windowLabel(at(h), at(h + 1))} `,
  ...(h === 503 ? ['No traffic in 3 windows'] : []),
])

const open = async (hash: string) => {
  const w = await watchedPage(ui.browser())
  await w.page.goto(`${ui.base()}${hash}`)
  await w.page.waitForSelector('#windows')
  await w.page.waitForFunction('document.body.dataset.state === "ready"')
  return w
}
const firstCells = (page: Page) => page.$$eval('#windows tbody tr', (trs) => trs.map((tr) => tr.children[0]!.textContent!))
const rowsOfPage = (n: number) => EXPECTED_ROWS.slice((n - 1) * 50, n * 50)
const matches = (cells: string[], expected: string[]) => cells.length === expected.length && cells.every((c, i) => c.startsWith(expected[i]!))
const status = (page: Page) => page.textContent('.pager .pager-status')
const focused = (page: Page) => page.evaluate('document.activeElement.getAttribute("data-go")')

describe('a model with 1,000 windows: the windows table in pages', () => {
  it('shows 50 rows a page, newest first; the buttons work by keyboard, keep the focus, and the page stays in the address across a reload', async () => {
    const w = await open('#/models/many')
    expect(EXPECTED_ROWS.length).toBe(1001)
    expect(matches(await firstCells(w.page), rowsOfPage(1))).toBe(true)
    expect(await status(w.page)).toBe('1–50 of 1,001 windows (page 1 of 21)')
    expect(await w.page.getAttribute('.pager [data-go=first]', 'aria-disabled')).toBe('true')
    expect(await w.page.getAttribute('.pager [data-go=previous]', 'aria-disabled')).toBe('true')
    // Enter on "older", then Space: pages 2 and 3; the focus stays on the button.
    await w.page.focus('.pager [data-go=next]')
    await w.page.keyboard.press('Enter')
    expect(await status(w.page)).toBe('51–100 of 1,001 windows (page 2 of 21)')
    expect(matches(await firstCells(w.page), rowsOfPage(2))).toBe(true)
    await w.page.keyboard.press('Space')
    expect(await status(w.page)).toBe('101–150 of 1,001 windows (page 3 of 21)')
    expect(await focused(w.page)).toBe('next')
    expect(await w.page.evaluate('location.hash')).toBe('#/models/many?page=3')
    // Shift+Tab to "newer" (before the status, which is not focusable).
    await w.page.keyboard.press('Shift+Tab')
    expect(await focused(w.page)).toBe('previous')
    await w.page.keyboard.press('Enter')
    expect(await status(w.page)).toBe('51–100 of 1,001 windows (page 2 of 21)')
    // The oldest page: the gap's page is before it; the last row is the first window.
    await w.page.focus('.pager [data-go=last]')
    await w.page.keyboard.press('Enter')
    expect(await status(w.page)).toBe('1,001–1,001 of 1,001 windows (page 21 of 21)')
    expect(matches(await firstCells(w.page), rowsOfPage(21))).toBe(true)
    expect(await w.page.getAttribute('.pager [data-go=next]', 'aria-disabled')).toBe('true')
    // At the end the button keeps the focus and does nothing.
    await w.page.keyboard.press('Enter')
    expect(await focused(w.page)).toBe('last')
    expect(await status(w.page)).toBe('1,001–1,001 of 1,001 windows (page 21 of 21)')
    // Page 11 holds the gap, between the windows around it.
    await w.page.goto(`${ui.base()}#/models/many?page=11`)
    await w.page.waitForFunction('document.body.dataset.state === "ready" && document.querySelector("#windows")?.dataset.page === "11"')
    expect(matches(await firstCells(w.page), rowsOfPage(11))).toBe(true)
    expect(await w.page.locator('#windows tbody .window.gap').count()).toBe(1)
    // A reload (refresh) shows the same page.
    await w.page.focus('.pager [data-go=next]')
    await w.page.keyboard.press('Enter')
    const before = await w.page.getAttribute('#loaded-at', 'data-loaded-at')
    await w.page.click('#refresh')
    await w.page.waitForFunction(`document.querySelector('#loaded-at').getAttribute('data-loaded-at') !== ${JSON.stringify(before)} && document.body.dataset.state === 'ready'`)
    expect(await status(w.page)).toBe('551–600 of 1,001 windows (page 12 of 21)')
    expect(matches(await firstCells(w.page), rowsOfPage(12))).toBe(true)
    // Only the page shown is built.
    expect(await w.page.locator('#windows tbody tr').count()).toBe(50)
    await w.page.focus('.pager [data-go=first]')
    await w.page.keyboard.press('Enter')
    expect(await status(w.page)).toBe('1–50 of 1,001 windows (page 1 of 21)')
    expect(await w.page.evaluate('location.hash')).toBe('#/models/many')
    expect(w.errors).toEqual([])
    await w.page.close()
  })

  it('a page out of range in the address is the nearest one', async () => {
    const w = await open('#/models/many?page=99')
    expect(await status(w.page)).toBe('1,001–1,001 of 1,001 windows (page 21 of 21)')
    await w.page.close()
  })
})

describe('a model with 1,000 windows: the charts', () => {
  const chartLabels = (page: Page, id: string) => page.$eval(`figure[data-chart="${id}"] canvas`, (c) => JSON.parse(c.getAttribute('data-spec')!).labels as string[])

  it('show the last 120 windows, say so, and chart every window once asked to', async () => {
    const w = await open('#/models/many')
    const last = HOURS.slice(-120)
    for (const id of ['drift-share', 'performance', 'volume']) expect(await chartLabels(w.page, id), id).toEqual(last.map((h) => windowStartLabel(at(h), HOUR)))
    expect(await w.page.$eval('figure[data-chart=volume] canvas', (c) => JSON.parse(c.getAttribute('data-spec')!).series[0].values)).toEqual(last.map((h) => 1000 + h))
    // The figures table under a chart lists its 120 windows, not 1,000.
    expect(await w.page.locator('figure[data-chart=volume] details tbody tr').count()).toBe(120)
    expect(await w.page.textContent('#chart-range')).toBe(`The charts show the last 120 windows, from ${windowStartLabel(at(last[0]!))} (120 of 1,000 evaluated windows; the table below lists them all). Chart all 1,000 windows`)
    await screenshot(w.page, 'ui-model-1000-windows')
    // The table's page is kept when the charts change.
    await w.page.click('.pager [data-go=next]')
    await w.page.click('#chart-range a')
    await w.page.waitForFunction('location.hash.includes("charts=all") && document.body.dataset.state === "ready" && document.querySelector("#chart-range")?.textContent.startsWith("The charts show all")')
    expect(await w.page.evaluate('location.hash')).toBe('#/models/many?page=2&charts=all')
    expect(await status(w.page)).toBe('51–100 of 1,001 windows (page 2 of 21)')
    // Every window from the first to the last: the 3 without traffic are gaps on the axis.
    const all = Array.from({ length: 1003 }, (_, h) => windowStartLabel(at(h), HOUR))
    expect(await chartLabels(w.page, 'volume')).toEqual(all)
    expect(await w.page.textContent('#chart-range')).toBe('The charts show all 1,000 evaluated windows. Chart the last 120 windows')
    expect(await w.page.textContent('#traffic-gaps')).toMatch(/^No traffic in 3 windows/)
    // The table still shows one page.
    expect(await w.page.locator('#windows tbody tr').count()).toBe(50)
    await w.page.click('#chart-range a')
    await w.page.waitForFunction('!location.hash.includes("charts=all") && document.body.dataset.state === "ready" && document.querySelector("#chart-range")?.textContent.startsWith("The charts show the last")')
    expect((await chartLabels(w.page, 'volume')).length).toBe(120)
    expect(await w.page.locator('#traffic-gaps').count()).toBe(0)
    expect(w.errors).toEqual([])
    await w.page.close()
  })
})
