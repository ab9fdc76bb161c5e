/**
 * The read API against a real pipeline run: the demo's loan traffic (two versions, a fairness gap,
 * drift on the last days, delayed labels) through startApp on real Kafka and chDB, evaluated with
 * evaluateNow() (the alert rules of ./alerts run after the pass). Every figure the API answers
 * is checked against the stored rows, read here with independent SQL (FINAL, not the read
 * module's eval_version filter); the drift detail has the stored per-feature numbers and
 * histograms whose counts add up to the stored sample sizes. Also: token roles, pagination and
 * 404s.
 */
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { loadApiTokens } from '../src/config/api-tokens.js'
import { parseFileConfig } from '../src/config/file.js'
import { ingestLimits } from '../src/http/limits.js'
import { createHttpServer } from '../src/http/server.js'
import { createLogger } from '../src/observability/logger.js'
import { createReadQueries, type AlertView, type ComparisonSeries, type ModelSummary, type Page, type WindowDetail, type WindowHeadline, type WindowSeries } from '../src/read/index.js'
import { COMPARISON_METRICS } from '../src/read/schemas.js'
import { qualityProblemCount } from '../src/ui/quality-problems.js'
import { dropTestResources, testConfig } from './support/config.js'
import { count, queryRows } from './support/query.js'
import { LOAN_MODEL_YAML, loanTraffic } from './support/traffic.js'
import { waitFor } from './support/wait.js'

const TOKENS = { ingest: 'ingest-token-0123456789', read: 'read-token-0123456789ab', admin: 'admin-token-0123456789a' }
const tokens = loadApiTokens(Object.entries(TOKENS).map(([r, t]) => `${r}:${t}`).join(','), undefined).tokens
const MODEL = 'loan-approval'
const iso = (ms: number | string) => new Date(Number(ms)).toISOString()
/** ClickHouse JSON: NaN is null, 64-bit integers are strings. */
const num = (x: unknown) => (x === null ? null : Number(x))

