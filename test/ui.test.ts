/**
 * The web UI in headless Chromium against a real pipeline run: the demo's loan traffic (two
 * versions as champion and challenger, a fairness gap, drift from day 10, delayed labels) through
 * startApp on real Kafka and chDB, evaluated with evaluateNow(), served by the HTTP API with its
 * read routes and the built UI. Every page loads; the figures each page and chart carries equal
 * the API's answers; no console error and no request leaves 127.0.0.1; the token box gates the
 * data when the server has tokens, and nothing asks for one on an open loopback server.
 * A second model carries values that sit exactly on its bin edges and a last window too small
 * for a drift verdict, to check that the pages chart bins and show verdicts as the API counts them.
 */
import type { FastifyInstance } from 'fastify'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { loadApiTokens } from '../src/config/api-tokens.js'
import { parseFileConfig } from '../src/config/file.js'
import { demoModelYaml } from '../src/cli/demo.js'
import type { PredictionEvent } from '../src/ingest/schemas.js'
import { DEFAULT_LOAN_DEMO, simulateLoanModel } from '../src/demo/loan-model.js'
import { ingestLimits } from '../src/http/limits.js'
import { createHttpServer } from '../src/http/server.js'
import { createLogger } from '../src/observability/logger.js'
import { createReadQueries, type AlertView, type ComparisonWindow, type ModelSummary, type Page, type WindowDetail, type WindowHeadline } from '../src/read/index.js'
import { binLabels, shares } from '../src/ui/chart-spec.js'
import { figure, numeric, percent, windowLabel, windowStartLabel } from '../src/ui/figures.js'
import { qualityProblems } from '../src/ui/quality-problems.js'
import { buildUi } from '../src/ui/assets.js'
import { chartsOnPage, launchChromium, screenshot, watchedPage, type WatchedPage } from './support/browser.js'
import { dropTestResources, testConfig } from './support/config.js'
import { count } from './support/query.js'
import { waitFor } from './support/wait.js'

const READ_TOKEN = 'ui-read-token-0123456789'
const tokens = loadApiTokens(`read:${READ_TOKEN},ingest:ui-ingest-token-0123456789`, undefined).tokens
const MODEL = 'loan-approval'
const DAY_MS = 86_400_000
/** A window on a chart axis: its start in UTC, "(open)" while its figures can still change. */
const tick = (w: { window_start: string; closed: boolean }) => `${windowStartLabel(w.window_start)}${w.closed ? '' : ' (open)'}`
const EDGE_MODEL = 'edge-bins'
const EDGE_SMALL_WINDOW = 10
/** A model whose only window is today's, still open. */
const LIVE_MODEL = 'live'
const liveModelYaml = `  - id: ${LIVE_MODEL}
    task: binary
    positiveClass: "1"
    window: 1d
    reference: { previousWindows: 1 }
`
/** A model id of 255 characters (ingest allows 256): no page may grow wider than the window for it. */
const LONG_MODEL = `long-model-${'x'.repeat(244)}`
const longModelYaml = `  - id: ${LONG_MODEL}
    task: binary
    positiveClass: "1"
    window: 1d
    reference: { previousWindows: 1 }
`

/** A model reference-binned on one day (its period), whose later values all sit on its bin edges. */
const edgeModelYaml = (startMs: number) => `  - id: ${EDGE_MODEL}
    task: binary
    positiveClass: "1"
    window: 1d
    allowedLateness: 1h
    reference: { from: "${new Date(startMs).toISOString()}", to: "${new Date(startMs + DAY_MS).toISOString()}" }
`

/**
 * Day 0 (the reference): x = 0..10, each value's run centred on a decile, so the deciles (the bin
 * edges) are exactly 1..9 and the score's 0.1..0.9. Day 1: 100 rows, every x = 5 (an inner edge).
 * Day 2: EDGE_SMALL_WINDOW rows at x = 9, too few for a verdict, however far from the reference.
 */
function edgeModelTraffic(startMs: number): PredictionEvent[] {
  const days = [Array.from({ length: 100 }, (_, i) => Math.floor((i + 5) / 10)), new Array<number>(100).fill(5), new Array<number>(EDGE_SMALL_WINDOW).fill(9)]
  return days.flatMap((xs, d) => xs.map((x, i): PredictionEvent => ({
    prediction_id: `edge-${d}-${i}`, model_id: EDGE_MODEL, model_version: 'v1', event_time: startMs + d * DAY_MS + i * 60_000,
    features: { x }, prediction: { class_label: x >= 5 ? '1' : '0', score: x / 10, probabilities: null, value: null },
    segments: {}, deployment: { environment: 'production', variant: 'champion' }, subject_id: null,
  })))
}

