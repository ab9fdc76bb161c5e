import { connect } from 'node:net'
import { gzipSync } from 'node:zlib'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { loadApiTokens } from '../config/api-tokens.js'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import { createLogger } from '../observability/logger.js'
import type { EventPublisher } from '../pipeline/publisher.js'
import { clientErrorReply } from './error-reply.js'
import { ingestLimits } from './limits.js'
import { ErrorBodySchema, IngestResponseSchema } from './schemas.js'
import type { HttpSecurity } from './security-policy.js'
import { createHttpServer } from './server.js'

const now = Date.UTC(2026, 10, 22)
const TOKENS = { ingest: 'ingest-token-0123456789', read: 'read-token-0123456789ab', admin: 'admin-token-0123456789a' }
const tokens = loadApiTokens(Object.entries(TOKENS).map(([r, t]) => `${r}:${t}`).join(','), undefined).tokens
const auth = (role: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[role]}` })

const ajv = new Ajv2020({ strict: true })
const isIngestResponse = ajv.compile(IngestResponseSchema)
const isErrorBody = ajv.compile(ErrorBodySchema)

class Recorder implements EventPublisher {
  predictions: PredictionEvent[][] = []
  labels: GroundTruthEvent[][] = []
  failWith: unknown = null
  async publishPredictions(events: readonly PredictionEvent[]) {
    if (this.failWith) throw this.failWith
    this.predictions.push([...events])
  }
  async publishGroundTruth(events: readonly GroundTruthEvent[]) {
    if (this.failWith) throw this.failWith
    this.labels.push([...events])
  }
}

const item = (id: string) => ({ prediction_id: id, model_id: 'm', model_version: 'v', event_time: now - 1, features: { x: 1 }, prediction: { score: 0.5 } })

function server(o: { security?: HttpSecurity; bodyLimitBytes?: number; maxItems?: number } = {}) {
  const publisher = new Recorder()
  const app = createHttpServer({
    publisher,
    limits: ingestLimits(DEFAULT_FILE_CONFIG, o.maxItems ?? 10_000),
    security: o.security ?? { auth: 'tokens', tokens },
    bodyLimitBytes: o.bodyLimitBytes ?? 5 * 1024 * 1024,
    logger: createLogger('silent'),
    now: () => now,
  })
  opened.push(app)
  return { app, publisher }
}
const opened: ReturnType<typeof createHttpServer>[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((a) => a.close()))
})

const post = (s: ReturnType<typeof server>, url: string, payload: unknown, headers: Record<string, string> = auth('ingest')) =>
  s.app.inject({ method: 'POST', url, payload: payload as object, headers })

describe('POST /v1/predictions and /v1/labels', () => {
  it('answers per item and publishes only the accepted items, in order', async () => {
    const s = server()
    const res = await post(s, '/v1/predictions', [item('a'), { ...item('b'), event_time: 'yesterday' }, item('c'), 42])
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(isIngestResponse(body)).toBe(true)
    expect(body).toEqual({
      results: [
        { index: 0, status: 'accepted' },
        { index: 1, status: 'rejected', code: 'DW_VALIDATION_FAILED', path: 'event_time', reason: expect.any(String) },
        { index: 2, status: 'accepted' },
        { index: 3, status: 'rejected', code: 'DW_VALIDATION_FAILED', path: '(root)', reason: '(root): must be a JSON object' },
      ],
      accepted: 2,
      rejected: 2,
    })
    expect(s.publisher.predictions.flat().map((e) => e.prediction_id)).toEqual(['a', 'c'])
  })

  it('takes labels with ISO times, for ingest and admin tokens', async () => {
    const s = server()
    const label = { prediction_id: 'a', label: { class_label: 'yes' }, label_time: '2026-11-21T10:00:00Z' }
    for (const role of ['ingest', 'admin'] as const) expect((await post(s, '/v1/labels', [label], auth(role))).json()).toMatchObject({ accepted: 1, rejected: 0 })
    expect(s.publisher.labels.flat()).toEqual([0, 1].map(() => ({ ...label, label: { class_label: 'yes', value: null }, label_time: Date.UTC(2026, 10, 21, 10), source: 'stream' })))
  })

  it('publishes in chunks of at most 1000 events', async () => {
    const s = server()
    const res = await post(s, '/v1/predictions', Array.from({ length: 2500 }, (_, i) => item(`p${i}`)))
    expect(res.json()).toMatchObject({ accepted: 2500, rejected: 0 })
    expect(s.publisher.predictions.map((c) => c.length)).toEqual([1000, 1000, 500])
  })

  it('rejects a time past the JavaScript Date range as an item (200), not as a 500', async () => {
    const res = await post(server(), '/v1/labels', [{ prediction_id: 'a', label: { class_label: 'yes' }, label_time: 9e15 }])
    expect(res.statusCode).toBe(200)
    expect(res.json().results).toEqual([{ index: 0, status: 'rejected', code: 'DW_TIMESTAMP_OUT_OF_RANGE', path: 'label_time', reason: expect.any(String) }])
  })

  it('keeps a __proto__ feature instead of refusing the whole request', async () => {
    const s = server()
    const res = await post(s, '/v1/predictions', `[{"prediction_id":"a","model_id":"m","model_version":"v","event_time":${now - 1},"features":{"__proto__":1,"constructor":2},"prediction":{"score":0.5}}]`, { ...auth('ingest'), 'content-type': 'application/json' })
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 0 })
    expect(Object.keys(s.publisher.predictions[0]![0]!.features)).toEqual(['__proto__', 'constructor'])
  })

  it('refuses a body that is not UTF-8 with 400, instead of reading two ids that differ only in bad bytes as one', async () => {
    const s = server()
    const json = (id: string) => JSON.stringify(item(id))
    for (const bad of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
      const [head, tail] = `[${json('p-@')},${json('p-x')}]`.split('@') as [string, string]
      const body = Buffer.concat([Buffer.from(head), Buffer.from(bad), Buffer.from(tail)])
      expect(body.toString('utf8')).toContain('"prediction_id":"p-\ufffd')
      const res = await post(s, '/v1/predictions', body, { ...auth('ingest'), 'content-type': 'application/json' })
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'DW_VALIDATION_FAILED', message: 'the request body is not valid UTF-8, which JSON must be' })
    }
    expect(s.publisher.predictions).toEqual([])
    // UTF-8 that is not ASCII is taken as before.
    const res = await post(s, '/v1/predictions', Buffer.from(`[${json('p-é中🙂')}]`), { ...auth('ingest'), 'content-type': 'application/json; charset=utf-8' })
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 0 })
    expect(s.publisher.predictions[0]![0]!.prediction_id).toBe('p-é中🙂')
  })

  it('refuses an empty array with 400, as docs/http-api.md promises', async () => {
    const res = await post(server(), '/v1/predictions', [])
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('DW_VALIDATION_FAILED')
  })
})

describe('authorization', () => {
  it('401 without a token or with an unknown one, with the same body; 403 for a token without the role', async () => {
    const s = server()
    const none = await post(s, '/v1/predictions', [item('a')], {})
    const unknown = await post(s, '/v1/predictions', [item('a')], { authorization: 'Bearer not-a-token-0123456789' })
    const forbidden = await post(s, '/v1/labels', [item('a')], auth('read'))
    expect([none.statusCode, unknown.statusCode, forbidden.statusCode]).toEqual([401, 401, 403])
    expect(unknown.body).toBe(none.body)
    expect(none.headers['www-authenticate']).toBe('Bearer realm="driftwatch"')
    expect(none.json().error).toEqual({ code: 'DW_UNAUTHORIZED', message: expect.any(String), retriable: false })
    expect(forbidden.json().error.code).toBe('DW_FORBIDDEN')
    expect(isErrorBody(forbidden.json())).toBe(true)
    expect(s.publisher.predictions).toEqual([])
  })

  it('checks the token before reading the body: no token and a huge body is 401, not 413', async () => {
    const res = await post(server({ bodyLimitBytes: 1024 }), '/v1/predictions', Array.from({ length: 100 }, (_, i) => item(`p${i}`)), {})
    expect(res.statusCode).toBe(401)
  })

  it('needs no token for /healthz and /openapi.json', async () => {
    const s = server()
    expect((await s.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' })
    const doc = await s.app.inject({ url: '/openapi.json' })
    expect(doc.json().paths['/v1/predictions'].post.requestBody.content['application/json'].schema.maxItems).toBe(10_000)
  })

  it('lets everything through when authorization is off (embedded mode on loopback)', async () => {
    expect((await post(server({ security: { auth: 'open' } }), '/v1/predictions', [item('a')], {})).statusCode).toBe(200)
  })
})

describe('request errors', () => {
  it.each([
    ['an object', JSON.stringify({ items: [] }), 'application/json', 400, 'DW_VALIDATION_FAILED'],
    ['invalid JSON', '[{', 'application/json', 400, 'DW_VALIDATION_FAILED'],
    ['an empty body', '', 'application/json', 400, 'DW_VALIDATION_FAILED'],
    ['text/plain', '[]', 'text/plain', 415, 'DW_VALIDATION_FAILED'],
  ])('%s', async (_what, payload, type, status, code) => {
    const res = await server().app.inject({ method: 'POST', url: '/v1/predictions', payload, headers: { ...auth('ingest'), 'content-type': type } })
    expect(res.statusCode).toBe(status)
    expect(res.json().error.code).toBe(code)
    expect(isErrorBody(res.json())).toBe(true)
  })

  it('400 for a body that is not JSON says where, in the JSON parser\'s words, bounded in length', async () => {
    const s = server()
    const send = (payload: string) => s.app.inject({ method: 'POST', url: '/v1/predictions', payload, headers: { ...auth('ingest'), 'content-type': 'application/json' } })
    const token = await send('[{"prediction_id":}]')
    // V8's wording (Node 20): the offending token and the text around it, or a position.
    expect([token.statusCode, token.json().error]).toEqual([400, {
      code: 'DW_VALIDATION_FAILED', message: 'the request body is not valid JSON: Unexpected token \'}\', "[{"prediction_id":}]" is not valid JSON', retriable: false,
    }])
    const position = await send('[1,2')
    expect(position.json().error.message).toMatch(/^the request body is not valid JSON: .*\bposition 4\b/)
    // V8 quotes some text either side of the error; whatever it quotes, the answer stays short.
    const long = await send(`[${'"a",'.repeat(10_000)}x]`)
    expect(long.json().error.message).toMatch(/^the request body is not valid JSON: Unexpected token 'x'/)
    expect(long.json().error.message.length).toBeLessThanOrEqual('the request body is not valid JSON: '.length + 201)
    expect(s.publisher.predictions).toEqual([])
  })

  it('a body that begins with a UTF-8 byte-order mark is read as the JSON after it', async () => {
    const s = server()
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify([item('bom')]))])
    const res = await s.app.inject({ method: 'POST', url: '/v1/predictions', payload: body, headers: { ...auth('ingest'), 'content-type': 'application/json' } })
    expect([res.statusCode, res.json()]).toMatchObject([200, { accepted: 1, rejected: 0 }])
  })

  it('415 for a wrong or missing Content-Type says that application/json is required', async () => {
    const s = server()
    const form = await post(s, '/v1/predictions', 'a=1', { ...auth('ingest'), 'content-type': 'application/x-www-form-urlencoded' })
    expect([form.statusCode, form.json().error]).toEqual([415, {
      code: 'DW_VALIDATION_FAILED', message: 'Content-Type "application/x-www-form-urlencoded" is not supported: send the body as JSON with Content-Type: application/json', retriable: false,
    }])
    const none = await s.app.inject({ method: 'POST', url: '/v1/predictions', payload: Buffer.from(JSON.stringify([item('a')])), headers: auth('ingest') })
    expect([none.statusCode, none.json().error.message]).toEqual([415, 'the request has a body but no Content-Type: send the body as JSON with Content-Type: application/json'])
    expect(s.publisher.predictions).toEqual([])
  })

  it('415 with Accept-Encoding: identity for a compressed body, instead of 400 "not valid UTF-8"; the token is checked first', async () => {
    const s = server()
    const gzipped = gzipSync(JSON.stringify([item('a')]))
    for (const encoding of ['gzip', 'br', 'GZIP ']) {
      const res = await post(s, '/v1/labels', gzipped, { ...auth('ingest'), 'content-type': 'application/json', 'content-encoding': encoding })
      expect([encoding, res.statusCode, res.headers['accept-encoding']]).toEqual([encoding, 415, 'identity'])
      expect(res.json().error).toEqual({ code: 'DW_VALIDATION_FAILED', message: `Content-Encoding "${encoding.trim().toLowerCase()}" is not supported: send the body uncompressed`, retriable: false })
      expect(res.headers['x-content-type-options']).toBe('nosniff')
    }
    expect((await post(s, '/v1/predictions', gzipped, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).statusCode).toBe(401)
    expect(s.publisher.predictions).toEqual([])
    const identity = await post(s, '/v1/predictions', [item('a')], { ...auth('ingest'), 'content-type': 'application/json', 'content-encoding': 'identity' })
    expect(identity.json()).toMatchObject({ accepted: 1, rejected: 0 })
  })

  describe("errors of Node's HTTP parser, on a real socket", () => {
    /** The raw answer to `request`, sent as is (inject never reaches Node's parser). */
    async function raw(request: string): Promise<{ head: string; body: string }> {
      const { app } = server()
      await app.listen({ host: '127.0.0.1', port: 0 })
      const port = (app.server.address() as { port: number }).port
      const answer = await new Promise<string>((resolve, reject) => {
        let out = ''
        const socket = connect(port, '127.0.0.1', () => socket.write(request))
        socket.setEncoding('utf8').on('data', (d: string) => (out += d)).on('close', () => resolve(out)).on('error', reject)
      })
      const [head, body] = answer.split('\r\n\r\n') as [string, string]
      return { head, body }
    }
    const expectOurShape = ({ head, body }: { head: string; body: string }, status: number) => {
      expect(head.split('\r\n')[0]).toMatch(new RegExp(`^HTTP/1.1 ${status} `))
      expect(head).toMatch(/^x-content-type-options: nosniff$/m)
      expect(head).toMatch(/^content-type: application\/json; charset=utf-8$/m)
      expect(isErrorBody(JSON.parse(body))).toBe(true)
      return JSON.parse(body).error as { code: string; message: string; retriable: boolean }
    }

    it('431 in the error shape for a header or a URL past the size limit, not fastify\'s own body', async () => {
      const header = await raw(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
      expect(expectOurShape(header, 431)).toEqual({ code: 'DW_VALIDATION_FAILED', message: expect.stringMatching(/^the request line and headers exceed \d+ bytes/), retriable: false })
      const url = await raw(`GET /v1/models?cursor=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
      expect(expectOurShape(url, 431).code).toBe('DW_VALIDATION_FAILED')
    })

    it('400 in the error shape for a request that is not HTTP', async () => {
      expect(expectOurShape(await raw('NOT HTTP\r\n\r\n'), 400)).toEqual({ code: 'DW_VALIDATION_FAILED', message: 'the request is not valid HTTP/1.1', retriable: false })
    })

    it('408 for a request not received in time says it may be sent again', () => {
      expect(clientErrorReply('ERR_HTTP_REQUEST_TIMEOUT')).toEqual({ status: 408, body: { error: { code: 'DW_VALIDATION_FAILED', message: 'the request was not received in time; send it again', retriable: true } } })
      expect(isErrorBody(clientErrorReply('ERR_HTTP_REQUEST_TIMEOUT').body)).toBe(true)
    })
  })

  it('413 with a JSON body past the byte limit or the item limit', async () => {
    const bytes = await post(server({ bodyLimitBytes: 2048 }), '/v1/predictions', Array.from({ length: 50 }, (_, i) => item(`p${i}`)))
    const items = await post(server({ maxItems: 3 }), '/v1/predictions', [item('a'), item('b'), item('c'), item('d')])
    expect([bytes.statusCode, items.statusCode]).toEqual([413, 413])
    expect(bytes.json().error).toEqual({ code: 'DW_PAYLOAD_TOO_LARGE', message: 'the request body exceeds 2048 bytes', retriable: false })
    expect(items.json().error.message).toBe('the request holds 4 items, the limit is 3 per request')
  })

  it('404 in the same error shape', async () => {
    const res = await server().app.inject({ url: '/v1/nothing?x=1' })
    expect([res.statusCode, res.json().error.code]).toEqual([404, 'DW_NOT_FOUND'])
  })
})

