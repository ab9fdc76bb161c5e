/**
 * Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) for the UI and HTML
 * report tests, with a watch on what a page does: console errors, page errors, and every request
 * that leaves 127.0.0.1 (or file://), which is aborted and recorded. Screenshots go to
 * test-artifacts/ (gitignored).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts')

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
}

export interface WatchedPage {
  readonly page: Page
  /** Console messages of type error, and uncaught page errors. */
  readonly errors: string[]
  /** URLs requested outside 127.0.0.1 and file:// (aborted). */
  readonly offHost: string[]
}

const LOCAL = /^(file:|data:|blob:|about:|https?:\/\/127\.0\.0\.1[:/])/

export async function watchedPage(browser: Browser, viewport = { width: 1400, height: 1000 }): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport })
  const errors: string[] = []
  const offHost: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  await page.route('**/*', async (route) => {
    const url = route.request().url()
    if (LOCAL.test(url)) await route.continue()
    else {
      offHost.push(url)
      await route.abort()
    }
  })
  return { page, errors, offHost }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

export interface ChartSpecOnPage {
  readonly title: string
  readonly labels: string[]
  readonly series: { readonly name: string; readonly values: unknown[] }[]
  readonly refLine?: { readonly value: number; readonly label: string }
}

// Runs in the page (a string: this project's TypeScript has no DOM types outside src/ui/web).
const CHARTS_SCRIPT = `(() => {
  const specs = {}
  let drawn = 0
  const canvases = [...document.querySelectorAll('figure[data-chart] canvas[data-spec]')]
  for (const c of canvases) {
    specs[c.closest('figure').getAttribute('data-chart')] = JSON.parse(c.dataset.spec)
    const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
    let painted = 0
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++
    if (c.dataset.drawn === 'true' && painted > 500) drawn++
  }
  return { specs, drawn, canvases: canvases.length }
})()`

/** The spec of every chart on the page by its data-chart id, and how many canvases hold drawn pixels. */
export async function chartsOnPage(page: Page): Promise<{ specs: Record<string, ChartSpecOnPage>; drawn: number; canvases: number }> {
  return (await page.evaluate(CHARTS_SCRIPT)) as { specs: Record<string, ChartSpecOnPage>; drawn: number; canvases: number }
}
