/**
 * The web UI's layout and verdicts in headless Chromium against a stub read API (fixed JSON, no
 * pipeline): a wide drift table never breaks a figure, a badge or a header, and scrolls in its own
 * box instead of widening the page; a long version in the model page's reference text wraps; a
 * model that can have no fairness per group fetches no window detail for it; disparate impact
 * ratios are judged by their upper confidence bound as the default alert rule judges them.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { screenshot, watchedPage } from './support/browser.js'
import { uiWithStubApi } from './support/ui-stub.js'

const HOUR = 3_600_000
const at = (h: number) => new Date(Date.UTC(2026, 0, 10, h)).toISOString()
/** A version of 200 characters: the model page names it in its reference text. */
const LONG_VERSION = `v-${'0123456789'.repeat(19)}-long`

type Fairness = { attribute: string; metric: string; value: number | null; status: string; upper_bound?: number | null } | null
const headline = (h: number, fairness: Fairness, version = 'v1') => ({
  model_version: version, window_start: at(h), window_end: at(h + 1), closed: true, predictions: 300, labeled: 108, label_coverage: 0.36,
  drift_share: 0.25, n_features: 4, n_drifted: 1, drifted_features: ['income'], n_insufficient: 0, drift_status: 'ok',
  performance: { metric: 'roc_auc', variant: 'all', realized: 0.81, estimated: 0.8, n: 108 }, fairness, quality_problems: 0, firing_alerts: 0,
})
const ratio = (value: number, upper?: number): Fairness => ({ attribute: 'group', metric: 'disparate_impact_ratio', value, status: 'ok', ...(upper === undefined ? {} : { upper_bound: upper }) })

const model = (id: string, task: string, windows: ReturnType<typeof headline>[], reference = 'previous window') => ({
  model: id, configured: true, task, window_ms: HOUR, reference: { kind: 'previous_windows', description: reference },
  versions: [...new Set(windows.map((w) => w.model_version))].map((version) => ({ version, windows: windows.length, first_window_start: at(0), last_window_start: at(windows.length - 1) })),
  variants: ['all'], latest: windows.at(-1) ?? null, firing_alerts: 0,
})

/** Drift rows with every figure a wide table has: long method names, p-values, many other statistics. */
const driftRow = (column: string, i: number) => ({
  target: 'feature', column, column_kind: 'numerical', method: 'wasserstein_normed', score: 0.0617 + i / 1000, p_value: 0.000123, p_value_adjusted: 0.00456,
  threshold: 0.1, drift_detected: i % 2 === 0, status: 'ok', n_reference: 123456, n_current: 654321, unseen_categories: [], distribution: null, distribution_note: null,
  statistics: { wasserstein_normed: 0.0617, psi: 0.1234, ks: 0.0456, ks_p_value: 0.000123, jensen_shannon: 0.0789, kl_divergence: 0.0345, hellinger: 0.0567, anderson_darling: 12.345 },
})
const fairnessRows = (ratioValue: number, upper: number | null) => [
  { attribute: 'group', group: 'A', metric: 'selection_rate', value: 0.5, n: 500, status: 'ok' },
  { attribute: 'group', group: 'B', metric: 'selection_rate', value: 0.5 * ratioValue, n: 500, status: 'ok' },
  { attribute: 'group', group: '', metric: 'disparate_impact_ratio', value: ratioValue, n: 1000, status: 'ok' },
  ...(upper === null ? [] : [{ attribute: 'group', group: '', metric: 'disparate_impact_ratio_upper', value: upper, n: 1000, status: 'ok' }]),
]
const detail = (m: string, h: number, fairness: ReturnType<typeof fairnessRows>) => ({
  model: m, model_version: 'v1', window_start: at(h), window_end: at(h + 1), closed: true, evaluated_at: at(h + 2), reference: 'previous window',
  summary: { predictions: 300, labeled: 108, label_coverage: 0.36, mean_label_delay_s: 3600 },
  dataset_drift: { drift_share: 0.5, n_features: 8, n_drifted: 4, drifted_features: [], n_insufficient: 0, status: 'ok' },
  drift: ['income', 'age', 'employment_length_years', 'debt_to_income', 'credit_score', 'loan_amount', 'region', 'tenure'].map(driftRow),
  performance: [], fairness, quality: [], detectors: [], alerts: [],
})

