/**
 * The web UI's model page in headless Chromium against a stub read API (fixed JSON, no pipeline):
 * the selectors navigate only when applied, a new page takes the focus to its heading, the heatmap
 * has a legend, the windows table words fairness and quality as the overview does, and a
 * malformed address is the not-found page.
 */
import { describe, expect, it } from 'vitest'
import { watchedPage } from './support/browser.js'
import { uiWithStubApi } from './support/ui-stub.js'

const HOUR = 3_600_000
const at = (h: number) => new Date(Date.UTC(2026, 0, 10, h)).toISOString()
const headline = (h: number, extra: Record<string, unknown> = {}) => ({
  model_version: 'v1', window_start: at(h), window_end: at(h + 1), closed: true, predictions: 300, labeled: 108, label_coverage: 0.36,
  drift_share: 0.25, n_features: 4, n_drifted: 1, drifted_features: ['income'], n_insufficient: 0, drift_status: 'ok',
  performance: { metric: 'roc_auc', variant: 'all', realized: 0.81, estimated: 0.8, n: 108 },
  fairness: { attribute: 'group', metric: 'disparate_impact', value: 0.7, status: 'ok' }, quality_problems: 0, firing_alerts: 0, ...extra,
})
const WINDOWS = [headline(0, { drift_status: 'no_reference', drift_share: null, n_features: 0, n_drifted: 0, drifted_features: [] }), headline(1)]
const MODEL = {
  model: 'm', configured: true, task: 'binary', window_ms: HOUR, reference: { kind: 'previous', description: 'previous window' },
  versions: [{ version: 'v1', windows: 2, first_window_start: at(0), last_window_start: at(1) }, { version: 'v2', windows: 0, first_window_start: at(0), last_window_start: at(1) }],
  variants: ['all'], latest: WINDOWS[1], firing_alerts: 0,
}

const ui = uiWithStubApi('dw-ui-kbd-', (url) => {
  const json = (body: unknown) => ({ body })
  if (url.pathname === '/v1/models') return json({ items: [MODEL], next_cursor: null })
  if (url.pathname === '/v1/models/m') return json(MODEL)
  if (url.pathname === '/v1/models/m/windows') return json({ items: url.searchParams.get('version') === 'v2' ? [] : WINDOWS, next_cursor: null })
  if (url.pathname.startsWith('/v1/models/m/windows/')) return json({ fairness: [], drift: [], performance: [], quality: [], detectors: [], alerts: [] })
  return undefined
})


describe('model page with the keyboard', () => {
  it('an arrow key in the version selector does not navigate; Enter does, and the focus moves to the new page heading', async () => {
    const w = await watchedPage(ui.browser())
    await w.page.goto(`${ui.base()}#/models/m?version=v1`)
    await w.page.waitForSelector('section[data-page=model][data-version=v1]')
    await w.page.waitForFunction('document.body.dataset.state === "ready"')
    await w.page.focus('select[name=version]')
    await w.page.keyboard.press('ArrowDown')
    await w.page.waitForTimeout(300)
    expect(await w.page.getAttribute('section[data-page=model]', 'data-version')).toBe('v1')
    expect(await w.page.evaluate('document.activeElement.getAttribute("name")')).toBe('version')
    await w.page.keyboard.press('Enter')
    await w.page.waitForSelector('section[data-page=model][data-version=v2]')
    await w.page.waitForFunction('document.body.dataset.state === "ready"')
    expect(await w.page.evaluate('document.activeElement.tagName')).toBe('H1')
    expect(await w.page.textContent('label:has(select[name=variant])')).toMatch(/^variant \(performance only\)/)
    expect(w.errors).toEqual([])
    await w.page.close()
  })

  it('the heatmap has a legend; the windows table words fairness and a first window\'s quality as the overview does', async () => {
    const w = await watchedPage(ui.browser())
    await w.page.goto(`${ui.base()}#/models/m?version=v1`)
    await w.page.waitForSelector('#windows')
    expect(await w.page.$$eval('figure.heatmap .legend li', (lis) => lis.map((li) => li.textContent!.trim()))).toEqual(['● drift', '– no verdict', '? no drift, or no verdict (some features without one)', 'no drift'])
    const cells = await w.page.$$eval('#windows tbody tr', (trs) => trs.map((tr) => [tr.children[7]!.querySelector('.badge')?.className, tr.children[7]!.textContent, tr.children[8]!.textContent, tr.children[8]!.querySelector('.badge')?.className]))
    expect(cells).toEqual([
      ['badge bad', 'group 0.70 < 0.80', '0', 'badge ok'],
      ['badge bad', 'group 0.70 < 0.80', 'missing values only (no reference): none missing', 'badge none'],
    ])
    await w.page.close()
  })

  it('a malformed address is the not-found page, not a URIError', async () => {
    const w = await watchedPage(ui.browser())
    await w.page.goto(`${ui.base()}#/models/%E0%A4%A`)
    await w.page.waitForSelector('section[data-page]')
    expect(await w.page.getAttribute('main section', 'data-page')).toBe('unknown')
    expect(await w.page.textContent('main')).not.toMatch(/URIError/)
    await w.page.close()
  })
})