describe('web UI on a real pipeline run', () => {
  const config = testConfig()
  const options = { ...DEFAULT_LOAN_DEMO, startMs: Math.floor(Date.now() / DAY_MS) * DAY_MS - 25 * DAY_MS, days: 12, perDay: 300 }
  const file = parseFileConfig(demoModelYaml(options) + edgeModelYaml(options.startMs) + liveModelYaml + longModelYaml, 'demo model')
  const traffic = simulateLoanModel(options)
  const edgeTraffic = edgeModelTraffic(options.startMs)
  const liveTraffic: PredictionEvent[] = [LIVE_MODEL, LONG_MODEL].map((model, i) => ({
    prediction_id: `live-${i}`, model_id: model, model_version: 'v1', event_time: Date.now() - 60_000, features: { x: 1 },
    prediction: { class_label: '1', score: 0.7, probabilities: null, value: null }, segments: {}, deployment: { environment: 'production', variant: 'champion' }, subject_id: null,
  }))
  let app: App
  let browser: Browser
  const servers: FastifyInstance[] = []
  let base = ''

  const serve = async (security: Parameters<typeof createHttpServer>[0]['security'], uiDir: string) => {
    const http = createHttpServer({
      publisher: app.publisher, limits: ingestLimits(file, 1000), security, bodyLimitBytes: 1 << 20, logger: createLogger('silent'),
      read: createReadQueries({ store: app.store, file, now: Date.now }), uiDir,
    })
    servers.push(http)
    await http.listen({ host: '127.0.0.1', port: 0 })
    const address = http.server.address()
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  }
  const api = async <T>(path: string): Promise<T> => {
    const r = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })
    expect(r.status, path).toBe(200)
    return (await r.json()) as T
  }
  const all = async <T>(path: string): Promise<T[]> => {
    const items: T[] = []
    let cursor: string | null = null
    do {
      const page: Page<T> = await api<Page<T>>(cursor === null ? path : `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`)
      items.push(...page.items)
      cursor = page.next_cursor
    } while (cursor !== null)
    return items
  }
  const load = async (w: WatchedPage, hash: string) => {
    await w.page.goto(`${base}/${hash}`)
    await w.page.waitForFunction('document.body.dataset.state === "ready"')
  }

  beforeAll(async () => {
    const { out } = await buildUi()
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: true })
    const predictions = [...traffic.predictions, ...edgeTraffic, ...liveTraffic]
    await app.publisher.publishPredictions(predictions)
    await app.publisher.publishGroundTruth(traffic.labels)
    // Conservation: every record is stored (none dead-lettered), once.
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === predictions.length, { what: 'predictions stored' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === traffic.labels.length, { what: 'labels stored' })
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.predictions')).toBe(predictions.length)
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)
    await app.evaluator.evaluateNow()
    base = await serve({ auth: 'tokens', tokens }, out)
    browser = await launchChromium()
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    for (const s of servers) await s.close()
    await app?.stop()
    await dropTestResources(config)
  })

  it('asks for a read token, then shows the models overview with the API figures', async () => {
    const w = await watchedPage(browser)
    await load(w, '#/')
    expect(await w.page.isVisible('form.token input[name=token]')).toBe(true)
    expect(await w.page.locator('#models').count()).toBe(0)
    // The refused request is the only error so far: the browser logs the 401 itself.
    expect(w.errors.every((e) => /401/.test(e))).toBe(true)
    w.errors.length = 0
    await w.page.fill('form.token input[name=token]', READ_TOKEN)
    await w.page.click('form.token button')
    await w.page.waitForSelector('#models')
    const models = await all<ModelSummary>('/v1/models')
    const m = models.find((x) => x.model === MODEL)!
    const figures = JSON.parse((await w.page.getAttribute(`#models tr[data-model="${MODEL}"]`, 'data-figures'))!)
    expect(figures).toEqual({
      window_start: m.latest!.window_start, predictions: m.latest!.predictions, label_coverage: m.latest!.label_coverage,
      drift_share: m.latest!.drift_share, n_drifted: m.latest!.n_drifted, realized: m.latest!.performance?.realized ?? null,
      estimated: m.latest!.performance?.estimated ?? null, fairness: m.latest!.fairness?.value ?? null,
      quality_problems: m.latest!.quality_problems, firing_alerts: m.firing_alerts,
    })
    expect(await w.page.locator('#models tbody tr').count()).toBe(models.length)
    // The latest window: one UTC day, marked open while it is; label coverage in percent.
    for (const x of models) {
      const cells = await w.page.$eval(`#models tr[data-model="${x.model}"]`, (tr) => [tr.children[2]!.textContent, tr.children[3]!.textContent, tr.children[2]!.querySelectorAll('.badge.open').length])
      // The row's figures are one version's: named beside its window.
      expect(cells, x.model).toEqual([`${windowLabel(x.latest!.window_start, x.latest!.window_end)}, version ${x.latest!.model_version} ${x.latest!.closed ? '' : 'open'}`, `${x.latest!.predictions} (${percent(x.latest!.label_coverage)} labeled)`, x.latest!.closed ? 0 : 1])
    }
    expect(models.find((x) => x.model === LIVE_MODEL)?.latest?.closed).toBe(false)
    await screenshot(w.page, 'ui-overview')
    expect(w.errors).toEqual([])
    expect(w.offHost).toEqual([])
    // The token stays for the tab: a reload needs no new entry.
    await load(w, '#/')
    expect(await w.page.locator('#models').count()).toBe(1)
    await w.page.close()
  })

  it('model page: time series, heatmap and challenger vs champion carry the API series', async () => {
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    await load(w, `#/models/${MODEL}?version=v1&variant=all`)
    await w.page.waitForSelector('div.charts:not([data-pending]) figure[data-chart^="fairness-groups:"] canvas[data-drawn]', { timeout: 90_000 })
    const series = await all<WindowHeadline>(`/v1/models/${MODEL}/windows?version=v1&variant=all`)
    expect(series.length).toBeGreaterThanOrEqual(10)
    const { specs, drawn, canvases } = await chartsOnPage(w.page)
    expect(drawn).toBe(canvases)
    const labels = series.map(tick)
    expect(labels[0]).toMatch(/^\d{4}-\d\d-\d\d UTC$/)
    expect(specs['drift-share']!.labels).toEqual(labels)
    expect(specs['drift-share']!.series[0]!.values).toEqual(series.map((s) => s.drift_share))
    expect(specs['performance']!.series.map((s) => s.values)).toEqual([
      series.map((s) => s.performance?.realized ?? null), series.map((s) => s.performance?.estimated ?? null), series.map((s) => (s.label_coverage === null ? null : s.label_coverage * 100)),
    ])
    // Label coverage in percent is drawn on a 0-100 axis (a 0-1 axis cut every bar off at the top);
    // every chart's values lie within the axes Chart.js drew them on.
    const scales = await w.page.$$eval('figure[data-chart] canvas[data-scales]', (cs) => cs.map((c) => ({ id: c.closest('figure')!.getAttribute('data-chart')!, scales: JSON.parse(c.getAttribute('data-scales')!) as Record<string, { min: number; max: number }> })))
    expect(scales.find((x) => x.id === 'performance')!.scales['y2']).toEqual({ min: 0, max: 100 })
    for (const { id, scales: axes } of scales) {
      for (const line of specs[id]!.series) {
        const axis = axes[(line as { axis?: string }).axis === 'right' ? 'y2' : 'y']!
        for (const v of line.values.flat()) {
          if (typeof v !== 'number') continue
          expect(v, `${id} ${line.name}`).toBeGreaterThanOrEqual(axis.min)
          expect(v, `${id} ${line.name}`).toBeLessThanOrEqual(axis.max)
        }
      }
    }
    // The windows table: each window as one UTC day, coverage in percent, the window size in words.
    const windowRows = await w.page.$$eval('#windows tbody tr', (trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.children[2]!.textContent]))
    expect(windowRows).toEqual([...series].reverse().map((s) => [`${windowLabel(s.window_start, s.window_end)} ${s.closed ? '' : 'open'}`, percent(s.label_coverage)]))
    expect(await w.page.textContent('.filters')).toContain('binary model, 1 d windows')
    expect(specs['fairness']!.series[0]!.values).toEqual(series.map((s) => s.fairness?.value ?? null))
    expect(specs['fairness']!.refLine!.value).toBe(0.8)
    expect(specs['volume']!.series.map((s) => s.values)).toEqual([series.map((s) => s.predictions), series.map((s) => s.labeled)])
    // Heatmap: a marked cell for exactly the drifted features of each window.
    const cells = (await w.page.$$eval('td[data-feature]', (tds) => tds.map((td) => [td.getAttribute('data-window'), td.getAttribute('data-feature'), td.getAttribute('data-drifted')]))) as [string, string, string][]
    const drifted = new Set(series.flatMap((s) => s.drifted_features.map((f) => `${s.window_start}|${f}`)))
    expect(drifted.size).toBeGreaterThan(0) // the injected income drift
    expect(new Set(cells.filter((c) => c[2] === 'true').map((c) => `${c[0]}|${c[1]}`))).toEqual(drifted)
    // Challenger (v2) vs champion (v1), realized values per window.
    const [champion, challenger] = await Promise.all([all<WindowHeadline>(`/v1/models/${MODEL}/windows?variant=champion`), all<WindowHeadline>(`/v1/models/${MODEL}/windows?variant=challenger`)])
    const cmp = specs['comparison']!
    const at = (ws: WindowHeadline[]) => cmp.labels.map((l) => ws.find((x) => tick(x) === l && x.performance)?.performance?.realized ?? null)
    expect(cmp.series[0]!.values).toEqual(at(champion))
    expect(cmp.series[1]!.values).toEqual(at(challenger))
    expect(cmp.series[1]!.values.some((v) => typeof v === 'number')).toBe(true)
    // Challenger − champion with its interval, from the evaluator's comparison rows, for the model's main metric.
    const metric = (await all<ModelSummary>('/v1/models')).find((x) => x.model === MODEL)!.latest!.performance!.metric
    const compared = (await all<ComparisonWindow>(`/v1/models/${MODEL}/comparisons`)).filter((c) => c.comparisons.some((r) => r.metric === metric))
    expect(compared.length).toBeGreaterThan(0)
    const diff = specs['comparison-difference']!
    // Marked open where a window of the model at that start still is (the comparison rows carry no flag).
    const openStarts = new Set([...series, ...champion, ...challenger].filter((x) => !x.closed).map((x) => x.window_start))
    expect(openStarts.size).toBeGreaterThan(0) // the last day: the watermark is inside it
    expect(diff.labels).toEqual(compared.map((c) => `${windowStartLabel(c.window_start)}${openStarts.has(c.window_start) ? ' (open)' : ''}`))
    const row = (c: ComparisonWindow) => c.comparisons.find((r) => r.metric === metric && r.champion_version === 'v1' && r.challenger_version === 'v2')
    expect(diff.series.map((x) => x.name)).toEqual(['v2 − v1 difference', 'v2 − v1 interval'])
    expect(diff.series[0]!.values).toEqual(compared.map((c) => row(c)?.difference ?? null))
    expect(diff.series[1]!.values).toEqual(compared.map((c) => (row(c) && row(c)!.ci_low !== null ? [row(c)!.ci_low, row(c)!.ci_high] : null)))
    expect(diff.refLine!.value).toBe(0)
    // Fairness per group (last 30 windows): each group's selection rate over the highest, from the window details.
    const recent = await Promise.all(series.slice(-30).map((s) => api<WindowDetail>(`/v1/models/${MODEL}/windows/${encodeURIComponent(s.window_start)}?version=v1`)))
    const groupSpec = specs['fairness-groups:group']!
    expect(groupSpec.refLine!.value).toBe(0.8)
    expect(groupSpec.labels).toEqual(recent.map(tick))
    for (const line of groupSpec.series) {
      expect(line.values).toEqual(recent.map((d) => {
        // Only the groups the ratio compares in that window (status ok).
        const rates = d.fairness.filter((f) => f.attribute === 'group' && f.group !== '' && f.metric === 'selection_rate' && f.status === 'ok')
        const mine = rates.find((f) => f.group === line.name)?.value
        return mine === undefined || mine === null ? null : numeric(mine)! / Math.max(...rates.map((f) => numeric(f.value) ?? 0))
      }))
    }
    expect(groupSpec.series.map((l) => l.name)).toEqual(['A', 'B'])
    expect((groupSpec.series[1]!.values as number[]).some((v) => v < 0.8)).toBe(true) // group B's injected gap
    await screenshot(w.page, 'ui-model')
    // The version filter reloads the page on v2 once applied.
    await w.page.selectOption('select[name=version]', 'v2')
    await w.page.click('.filters button[type=submit]')
    await w.page.waitForSelector('section[data-page=model][data-version=v2]')
    await w.page.waitForFunction('document.body.dataset.state === "ready"')
    const v2 = await all<WindowHeadline>(`/v1/models/${MODEL}/windows?version=v2&variant=all`)
    expect((await chartsOnPage(w.page)).specs['volume']!.series[0]!.values).toEqual(v2.map((s) => s.predictions))
    expect(w.errors).toEqual([])
    expect(w.offHost).toEqual([])
    await w.page.close()
  })

  it('window page: distributions, the deciding statistic, fairness per group and quality as the API says', async () => {
    const series = await all<WindowHeadline>(`/v1/models/${MODEL}/windows?version=v1&variant=all`)
    const target = series.filter((s) => s.n_drifted > 0).at(-1)!
    const detail = await api<WindowDetail>(`/v1/models/${MODEL}/windows/${encodeURIComponent(target.window_start)}?version=v1`)
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    await load(w, `#/models/${MODEL}/windows/${encodeURIComponent(target.window_start)}?version=v1`)
    const { specs, drawn, canvases } = await chartsOnPage(w.page)
    expect(drawn).toBe(canvases)
    expect(await w.page.locator('#drift tbody tr').count()).toBe(detail.drift.length)
    const withDistribution = detail.drift.filter((d) => d.distribution !== null)
    expect(withDistribution.map((d) => d.column)).toContain('income')
    for (const d of withDistribution) {
      const spec = specs[`distribution:${d.target}:${d.column}`]!
      const dist = d.distribution!
      // The API's bins are left-closed (src/read/schemas.ts: edges[i-1] <= v < edges[i]).
      expect(spec.labels).toEqual(dist.kind === 'histogram' ? binLabels(dist.edges, 'left') : dist.categories)
      expect(spec.series.map((s) => s.values)).toEqual([shares(dist.reference), shares(dist.current)])
    }
    // The verdict column agrees with the API for every row, and names the figure compared.
    const verdicts = await w.page.$$eval('#drift tbody tr', (trs) => trs.map((tr) => [tr.children[1]!.textContent, tr.children[8]!.textContent, tr.children[9]!.textContent]))
    expect(verdicts.map((v) => [v[0], v[1]])).toEqual(detail.drift.map((d) => [d.column, d.status !== 'ok' ? expect.stringMatching(/^no verdict/) : d.drift_detected ? 'drift' : 'ok']))
    expect(verdicts.every((v) => /threshold|p-value/.test(v[2]!))).toBe(true)
    // Only the groups the ratio compares are drawn (status ok), as in the batch report.
    const groups = detail.fairness.filter((f) => f.attribute === 'group' && f.group !== '' && f.metric === 'selection_rate' && f.status === 'ok')
    expect(groups.length).toBeGreaterThan(1)
    expect(specs['fairness:group']!.labels).toEqual(groups.map((g) => g.group))
    expect(specs['fairness:group']!.series[0]!.values).toEqual(groups.map((g) => g.value))
    expect(specs['fairness:group']!.refLine!.value).toBeCloseTo(0.8 * Math.max(...groups.map((g) => numeric(g.value) ?? 0)), 12)
    // Every other statistic of each drift row is on the page: an alert on PSI finds its PSI.
    const others = await w.page.$$eval('#drift tbody tr', (trs) => trs.map((tr) => tr.children[12]!.textContent))
    detail.drift.forEach((d, i) => {
      for (const [name, value] of Object.entries(d.statistics)) {
        if (name !== d.method && name !== `${d.method}_p_value`) expect(others[i], `${d.column} ${name}`).toContain(`${name} ${figure(value, 4)}`)
      }
    })
    expect(others[detail.drift.findIndex((d) => d.target === 'feature' && d.column === 'income')]).toMatch(/psi \d/)
    // Quality: the problems listed are those the headline counts, feature '' named.
    const problems = qualityProblems(detail.quality, detail.drift)
    const listed = await w.page.$$eval('#quality tbody tr', (trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent]))
    expect(listed).toEqual(problems.map((q) => [q.feature === '' ? '(all features)' : q.feature, q.metric]))
    expect(new Set(problems.map((q) => q.feature)).size).toBe(target.quality_problems)
    expect(await w.page.textContent('#quality-problems')).toBe(target.quality_problems === 0 ? 'No quality problem.' : `${target.quality_problems} feature${target.quality_problems === 1 ? '' : 's'} with a quality problem`)
    // No part left out of the page is written as the text "false" (a text node, nodeType 3).
    expect(await w.page.$eval('section[data-page=window]', (s) => [...s.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent))).not.toContain('false')
    // The title names the one UTC day of the window.
    expect(await w.page.textContent('section[data-page=window] h1')).toBe(`${MODEL} v1: window ${windowLabel(detail.window_start, detail.window_end)} ${detail.closed ? '' : 'open'}`)
    expect(await w.page.locator('#performance tbody tr').count()).toBe(detail.performance.length)
    await screenshot(w.page, 'ui-window')
    expect(w.errors).toEqual([])
    expect(w.offHost).toEqual([])
    await w.page.close()
  })

  it('window page: the model comparison table shows the API difference, interval and p-value', async () => {
    const compared = await all<ComparisonWindow>(`/v1/models/${MODEL}/comparisons?version=v1`)
    const start = compared.at(-1)!.window_start
    const detail = await api<WindowDetail>(`/v1/models/${MODEL}/windows/${encodeURIComponent(start)}?version=v1`)
    expect(detail.comparison.length).toBeGreaterThan(0)
    expect(detail.comparison).toEqual(compared.at(-1)!.comparisons)
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    await load(w, `#/models/${MODEL}/windows/${encodeURIComponent(start)}?version=v1`)
    const rows = await w.page.$$eval('#comparison tbody tr', (trs) => trs.map((tr) => ({
      figures: JSON.parse(tr.getAttribute('data-figures')!), cells: [...tr.children].map((td) => td.textContent),
    })))
    expect(rows.map((r) => r.figures)).toEqual(detail.comparison.map((c) => ({ difference: c.difference, ci_low: c.ci_low, ci_high: c.ci_high, p_value: c.p_value })))
    const four = (x: number | null) => (x === null ? '-' : x !== 0 && Math.abs(x) < 1e-4 ? x.toExponential(2) : x.toFixed(4))
    expect(rows.map((r) => [r.cells[0], r.cells[1], r.cells[2], r.cells[5], r.cells[6]])).toEqual(detail.comparison.map((c) => [
      c.metric, c.champion_version, c.challenger_version, four(c.difference), c.ci_low === null ? '-' : `[${four(c.ci_low)}, ${four(c.ci_high)}]`,
    ]))
    await screenshot(w.page, 'ui-window-comparison')
    expect(w.errors).toEqual([])
    expect(w.offHost).toEqual([])
    await w.page.close()
  })

  it('window page: values on a bin edge are charted in the bin the API counts them in (left-closed)', async () => {
    const series = await all<WindowHeadline>(`/v1/models/${EDGE_MODEL}/windows?version=v1`)
    const onEdge = series.find((s) => s.window_start === new Date(options.startMs + DAY_MS).toISOString())!
    const detail = await api<WindowDetail>(`/v1/models/${EDGE_MODEL}/windows/${encodeURIComponent(onEdge.window_start)}?version=v1`)
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    await load(w, `#/models/${EDGE_MODEL}/windows/${encodeURIComponent(onEdge.window_start)}?version=v1`)
    const { specs } = await chartsOnPage(w.page)
    // x = 5 on every row: the bin [5, 6); score = 0.5: the bin [0.5, 0.6).
    for (const [target, column, bin] of [['feature', 'x', '[5, 6)'], ['prediction', 'score', '[0.5, 0.6)']] as const) {
      const dist = detail.drift.find((d) => d.target === target && d.column === column)!.distribution!
      expect(dist.kind).toBe('histogram')
      const spec = specs[`distribution:${target}:${column}`]!
      expect(spec.series[1]!.values.filter((v) => v !== 0)).toEqual([1])
      expect(spec.labels[spec.series[1]!.values.indexOf(1)]).toBe(bin)
    }
    expect(w.errors).toEqual([])
    await w.page.close()
  })

  it('model and window pages read their model alone (GET /v1/models/{model}), not every model, and print the reference period in UTC labels', async () => {
    const day0 = new Date(options.startMs).toISOString().slice(0, 10)
    const w = await watchedPage(browser)
    const paths: string[] = []
    w.page.on('request', (r) => paths.push(new URL(r.url()).pathname))
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    await load(w, `#/models/${EDGE_MODEL}?version=v1`)
    // The reference is the one day from options.startMs: named as that day, its end not printed as a second date.
    expect(await w.page.textContent('#model-settings')).toBe(`binary model, 1 d windows, reference: ${day0} (UTC day)`)
    const onEdge = new Date(options.startMs + DAY_MS).toISOString()
    await load(w, `#/models/${EDGE_MODEL}/windows/${encodeURIComponent(onEdge)}?version=v1`)
    const header = await w.page.textContent('section[data-page=window] h1 + p')
    expect(header).toContain(`reference: all versions ${day0} (UTC day);`)
    expect(header).not.toMatch(/T\d\d:\d\d:\d\d/)
    expect(paths).toContain(`/v1/models/${EDGE_MODEL}`)
    expect(paths).not.toContain('/v1/models')
    expect(w.errors).toEqual([])
    await w.page.close()
  })

  it('window page: a distribution the reference as configured no longer fits is not drawn, and one line says why', async () => {
    // The same store read with the edge model's reference moved to day 1 (every x = 5): its bins no longer fit day 2's stored counts.
    const moved = parseFileConfig(demoModelYaml(options) + edgeModelYaml(options.startMs + DAY_MS) + liveModelYaml + longModelYaml, 'moved reference')
    const http = createHttpServer({
      publisher: app.publisher, limits: ingestLimits(moved, 1000), security: { auth: 'tokens', tokens }, bodyLimitBytes: 1 << 20, logger: createLogger('silent'),
      read: createReadQueries({ store: app.store, file: moved, now: Date.now }), uiDir: (await buildUi()).out,
    })
    servers.push(http)
    await http.listen({ host: '127.0.0.1', port: 0 })
    const address = http.server.address()
    const movedBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    const small = new Date(options.startMs + 2 * DAY_MS).toISOString()
    const r = await fetch(`${movedBase}/v1/models/${EDGE_MODEL}/windows/${encodeURIComponent(small)}?version=v1`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })
    const detail = (await r.json()) as WindowDetail
    const x = detail.drift.find((d) => d.target === 'feature' && d.column === 'x')!
    expect(x.distribution).toBeNull()
    expect(x.distribution_note).toMatch(/^the reference's bins as configured now do not fit this window's stored counts/)
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    await w.page.goto(`${movedBase}/#/models/${EDGE_MODEL}/windows/${encodeURIComponent(small)}?version=v1`)
    await w.page.waitForFunction('document.body.dataset.state === "ready"')
    expect(await w.page.locator('[data-chart="distribution:feature:x"]').count()).toBe(0)
    expect(await w.page.textContent('#no-distribution li[data-column="feature:x"]')).toBe(`No reference vs current chart of x (feature): ${x.distribution_note}.`)
    expect(w.errors).toEqual([])
    await w.page.close()
  })

  it('a window too small for a drift verdict is shown as no verdict with its reason, on the window page and the overview', async () => {
    const small = new Date(options.startMs + 2 * DAY_MS).toISOString()
    const detail = await api<WindowDetail>(`/v1/models/${EDGE_MODEL}/windows/${encodeURIComponent(small)}?version=v1`)
    const x = detail.drift.find((d) => d.target === 'feature' && d.column === 'x')!
    // What the API sends: no verdict, though the raw p-value is far below the threshold.
    expect(x).toMatchObject({ status: 'insufficient', drift_detected: false, p_value_adjusted: null, n_current: EDGE_SMALL_WINDOW })
    expect(x.p_value!).toBeLessThan(numeric(x.threshold)!)
    expect(detail.dataset_drift).toMatchObject({ status: 'insufficient', drift_share: null, n_insufficient: 1 })
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    await load(w, `#/models/${EDGE_MODEL}/windows/${encodeURIComponent(small)}?version=v1`)
    const rows = await w.page.$$eval('#drift tbody tr', (trs) => trs.map((tr) => ({ column: tr.children[1]!.textContent, verdict: tr.children[8]!.textContent, level: tr.children[8]!.querySelector('.badge')?.className, why: tr.children[9]!.textContent })))
    const shown = rows.find((r) => r.column === 'x')!
    expect(shown).toEqual({
      column: 'x', verdict: 'no verdict: insufficient data', level: 'badge none',
      why: `too few rows on a side for a verdict (reference ${x.n_reference}, current ${EDGE_SMALL_WINDOW}); p-value ${x.p_value! < 1e-4 ? x.p_value!.toExponential(2) : x.p_value!.toFixed(4)} not compared with 0.0500`,
    })
    expect(await w.page.textContent('section[data-page=window] h2 + p')).toBe('No verdict on any of the 1 features: insufficient data')
    // The overview: the model's latest window is this one.
    await load(w, '#/')
    const drift = await w.page.$eval(`#models tr[data-model="${EDGE_MODEL}"]`, (tr) => ({ text: tr.children[4]!.textContent, level: tr.children[4]!.querySelector('.badge')?.className }))
    expect(drift).toEqual({ text: 'no verdict: insufficient data (1 of 1 features)', level: 'badge none' })
    await screenshot(w.page, 'ui-overview-no-verdict')
    expect(w.errors).toEqual([])
    expect(w.offHost).toEqual([])
    await w.page.close()
  })

  it('alerts page lists the API alerts', async () => {
    const alerts = await all<AlertView>('/v1/alerts?status=all')
    expect(alerts.length).toBeGreaterThan(0)
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    await load(w, '#/alerts')
    const rows = await w.page.$$eval('#alerts tbody tr', (trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.children[2]!.textContent, tr.children[4]!.textContent, tr.children[6]!.textContent, tr.children[7]!.textContent]))
    // A window still open is marked so, as the model's windows say (an alert carries no open flag).
    const windows = new Map<string, WindowHeadline[]>()
    for (const m of new Set(alerts.map((a) => a.model))) windows.set(m, await all<WindowHeadline>(`/v1/models/${encodeURIComponent(m)}/windows`))
    const open = (a: AlertView) => windows.get(a.model)!.some((x) => x.model_version === a.model_version && x.window_start === a.window_start && !x.closed)
    expect(rows).toEqual(alerts.map((a) => [a.status, a.rule, a.subject, `${windowLabel(a.window_start, a.window_end)}${open(a) ? ' open' : ''}`, expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/)]))
    expect(await w.page.locator('#alerts .badge.open').count()).toBe(alerts.filter(open).length)
    expect(await w.page.textContent('h1')).toBe(`Alerts (${alerts.filter((a) => a.status === 'firing').length} firing)`)
    await screenshot(w.page, 'ui-alerts')
    expect(w.errors).toEqual([])
    expect(w.offHost).toEqual([])
    await w.page.close()
  })

  it('an open window is marked open on its window page', async () => {
    const [live] = await all<WindowHeadline>(`/v1/models/${LIVE_MODEL}/windows`)
    expect(live!.closed).toBe(false)
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    await load(w, `#/models/${LIVE_MODEL}/windows/${encodeURIComponent(live!.window_start)}?version=v1`)
    expect(await w.page.textContent('section[data-page=window] h1')).toBe(`${LIVE_MODEL} v1: window ${windowLabel(live!.window_start, live!.window_end)} open`)
    expect(await w.page.locator('section[data-page=window] h1 .badge.open').count()).toBe(1)
    await load(w, `#/models/${LIVE_MODEL}?version=v1`)
    expect((await chartsOnPage(w.page)).specs['volume']!.labels).toEqual([tick(live!)])
    expect(w.errors).toEqual([])
    await w.page.close()
  })

  it('empty sections say why: no reference, no labels yet, no protected attributes', async () => {
    const [live] = await all<WindowHeadline>(`/v1/models/${LIVE_MODEL}/windows`)
    // What the API sends for a model's first window: no reference yet, no label (an estimate only), no fairness.
    expect(live).toMatchObject({ drift_share: null, labeled: 0, performance: { realized: null }, fairness: null })
    const detail = await api<WindowDetail>(`/v1/models/${LIVE_MODEL}/windows/${encodeURIComponent(live!.window_start)}?version=v1`)
    expect([detail.drift.length, detail.fairness.length]).toEqual([0, 0])
    expect(detail.performance.filter((p) => p.kind === 'realized')).toEqual([])
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    await load(w, `#/models/${LIVE_MODEL}?version=v1`)
    await w.page.waitForSelector('div.charts:not([data-pending]) #no-fairness-groups')
    const empty = await w.page.$$eval('figure[data-empty] ', (fs) => Object.fromEntries(fs.map((f) => [f.getAttribute('data-chart'), f.querySelector('.empty-note')!.textContent])))
    expect(empty).toEqual({
      'drift-share': expect.stringMatching(/^No drift share: .*reference/),
      fairness: expect.stringMatching(/^No fairness ratio: the model names no protected attributes/),
    })
    expect(await w.page.locator('figure[data-empty] canvas').count()).toBe(0)
    // The estimate is drawn; the realized line is empty, and the chart says why.
    expect(await w.page.textContent('figure[data-chart=performance] .empty-note')).toBe(`No realized ${live!.performance!.metric} yet: no labels have arrived for these windows; the estimate (CBPE) needs none.`)
    await load(w, `#/models/${LIVE_MODEL}/windows/${encodeURIComponent(live!.window_start)}?version=v1`)
    expect(await w.page.textContent('section[data-page=window] h2 + p')).toMatch(/^No drift figures: this window was not compared with a reference/)
    expect(await w.page.textContent('#no-realized')).toBe('No realized figures yet: no labels have arrived for this window; the estimates (CBPE) need none.')
    expect(await w.page.textContent('#no-fairness')).toMatch(/^No fairness figures: the model names no protected attributes/)
    expect(await w.page.locator('#drift, #fairness').count()).toBe(0)
    // A window without quality problems lists none, and writes no "false" in their place (a text node, nodeType 3).
    expect(await w.page.locator('#quality').count()).toBe(0)
    expect(await w.page.$eval('section[data-page=window]', (s) => [...s.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent))).not.toContain('false')
    await screenshot(w.page, 'ui-window-empty')
    expect(w.errors).toEqual([])
    await w.page.close()
  })

  it('the version and variant selectors show the value the page uses, also one that is not an option', async () => {
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    await load(w, `#/models/${MODEL}?version=v9&variant=zzz`)
    const selects = await w.page.evaluate(`[...document.querySelectorAll('.filters select')].map((s) => [s.value, s.selectedOptions[0].textContent])`)
    expect(selects).toEqual([['v9', 'v9 (no such version)'], ['zzz', 'zzz (no such variant)']])
    expect(await w.page.textContent('#unknown-filter')).toBe('This model has no version "v9" and no variant "zzz": pick one above.')
    // A known value is selected as such, with no unknown entry.
    await load(w, `#/models/${MODEL}?version=v2&variant=all`)
    expect(await w.page.evaluate(`[...document.querySelectorAll('.filters select')].map((s) => [s.value, s.options.length])`)).toEqual([['v2', 2], ['all', 3]])
    expect(await w.page.locator('#unknown-filter').count()).toBe(0)
    expect(w.errors).toEqual([])
    await w.page.close()
  })

  it('a 255-character model id never makes a page wider than the window: cut with its full name in a title', async () => {
    const [long] = await all<WindowHeadline>(`/v1/models/${encodeURIComponent(LONG_MODEL)}/windows`)
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    for (const hash of ['#/', `#/models/${encodeURIComponent(LONG_MODEL)}?version=v1`, `#/models/${encodeURIComponent(LONG_MODEL)}/windows/${encodeURIComponent(long!.window_start)}?version=v1`]) {
      await load(w, hash)
      expect(await w.page.evaluate('document.documentElement.scrollWidth'), hash).toBeLessThanOrEqual(1400)
      expect(await w.page.locator(`.name[title="${LONG_MODEL}"]`).count(), hash).toBeGreaterThan(0)
    }
    await screenshot(w.page, 'ui-long-model-id')
    expect(w.errors).toEqual([])
    await w.page.close()
  })

  it('a page says when it was loaded and reloads: from its own nav link, and every minute while the tab is visible, in place', async () => {
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ_TOKEN)})`)
    await w.page.clock.install()
    const requests: string[] = []
    w.page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/v1/')) requests.push(new URL(r.url()).pathname)
    })
    const loadedAt = () => w.page.getAttribute('#loaded-at', 'data-loaded-at')
    const reloaded = async (before: string | null) => {
      await w.page.waitForFunction(`document.querySelector('#loaded-at').getAttribute('data-loaded-at') !== ${JSON.stringify(before)} && document.body.dataset.state === 'ready'`)
    }
    await load(w, '#/alerts')
    expect(await w.page.textContent('#loaded-at')).toMatch(/^loaded at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/)
    const alertsAsked = () => requests.filter((r) => r === '/v1/alerts').length
    expect(alertsAsked()).toBe(1)
    // The nav link of the page shown reloads it (no hashchange), once however fast it is clicked.
    let before = await loadedAt()
    await w.page.clock.fastForward(2000)
    await w.page.evaluate(`(() => {
      const link = document.querySelector('header a[href="#/alerts"]')
      link.click()
      link.click()
    })()`)
    await reloaded(before)
    expect(alertsAsked()).toBe(2)
    // On its own a minute later.
    before = await loadedAt()
    await w.page.clock.fastForward(61_000)
    await reloaded(before)
    expect(alertsAsked()).toBe(3)
    // Not while the tab is hidden; as soon as it is shown again.
    await w.page.evaluate(`Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })`)
    await w.page.clock.fastForward(180_000)
    await w.page.waitForTimeout(300)
    expect(alertsAsked()).toBe(3)
    before = await loadedAt()
    await w.page.evaluate(`(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false })
      document.dispatchEvent(new Event('visibilitychange'))
    })()`)
    await reloaded(before)
    expect(alertsAsked()).toBe(4)

    // The model page: reloaded whole, with its late parts already filled in, at the same scroll position.
    await load(w, `#/models/${MODEL}?version=v1&variant=all`)
    await w.page.waitForSelector('div.charts:not([data-pending]) figure[data-chart^="fairness-groups:"] canvas[data-drawn]', { timeout: 90_000 })
    // Every page put in place, and whether it was still waiting for a part.
    await w.page.evaluate(`(() => {
      window.scrollTo(0, 900)
      window.swaps = []
      new MutationObserver(() => window.swaps.push(document.querySelector('main [data-pending]') !== null)).observe(document.querySelector('main'), { childList: true })
    })()`)
    before = await loadedAt()
    await w.page.evaluate(`document.querySelector('#refresh').click()`)
    await reloaded(before)
    expect(await w.page.evaluate('window.swaps')).toEqual([false])
    expect(await w.page.evaluate('window.scrollY')).toBe(900)
    expect((await chartsOnPage(w.page)).drawn).toBe((await chartsOnPage(w.page)).canvases)
    // The charts of the page replaced were released: Chart.js holds only those on the page.
    expect(Number(await w.page.evaluate('document.body.dataset.charts'))).toBe((await chartsOnPage(w.page)).canvases)
    expect(w.errors).toEqual([])
    await w.page.close()
  })

  it('on an open loopback server (embedded mode without tokens) the UI needs no token', async () => {
    const open = await serve({ auth: 'open' }, (await buildUi()).out)
    const w = await watchedPage(browser)
    await w.page.goto(`${open}/#/`)
    await w.page.waitForFunction('document.body.dataset.state === "ready"')
    expect(await w.page.locator(`#models tr[data-model="${MODEL}"]`).count()).toBe(1)
    expect(await w.page.locator('form.token').count()).toBe(0)
    expect(w.errors).toEqual([])
    await w.page.close()
  })
})