const SERIES: Record<string, ReturnType<typeof headline>[]> = {
  // Window 0: ratio below 4/5 within noise (bound 0.92); 1: beyond noise (0.43, bound 0.71); 2: stored before the bound (0.70 alone).
  fair: [headline(0, ratio(0.7, 0.92)), headline(1, ratio(0.43, 0.71)), headline(2, ratio(0.7))],
  reg: [headline(0, null), headline(1, null)],
  plain: [headline(0, null), headline(1, null)],
}
const MODELS: Record<string, ReturnType<typeof model>> = {
  fair: model('fair', 'binary', SERIES['fair']!),
  reg: model('reg', 'regression', SERIES['reg']!),
  plain: model('plain', 'binary', SERIES['plain']!),
  longver: model('longver', 'binary', [headline(0, ratio(0.9, 1.1), LONG_VERSION)], `previous window of version ${LONG_VERSION}`),
}
const DETAILS: Record<string, ReturnType<typeof detail>> = {
  [`fair|${at(0)}`]: detail('fair', 0, fairnessRows(0.7, 0.92)),
  [`fair|${at(1)}`]: detail('fair', 1, fairnessRows(0.43, 0.71)),
  [`fair|${at(2)}`]: detail('fair', 2, fairnessRows(0.7, null)),
}
/** Window detail requests per model. */
const detailRequests = new Map<string, number>()

const ui = uiWithStubApi('dw-ui-layout-', (url, parts) => {
  const json = (body: unknown, status = 200) => ({ body, status })
  if (url.pathname === '/v1/models') return json({ items: Object.values(MODELS), next_cursor: null })
  if (parts[2] === 'models' && parts[3] !== undefined) {
    const m = MODELS[parts[3]]
    if (!m) return json({ error: { code: 'DW_NOT_FOUND', message: 'no such model' } }, 404)
    if (parts.length === 4) return json(m)
    if (parts[4] === 'windows' && parts.length === 5) return json({ items: windowsOf(parts[3]), next_cursor: null })
    if (parts[4] === 'windows' && parts[5] !== undefined) {
      detailRequests.set(parts[3], (detailRequests.get(parts[3]) ?? 0) + 1)
      const d = DETAILS[`${parts[3]}|${parts[5]}`]
      return d ? json(d) : json({ ...detail(parts[3], 0, []), window_start: parts[5] })
    }
  }
  return undefined
})

/** A model's window headlines, as the series route sends them. */
function windowsOf(id: string): unknown[] {
  const m = MODELS[id]!
  return id === 'longver' ? [m.latest] : SERIES[id]!
}


const open = async (hash: string, width: number): Promise<{ page: Page; errors: string[] }> => {
  const w = await watchedPage(ui.browser(), { width, height: 900 })
  await w.page.goto(`${ui.base()}${hash}`)
  await w.page.waitForSelector('main section[data-page]')
  await w.page.waitForFunction('document.body.dataset.state === "ready"')
  return w
}

/** How many lines each element's text takes (client rects of its contents), and whether the page is wider than the window. */
const LAYOUT = `((selector) => {
  const lines = (el) => { const r = document.createRange(); r.selectNodeContents(el); return [...r.getClientRects()].filter((x) => x.width > 0).length }
  return {
    cells: [...document.querySelectorAll(selector)].map((el) => ({ text: el.textContent, lines: lines(el) })),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }
})`
const layout = async (page: Page, selector: string) =>
  (await page.evaluate(`${LAYOUT}(${JSON.stringify(selector)})`)) as { cells: { text: string; lines: number }[]; scrollWidth: number; innerWidth: number }

describe('tables never break a figure, a badge or a header', () => {
  for (const width of [1300, 1920]) {
    it(`the window page's wide drift table at ${width} px: each figure, badge and header on one line, the page no wider than the window`, async () => {
      const w = await open(`#/models/fair/windows/${encodeURIComponent(at(0))}?version=v1`, width)
      await w.page.waitForSelector('#drift')
      const figures = await layout(w.page, '#drift td.num')
      // 8 rows × (score, p-value, adjusted, threshold, reference n, current n).
      expect(figures.cells.length).toBe(48)
      expect(figures.cells.filter((c) => c.lines !== 1)).toEqual([])
      expect(figures.cells.map((c) => c.text)).toContain('0.0617')
      const badges = await layout(w.page, '#drift .badge')
      expect(badges.cells.length).toBe(8)
      expect(badges.cells.filter((c) => c.lines !== 1)).toEqual([])
      const headers = await layout(w.page, '#drift th')
      expect(headers.cells.filter((c) => c.lines !== 1)).toEqual([])
      expect(figures.scrollWidth).toBeLessThanOrEqual(figures.innerWidth)
      // What does not fit scrolls in the table's own box.
      const box = (await w.page.evaluate(`(() => {
        const p = document.querySelector('#drift').parentElement
        return { overflowX: getComputedStyle(p).overflowX, right: p.getBoundingClientRect().right }
      })()`)) as { overflowX: string; right: number }
      expect(box.overflowX).toBe('auto')
      expect(box.right).toBeLessThanOrEqual(width)
      await screenshot(w.page, `ui-window-wide-drift-${width}`)
      expect(w.errors).toEqual([])
      await w.page.close()
    })
  }

  it('the model page with a 200-character version in its reference text is no wider than the window', async () => {
    const w = await open('#/models/longver', 1300)
    await w.page.waitForSelector('#model-settings')
    expect(await w.page.textContent('#model-settings')).toContain(LONG_VERSION)
    const l = await layout(w.page, '#model-settings')
    expect(l.scrollWidth).toBeLessThanOrEqual(l.innerWidth)
    await screenshot(w.page, 'ui-model-long-version')
    expect(w.errors).toEqual([])
    await w.page.close()
  })
})

