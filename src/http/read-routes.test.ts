/**
 * Parameter validation of the read routes, before any query runs: a bad parameter is 400
 * DW_VALIDATION_FAILED in the error shape, whichever route and parameter it is.
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import { METRIC_NAMES } from '../evaluate/concept-rows.js'
import { compareModels, rankGroups } from '../metrics/comparison/index.js'
import { createLogger } from '../observability/logger.js'
import type { ReadQueries } from '../read/index.js'
import { COMPARISON_METRICS } from '../read/schemas.js'
import { ingestLimits } from './limits.js'
import { ErrorBodySchema } from './schemas.js'
import { createHttpServer } from './server.js'

const isErrorBody = new Ajv2020({ strict: true }).compile(ErrorBodySchema)

/** Read queries that record the calls the routes made and answer with empty pages. */
function server() {
  const calls: string[] = []
  const read: ReadQueries = {
    models: async () => (calls.push('models'), { items: [], next_cursor: null }),
    model: async () => { calls.push('model'); throw new Error('not used') },
    windows: async (model) => (calls.push('windows'), { model, items: [], next_cursor: null }),
    window: async () => { calls.push('window'); throw new Error('not used') },
    alerts: async () => (calls.push('alerts'), { items: [], next_cursor: null }),
    alertDeliveries: async () => (calls.push('alertDeliveries'), { alerts: [], silences: [] }),
    comparisons: async (model) => (calls.push('comparisons'), { model, items: [], next_cursor: null }),
    deadLetters: async () => { calls.push('deadLetters'); throw new Error('not used') },
  }
  const unused = () => Promise.reject(new Error('not called'))
  const app = createHttpServer({
    publisher: { publishPredictions: unused, publishGroundTruth: unused },
    limits: ingestLimits(DEFAULT_FILE_CONFIG, 100), security: { auth: 'open' }, bodyLimitBytes: 1 << 20, logger: createLogger('silent'), read,
  })
  opened.push(app)
  return { app, calls }
}
const opened: ReturnType<typeof createHttpServer>[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((a) => a.close()))
})

const expect400 = async (app: ReturnType<typeof server>['app'], url: string, message: RegExp) => {
  const res = await app.inject({ url })
  expect([url, res.statusCode]).toEqual([url, 400])
  expect(isErrorBody(res.json())).toBe(true)
  expect([url, res.json().error.code]).toEqual([url, 'DW_VALIDATION_FAILED'])
  expect(res.json().error.message, url).toMatch(message)
}

describe('comparisons: metric is one of the compared metrics', () => {
  it('refuses an unknown metric with 400, as alerts refuses an unknown status, before any query', async () => {
    const { app, calls } = server()
    await expect400(app, '/v1/models/m/comparisons?metric=bogus', /metric must be equal to one of the allowed values/)
    await expect400(app, '/v1/models/m/comparisons?metric=ROC_AUC', /metric/)
    await expect400(app, '/v1/alerts?status=bogus', /status must be equal to one of the allowed values/)
    expect(calls).toEqual([])
    for (const metric of COMPARISON_METRICS) expect([metric, (await app.inject({ url: `/v1/models/m/comparisons?metric=${metric}` })).statusCode]).toEqual([metric, 200])
  })

  it('lists exactly the metrics the evaluator stores comparison rows for', () => {
    const sample = (tp: number, fp: number, tn: number, fn: number) => ({
      confusion: { tp, fp, tn, fn },
      rankGroups: rankGroups([1, 0, 1, 0, 1], [0.9, 0.8, 0.7, 0.3, 0.2]),
    })
    const stored = Object.keys(compareModels(sample(5, 3, 4, 2), sample(6, 2, 5, 1))).map((m) => METRIC_NAMES[m] ?? m)
    expect([...stored].sort()).toEqual([...COMPARISON_METRICS].sort())
  })
})

