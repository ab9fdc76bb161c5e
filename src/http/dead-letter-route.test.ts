/**
 * GET /v1/dead-letters and GET /v1/models/{model}/comparisons as the read API's other routes
 * behave: role read (or admin), parameters checked by the schema and by the read module's rules
 * (400 naming the parameter), answers serialized through the schema. The raw bytes are admin only.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { loadApiTokens } from '../config/api-tokens.js'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import { createLogger } from '../observability/logger.js'
import type { EventPublisher } from '../pipeline/publisher.js'
import type { DeadLetterOptions, DeadLetterReport, ReadQueries } from '../read/index.js'
import { ingestLimits } from './limits.js'
import { createHttpServer } from './server.js'

const READ = 'read-token-0123456789ab'
const ADMIN = 'admin-token-0123456789ab'
const INGEST = 'ingest-token-0123456789'
const tokens = loadApiTokens(`read:${READ},admin:${ADMIN},ingest:${INGEST}`, undefined).tokens
const publisher: EventPublisher = { publishPredictions: async () => undefined, publishGroundTruth: async () => undefined }

const report: DeadLetterReport = {
  from: '2026-11-20T10:00:00.000Z',
  to: '2026-11-21T10:00:00.000Z',
  total: 2,
  notices: 0,
  stored: 98,
  counts: [{ topic: 'predictions', code: 'DW_NON_FINITE_NUMBER', model: 'loan', count: 2, first_at: '2026-11-21T09:00:00.000Z', last_at: '2026-11-21T09:30:00.000Z' }],
  counts_truncated: false,
  recent: [{
    topic: 'predictions', partition: 1, offset: '12', code: 'DW_NON_FINITE_NUMBER', message: 'features.income: NaN', model: 'loan',
    key_bytes: 4, value_bytes: 80, dlq_truncated: '', dead_lettered_at: '2026-11-21T09:30:00.000Z', raw_key_base64: 'cC0x', raw_value_base64: 'AAAAAQ==',
  }],
}

const opened: ReturnType<typeof createHttpServer>[] = []
afterEach(async () => void (await Promise.all(opened.splice(0).map((a) => a.close()))))

function server() {
  const calls: (DeadLetterOptions | undefined)[] = []
  const unused = async () => { throw new Error('not used') }
  const read: ReadQueries = {
    models: unused, model: unused, windows: unused, window: unused, alerts: unused, alertDeliveries: unused,
    comparisons: async (model) => ({ model, items: [], next_cursor: null }),
    // As the query does (src/read/dead-letters.ts): the bytes only when asked for.
    deadLetters: async (o) => (calls.push(o), o?.raw ? report : { ...report, recent: report.recent.map(({ raw_key_base64: _k, raw_value_base64: _v, ...rest }) => rest) }),
  }
  const app = createHttpServer({ publisher, limits: ingestLimits(DEFAULT_FILE_CONFIG, 100), security: { auth: 'tokens', tokens }, bodyLimitBytes: 1 << 20, logger: createLogger('silent'), read })
  opened.push(app)
  return { app, calls }
}
const get = (app: ReturnType<typeof createHttpServer>, url: string, token?: string) =>
  app.inject({ url, headers: token ? { authorization: `Bearer ${token}` } : {} })

describe('GET /v1/dead-letters', () => {
  it('needs a read or admin token', async () => {
    const { app, calls } = server()
    expect((await get(app, '/v1/dead-letters')).statusCode).toBe(401)
    expect((await get(app, '/v1/dead-letters', INGEST)).statusCode).toBe(403)
    expect((await get(app, '/v1/dead-letters', READ)).statusCode).toBe(200)
    expect((await get(app, '/v1/dead-letters', ADMIN)).statusCode).toBe(200)
    expect(calls).toHaveLength(2)
  })

  it('answers counts and the most recent dead letters with offsets and messages, never raw bytes by default', async () => {
    const { app, calls } = server()
    const res = await get(app, '/v1/dead-letters?from=2026-11-20&limit=10&code=DW_NON_FINITE_NUMBER', READ)
    expect(res.statusCode).toBe(200)
    const body = res.json() as DeadLetterReport
    expect(body.counts).toEqual(report.counts)
    expect(body.recent[0]).toMatchObject({ offset: '12', partition: 1, message: 'features.income: NaN', code: 'DW_NON_FINITE_NUMBER' })
    expect(body.recent[0]).not.toHaveProperty('raw_value_base64')
    expect(res.body).not.toContain('AAAAAQ==')
    expect(calls[0]).toEqual({ from: '2026-11-20', limit: 10, code: 'DW_NON_FINITE_NUMBER', raw: false })
  })

  it('gives the raw prefixes to admin tokens only', async () => {
    const { app, calls } = server()
    const refused = await get(app, '/v1/dead-letters?raw=true', READ)
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'DW_FORBIDDEN'])
    expect(calls).toHaveLength(0)
    const res = await get(app, '/v1/dead-letters?raw=true', ADMIN)
    expect(res.json().recent[0].raw_value_base64).toBe('AAAAAQ==')
  })

  it('refuses bad parameters with 400 naming the parameter', async () => {
    const { app, calls } = server()
    for (const [query, words] of [
      ['limit=0', 'limit'], ['limit=501', 'limit'], ['from=2026-11-22&to=2026-11-21', 'from:'], ['from=2026-11-21T10:00', 'from:'],
      ['to=20261121', 'to:'], ['code=nope', 'code'], ['raw=maybe', 'raw'],
    ] as const) {
      const res = await get(app, `/v1/dead-letters?${query}`, READ)
      expect([query, res.statusCode, res.json().error?.code]).toEqual([query, 400, 'DW_VALIDATION_FAILED'])
      expect(res.json().error.message).toContain(words)
    }
    expect(calls).toHaveLength(0)
  })
})

describe('GET /v1/models/{model}/comparisons', () => {
  it('is a read route with checked parameters', async () => {
    const { app } = server()
    expect((await get(app, '/v1/models/m/comparisons')).statusCode).toBe(401)
    expect((await get(app, '/v1/models/m/comparisons?metric=roc_auc', READ)).json()).toEqual({ model: 'm', items: [], next_cursor: null })
    for (const query of ['metric=ROC%20AUC', 'from=2026-11-22&to=2026-11-21', 'limit=5001']) {
      expect((await get(app, `/v1/models/m/comparisons?${query}`, READ)).statusCode, query).toBe(400)
    }
  })
})
