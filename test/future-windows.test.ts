/**
 * A window that starts after now (stored from events stamped up to ingest.maxFutureMs ahead)
 * decides no alert and is no model's latest window until the clock reaches it: today's window
 * with no labels fires the label-coverage rule although tomorrow's, fully labeled, is newer;
 * GET /v1/models shows today's window as the latest; the series and `driftwatch status` list
 * tomorrow's window marked as future. Once the clock passes its start it counts as usual. Rows
 * are written to real ClickHouse tables (chDB) and read by the alert service and the read API
 * that startApp builds, at a pinned clock.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPoints } from '../src/alerts/metric-points.js'
import { startApp, type App } from '../src/app.js'
import { collectStatus } from '../src/cli/status.js'
import { formatStatus } from '../src/cli/status-format.js'
import { parseFileConfig } from '../src/config/file.js'
import { ingestLimits } from '../src/http/limits.js'
import { createHttpServer } from '../src/http/server.js'
import { createLogger } from '../src/observability/logger.js'
import { createReadQueries, type AlertView, type ModelSummary, type Page, type WindowDetail, type WindowSeries } from '../src/read/index.js'
import { parseRuleFile } from '../src/rules/parse.js'
import { withDatabase } from '../src/store/query.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { dropTestResources, testConfig } from './support/config.js'

const DAY = 86_400_000
const HOUR = 3_600_000
/** Noon of the current day: today's window started 12 h ago, tomorrow's starts in 12 h. */
const TODAY = Date.UTC(2026, 10, 20)
const NOON = TODAY + 12 * HOUR
const TOMORROW = TODAY + DAY
const iso = (ms: number) => new Date(ms).toISOString()
const file = parseFileConfig('models:\n  - id: m\n    window: 1d\n', 'test.yaml')
const COVERAGE_RULE = `rules:
  - name: label-coverage-low
    metric: label_coverage
    condition: { op: '<', threshold: 0.5, minSamples: 10 }
    severity: warning
`