describe('read time parameters: from 1970-01-01 on; a bound far ahead reads as the latest time', () => {
  it.each([
    ['/v1/models/m/windows?from=-1', /^from: -1 is before 1970-01-01/],
    ['/v1/models/m/windows?to=1969-12-31', /^to: 1969-12-31 is before 1970-01-01/],
    ['/v1/models/m/windows/-86400000', /^start: -86400000 is before 1970-01-01/],
    ['/v1/models/m/comparisons?from=-1', /^from: -1 is before/],
    ['/v1/alerts?since=-5', /^since: -5 is before/],
    ['/v1/alerts/deliveries?transitions_since=-5', /^transitions_since: -5 is before/],
    ['/v1/dead-letters?from=-1', /^from: -1 is before/],
  ])('%s is 400', async (url, message) => {
    const { app, calls } = server()
    await expect400(app, url, message)
    expect(calls).toEqual([])
  })

  it('takes a bound far ahead as "until now", past what a Date holds included; a window start there stays 400', async () => {
    const { app, calls } = server()
    for (const url of ['/v1/models/m/windows?to=9000000000000000', '/v1/models/m/windows?from=0&to=9999999999999999', '/v1/models/m/comparisons?to=9000000000000000', '/v1/alerts?since=9000000000000000']) {
      expect([url, (await app.inject({ url })).statusCode]).toEqual([url, 200])
    }
    expect(calls).toEqual(['windows', 'windows', 'comparisons', 'alerts'])
    await expect400(app, '/v1/models/m/windows/9000000000000000', /^start: 9000000000000000 is outside the times a date can hold/)
  })

  it('takes 0 ("from the start") and a time before any stored event', async () => {
    const { app } = server()
    for (const url of ['/v1/models/m/windows?from=0', '/v1/models/m/windows?from=1999-01-01', '/v1/models/m/comparisons?from=0', '/v1/alerts?since=0']) {
      expect([url, (await app.inject({ url })).statusCode]).toEqual([url, 200])
    }
  })
})

describe('enumerated query parameters: a value outside them is 400 naming the parameter and every allowed value', () => {
  /** Every query parameter of the read routes with a closed set of values, as GET /openapi.json publishes the route schemas. */
  async function enumerated(app: ReturnType<typeof server>['app']) {
    const doc = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, { get?: { parameters?: { in: string; name: string; schema: { enum?: unknown[]; type?: unknown } }[] } }> }
    return Object.entries(doc.paths).filter(([path]) => path.startsWith('/v1/') && !path.startsWith('/v1/predictions') && !path.startsWith('/v1/labels')).flatMap(([path, item]) =>
      (item.get?.parameters ?? []).filter((p) => p.in === 'query' && (p.schema.enum !== undefined || p.schema.type === 'boolean')).map((p) => ({
        url: path.replace('{model}', 'm').replace('{start}', '2026-01-01'),
        name: p.name,
        allowed: (p.schema.enum ?? [true, false]).map(String),
      })))
  }

  it('covers status (alerts and their deliveries), order, metric and raw: the read API\'s enumerated parameters', async () => {
    const { app } = server()
    expect((await enumerated(app)).map((p) => `${p.url} ${p.name}`).sort()).toEqual([
      '/v1/alerts status', '/v1/alerts/deliveries status', '/v1/dead-letters raw', '/v1/models/m/comparisons metric', '/v1/models/m/windows order',
    ])
  })

  it('lists every allowed value and the value sent, before any query', async () => {
    const { app, calls } = server()
    for (const p of await enumerated(app)) {
      const res = await app.inject({ url: `${p.url}?${p.name}=bogus` })
      expect([p.url, p.name, res.statusCode, res.json().error.code]).toEqual([p.url, p.name, 400, 'DW_VALIDATION_FAILED'])
      expect(isErrorBody(res.json())).toBe(true)
      expect(res.json().error.message).toBe(`querystring/${p.name} must be ${p.allowed.length === 2 && p.allowed[0] === 'true' ? 'boolean' : 'equal to one of the allowed values'}: ${p.allowed.join(', ')}, got "bogus"`)
    }
    expect(calls).toEqual([])
  })

  it('/v1/alerts?status=bogus says status and both of its values', async () => {
    const { app } = server()
    await expect400(app, '/v1/alerts?status=bogus', /^querystring\/status must be equal to one of the allowed values: firing, all, got "bogus"$/)
  })
})
