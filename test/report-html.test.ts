/**
 * `driftwatch report --format html` opened from a file:// URL in headless Chromium: every chart
 * is drawn, the charts carry the report's own figures (compared with the JSON report of the same
 * files), nothing is requested from the network, and nothing is logged as an error.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runReport } from '../src/cli/report.js'
import type { ReportJson } from '../src/report/index.js'
import { shares } from '../src/ui/chart-spec.js'
import { buildUi } from '../src/ui/assets.js'
import { chartsOnPage, launchChromium, screenshot, watchedPage } from './support/browser.js'

const FIXTURES = join(import.meta.dirname, 'fixtures', 'report')

describe('HTML report in a browser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-report-html-'))
  let browser: Browser
  beforeAll(async () => {
    await buildUi()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('renders every chart from file:// with the figures of the JSON report, offline', async () => {
    const files = { reference: join(FIXTURES, 'reference.csv'), current: join(FIXTURES, 'current.csv'), protected: 'gender' }
    expect(await runReport({ ...files, format: 'json', output: join(dir, 'report.json') })).toBe(0)
    expect(await runReport({ ...files, format: 'html', output: join(dir, 'report.html') })).toBe(0)
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportJson
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="(https?:)?\/\//) // nothing to fetch

    const { page, errors, offHost } = await watchedPage(browser)
    await page.goto(pathToFileURL(join(dir, 'report.html')).href)
    await page.waitForFunction('document.body.dataset.charts !== undefined')
    await screenshot(page, 'report-html')
    expect(errors).toEqual([])
    expect(offHost).toEqual([])
    expect(JSON.parse((await page.textContent('#report-data'))!)).toEqual(report)

    const { specs, drawn, canvases } = await chartsOnPage(page)
    expect(canvases).toBeGreaterThan(0)
    expect(drawn).toBe(canvases)
    expect(Number(await page.evaluate('document.body.dataset.charts'))).toBe(canvases)

    // Performance: reference and current values, and the difference with its interval.
    const perf = report.performance as { reference: Record<string, number>; current: Record<string, number>; degradation: Record<string, { difference: number; ci_low: number; ci_high: number }> }
    const p = specs['performance']!
    expect(p.labels).toContain('accuracy')
    p.labels.forEach((m, i) => {
      expect(p.series[0]!.values[i]).toBe(perf.reference[m])
      expect(p.series[1]!.values[i]).toBe(perf.current[m])
    })
    const deg = specs['degradation']!
    expect(deg.labels).toContain('accuracy')
    deg.labels.forEach((m, i) => {
      const d = perf.degradation[m]!
      expect(deg.series[0]!.values[i]).toEqual([d.ci_low, d.ci_high])
      expect(deg.series[1]!.values[i]).toBe(d.difference)
    })

    // Fairness: selection rate per compared group, and the 4/5 line at 0.8 x the highest rate.
    const groups = (report.fairness['gender'] as { groups: Record<string, { status: string; selection_rate: number }> }).groups
    const ok = Object.entries(groups).filter(([, g]) => g.status === 'ok')
    const fair = specs['fairness:gender']!
    expect(fair.labels).toEqual(ok.map(([g]) => g))
    expect(fair.series[0]!.values).toEqual(ok.map(([, g]) => g.selection_rate))
    expect(fair.refLine!.value).toBeCloseTo(0.8 * Math.max(...ok.map(([, g]) => g.selection_rate)), 12)
    // Distributions: one chart per feature, reference and current as shares of the report's counts.
    for (const [name, f] of Object.entries(report.features)) {
      const d = (f as { distribution?: { reference: number[]; current: number[]; other?: { categories: number; reference: number; current: number } } }).distribution
      expect(d, `distribution of ${name}`).toBeDefined()
      const other = d!.other && d!.other.categories > 0 ? d!.other : null
      const spec = specs[`distribution:${name}`]!
      expect(spec.series.map((s) => s.values)).toEqual([
        shares(other ? [...d!.reference, other.reference] : d!.reference),
        shares(other ? [...d!.current, other.current] : d!.current),
      ])
    }
    await page.close()
  })
})