describe('publish failures', () => {
  class KafkaJSNumberOfRetriesExceeded extends Error {
    override name = 'KafkaJSNumberOfRetriesExceeded'
  }
  it.each([
    ['Kafka down', new KafkaJSNumberOfRetriesExceeded('connect ECONNREFUSED 10.0.0.7:9092'), 503, 'DW_KAFKA_UNAVAILABLE', true],
    ['ClickHouse down (embedded)', new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', 'ClickHouse at 10.0.0.7:8123 unavailable', { retriable: true }), 503, 'DW_CLICKHOUSE_UNAVAILABLE', true],
    ['a bug', new TypeError('x is undefined'), 500, 'DW_INTERNAL', false],
    ['a non-retriable pipeline error', new DriftwatchError('DW_CLICKHOUSE_QUERY_FAILED', 'x is undefined in SELECT'), 500, 'DW_INTERNAL', false],
  ])('%s', async (_what, failure, status, code, retriable) => {
    const s = server()
    s.publisher.failWith = failure
    const res = await post(s, '/v1/predictions', [item('a')])
    expect(res.statusCode).toBe(status)
    expect(res.json().error).toMatchObject({ code, retriable })
    expect(res.headers['retry-after']).toBe(retriable ? '1' : undefined)
    expect(res.body).not.toContain('10.0.0.7')
    expect(res.body).not.toContain('x is undefined')
  })
})

describe('error logging', () => {
  it('logs a 503 once per 10 s with the number of lines skipped, never a token', async () => {
    const lines: Record<string, unknown>[] = []
    const sink = { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) }
    const publisher = new Recorder()
    publisher.failWith = new DriftwatchError('DW_KAFKA_UNAVAILABLE', 'broker down', { retriable: true })
    const app = createHttpServer({
      publisher,
      limits: ingestLimits(DEFAULT_FILE_CONFIG, 10),
      security: { auth: 'tokens', tokens },
      bodyLimitBytes: 1 << 20,
      logger: pino({ level: 'debug' }, sink),
      now: () => now,
    })
    opened.push(app)
    for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/v1/predictions', payload: [item('a')], headers: auth('ingest') })
    const failures = lines.filter((l) => String(l['msg']).startsWith('request failed'))
    expect(failures).toHaveLength(1)
    expect(lines.filter((l) => l['msg'] === 'request').map((l) => l['status'])).toEqual([503, 503, 503, 503, 503])
    expect(JSON.stringify(lines)).not.toContain(TOKENS.ingest)
  })
})
