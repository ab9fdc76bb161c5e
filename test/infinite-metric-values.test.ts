/**
 * A stored metric value of ±∞ (an rmse whose squared errors overflow, docs/evaluation.md; an r2 of
 * -inf; a ratio over an empty denominator) is a value, not a missing one: ClickHouse writes inf as
 * JSON null unless asked to quote it (src/store/float64.ts). Alert rules compare it like any
 * number (src/alerts/metric-points.ts); the read API sends it as "Infinity" / "-Infinity" and an
 * undefined figure (NaN) as null (src/read/metric-value.ts). Read from real ClickHouse tables (chDB).
 */
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pendingTransitions, recordTransitions } from '../src/alerts/history.js'
import type { Transition } from '../src/alerts/lifecycle.js'
import { loadPoints } from '../src/alerts/metric-points.js'
import { parseFileConfig } from '../src/config/file.js'
import { ErrorBodySchema } from '../src/http/schemas.js'
import { registerReadRoutes } from '../src/http/read-routes.js'
import { createReadQueries } from '../src/read/index.js'
import { evaluateRule } from '../src/rules/evaluate.js'
import { parseRuleFile } from '../src/rules/parse.js'
import { openStore, type Store } from '../src/store/clickhouse.js'
import { migrate } from '../src/store/migrate.js'
import { queryRows, withDatabase } from '../src/store/query.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { dropTestResources, testConfig } from './support/config.js'

const DAY = 86_400_000
const today = Math.floor(Date.now() / DAY)
const startMs = (d: number) => (today - 10 + d) * DAY
const window = (d: number) => ({ model_id: 'm', model_version: 'v1', window_start: clickhouseDateTime64(startMs(d)), window_end: clickhouseDateTime64(startMs(d + 1)), eval_version: 1 })
const file = parseFileConfig('models:\n  - id: m\n    task: regression\n    window: 1d\n', 'x.yaml')
const rule = (statistic: string, op: string, threshold: number) =>
  parseRuleFile(`rules:\n  - name: r\n    metric: performance\n    statistic: ${statistic}\n    condition: { op: '${op}', threshold: ${threshold} }\n`, 'r.yaml').rules[0]!

describe('stored ±Infinity metric values', () => {
  const config = testConfig({ kafka: false })
  let store: Store

  beforeAll(async () => {
    store = openStore(config.clickhouse)
    await migrate(store)
    const perf = (d: number, metric: string, value: number | string) => ({ ...window(d), variant: 'all', metric, kind: 'realized', value, n: 40, label_coverage: 1 })
    const insert = (table: string, values: object[]) => store.client.insert({ table: withDatabase(`{db}.${table}`, store.database), format: 'JSONEachRow', values })
    await insert('performance', [
      perf(1, 'rmse', 1), perf(2, 'rmse', 'inf'),
      perf(1, 'r2', 0.5), perf(2, 'r2', '-inf'),
      perf(1, 'mae', 1), perf(2, 'mae', 'nan'),
    ])
    await insert('window_summary', [1, 2].map((d) => ({ ...window(d), predictions: 40, labeled: 40, label_coverage: 1, mean_label_delay_s: 1, closed: 1, reference: 'previous 1 window(s)' })))
  })
  afterAll(async () => {
    await store?.close()
    await dropTestResources(config)
  })

  it('an alert on rmse > 100 breaches on a stored inf, and one on r2 < 0 on a stored -inf; NaN is no value', async () => {
    const rmse = rule('rmse', '>', 100)
    const rmsePoints = await loadPoints(store, rmse, file, Date.now())
    expect(rmsePoints.map((p) => [p.windowStartMs, p.value])).toEqual([[startMs(2), Number.POSITIVE_INFINITY], [startMs(1), 1]])
    expect(evaluateRule(rmse, rmsePoints).map((v) => [v.state, v.latest.windowStartMs])).toEqual([['breaching', startMs(2)]])

    const r2 = rule('r2', '<', 0)
    const r2Points = await loadPoints(store, r2, file, Date.now())
    expect(r2Points[0]!.value).toBe(Number.NEGATIVE_INFINITY)
    expect(evaluateRule(r2, r2Points).map((v) => v.state)).toEqual(['breaching'])

    const mae = await loadPoints(store, rule('mae', '>', 100), file, Date.now())
    expect(mae.map((p) => p.value)).toEqual([null, 1])
    // The quoting is the one query's: later reads with default settings are unchanged.
    expect(await queryRows(store, 'SELECT 1/0 AS x', {}, 'test')).toEqual([{ x: null }])
  })

  it('the read API sends ±∞ as "Infinity" / "-Infinity" and NaN as null', async () => {
    const read = createReadQueries({ store, file, now: Date.now } as Parameters<typeof createReadQueries>[0])
    const app = Fastify()
    app.addSchema({ $id: 'Error', ...ErrorBodySchema })
    registerReadRoutes(app, read, null)
    try {
      const res = await app.inject({ method: 'GET', url: `/v1/models/m/windows/${new Date(startMs(2)).toISOString()}` })
      expect(res.statusCode).toBe(200)
      const detail = res.json() as { performance: { metric: string; value: unknown }[] }
      const value = (metric: string) => detail.performance.find((p) => p.metric === metric)?.value
      expect([value('rmse'), value('r2'), value('mae')]).toEqual(['Infinity', '-Infinity', null])
      expect(res.body).toContain('"value":"Infinity"')
    } finally {
      await app.close()
    }
  })

  it('a transition recorded with an infinite value is read back with it, for its notification; NaN as none', async () => {
    const now = Date.now()
    const t = (id: string, value: number | null): Transition => ({
      transitionId: id, alertKey: `r|m|v1|${id}`, seq: 1, status: 'firing', rule: 'r', metric: 'performance', modelId: 'm', modelVersion: 'v1', subject: id,
      severity: 'critical', value, threshold: 100, windowStartMs: startMs(2), windowEndMs: startMs(3), changedAtMs: now, details: [],
    })
    await recordTransitions(store, [t('inf', Number.POSITIVE_INFINITY), t('neg', Number.NEGATIVE_INFINITY), t('nan', Number.NaN), t('one', 1)])
    const read = new Map((await pendingTransitions(store, now)).map((x) => [x.transitionId, x.value]))
    expect(Object.fromEntries(read)).toEqual({ inf: Number.POSITIVE_INFINITY, neg: Number.NEGATIVE_INFINITY, nan: null, one: 1 })
  })
})
