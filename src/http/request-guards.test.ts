import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { loadApiTokens } from '../config/api-tokens.js'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import { createLogger } from '../observability/logger.js'
import type { EventPublisher } from '../pipeline/publisher.js'
import type { ReadQueries, SeriesOptions } from '../read/index.js'
import { ingestLimits } from './limits.js'
import { ErrorBodySchema } from './schemas.js'
import { isLoopbackHostHeader, type HttpSecurity } from './security-policy.js'
import { createHttpServer } from './server.js'

const READ_TOKEN = 'read-token-0123456789ab'
const tokens = loadApiTokens(`read:${READ_TOKEN},ingest:ingest-token-0123456789`, undefined).tokens
const isErrorBody = new Ajv2020({ strict: true }).compile(ErrorBodySchema)

const published: unknown[] = []
const publisher: EventPublisher = {
  publishPredictions: async (events) => void published.push(...events),
  publishGroundTruth: async (events) => void published.push(...events),
}

/** Read queries that record what the routes asked for. */
function recordingRead() {
  const calls: { model: string; o: SeriesOptions | undefined }[] = []
  const read: ReadQueries = {
    models: async () => ({ items: [], next_cursor: null }),
    model: async () => { throw new Error('not used') },
    windows: async (model, o) => (calls.push({ model, o }), { model, items: [], next_cursor: null }),
    window: async () => { throw new Error('not used') },
    alerts: async () => ({ items: [], next_cursor: null }),
    alertDeliveries: async () => ({ alerts: [], silences: [] }),
    comparisons: async (model) => ({ model, items: [], next_cursor: null }),
    deadLetters: async () => { throw new Error('not used') },
  }
  return { read, calls }
}

const uiDir = mkdtempSync(join(tmpdir(), 'dw-ui-'))
writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>driftwatch</title>')
afterAll(() => rmSync(uiDir, { recursive: true, force: true }))

const opened: ReturnType<typeof createHttpServer>[] = []
afterEach(async () => {
  published.length = 0
  await Promise.all(opened.splice(0).map((a) => a.close()))
})

function server(security: HttpSecurity) {
  const { read, calls } = recordingRead()
  const app = createHttpServer({
    publisher, limits: ingestLimits(DEFAULT_FILE_CONFIG, 100), security, bodyLimitBytes: 1 << 20, logger: createLogger('silent'), read, uiDir,
  })
  opened.push(app)
  return { app, calls }
}

/** A request over a real socket with the given Host header (fetch does not let one set Host). */
function rawGet(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('error', reject).end()
  })
}

const item = { prediction_id: 'p', model_id: 'm', model_version: 'v', event_time: '2026-11-21T10:00:00Z', features: {}, prediction: { score: 0.5 } }

describe('DNS rebinding: an open server answers only requests addressed to loopback', () => {
  it('refuses a foreign Host with 403 DW_FORBIDDEN in the error shape, and publishes nothing', async () => {
    const { app } = server({ auth: 'open' })
    for (const url of ['/v1/models', '/metrics', '/healthz', '/openapi.json', '/', '/v1/nothing']) {
      const res = await app.inject({ url, headers: { host: 'attacker.example:18792' } })
      expect([url, res.statusCode, res.json().error.code]).toEqual([url, 403, 'DW_FORBIDDEN'])
      expect(isErrorBody(res.json())).toBe(true)
      expect(res.json().error.message).toContain('Host "attacker.example:18792" is refused')
    }
    const post = await app.inject({ method: 'POST', url: '/v1/predictions', payload: [item], headers: { host: 'attacker.example' } })
    expect(post.statusCode).toBe(403)
    expect(published).toEqual([])
    expect((await app.inject({ url: '/v1/models', headers: { host: 'localhost' } })).statusCode).toBe(200)
  })

  it('on a real socket: loopback names pass, whatever the port (a tunnel), anything else is refused', async () => {
    const { app } = server({ auth: 'open' })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const port = (app.server.address() as { port: number }).port
    const statusOf = async (host: string) => (await rawGet(port, '/v1/models', host)).status
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `127.1.2.3:${port}`, `[::1]:${port}`, 'localhost:9000', '127.0.0.1']) expect([host, await statusOf(host)]).toEqual([host, 200])
    for (const host of [`attacker.example:${port}`, `localhost.:${port}`, `evil@127.0.0.1:${port}`, `10.0.0.1:${port}`, `[::2]:${port}`, `127.0.0.1.nip.io:${port}`]) {
      expect([host, await statusOf(host)]).toEqual([host, 403])
    }
  })

  it('leaves Host alone when tokens are configured: the token is the barrier', async () => {
    const { app } = server({ auth: 'tokens', tokens })
    const res = await app.inject({ url: '/v1/models', headers: { host: 'driftwatch.internal.example', authorization: `Bearer ${READ_TOKEN}` } })
    expect(res.statusCode).toBe(200)
  })

  it.each([
    ['localhost:8080', true], ['127.0.0.1:8080', true], ['[::1]:8080', true], ['127.0.0.1', true],
    ['127.1:8080', true], ['[0:0::1]:8080', true], ['localhost:9090', true],
    ['attacker.example:8080', false], ['127.0.0.1.nip.io:8080', false],
    ['user@localhost:8080', false], ['localhost:8080/x', false], ['', false], [undefined, false],
  ] as const)('isLoopbackHostHeader(%s) is %s', (host, expected) => {
    expect(isLoopbackHostHeader(host)).toBe(expected)
  })
})

