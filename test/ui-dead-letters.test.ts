/**
 * Dead letters are visible without Grafana or chDB access: GET /v1/dead-letters and the web UI's
 * "Pipeline / dead letters" page list what was dead-lettered, by topic, code and model, with the
 * reason and offsets and without the bytes; the overview says records arrived and were all
 * dead-lettered instead of "no predictions yet"; the dead-letter-rate alert (a service-level alert,
 * model '') links to the dead letters, never to a model page that does not exist.
 *
 * Real Kafka and registry (bad bytes are produced straight to the predictions topic, as
 * test/dead-letters.test.ts does), embedded chDB, the evaluator and the alert service run by hand,
 * headless Chromium.
 */
import type { FastifyInstance } from 'fastify'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { loadApiTokens } from '../src/config/api-tokens.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { sweepOrphans } from '../src/evaluate/orphans.js'
import { ingestLimits } from '../src/http/limits.js'
import { createHttpServer } from '../src/http/server.js'
import { createLogger } from '../src/observability/logger.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import { createReadQueries, type AlertView, type DeadLetterReport } from '../src/read/index.js'
import { buildUi } from '../src/ui/assets.js'
import { launchChromium, screenshot, watchedPage, type WatchedPage } from './support/browser.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count } from './support/query.js'
import { waitFor } from './support/wait.js'

const READ = 'dl-read-token-0123456789'
const ADMIN = 'dl-admin-token-0123456789'
const tokens = loadApiTokens(`read:${READ},admin:${ADMIN}`, undefined).tokens
const MODEL = 'dl-model'
const VALID = 120