describe('fairness per group on the model page', () => {
  it('a regression model, and a binary model without fairness figures, fetch no window detail for it and say why at once', async () => {
    for (const [id, note] of [['reg', /^No fairness per group: fairness is computed for binary models only, and this is a regression model\.$/], ['plain', /^No fairness per group: the model names no protected attributes/]] as const) {
      detailRequests.delete(id)
      const w = await open(`#/models/${id}`, 1300)
      await w.page.waitForSelector('#windows')
      expect(await w.page.textContent('#no-fairness-groups')).toMatch(note)
      expect(await w.page.locator('.progress').count()).toBe(0)
      expect(detailRequests.get(id) ?? 0).toBe(0)
      expect(w.errors).toEqual([])
      await w.page.close()
    }
  })

  it('a binary model with fairness figures still loads them', async () => {
    detailRequests.delete('fair')
    const w = await open('#/models/fair', 1300)
    await w.page.waitForSelector('div.charts:not([data-pending]) figure[data-chart="fairness-groups:group"]')
    expect(detailRequests.get('fair')).toBe(3)
    await w.page.close()
  })
})

describe('disparate impact judged by its upper bound, as the default alert rule', () => {
  /** [metric, cell text, badge class] of the window page's attribute-wide fairness rows. */
  const parityCells = (page: Page) => page.$$eval('#fairness tbody tr', (trs) => trs
    .map((tr) => [...tr.children])
    .filter((tds) => tds[1]!.textContent === '(all groups)')
    .map((tds) => [tds[2]!.textContent, tds[3]!.textContent, tds[3]!.querySelector('.badge')?.className ?? null]))

  it('window page: a ratio below 4/5 within noise is amber, beyond it red with the bound; the bound row is shown', async () => {
    const noise = await open(`#/models/fair/windows/${encodeURIComponent(at(0))}?version=v1`, 1300)
    await noise.page.waitForSelector('#fairness')
    expect(await parityCells(noise.page)).toEqual([
      ['disparate_impact_ratio', '0.7000: below 4/5 within sampling noise (upper bound 0.9200)', 'badge warn'],
      ['disparate_impact_ratio_upper', '0.9200', null],
    ])
    await noise.page.close()
    const beyond = await open(`#/models/fair/windows/${encodeURIComponent(at(1))}?version=v1`, 1300)
    await beyond.page.waitForSelector('#fairness')
    expect(await parityCells(beyond.page)).toEqual([
      ['disparate_impact_ratio', 'ratio 0.4300, upper bound 0.7100 < 0.8000', 'badge bad'],
      ['disparate_impact_ratio_upper', '0.7100 < 0.8000', 'badge bad'],
    ])
    await beyond.page.close()
    // Stored before the bound existed: the ratio alone, read as it was.
    const old = await open(`#/models/fair/windows/${encodeURIComponent(at(2))}?version=v1`, 1300)
    await old.page.waitForSelector('#fairness')
    expect(await parityCells(old.page)).toEqual([['disparate_impact_ratio', '0.7000 < 0.8000', 'badge bad']])
    await old.page.close()
  })

  it('model page windows table: the same reading of the headline (upper_bound), and of the ratio alone without one', async () => {
    const w = await open('#/models/fair', 1300)
    await w.page.waitForSelector('#windows')
    const cells = await w.page.$$eval('#windows tbody tr', (trs) => trs.map((tr) => [tr.children[7]!.textContent, tr.children[7]!.querySelector('.badge')?.className]))
    // Newest first.
    expect(cells).toEqual([
      ['group 0.70 < 0.80', 'badge bad'],
      ['group ratio 0.43, upper bound 0.71 < 0.80', 'badge bad'],
      ['group 0.70: below 4/5 within sampling noise (upper bound 0.92)', 'badge warn'],
    ])
    expect(w.errors).toEqual([])
    await w.page.close()
  })
})