describe('read API on a real pipeline run', () => {
  const config = testConfig()
  const file = parseFileConfig(LOAN_MODEL_YAML, 'test.yaml')
  // Drift on the last day only: its window, against the two before it, fires feature-drift-psi
  // once every window is evaluated. (With the drift a day earlier, the last window's reference
  // takes it in and the alert resolves again: transitions were recorded only when the alert
  // service's own pass happened to run between the two windows' evaluations.)
  const traffic = loanTraffic(8, 250, 7, 7)
  let app: App
  let http: FastifyInstance

  const get = async <T>(url: string, role: keyof typeof TOKENS | null = 'read') => {
    const r = await http.inject({ url, headers: role ? { authorization: `Bearer ${TOKENS[role]}` } : {} })
    return { status: r.statusCode, body: r.json<T>() }
  }
  const ok = async <T>(url: string): Promise<T> => {
    const r = await get<T>(url)
    expect(r.status, `${url}: ${JSON.stringify(r.body)}`).toBe(200)
    return r.body
  }
  const allPages = async <T>(url: string): Promise<T[]> => {
    const items: T[] = []
    let cursor: string | null = null
    do {
      const sep = url.includes('?') ? '&' : '?'
      const page: Page<T> = await ok<Page<T>>(cursor === null ? url : `${url}${sep}cursor=${encodeURIComponent(cursor)}`)
      items.push(...page.items)
      cursor = page.next_cursor
    } while (cursor !== null)
    return items
  }

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: true })
    await app.publisher.publishPredictions(traffic.predictions)
    await app.publisher.publishGroundTruth(traffic.labels)
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === traffic.predictions.length, { what: 'predictions stored' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === traffic.labels.length, { what: 'labels stored' })
    await app.evaluator.evaluateNow()
    // The evaluator's alert pass records nothing until this instance holds the alerts lease (a
    // pass before it is dropped): run the alert pass until the transitions are recorded.
    await waitFor(async () => {
      await app.alerts!.evaluateNow()
      return count(app.store, 'SELECT count() AS c FROM {db}.alerts')
    }, (c) => c > 0, { what: 'alert transitions recorded by the lease holder' })
    http = createHttpServer({
      publisher: app.publisher,
      limits: ingestLimits(file, 1000),
      security: { auth: 'tokens', tokens },
      bodyLimitBytes: 1024 * 1024,
      logger: createLogger('silent'),
      read: createReadQueries({ store: app.store, file, now: Date.now }),
    })
  }, 240_000)

  afterAll(async () => {
    await http?.close()
    await app?.stop()
    await dropTestResources(config)
  })

  it('stored every event once and dead-lettered none (conservation)', async () => {
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.predictions')).toBe(traffic.predictions.length)
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)
  })

  it('GET /v1/models: the model with its versions, variants, settings and latest window as stored', async () => {
    const { items, next_cursor } = await ok<Page<ModelSummary>>('/v1/models')
    expect(next_cursor).toBeNull()
    expect(items.map((m) => m.model)).toEqual([MODEL])
    const m = items[0]!
    const versions = await queryRows<{ v: string; n: string; lo: string; hi: string }>(
      app.store,
      `SELECT model_version AS v, count() AS n, toUnixTimestamp64Milli(min(window_start)) AS lo, toUnixTimestamp64Milli(max(window_start)) AS hi
       FROM {db}.window_summary FINAL WHERE model_id = {m:String} GROUP BY v ORDER BY v`, { m: MODEL })
    expect(versions.length).toBe(2)
    expect(m.versions).toEqual(versions.map((v) => ({ version: v.v, windows: Number(v.n), first_window_start: iso(v.lo), last_window_start: iso(v.hi) })))
    expect(m).toMatchObject({ configured: true, task: 'binary', window_ms: 86_400_000, reference: { kind: 'previous_windows' } })
    expect(m.variants).toEqual(['all', 'challenger', 'champion'])
    // The latest window is the newest start (over versions), with the same figures as the series.
    const newest = versions.map((v) => Number(v.hi)).reduce((a, b) => Math.max(a, b))
    expect(m.latest?.window_start).toBe(iso(newest))
    const series = await ok<WindowSeries>(`/v1/models/${MODEL}/windows?version=${m.latest!.model_version}&order=desc&limit=1`)
    expect(series.items[0]).toEqual(m.latest)
    const firing = await count(app.store,
      `SELECT count() AS c FROM (SELECT alert_key, argMax(status, changed_at) AS s FROM {db}.alerts WHERE model_id = {m:String} GROUP BY alert_key) WHERE s = 'firing'`, { m: MODEL })
    expect(m.firing_alerts).toBe(firing)
  })

  it('GET /v1/models/{model}/windows: every figure equals the stored rows', async () => {
    const items = await allPages<WindowHeadline>(`/v1/models/${MODEL}/windows`)
    const summary = await queryRows<Record<string, unknown>>(app.store,
      `SELECT model_version, toUnixTimestamp64Milli(window_start) AS s, predictions, labeled, label_coverage, closed, eval_version
       FROM {db}.window_summary FINAL WHERE model_id = {m:String} ORDER BY window_start, model_version`, { m: MODEL })
    expect(items.map((i) => [i.model_version, i.window_start])).toEqual(summary.map((r) => [r['model_version'], iso(r['s'] as string)]))
    const key = (v: unknown, s: unknown) => `${v}|${iso(s as string)}`
    const table = async (sql: string) => new Map((await queryRows<Record<string, unknown>>(app.store, sql, { m: MODEL })).map((r) => [key(r['model_version'], r['s']), r]))
    const drift = await table(`SELECT model_version, toUnixTimestamp64Milli(window_start) AS s, drift_share, n_features, n_drifted, drifted_features FROM {db}.dataset_drift FINAL WHERE model_id = {m:String}`)
    const perf = await table(`SELECT model_version, toUnixTimestamp64Milli(window_start) AS s,
                                     sumIf(value, kind = 'realized') AS realized, countIf(kind = 'realized') AS has_realized, sumIf(n, kind = 'realized') AS n,
                                     sumIf(value, kind = 'estimated') AS estimated, countIf(kind = 'estimated') AS has_estimated
                              FROM {db}.performance FINAL WHERE model_id = {m:String} AND variant = 'all' AND metric = 'roc_auc' GROUP BY model_version, s`)
    // One protected attribute ('group'): the worst is its ratio, with its upper bound beside it.
    const fair = await table(`SELECT model_version, toUnixTimestamp64Milli(window_start) AS s, minIf(value, metric = 'disparate_impact_ratio') AS worst,
                                     minIf(value, metric = 'disparate_impact_ratio_upper') AS upper
                              FROM {db}.fairness FINAL WHERE model_id = {m:String} AND metric IN ('disparate_impact_ratio', 'disparate_impact_ratio_upper') AND group_value = '' GROUP BY model_version, s`)
    // Every stored quality row and feature drift row of a window, judged by the window page's rule
    // (src/ui/quality-problems.ts), against the headline the read API counts from rates above 0.
    const quality = await table(`SELECT model_version, toUnixTimestamp64Milli(window_start) AS s, groupArray((feature, metric, value, n)) AS rows
                                 FROM {db}.quality FINAL WHERE model_id = {m:String} GROUP BY model_version, s`)
    const sizes = await table(`SELECT model_version, toUnixTimestamp64Milli(window_start) AS s, groupArray((target, column, n_reference)) AS rows
                               FROM {db}.drift FINAL WHERE model_id = {m:String} GROUP BY model_version, s`)
    const problemsOf = (k: string) => qualityProblemCount(
      ((quality.get(k)?.['rows'] ?? []) as [string, string, number | null, string][]).map(([feature, metric, value, n]) => ({ feature, metric, value, n: Number(n) })),
      ((sizes.get(k)?.['rows'] ?? []) as [string, string, string][]).map(([target, column, r]) => ({ target, column, n_reference: Number(r) })),
    )
    let withProblems = 0
    let withPerformance = 0
    let withDrift = 0
    for (const [i, item] of items.entries()) {
      const s = summary[i]!
      const k = key(s['model_version'], s['s'])
      expect(item, k).toMatchObject({
        predictions: Number(s['predictions']), labeled: Number(s['labeled']), label_coverage: num(s['label_coverage']),
        closed: s['closed'] === 1, evaluated_at: iso(s['eval_version'] as string),
      })
      const d = drift.get(k)
      expect({ share: item.drift_share, n: item.n_features, drifted: item.n_drifted, features: item.drifted_features }, k)
        .toEqual(d ? { share: num(d['drift_share']), n: Number(d['n_features']), drifted: Number(d['n_drifted']), features: d['drifted_features'] } : { share: null, n: 0, drifted: 0, features: [] })
      const p = perf.get(k)
      if (p) {
        withPerformance++
        expect(item.performance, k).toEqual({
          metric: 'roc_auc', variant: 'all',
          realized: Number(p['has_realized']) ? num(p['realized']) : null, estimated: Number(p['has_estimated']) ? num(p['estimated']) : null, n: Number(p['n']),
        })
      }
      if (d) withDrift++
      expect(item.fairness?.value ?? null, k).toBe(fair.has(k) ? num(fair.get(k)!['worst']) : null)
      expect(item.fairness?.upper_bound ?? null, k).toBe(fair.has(k) ? num(fair.get(k)!['upper']) : null)
      expect(item.quality_problems, k).toBe(problemsOf(k))
      if (item.quality_problems > 0) withProblems++
    }
    // The run must exercise the figures, not compare empty with empty.
    expect(withPerformance).toBeGreaterThan(4)
    expect(withDrift).toBeGreaterThan(4)
    expect(withProblems).toBeGreaterThan(0)
    expect(items.some((i) => i.n_drifted > 0)).toBe(true)
    expect(items.some((i) => i.fairness !== null && i.fairness.value !== null)).toBe(true)
    expect(items.some((i) => i.fairness !== null && typeof i.fairness.upper_bound === 'number')).toBe(true)
  })

  it('filters by version, time range and variant', async () => {
    const all = await allPages<WindowHeadline>(`/v1/models/${MODEL}/windows`)
    const v2 = await allPages<WindowHeadline>(`/v1/models/${MODEL}/windows?version=v2`)
    expect(v2).toEqual(all.filter((i) => i.model_version === 'v2').map((i) => v2.find((j) => j.window_start === i.window_start)))
    expect(v2.length).toBeGreaterThan(0)
    const starts = [...new Set(all.map((i) => i.window_start))].sort()
    const from = starts[2]!
    const to = starts[4]!
    const ranged = await allPages<WindowHeadline>(`/v1/models/${MODEL}/windows?from=${from}&to=${Date.parse(to)}`)
    expect(ranged).toEqual(all.filter((i) => i.window_start >= from && i.window_start < to))
    const champion = await allPages<WindowHeadline>(`/v1/models/${MODEL}/windows?version=v1&variant=champion`)
    expect(champion.every((i) => i.performance === null || i.performance.variant === 'champion')).toBe(true)
    expect(champion.some((i) => i.performance !== null)).toBe(true)
  })

  it('paginates with limit and cursor: pages join to the whole series, in either order, without repeats', async () => {
    const whole = await ok<WindowSeries>(`/v1/models/${MODEL}/windows?limit=5000`)
    expect(whole.next_cursor).toBeNull()
    const paged = await allPages<WindowHeadline>(`/v1/models/${MODEL}/windows?limit=3`)
    expect(paged).toEqual(whole.items)
    const first = await ok<WindowSeries>(`/v1/models/${MODEL}/windows?limit=3`)
    expect(first.items.length).toBe(3)
    expect(first.next_cursor).not.toBeNull()
    const reversed = await allPages<WindowHeadline>(`/v1/models/${MODEL}/windows?limit=4&order=desc`)
    expect(reversed).toEqual([...whole.items].reverse())
    expect((await get(`/v1/models/${MODEL}/windows?cursor=not-a-cursor`)).status).toBe(400)
    expect((await get(`/v1/models/${MODEL}/windows?limit=0`)).status).toBe(400)
  })

  it('GET /v1/models/{model}/windows/{start}: per-feature drift equals the stored rows, with histograms that add up', async () => {
    const drifted = (await allPages<WindowHeadline>(`/v1/models/${MODEL}/windows?version=v1`)).find((i) => i.n_drifted > 0)!
    expect(drifted).toBeDefined()
    const detail = await ok<WindowDetail>(`/v1/models/${MODEL}/windows/${encodeURIComponent(drifted.window_start)}?version=v1`)
    expect(detail).toMatchObject({ model: MODEL, model_version: 'v1', window_start: drifted.window_start, window_end: drifted.window_end, evaluated_at: drifted.evaluated_at })
    expect(detail.dataset_drift).toEqual({
      drift_share: drifted.drift_share, n_features: drifted.n_features, n_drifted: drifted.n_drifted, drifted_features: drifted.drifted_features,
      n_insufficient: drifted.n_insufficient, status: drifted.drift_status,
    })
    expect(drifted.drift_status).toBe('ok')
    const stored = await queryRows<Record<string, unknown>>(app.store,
      `SELECT target, column, column_kind, method, score, p_value, threshold, drift_detected, statistics, n_reference, n_current, unseen_categories
       FROM {db}.drift FINAL WHERE model_id = {m:String} AND model_version = 'v1' AND window_start = fromUnixTimestamp64Milli({s:Int64}) AND target != 'concept'
       ORDER BY target, column`, { m: MODEL, s: Date.parse(drifted.window_start) })
    expect(stored.length).toBeGreaterThan(3)
    // p_value_adjusted and status are columns of a later migration (0010): compared when they exist.
    const columns = new Set((await queryRows<{ name: string }>(app.store, "SELECT name FROM system.columns WHERE database = {db:String} AND table = 'drift'", { db: app.store.database })).map((r) => r.name))
    const extra = await queryRows<{ target: string; column: string; p_value_adjusted: number | null; status: string }>(app.store,
      `SELECT target, column, ${columns.has('p_value_adjusted') ? 'p_value_adjusted' : 'NULL AS p_value_adjusted'}, ${columns.has('status') ? 'status' : "'ok' AS status"}
       FROM {db}.drift FINAL WHERE model_id = {m:String} AND model_version = 'v1' AND window_start = fromUnixTimestamp64Milli({s:Int64}) AND target != 'concept' ORDER BY target, column`,
      { m: MODEL, s: Date.parse(drifted.window_start) })
    expect(detail.drift.map((d) => [d.p_value_adjusted, d.status])).toEqual(extra.map((r) => [num(r.p_value_adjusted), r.status]))
    expect(detail.drift.map((d) => ({ ...d, distribution: undefined, distribution_note: undefined, p_value_adjusted: undefined, status: undefined }))).toEqual(stored.map((r) => ({
      target: r['target'], column: r['column'], column_kind: r['column_kind'], method: r['method'], score: num(r['score']), p_value: num(r['p_value']),
      threshold: num(r['threshold']), drift_detected: r['drift_detected'] === 1, statistics: r['statistics'], n_reference: Number(r['n_reference']),
      n_current: Number(r['n_current']), unseen_categories: r['unseen_categories'], distribution: undefined, distribution_note: undefined, p_value_adjusted: undefined, status: undefined,
    })))
    // Histograms and category counts: the same samples the statistics were computed on.
    const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)
    const features = detail.drift.filter((d) => d.target === 'feature')
    for (const d of features) {
      expect(d.distribution, d.column).not.toBeNull()
      expect(d.distribution_note, d.column).toBeNull()
      if (d.column_kind === 'numerical' || d.distribution!.kind === 'categories') {
        expect([sum(d.distribution!.reference), sum(d.distribution!.current)], d.column).toEqual([d.n_reference, d.n_current])
      }
      if (d.distribution!.kind === 'histogram') expect(d.distribution!.reference.length, d.column).toBe(d.distribution!.edges.length + 1)
    }
    expect(features.some((d) => d.distribution?.kind === 'histogram')).toBe(true)
    expect(features.some((d) => d.distribution?.kind === 'categories' && d.unseen_categories.length > 0)).toBe(true)
    // Performance, fairness and quality: the stored rows of the same evaluation.
    const rows = async (table: string, cols: string) => queryRows<Record<string, unknown>>(app.store,
      `SELECT ${cols} FROM {db}.${table} FINAL WHERE model_id = {m:String} AND model_version = 'v1' AND window_start = fromUnixTimestamp64Milli({s:Int64}) ORDER BY ${cols}`,
      { m: MODEL, s: Date.parse(drifted.window_start) })
    expect(detail.performance.map((p) => [p.variant, p.metric, p.kind, p.value, p.n])).toEqual(
      (await rows('performance', 'variant, metric, kind, value, n')).map((r) => [r['variant'], r['metric'], r['kind'], num(r['value']), Number(r['n'])]))
    expect(detail.fairness.map((f) => [f.attribute, f.group, f.metric, f.value, f.n, f.status])).toEqual(
      (await rows('fairness', 'attribute, group_value, metric, value, n, status')).map((r) => [r['attribute'], r['group_value'], r['metric'], num(r['value']), Number(r['n']), r['status']]))
    expect(detail.fairness.some((f) => f.group === 'B')).toBe(true)
    expect(detail.quality.map((q) => [q.feature, q.metric, q.value, q.n])).toEqual(
      (await rows('quality', 'feature, metric, value, n')).map((r) => [r['feature'], r['metric'], num(r['value']), Number(r['n'])]))
  })

  it('a window two versions share needs ?version; unknown models and windows are 404 DW_NOT_FOUND', async () => {
    const shared = (await allPages<WindowHeadline>(`/v1/models/${MODEL}/windows?version=v2`))[0]!
    const ambiguous = await get<{ error: { code: string } }>(`/v1/models/${MODEL}/windows/${Date.parse(shared.window_start)}`)
    expect([ambiguous.status, ambiguous.body.error.code]).toEqual([400, 'DW_VALIDATION_FAILED'])
    for (const url of ['/v1/models/no-such-model/windows', '/v1/models/no-such-model/windows/0', `/v1/models/${MODEL}/windows/946684800000?version=v1`]) {
      const r = await get<{ error: { code: string; retriable: boolean } }>(url)
      expect([url, r.status, r.body.error.code, r.body.error.retriable]).toEqual([url, 404, 'DW_NOT_FOUND', false])
    }
    const bad = await get<{ error: { code: string } }>(`/v1/models/${MODEL}/windows?from=yesterday`)
    expect([bad.status, bad.body.error.code]).toEqual([400, 'DW_VALIDATION_FAILED'])
  })

  it('time parameters are read as ingest reads them: a zone-less date-time, an impossible or compact date and from after to are 400 naming the parameter', async () => {
    const windows = `/v1/models/${MODEL}/windows`
    for (const [query, name] of [
      ['from=2026-12-01T03:00:00', 'from'], ['to=2026-12-01T03:00', 'to'], ['from=2026-02-31', 'from'], ['to=20261201', 'to'],
      ['from=2026-12-02&to=2026-12-01', 'from'],
    ] as const) {
      const r = await get<{ error: { code: string; message: string; retriable: boolean } }>(`${windows}?${query}`)
      expect([query, r.status, r.body.error.code, r.body.error.retriable]).toEqual([query, 400, 'DW_VALIDATION_FAILED', false])
      expect(r.body.error.message.startsWith(`${name}: `), r.body.error.message).toBe(true)
    }
    const since = await get<{ error: { code: string; message: string } }>('/v1/alerts?since=2026-11-30T12:00:00')
    expect([since.status, since.body.error.message.startsWith('since: ')]).toEqual([400, true])
    const start = await get<{ error: { code: string } }>(`${windows}/2026-11-10T00%3A00%3A00?version=v1`)
    expect([start.status, start.body.error.code]).toEqual([400, 'DW_VALIDATION_FAILED'])
    const all = await allPages<WindowHeadline>(windows)
    const first = all[0]!.window_start
    expect(await allPages<WindowHeadline>(`${windows}?from=${first}&to=${first}`)).toEqual([])
  })

  it('model ids longer than 100 characters reach the read queries (404 for an unknown one, not the router 414); router errors use the error shape', async () => {
    for (const model of ['m'.repeat(150), '😀'.repeat(256)]) {
      const r = await get<{ error: { code: string } }>(`/v1/models/${encodeURIComponent(model)}/windows`)
      expect([model.length, r.status, r.body.error.code]).toEqual([model.length, 404, 'DW_NOT_FOUND'])
    }
    const tooLong = await get<{ error: { code: string; retriable: boolean } }>(`/v1/models/${'m'.repeat(5000)}/windows`)
    expect([tooLong.status, tooLong.body.error.code, tooLong.body.error.retriable]).toEqual([414, 'DW_VALIDATION_FAILED', false])
  })

  it('every answer carries nosniff and framing protection', async () => {
    for (const url of ['/v1/models', '/v1/nothing', `/v1/models/${MODEL}/windows?from=x`]) {
      const r = await http.inject({ url, headers: { authorization: `Bearer ${TOKENS.read}` } })
      expect([url, r.headers['x-content-type-options'], r.headers['content-security-policy'], r.headers['x-frame-options']]).toEqual([url, 'nosniff', "frame-ancestors 'none'", 'DENY'])
    }
  })

  it('an open server (no tokens) refuses a Host that is not loopback, so a DNS-rebinding page cannot read it', async () => {
    const open = createHttpServer({
      publisher: app.publisher, limits: ingestLimits(file, 1000), security: { auth: 'open' }, bodyLimitBytes: 1024 * 1024,
      logger: createLogger('silent'), read: createReadQueries({ store: app.store, file, now: Date.now }),
    })
    try {
      const rebound = await open.inject({ url: '/v1/models', headers: { host: 'attacker.example:18792' } })
      expect([rebound.statusCode, rebound.json().error.code]).toEqual([403, 'DW_FORBIDDEN'])
      expect(rebound.body).not.toContain(MODEL)
      const local = await open.inject({ url: '/v1/models', headers: { host: 'localhost' } })
      expect(local.json<Page<ModelSummary>>().items.map((m) => m.model)).toContain(MODEL)
      const behindToken = await http.inject({ url: '/v1/models', headers: { host: 'attacker.example:18792', authorization: `Bearer ${TOKENS.read}` } })
      expect(behindToken.statusCode).toBe(200)
    } finally {
      await open.close()
    }
  })

  it('GET /v1/alerts: each alert key in its current state, with its transitions, as stored', async () => {
    const alerts = await allPages<AlertView>('/v1/alerts?since=0&limit=2')
    const stored = await queryRows<{ alert_key: string; status: string; n: string; rule: string }>(app.store,
      `SELECT alert_key, argMax(status, changed_at) AS status, argMax(rule, changed_at) AS rule, uniqExact(transition_id) AS n FROM {db}.alerts GROUP BY alert_key ORDER BY alert_key`)
    expect(stored.length).toBeGreaterThan(0)
    expect(alerts.map((a) => [a.alert_key, a.status, a.rule, a.transitions.length]).sort()).toEqual(stored.map((s) => [s.alert_key, s.status, s.rule, Math.min(20, Number(s.n))]).sort())
    expect(new Set(alerts.map((a) => a.alert_key)).size).toBe(alerts.length)
    for (const a of alerts) {
      expect(a.resolved_at === null, a.alert_key).toBe(a.status === 'firing')
      expect(a.fired_at <= a.changed_at).toBe(true)
    }
    const firing = await ok<Page<AlertView>>('/v1/alerts?status=firing&limit=1000')
    expect(firing.items.map((a) => a.alert_key).sort()).toEqual(stored.filter((s) => s.status === 'firing').map((s) => s.alert_key).sort())
  })

  it('GET /v1/models/{model}/comparisons: metric takes every stored metric and selects its rows; any other is 400', async () => {
    const stored = await queryRows<{ metric: string; n: string }>(app.store,
      'SELECT metric, count() AS n FROM {db}.comparison FINAL WHERE model_id = {m:String} GROUP BY metric ORDER BY metric', { m: MODEL })
    expect(stored.length).toBeGreaterThan(0)
    for (const { metric } of stored) {
      expect(COMPARISON_METRICS, metric).toContain(metric)
      const series = await ok<ComparisonSeries>(`/v1/models/${MODEL}/comparisons?metric=${metric}`)
      const rows = series.items.flatMap((w) => w.comparisons)
      expect(rows.length, metric).toBeGreaterThan(0)
      expect(new Set(rows.map((r) => r.metric))).toEqual(new Set([metric]))
    }
    const bogus = await get<{ error: { code: string } }>(`/v1/models/${MODEL}/comparisons?metric=bogus`)
    expect([bogus.status, bogus.body.error.code]).toEqual([400, 'DW_VALIDATION_FAILED'])
  })

  it('read routes need a token with role read or admin: none 401, ingest-only 403', async () => {
    const urls = ['/v1/models', `/v1/models/${MODEL}/windows`, `/v1/models/${MODEL}/windows/0?version=v1`, '/v1/alerts']
    for (const url of urls) {
      const none = await get<{ error: { code: string } }>(url, null)
      expect([url, none.status, none.body.error.code]).toEqual([url, 401, 'DW_UNAUTHORIZED'])
      const ingest = await get<{ error: { code: string } }>(url, 'ingest')
      expect([url, ingest.status, ingest.body.error.code]).toEqual([url, 403, 'DW_FORBIDDEN'])
    }
    expect((await get('/v1/models', 'admin')).status).toBe(200)
    expect((await get('/v1/alerts', 'read')).status).toBe(200)
  })
})