describe('dead letters in the read API and the web UI', () => {
  const config = testConfig({ partitions: 1 })
  const file = DEFAULT_FILE_CONFIG
  let app: App
  let producer: Producer
  let registry: SchemaRegistry
  let schemaId: number
  let browser: Browser
  let http: FastifyInstance
  let base = ''

  const api = async <T>(path: string, token = READ): Promise<{ status: number; body: T }> => {
    const r = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })
    return { status: r.status, body: (await r.json()) as T }
  }
  const open = async (hash: string): Promise<WatchedPage> => {
    const w = await watchedPage(browser)
    await w.page.addInitScript(`sessionStorage.setItem('driftwatch.token', ${JSON.stringify(READ)})`)
    await w.page.goto(`${base}/${hash}`)
    await w.page.waitForFunction('document.body.dataset.state === "ready"')
    return w
  }
  const deadLetters = () => count(app.store, 'SELECT count() AS c FROM {db}.dead_letters FINAL')

  beforeAll(async () => {
    const { out } = await buildUi()
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: true })
    producer = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    registry = new SchemaRegistry({ host: config.registryUrl! })
    schemaId = await registry.getLatestSchemaId(`${config.topics.predictions}-value`)
    http = createHttpServer({
      publisher: app.publisher, limits: ingestLimits(file, 1000), security: { auth: 'tokens', tokens }, bodyLimitBytes: 1 << 20, logger: createLogger('silent'),
      read: createReadQueries({ store: app.store, file, now: Date.now }), uiDir: out,
    })
    await http.listen({ host: '127.0.0.1', port: 0 })
    const address = http.server.address()
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    browser = await launchChromium()
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await http?.close()
    await producer?.disconnect()
    await app?.stop()
    await dropTestResources(config)
  })

  it('when every record was dead-lettered, the overview says so and links to the dead letters', async () => {
    const now = Date.now()
    await producer.send({
      topic: config.topics.predictions,
      messages: [
        { key: 'bad-not-avro', value: Buffer.from('{"prediction_id":"x"}') },
        { key: 'bad-nan', value: await registry.encode(schemaId, prediction({ prediction_id: 'bad-nan', model_id: MODEL, event_time: now - 1000, features: { income: Number.NaN } })) },
        { key: 'bad-id', value: await registry.encode(schemaId, prediction({ prediction_id: '', model_id: MODEL, event_time: now - 1000 })) },
      ],
    })
    await waitFor(deadLetters, (c) => c === 3, { what: 'three dead letters' })
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.predictions')).toBe(0)
    const w = await open('#/')
    const text = await w.page.textContent('section[data-page=overview]')
    expect(text).not.toContain('No model has sent predictions yet.')
    expect(await w.page.textContent('#all-dead-lettered')).toContain('3 records arrived and were rejected (dead-lettered)')
    expect(await w.page.getAttribute('#all-dead-lettered a', 'href')).toMatch(/^#\/pipeline/)
    expect(await w.page.textContent('#pipeline-line')).toContain('3 records rejected (dead-lettered) in the last 24 h')
    expect(await w.page.textContent('#pipeline-line')).not.toContain('orphan-label')
    await screenshot(w.page, 'ui-overview-all-dead-lettered')
    expect(w.errors).toEqual([])
    await w.page.close()
  })

  it('the pipeline page lists the invalid record and the orphan label by code, as the API counts them, without their bytes', async () => {
    const now = Date.now()
    // Enough valid traffic for the dlq-rate rule's minSamples (100), and a label without a prediction.
    const valid = Array.from({ length: VALID }, (_, i) => prediction({ prediction_id: `ok-${i}`, model_id: MODEL, event_time: now - 60_000 - i * 1000 }))
    await app.publisher.publishPredictions(valid)
    await app.publisher.publishGroundTruth([{ prediction_id: 'orphan-1', label: { class_label: 'approve', value: null }, label_time: now - 1000, source: 'review' }])
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === VALID, { what: 'valid predictions' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === 1, { what: 'the orphan label stored' })
    // The evaluator's orphan sweep, with no waiting time: the label is an orphan now.
    expect(await sweepOrphans(app.store, createDeadLetterSink(app.store, null), 0, Date.now() + 1)).toBe(1)
    await waitFor(deadLetters, (c) => c === 4, { what: 'the orphan dead letter' })

    const { status, body } = await api<DeadLetterReport>('/v1/dead-letters')
    expect(status).toBe(200)
    expect(body.total).toBe(4)
    // The orphan label is a notice about a stored label, counted apart from the 3 rejected records.
    expect(body.notices).toBe(1)
    const byCode = Object.fromEntries(body.counts.map((c) => [`${c.topic}|${c.code}|${c.model}`, c.count]))
    expect(byCode).toEqual({
      [`${config.topics.predictions}|DW_DECODE_NOT_AVRO|`]: 1,
      // Decoded records name their model (read from the stored value prefix).
      [`${config.topics.predictions}|DW_NON_FINITE_NUMBER|${MODEL}`]: 1,
      [`${config.topics.predictions}|DW_BAD_PREDICTION_ID|${MODEL}`]: 1,
      [`${config.topics.groundTruth}|DW_ORPHAN_LABEL|`]: 1,
    })
    expect(body.recent).toHaveLength(4)
    for (const d of body.recent) {
      expect(d.message.length).toBeGreaterThan(0)
      expect(d.offset).toMatch(/^\d+$/)
      expect(d).not.toHaveProperty('raw_value_base64')
    }
    expect(body.recent[0]!.code).toBe('DW_ORPHAN_LABEL') // newest first
    // The stored records they are compared with follow the filters: all, one topic, one model.
    expect(body.stored).toBe(VALID + 1)
    const predictionsOnly = await api<DeadLetterReport>(`/v1/dead-letters?topic=${encodeURIComponent(config.topics.predictions)}`)
    expect([predictionsOnly.body.total, predictionsOnly.body.stored]).toEqual([3, VALID])
    const labelsOnly = await api<DeadLetterReport>(`/v1/dead-letters?topic=${encodeURIComponent(config.topics.groundTruth)}`)
    expect([labelsOnly.body.total, labelsOnly.body.stored]).toEqual([1, 1])
    const modelOnly = await api<DeadLetterReport>(`/v1/dead-letters?model=${encodeURIComponent(MODEL)}`)
    expect([modelOnly.body.total, modelOnly.body.stored]).toEqual([2, VALID])

    const w = await open('#/pipeline')
    const rows = await w.page.$$eval('#dead-letter-counts tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-topic'), tr.getAttribute('data-code'), tr.getAttribute('data-model'), Number(tr.getAttribute('data-count'))]))
    expect(rows).toEqual(body.counts.map((c) => [c.topic, c.code, c.model, c.count]))
    expect(rows.map((r) => r[1])).toEqual(expect.arrayContaining(['DW_NON_FINITE_NUMBER', 'DW_ORPHAN_LABEL']))
    const recent = await w.page.$$eval('#dead-letters tbody tr', (trs) => trs.map((tr) => [tr.children[3]!.textContent, tr.children[4]!.textContent, tr.children[6]!.textContent]))
    expect(recent).toEqual(body.recent.map((d) => [d.offset, d.code, d.message]))
    // Rejected records and the orphan-label notice apart: in the totals, and row by row.
    const totals = await w.page.textContent('#dead-letter-totals')
    expect(totals).toContain(`3 rejected, ${VALID + 1} stored (${(100 * 3 / (3 + VALID + 1)).toFixed(2)}% rejected); 1 orphan-label notice (labels stored without a stored prediction)`)
    expect(await w.page.textContent('#dead-letter-kinds')).not.toContain('never arrived')
    const kinds = await w.page.$$eval('#dead-letter-counts tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-code'), tr.lastElementChild!.textContent]))
    for (const [code, kind] of kinds) expect([code, kind]).toEqual([code, code === 'DW_ORPHAN_LABEL' ? 'notice: label stored' : 'rejected'])
    const overview = await open('#/')
    const line = await overview.page.textContent('#pipeline-line')
    expect(line).toContain('3 records rejected (dead-lettered) in the last 24 h')
    expect(line).toContain('1 orphan-label notice (labels stored, prediction missing)')
    await overview.page.close()
    // No byte of a record is on the page: the NaN record's key is its prediction id.
    expect(await w.page.content()).not.toContain('bad-nan')
    // Reachable from the navigation bar.
    expect(await w.page.locator('header a[href="#/pipeline"]').count()).toBe(1)
    // Times say UTC.
    expect(await w.page.$eval('#dead-letters tbody tr td', (td) => td.textContent)).toMatch(/ UTC$/)
    await screenshot(w.page, 'ui-pipeline')
    // model= (empty): the dead letters without a model only, as the page says.
    const none = await open('#/pipeline?model=')
    const models = await none.page.$$eval('#dead-letter-counts tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-model')))
    expect(models.length).toBeGreaterThan(0)
    expect(new Set(models)).toEqual(new Set(['']))
    expect(w.errors).toEqual([])
    expect(w.offHost).toEqual([])
    await w.page.close()
  })

  it('the dead-letter-rate alert links to the dead letters of its topic, not to a model', async () => {
    await app.evaluator.evaluateNow()
    await app.alerts!.evaluateNow()
    const { body } = await api<{ items: AlertView[] }>('/v1/alerts?status=all')
    const dlq = body.items.filter((a) => a.metric === 'dlq_rate')
    expect(dlq.map((a) => [a.status, a.subject, a.model])).toEqual([['firing', config.topics.predictions, '']])
    const w = await open('#/alerts')
    const row = w.page.locator('#alerts tbody tr', { hasText: 'dlq-rate' })
    expect(await row.count()).toBe(1)
    const hrefs = await row.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!))
    expect(hrefs.filter((h) => h.startsWith('#/models/'))).toEqual([])
    expect(hrefs).toHaveLength(1)
    expect(hrefs[0]).toMatch(/^#\/pipeline\?/)
    await row.locator('a').click()
    await w.page.waitForSelector('section[data-page=pipeline]')
    await w.page.waitForFunction('document.body.dataset.state === "ready"')
    const codes = await w.page.$$eval('#dead-letter-counts tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-code')))
    expect(new Set(codes)).toEqual(new Set(['DW_DECODE_NOT_AVRO', 'DW_NON_FINITE_NUMBER', 'DW_BAD_PREDICTION_ID']))
    await screenshot(w.page, 'ui-alerts-dlq')
    expect(w.errors).toEqual([])
    await w.page.close()
  })

  it('from a past period, the range links are spans up to now and say so ("last hour" is the last hour)', async () => {
    const day = 86_400_000
    const past = await open(`#/pipeline?${new URLSearchParams({ from: new Date(Date.now() - 40 * day).toISOString(), to: new Date(Date.now() - 10 * day).toISOString(), topic: config.topics.predictions })}`)
    const links = await past.page.$$eval('#ranges a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')!]))
    expect(links.map((l) => l[0])).toEqual(['last hour (until now)', 'last 24 h (until now)', 'last 7 days (until now)', 'last 30 days (until now)'])
    const query = new URLSearchParams(links[0]![1]!.split('?')[1])
    expect(query.has('to')).toBe(false)
    expect(query.get('topic')).toBe(config.topics.predictions)
    expect(Math.abs(Date.parse(query.get('from')!) - (Date.now() - 3_600_000))).toBeLessThan(60_000)
    // Followed, it lists the last hour's dead letters (the three invalid records of this run).
    expect(await past.page.locator('#no-dead-letters').count()).toBe(1)
    await past.page.click('#ranges a >> nth=0')
    // The past period has none (no table); the last hour has them.
    await past.page.waitForSelector('#dead-letter-counts')
    await past.page.waitForFunction('document.body.dataset.state === "ready"')
    expect(await past.page.$$eval('#dead-letter-counts tbody tr', (trs) => trs.reduce((n, tr) => n + Number(tr.getAttribute('data-count')), 0))).toBe(3)
    expect(past.errors).toEqual([])
    await past.page.close()
  })

  it('the route follows the read API conventions: token, parameter checks, raw bytes for admin only', async () => {
    expect((await fetch(`${base}/v1/dead-letters`)).status).toBe(401)
    const bad = await api<{ error: { code: string; message: string } }>('/v1/dead-letters?from=2026-11-22&to=2026-11-21')
    expect([bad.status, bad.body.error.code]).toEqual([400, 'DW_VALIDATION_FAILED'])
    expect(bad.body.error.message).toMatch(/^from: /)
    expect((await api('/v1/dead-letters?limit=501')).status).toBe(400)
    expect((await api('/v1/dead-letters?raw=true')).status).toBe(403)
    const raw = await api<DeadLetterReport>('/v1/dead-letters?raw=true&code=DW_NON_FINITE_NUMBER', ADMIN)
    expect(raw.body.recent).toHaveLength(1)
    expect(Buffer.from(raw.body.recent[0]!.raw_key_base64!, 'base64').toString()).toBe('bad-nan')
    // A range that ends before them has none; filters narrow the counts.
    expect((await api<DeadLetterReport>('/v1/dead-letters?to=2001-01-01')).body.total).toBe(0)
    expect((await api<DeadLetterReport>(`/v1/dead-letters?model=${MODEL}`)).body.total).toBe(2)
  })
})