describe('security headers', () => {
  const expectHeaders = (what: string, headers: Record<string, unknown>) => {
    expect([what, headers['x-content-type-options'], headers['content-security-policy'], headers['x-frame-options']])
      .toEqual([what, 'nosniff', "frame-ancestors 'none'", 'DENY'])
  }

  it('on every answer: data, UI files, errors of the routes and of the router', async () => {
    const open = server({ auth: 'open' }).app
    const locked = server({ auth: 'tokens', tokens }).app
    const cases: [string, Promise<{ headers: Record<string, unknown> }>][] = [
      ['200 data', open.inject({ url: '/v1/models' })],
      ['200 UI', open.inject({ url: '/' })],
      ['404', open.inject({ url: '/v1/nothing' })],
      ['403 host', open.inject({ url: '/v1/models', headers: { host: 'attacker.example' } })],
      ['401', locked.inject({ url: '/v1/models' })],
      ['400 bad JSON', locked.inject({ method: 'POST', url: '/v1/predictions', payload: '[{', headers: { authorization: 'Bearer ingest-token-0123456789', 'content-type': 'application/json' } })],
      ['414', open.inject({ url: `/v1/models/${'m'.repeat(4000)}/windows` })],
      ['400 bad URL', open.inject({ url: '/v1/models/%E0%A4%A/windows' })],
    ]
    for (const [what, res] of cases) expectHeaders(what, (await res).headers)
  })
})

describe('path parameters up to the longest valid model id', () => {
  it('reads a model id of 150 ASCII characters and one of 256 four-byte characters', async () => {
    const { app, calls } = server({ auth: 'open' })
    for (const model of ['m'.repeat(150), 'é'.repeat(256), '😀'.repeat(256)]) {
      const res = await app.inject({ url: `/v1/models/${encodeURIComponent(model)}/windows` })
      expect([model.length, res.statusCode]).toEqual([model.length, 200])
      expect(calls.at(-1)!.model).toBe(model)
    }
  })

  it('router errors answer in the error shape: 414 past any valid id, 400 for a malformed URL', async () => {
    const { app } = server({ auth: 'open' })
    const long = await app.inject({ url: `/v1/models/${'m'.repeat(4000)}/windows` })
    expect([long.statusCode, long.json().error.code]).toEqual([414, 'DW_VALIDATION_FAILED'])
    expect(isErrorBody(long.json())).toBe(true)
    const bad = await app.inject({ url: '/v1/models/%E0%A4%A/windows' })
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'DW_VALIDATION_FAILED'])
    expect(isErrorBody(bad.json())).toBe(true)
  })
})

describe('read API time range', () => {
  it('refuses from after to with 400 naming from, before any query', async () => {
    const { app, calls } = server({ auth: 'open' })
    const res = await app.inject({ url: '/v1/models/m/windows?from=2026-12-02&to=2026-12-01' })
    expect([res.statusCode, res.json().error.code]).toEqual([400, 'DW_VALIDATION_FAILED'])
    expect(res.json().error.message).toMatch(/^from: 2026-12-02T00:00:00.000Z is after to/)
    expect(calls).toEqual([])
    expect((await app.inject({ url: '/v1/models/m/windows?from=2026-12-01&to=2026-12-01' })).statusCode).toBe(200)
  })
})
