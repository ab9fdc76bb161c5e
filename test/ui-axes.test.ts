/**
 * The value axes of the web UI's charts in headless Chromium against a stub read API (fixed JSON,
 * no pipeline): a regression model's performance at any magnitude (an RMSE near 1e300, near
 * 1e-300, negative figures, a flat series, a single window) is drawn on an axis whose tick labels
 * are distinct, read as numbers within the axis, and hold every value drawn.
 */
import { describe, expect, it } from 'vitest'
import { screenshot, watchedPage } from './support/browser.js'
import { uiWithStubApi } from './support/ui-stub.js'

const HOUR = 3_600_000
const at = (h: number) => new Date(Date.UTC(2026, 0, 10, h)).toISOString()

/** A regression model's window headline with its main metric's realized value. */
const headline = (h: number, metric: string, realized: number) => ({
  model_version: 'v1', window_start: at(h), window_end: at(h + 1), closed: true, predictions: 300, labeled: 300, label_coverage: 1,
  drift_share: 0, n_features: 2, n_drifted: 0, drifted_features: [], n_insufficient: 0, drift_status: 'ok',
  performance: { metric, variant: 'all', realized, estimated: null, n: 300 }, fairness: null, quality_problems: 0, firing_alerts: 0,
})

/** Each model's realized values, one window an hour. */
const SERIES: Record<string, { metric: string; values: number[] }> = {
  huge: { metric: 'rmse', values: [1.0e300, 1.3e300, 2.2e300, 1.7e300, 1.55e300, 2.05e300] },
  'huge-close': { metric: 'rmse', values: [1.51e300, 1.52e300, 1.515e300, 1.55e300] },
  tiny: { metric: 'rmse', values: [1e-300, 3e-300, 2.5e-300, 1.2e-300] },
  negative: { metric: 'r2', values: [-3.2e5, -1.1e5, -2.7e5, -0.4e5] },
  flat: { metric: 'rmse', values: [1e300, 1e300, 1e300] },
  single: { metric: 'rmse', values: [4.2e-7] },
}
const windowsOf = (id: string) => SERIES[id]!.values.map((v, h) => headline(h, SERIES[id]!.metric, v))
const model = (id: string) => {
  const windows = windowsOf(id)
  return {
    model: id, configured: true, task: 'regression', window_ms: HOUR, reference: { kind: 'previous_windows', description: 'previous window' },
    versions: [{ version: 'v1', windows: windows.length, first_window_start: at(0), last_window_start: at(windows.length - 1) }],
    variants: ['all'], latest: windows.at(-1)!, firing_alerts: 0,
  }
}

const ui = uiWithStubApi('dw-ui-axes-', (url, parts) => {
  const json = (body: unknown, status = 200) => ({ body, status })
  if (url.pathname === '/v1/models') return json({ items: Object.keys(SERIES).map(model), next_cursor: null })
  if (parts[2] === 'models' && parts[3] !== undefined) {
    if (!SERIES[parts[3]]) return json({ error: { code: 'DW_NOT_FOUND', message: 'no such model' } }, 404)
    if (parts.length === 4) return json(model(parts[3]))
    if (parts[4] === 'windows' && parts.length === 5) return json({ items: windowsOf(parts[3]), next_cursor: null })
  }
  return undefined
})

interface Drawn { values: (number | null)[]; scales: Record<string, { min: number; max: number }>; ticks: Record<string, string[]> }

describe('value axes at any magnitude', () => {
  for (const id of Object.keys(SERIES)) {
    it(`${id}: the performance axis has distinct tick labels, each a number on the axis, over every value drawn`, async () => {
      const w = await watchedPage(ui.browser())
      await w.page.goto(`${ui.base()}#/models/${id}`)
      await w.page.waitForSelector('figure[data-chart=performance] canvas[data-drawn]')
      const drawn = (await w.page.$eval('figure[data-chart=performance] canvas', (c) => ({
        values: JSON.parse(c.getAttribute('data-spec')!).series[0].values,
        scales: JSON.parse(c.getAttribute('data-scales')!),
        ticks: JSON.parse(c.getAttribute('data-ticks')!),
      }))) as Drawn
      expect(drawn.values).toEqual(SERIES[id]!.values)
      const { min, max } = drawn.scales['y']!
      const labels = drawn.ticks['y']!
      expect(labels.length, labels.join(' | ')).toBeGreaterThanOrEqual(2)
      expect(new Set(labels).size, labels.join(' | ')).toBe(labels.length)
      const read = labels.map((l) => Number(l.replaceAll(',', '')))
      for (const x of read) {
        expect(Number.isFinite(x), labels.join(' | ')).toBe(true)
        // Within the axis, up to the digits a label shows.
        expect(x).toBeGreaterThanOrEqual(min - (max - min) * 1e-6)
        expect(x).toBeLessThanOrEqual(max + (max - min) * 1e-6)
      }
      expect([...read].sort((a, b) => a - b)).toEqual(read)
      for (const v of drawn.values) {
        expect(v!).toBeGreaterThanOrEqual(min)
        expect(v!).toBeLessThanOrEqual(max)
      }
      if (id === 'huge') await screenshot(w.page, 'ui-model-huge-rmse')
      expect(w.errors).toEqual([])
      await w.page.close()
    })
  }
})
