/**
 * HTTP ingest end to end on real infrastructure: the API (on an ephemeral port) publishes through
 * the schema registry to real Kafka topics, the consumer group stores into ClickHouse. Accepted
 * items are stored exactly once (a repeated request is a no-op), rejected ones and requests that
 * fail authorization or the size limit are stored nowhere, not even as dead letters.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { startHttpServer, type RunningHttpServer } from '../src/http/listen.js'
import { httpSecurity } from '../src/http/security-policy.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig, dropTestResources } from './support/config.js'
import { waitFor } from './support/wait.js'
import { withDatabase } from '../src/store/query.js'

const INGEST = 'it-ingest-token-0123456789'
const READ = 'it-read-token-0123456789ab'

describe('HTTP ingest API -> Kafka -> consumer -> ClickHouse', () => {
  const config = testConfig({ env: { DRIFTWATCH_API_TOKENS: `ingest:${INGEST},read:${READ}`, DRIFTWATCH_HTTP_PORT: '0', DRIFTWATCH_HTTP_BODY_LIMIT_BYTES: '65536' } })
  let app: App
  let http: RunningHttpServer
  const now = Date.now()

  beforeAll(async () => {
    const logger = createLogger(config.logLevel)
    app = await startApp(config, logger, { file: DEFAULT_FILE_CONFIG })
    http = await startHttpServer({ http: config.http, security: httpSecurity(config), file: DEFAULT_FILE_CONFIG, publisher: app.publisher, logger })
  })
  afterAll(async () => {
    await http?.close()
    await app?.stop()
    await dropTestResources(config)
  })

  const post = async (path: string, body: string | unknown[], token: string | null = INGEST) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }
    const res = await fetch(`${http.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  const prediction = (id: string, extra: object = {}) => ({
    prediction_id: id,
    model_id: 'loan-approval',
    model_version: 'v1',
    event_time: new Date(now - 60_000).toISOString(),
    features: { income: 52000.5, employment: 'salaried' },
    prediction: { class_label: 'approve', score: 0.8 },
    ...extra,
  })
  const ids = async (table: string) =>
    (await (await app.store.client.query({ query: withDatabase(`SELECT prediction_id FROM {db}.${table} FINAL ORDER BY prediction_id`, app.store.database), format: 'JSONEachRow' })).json<{ prediction_id: string }>()).map(
      (r) => r.prediction_id,
    )

  it('refuses unauthenticated, unauthorized and oversized requests without publishing anything', async () => {
    const none = await post('/v1/predictions', [prediction('never-1')], null)
    const unknown = await post('/v1/predictions', [prediction('never-2')], 'unknown-token-0123456789')
    const forbidden = await post('/v1/labels', [{ prediction_id: 'never-3', label: { class_label: 'x' }, label_time: now }], READ)
    const oversized = await post('/v1/predictions', Array.from({ length: 400 }, (_, i) => prediction(`never-big-${i}`)))
    expect([none.status, unknown.status, forbidden.status, oversized.status]).toEqual([401, 401, 403, 413])
    expect([none, unknown, forbidden, oversized].map((r) => (r.body['error'] as { code: string }).code)).toEqual(['DW_UNAUTHORIZED', 'DW_UNAUTHORIZED', 'DW_FORBIDDEN', 'DW_PAYLOAD_TOO_LARGE'])
    expect(unknown.body).toEqual(none.body)
  })

  it('answers per item and stores exactly the accepted predictions and labels', async () => {
    const predictions = await post('/v1/predictions', [
      prediction('p-1'),
      prediction('p-2', { event_time: now - 30_000, deployment: { variant: 'challenger' } }),
      prediction('bad-1', { model_id: undefined }),
      prediction('bad-2', { deployment: { variant: 'blue' } }),
      prediction('p-3', { subject_id: 'subject-9', segments: { region: 'eu' } }),
      prediction('bad-3', { event_time: 'yesterday' }),
    ])
    expect(predictions.status).toBe(200)
    expect(predictions.body).toEqual({
      results: [
        { index: 0, status: 'accepted' },
        { index: 1, status: 'accepted' },
        { index: 2, status: 'rejected', code: 'DW_MISSING_FIELD', path: 'model_id', reason: 'model_id: is required' },
        { index: 3, status: 'rejected', code: 'DW_VALIDATION_FAILED', path: 'deployment.variant', reason: expect.any(String) },
        { index: 4, status: 'accepted' },
        { index: 5, status: 'rejected', code: 'DW_VALIDATION_FAILED', path: 'event_time', reason: expect.any(String) },
      ],
      accepted: 3,
      rejected: 3,
    })

    const labels = await post('/v1/labels', [
      { prediction_id: 'p-1', label: { class_label: 'approve' }, label_time: new Date(now).toISOString(), source: 'review' },
      { prediction_id: 'p-2', label: {}, label_time: now },
      { prediction_id: 'p-3', label: { class_label: 'reject' }, label_time: now },
    ])
    expect(labels.body).toMatchObject({
      results: [{ index: 0, status: 'accepted' }, { index: 1, status: 'rejected', code: 'DW_MISSING_FIELD', path: 'label' }, { index: 2, status: 'accepted' }],
      accepted: 2,
      rejected: 1,
    })
    // A client retrying a request it did not see answered: the same prediction_id is stored once.
    expect((await post('/v1/predictions', [prediction('p-1')])).body).toMatchObject({ accepted: 1 })

    await waitFor(() => ids('predictions'), (v) => v.length >= 3, { what: 'the accepted predictions' })
    await waitFor(() => ids('ground_truth'), (v) => v.length >= 2, { what: 'the accepted labels' })
    // Let anything that should not be there arrive before asserting it is not.
    await new Promise((r) => setTimeout(r, 2000))
    expect(await ids('predictions')).toEqual(['p-1', 'p-2', 'p-3'])
    expect(await ids('ground_truth')).toEqual(['p-1', 'p-3'])
    const [dead] = await (await app.store.client.query({ query: withDatabase(`SELECT count() AS c FROM {db}.dead_letters`, app.store.database), format: 'JSONEachRow' })).json<{ c: string }>()
    expect(dead!.c).toBe('0')

    const [row] = await (
      await app.store.client.query({
        query: withDatabase(`SELECT variant, toUnixTimestamp64Milli(event_time) AS t FROM {db}.predictions FINAL WHERE prediction_id = 'p-2'`, app.store.database),
        format: 'JSONEachRow',
      })
    ).json<{ variant: string; t: string }>()
    expect(row).toEqual({ variant: 'challenger', t: String(now - 30_000) })
  })

  it('serves /healthz and /openapi.json without a token', async () => {
    expect(await (await fetch(`${http.url}/healthz`)).json()).toEqual({ status: 'ok' })
    const doc = (await (await fetch(`${http.url}/openapi.json`)).json()) as { openapi: string; components: { schemas: Record<string, unknown> } }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['PredictionEvent', 'GroundTruthEvent']))
  })
})

/** `driftwatch start` as a user runs it: its own process, environment and chDB directory. */
/** POST over node:http, which (unlike fetch) sends the Host header it is given. */
function postWithHost(base: string, host: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}/v1/predictions`, { method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode!, body: text }))
    })
    req.on('error', reject).end(JSON.stringify(body))
  })
}

function startCli(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dw-http-cli-'))
  const child = spawn(process.execPath, ['bin/driftwatch.js', 'start'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', DRIFTWATCH_DATA_DIR: dataDir, DRIFTWATCH_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const logLine = (msg: string) =>
    output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith(msg))
  return { child, exited, logLine, output: () => output, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) }
}

describe('driftwatch start with the HTTP API', () => {
  it('embedded mode without tokens: serves on loopback with a warning, and stops cleanly on SIGTERM', async () => {
    const cli = startCli({ DRIFTWATCH_HTTP_PORT: '0' })
    try {
      const running = await waitFor(async () => cli.logLine('driftwatch running'), (l) => l !== undefined, { timeoutMs: 60_000, what: `the start log; output so far: ${cli.output()}` })
      expect(cli.logLine('HTTP API WITHOUT AUTHENTICATION')?.['level']).toBe(40)
      const url = running!['http'] as string
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const item = { prediction_id: 'cli-1', model_id: 'm', model_version: 'v', event_time: Date.now(), features: {}, prediction: { score: 0.1 } }
      const res = await fetch(`${url}/v1/predictions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([item]) })
      expect(await res.json()).toEqual({ results: [{ index: 0, status: 'accepted' }], accepted: 1, rejected: 0 })
      expect([res.headers.get('x-content-type-options'), res.headers.get('x-frame-options')]).toEqual(['nosniff', 'DENY'])
      // A DNS-rebinding page reaches the same socket, but its browser sends the page's name as Host.
      const rebound = await postWithHost(url, 'attacker.example', [{ ...item, prediction_id: 'cli-2' }])
      expect([rebound.status, JSON.parse(rebound.body).error.code]).toEqual([403, 'DW_FORBIDDEN'])
      cli.child.kill('SIGTERM')
      expect(await cli.exited).toBe(0)
    } finally {
      cli.child.kill('SIGKILL')
      cli.cleanup()
    }
  })

  it('Kafka mode without tokens: a configuration error (exit 2) before connecting to anything', async () => {
    // Unreachable addresses: the check must fail before any connection is tried.
    const cli = startCli({ KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' })
    try {
      expect(await cli.exited).toBe(2)
      expect(cli.output()).toContain('DRIFTWATCH_API_TOKENS: the HTTP API needs at least one token in Kafka mode')
    } finally {
      cli.cleanup()
    }
  })
})