describe('windows that have not started decide no alert and are not the latest', () => {
  const rulesDir = mkdtempSync(join(tmpdir(), 'driftwatch-rules-'))
  writeFileSync(join(rulesDir, 'coverage.yaml'), COVERAGE_RULE)
  const config = testConfig({ kafka: false, env: { DRIFTWATCH_ALERT_RULES: rulesDir } })
  let clock = NOON
  let app: App
  let http: ReturnType<typeof createHttpServer>
  const insert = (table: string, values: object[]) => app.store.client.insert({ table: withDatabase(`{db}.${table}`, app.store.database), format: 'JSONEachRow', values })
  const window = (model: string, startMs: number) => ({
    model_id: model, model_version: 'v1', window_start: clickhouseDateTime64(startMs), window_end: clickhouseDateTime64(startMs + DAY), eval_version: NOON,
  })
  const summary = (model: string, startMs: number, predictions: number, labeled: number) => ({
    ...window(model, startMs), predictions, labeled, label_coverage: labeled / predictions, mean_label_delay_s: 1, closed: 0, reference: 'previous 1 window(s) of the same version',
  })
  const get = async <T>(url: string): Promise<T> => {
    const r = await http.inject({ url })
    expect([url, r.statusCode], r.body).toEqual([url, 200])
    return r.json<T>()
  }
  const firing = async () => (await get<Page<AlertView>>('/v1/alerts?status=firing')).items.map((a) => [a.rule, a.window_start])

  beforeAll(async () => {
    // Embedded, with no evaluator: the alert rules run when the test asks, at the test's clock.
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: true, now: () => clock })
    // Today: 300 predictions, none labeled. Tomorrow: 12 predictions stamped ahead, all labeled.
    await insert('window_summary', [summary('m', TODAY, 300, 0), summary('m', TOMORROW, 12, 12)])
    http = createHttpServer({
      publisher: app.publisher, limits: ingestLimits(file, 100), security: { auth: 'open' }, bodyLimitBytes: 1 << 20, logger: createLogger('silent'),
      read: createReadQueries({ store: app.store, file, now: () => clock }),
    })
  }, 120_000)
  afterAll(async () => {
    await http?.close()
    await app?.stop()
    await dropTestResources(config)
    rmSync(rulesDir, { recursive: true, force: true })
  })

  it('the label-coverage rule fires for the current window, not for a fully labeled window that starts tomorrow', async () => {
    clock = NOON
    await app.alerts!.evaluateNow()
    expect(await firing()).toEqual([['label-coverage-low', iso(TODAY)]])
  })

  it('GET /v1/models: the latest window is the current one; the series lists tomorrow\'s, marked future', async () => {
    clock = NOON
    const [m] = (await get<Page<ModelSummary>>('/v1/models')).items
    expect(m!.latest).toMatchObject({ window_start: iso(TODAY), future: false, predictions: 300, label_coverage: 0 })
    expect((await get<ModelSummary>('/v1/models/m')).latest).toMatchObject({ window_start: iso(TODAY), future: false })
    const series = await get<WindowSeries>('/v1/models/m/windows?order=desc')
    expect(series.items.map((w) => [w.window_start, w.future])).toEqual([[iso(TOMORROW), true], [iso(TODAY), false]])
    expect(await get<WindowDetail>(`/v1/models/m/windows/${TOMORROW}`)).toMatchObject({ window_start: iso(TOMORROW), future: true })
  })

  it('driftwatch status lists tomorrow\'s window as future and today\'s as open', async () => {
    clock = NOON
    const view = await collectStatus(createReadQueries({ store: app.store, file, now: () => clock }), { model: 'm', windows: 5 })
    expect(view.models[0]!.windows.map((w) => [w.window_start, w.future])).toEqual([[iso(TOMORROW), true], [iso(TODAY), false]])
    const lines = formatStatus({ source: { kind: 'store', location: 'test' }, ...view })
    expect(lines.filter((l) => l.startsWith('  v1 ')).map((l) => /\((future|open)\)/.exec(l)?.[1])).toEqual(['future', 'open'])
  })

  it('once the clock reaches tomorrow\'s window it counts: it resolves the alert and is the latest', async () => {
    clock = TOMORROW + HOUR
    await app.alerts!.evaluateNow()
    expect(await firing()).toEqual([])
    expect((await get<ModelSummary>('/v1/models/m')).latest).toMatchObject({ window_start: iso(TOMORROW), future: false, label_coverage: 1 })
  })

  it('every metric kind reads only windows that have started, at the clock it is given', async () => {
    // Per kind, today's window and tomorrow's, each with a value and enough samples for a verdict.
    const days = [TODAY, TOMORROW]
    await insert('drift', days.map((d) => ({
      ...window('k', d), target: 'feature', column: 'x', column_kind: 'numerical', method: 'psi', score: 0.5, p_value: null, p_value_adjusted: null,
      threshold: 0.1, drift_detected: 1, statistics: { psi: 0.5 }, n_reference: 1000, n_current: 1000, unseen_categories: [], status: 'ok',
    })))
    await insert('dataset_drift', days.map((d) => ({ ...window('k', d), drift_share: 0.5, n_features: 2, n_drifted: 1, drifted_features: ['x'] })))
    await insert('performance', days.map((d) => ({ ...window('k', d), variant: 'all', metric: 'f1', kind: 'realized', value: 0.5, n: 1000, label_coverage: 1 })))
    await insert('fairness', days.map((d) => ({ ...window('k', d), attribute: 'g', group_value: '', metric: 'disparate_impact_ratio', value: 0.5, n: 1000, status: 'ok' })))
    await insert('quality', days.map((d) => ({ ...window('k', d), feature: 'x', metric: 'missing_rate', value: 0.5, n: 1000 })))
    await insert('window_summary', days.map((d) => summary('k', d, 1000, 100)))
    await insert('detector_state', [{ model_id: 'k', model_version: 'v1', detector: 'adwin', state: '{}', drift_detected: 1, eval_version: NOON, detections: days.map((d) => clickhouseDateTime64(d + HOUR)) }])
    const kinds = [
      '    metric: drift\n    statistic: psi\n',
      '    metric: dataset_drift\n',
      '    metric: performance\n    statistic: f1\n',
      '    metric: fairness\n    statistic: disparate_impact_ratio\n',
      '    metric: quality\n    statistic: missing_rate\n',
      '    metric: label_coverage\n',
      '    metric: detector\n',
    ]
    for (const kind of kinds) {
      const rule = parseRuleFile(`rules:\n  - name: r\n${kind}    condition: { op: '>', threshold: 0, minSamples: 10 }\n`, 'r.yaml').rules[0]!
      const starts = async (nowMs: number) => (await loadPoints(app.store, rule, file, nowMs)).filter((p) => p.modelId === 'k').map((p) => p.windowStartMs)
      expect(await starts(NOON), kind).toEqual([TODAY])
      // A window counts from the instant it starts.
      expect(await starts(TOMORROW), kind).toEqual([TOMORROW, TODAY])
    }
  })
})
