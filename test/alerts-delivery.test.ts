/**
 * Guaranteed delivery: Slack answers 503 and Grafana refuses connections for 30 s while email
 * works. Email is delivered at once; the others are retried with backoff, survive a restart of
 * the alert service (a new instance resumes from the outbox), and are delivered exactly once
 * when their receivers come back. Then a crash between sending and recording 'sent' is
 * simulated: Grafana finds its annotation and does not post again, Slack re-sends with a note,
 * email re-sends with the same Message-ID. Each "process" is an app started through startApp on
 * the same database (rules from DRIFTWATCH_ALERT_RULES, channels from the environment, a shorter
 * delivery backoff through AppOptions.alertDelivery). Every app records into one metrics
 * registry, as `driftwatch start` wires it: driftwatch_alert_deliveries_total counts each attempt
 * by channel and outcome, so per channel its sent + retried + failed equals the outbox's attempts.
 *
 * Then the webhook answers 500 to one model's messages only: those are retried, the same alert's
 * resolve waits behind its firing, and every other model's messages go out meanwhile.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rowsForTransitions, recordStatus } from '../src/alerts/outbox.js'
import { startApp, type App } from '../src/app.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { createMetrics } from '../src/observability/metrics.js'
import { openStore, type Store } from '../src/store/clickhouse.js'
import { channelEnvFor, insertDrift } from './support/alerts.js'
import { grafanaReceiver, HttpReceiver, slackReceiver } from './support/http-receiver.js'
import { queryRows } from './support/query.js'
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver.js'
import { dropTestResources, testConfig } from './support/config.js'
import { waitFor } from './support/wait.js'

const DAY = 86_400_000
const OUTAGE_MS = 30_000
const RULES = `rules:\n  - name: psi\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n    severity: critical\n`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('delivery through outages and restarts', () => {
  const rulesDir = mkdtempSync(join(tmpdir(), 'driftwatch-rules-'))
  let config: ReturnType<typeof testConfig>
  const slack = slackReceiver()
  const grafana = grafanaReceiver()
  let smtp: SmtpReceiver
  /** The test's own connection, for metric rows and outbox reads while no app runs. */
  let store: Store
  const apps: App[] = []
  /** Shared by every "process": the counter sums their deliveries. */
  const metrics = createMetrics()
  const deliveries = async () => {
    const counted: Record<string, Record<string, number>> = {}
    for (const v of (await metrics.alertDeliveries.get()).values) {
      const channel = String(v.labels['channel'])
      counted[channel] = { ...counted[channel], [String(v.labels['status'])]: v.value }
    }
    return counted
  }
  /** How far the processes' clock is moved on, to let a deferral pass without waiting for it. */
  let clockOnMs = 0
  /** A new process: the app with its alert service (resuming pending deliveries), no evaluator loop. */
  const service = async () => {
    const app = await startApp(config, createLogger(config.logLevel), { file: DEFAULT_FILE_CONFIG, metrics, now: () => Date.now() + clockOnMs, evaluate: false, alerts: true, alertDelivery: { backoff: { baseMs: 400, capMs: 4000 } } })
    apps.push(app)
    return Object.assign(app.alerts!, { stopApp: () => app.stop() })
  }
  const outbox = () => queryRows<{ channel: string; status: string; attempts: number; last_error: string }>(store, `SELECT channel, status, attempts, last_error FROM {db}.alert_outbox FINAL ORDER BY channel`)

  beforeAll(async () => {
    await Promise.all([slack.up(), grafana.up()])
    smtp = await startSmtpReceiver({ user: 'alerts', password: 's3cret' })
    writeFileSync(join(rulesDir, 'rules.yaml'), RULES)
    config = testConfig({ kafka: false, env: { ...channelEnvFor({ slack, grafana, smtp }), SMTP_USER: 'alerts', SMTP_PASSWORD: 's3cret', DRIFTWATCH_ALERT_RULES: rulesDir } })
    store = openStore(config.clickhouse)
  })
  afterAll(async () => {
    for (const app of apps) await app.stop()
    await store?.close()
    await Promise.all([slack.down(), grafana.down(), smtp?.close()])
    if (config) await dropTestResources(config)
    rmSync(rulesDir, { recursive: true, force: true })
  })

  it('delivers to channels that were down for 30 s exactly once, without holding the others, across a restart', async () => {
    slack.fail(503)
    await grafana.down()
    const outageEnds = Date.now() + OUTAGE_MS
    const first = await service()
    await insertDrift(store, { day: Math.floor(Date.now() / DAY) - 2, psi: { income: 0.5, employment: 0.3 } })

    expect(await first.evaluateNow()).toMatchObject({ transitions: 2, notifications: 1 })
    await first.dispatchNow()
    expect(smtp.mails).toHaveLength(1)
    expect(smtp.mails[0]!.subject).toContain('FIRING critical')

    await sleep(6000)
    await first.stopApp()
    const during = await outbox()
    expect(during.map((r) => [r.channel, r.status])).toEqual([['email', 'sent'], ['grafana', 'pending'], ['slack', 'pending']])
    expect(during[1]!.attempts).toBeGreaterThan(1)
    expect(during[1]!.last_error).toMatch(/ECONNREFUSED/)
    expect(during[2]!.last_error).toMatch(/HTTP 503/)
    expect(slack.requests.length).toBeGreaterThan(1)
    // Every failed attempt so far counted as 'retried' (the rows are still pending), email's as 'sent'.
    expect(await deliveries()).toEqual({ email: { sent: 1 }, grafana: { retried: during[1]!.attempts }, slack: { retried: during[2]!.attempts } })

    // A new process resumes the pending deliveries from the outbox.
    const second = await service()
    await sleep(Math.max(0, outageEnds - Date.now()))
    slack.fail(null)
    await grafana.up()
    await waitFor(async () => [slack.accepted.length, grafana.accepted.length], ([s, g]) => s === 1 && g === 1, { timeoutMs: 20_000, what: 'deliveries after the outage' })

    await sleep(3000)
    expect(await second.evaluateNow()).toEqual({ transitions: 0, notifications: 0, skipped: 0, held: 0 })
    await second.dispatchNow()
    expect([slack.accepted.length, grafana.accepted.length, smtp.mails.length]).toEqual([1, 1, 1])
    expect(slack.requests.filter((r) => r.status === 503).length).toBe(slack.requests.length - 1)
    const after = await outbox()
    expect(after.map((r) => [r.channel, r.status])).toEqual([['email', 'sent'], ['grafana', 'sent'], ['slack', 'sent']])
    expect(after.find((r) => r.channel === 'slack')!.attempts).toBe(slack.requests.length)
    const attempts = (channel: string) => after.find((r) => r.channel === channel)!.attempts
    expect(await deliveries()).toEqual({
      email: { sent: 1 },
      grafana: { sent: 1, retried: attempts('grafana') - 1 },
      slack: { sent: 1, retried: slack.requests.filter((r) => r.status === 503).length },
    })
    await second.stopApp()
  }, 90_000)

  it('after a crash between sending and recording: Grafana is not posted twice, Slack says it may repeat, email keeps its Message-ID', async () => {
    const ids = (await queryRows<{ t: string }>(store, `SELECT transition_id AS t FROM {db}.alerts`)).map((r) => r.t)
    const rows = await rowsForTransitions(store, ids)
    expect(rows).toHaveLength(3)
    // As if the process died after sending: the newest record says 'sending'. Its version is far
    // ahead, as after a clock step back: the next status changes must still win. Its updated_at
    // (two minutes ago) is another process's clock and says nothing: the new process defers the
    // rows a send's timeout plus the session timeout (src/alerts/dispatcher.ts) from when it
    // first sees them, on its own clock, then re-sends them in doubt.
    for (const row of rows) await recordStatus(store, { ...row, status: 'sending', updatedMs: Date.now() - 120_000, version: Date.now() + 3_600_000 })

    const third = await service()
    await third.dispatchNow()
    expect([grafana.accepted.filter((r) => r.method === 'POST').length, slack.accepted.length, smtp.mails.length]).toEqual([1, 1, 1]) // deferred
    clockOnMs += 120_000
    await third.dispatchNow()
    expect(grafana.accepted.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(grafana.requests.at(-1)!.method).toBe('GET')
    expect(slack.accepted).toHaveLength(2)
    expect(JSON.stringify(slack.accepted[1]!.body)).toContain('re-sent after an interrupted delivery: this may repeat an earlier message')
    expect(smtp.mails).toHaveLength(2)
    expect(smtp.mails[1]!.messageId).toBe(smtp.mails[0]!.messageId)
    expect(smtp.mails[0]!.messageId).toMatch(/^<[0-9a-f]{32}@driftwatch>$/)
    expect((await outbox()).every((r) => r.status === 'sent')).toBe(true)
    // The re-sends are attempts too, each counted once.
    const counted = await deliveries()
    expect([counted['email']!['sent'], counted['grafana']!['sent'], counted['slack']!['sent']]).toEqual([2, 2, 2])
  })
})

describe('a notification the receiver keeps refusing', () => {
  const rulesDir = mkdtempSync(join(tmpdir(), 'driftwatch-rules-'))
  let refuseFraud = true
  // Slack's webhook failing on one message only (a 500 for that payload), taking every other.
  const slack = new HttpReceiver(({ body }) => (refuseFraud && JSON.stringify(body).includes('fraud v1') ? { status: 500, body: 'internal_error' } : { status: 200, body: 'ok' }))
  let config: ReturnType<typeof testConfig>
  let app: App
  const texts = () => slack.accepted.map((r) => (r.body as { text: string }).text)
  const outbox = () =>
    queryRows<{ model_id: string; transition: string; status: string; attempts: number; last_error: string }>(
      app.store,
      `SELECT model_id, transition, status, attempts, last_error FROM {db}.alert_outbox FINAL WHERE channel = 'slack' ORDER BY created_at`,
    )

  beforeAll(async () => {
    await slack.up()
    writeFileSync(join(rulesDir, 'rules.yaml'), `rules:\n  - name: psi\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n    channels: [slack]\n`)
    config = testConfig({ kafka: false, env: { ...channelEnvFor({ slack }), DRIFTWATCH_ALERT_RULES: rulesDir } })
    // A retry 5 to 20 s after a failure: longer than the test's steps in between take.
    app = await startApp(config, createLogger(config.logLevel), { file: DEFAULT_FILE_CONFIG, evaluate: false, alerts: true, alertDelivery: { backoff: { baseMs: 20_000, capMs: 20_000 } } })
  })
  afterAll(async () => {
    await app?.stop()
    await slack.down()
    if (config) await dropTestResources(config)
    rmSync(rulesDir, { recursive: true, force: true })
  })

  it('holds only the notifications of its own alert, and sends those in order once it is taken', async () => {
    const day = Math.floor(Date.now() / DAY) - 2
    await insertDrift(app.store, { model: 'fraud', day, psi: { amount: 0.6 } })
    await app.alerts!.evaluateNow()
    await app.alerts!.dispatchNow()
    expect(await outbox()).toMatchObject([{ model_id: 'fraud', status: 'pending', attempts: 1 }])
    expect((await outbox())[0]!.last_error).toMatch(/HTTP 500/)

    // Other models' alerts, in a pass while the first waits to retry: delivered at once.
    await insertDrift(app.store, { model: 'loans', day, psi: { income: 0.4 } })
    await insertDrift(app.store, { model: 'churn', day, psi: { tenure: 0.3 } })
    expect(await app.alerts!.evaluateNow()).toMatchObject({ transitions: 2, notifications: 2 })
    await app.alerts!.dispatchNow()
    expect(texts().map((t) => t.split(':').slice(0, 2).join(':')).sort()).toEqual(['FIRING warning: churn v1', 'FIRING warning: loans v1'])

    // The refused alert resolves: the resolve waits behind its firing, untried.
    await insertDrift(app.store, { model: 'fraud', day, psi: { amount: 0.01 } })
    expect(await app.alerts!.evaluateNow()).toMatchObject({ transitions: 1, notifications: 1 })
    await app.alerts!.dispatchNow()
    expect((await outbox()).filter((r) => r.model_id === 'fraud').map((r) => [r.transition, r.status, r.attempts > 0])).toEqual([
      ['firing', 'pending', true],
      ['resolved', 'pending', false],
    ])

    refuseFraud = false
    await waitFor(async () => texts().filter((t) => t.includes('fraud v1')).length, (n) => n === 2, { timeoutMs: 45_000, what: 'the refused alert' })
    expect(texts().filter((t) => t.includes('fraud v1')).map((t) => t.split(':')[0])).toEqual(['FIRING warning', 'RESOLVED warning'])
    // The receiver took it before the lane recorded 'sent': wait for the record.
    await waitFor(async () => (await outbox()).every((r) => r.status === 'sent'), (sent) => sent, { what: 'every notification recorded sent' })
    expect(slack.accepted).toHaveLength(4)
  }, 90_000)
})

describe('a webhook that limits us or has moved', () => {
  const rulesDir = mkdtempSync(join(tmpdir(), 'driftwatch-rules-'))
  const RETRY_AFTER_S = 30
  /** What the webhook answers: Slack's rate-limit reply, or a redirect to where it moved. */
  let answer: 'limited' | 'moved' = 'limited'
  const requests: string[] = []
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      requests.push(answer)
      if (answer === 'limited') res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(RETRY_AFTER_S) }).end('rate_limited')
      else res.writeHead(301, { location: 'https://hooks.slack.com/services/T000/B000/s3cr3t' }).end()
    })
  })
  let config: ReturnType<typeof testConfig>
  let app: App
  const outbox = () =>
    queryRows<{ model_id: string; status: string; attempts: number; last_error: string; na: string; u: string }>(
      app.store,
      `SELECT model_id, status, attempts, last_error, toUnixTimestamp64Milli(next_attempt_at) AS na, toUnixTimestamp64Milli(updated_at) AS u
       FROM {db}.alert_outbox FINAL WHERE channel = 'slack' ORDER BY created_at`,
    )

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    writeFileSync(join(rulesDir, 'rules.yaml'), `rules:\n  - name: psi\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n    channels: [slack]\n`)
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/XXXX`
    config = testConfig({ kafka: false, env: { SLACK_WEBHOOK_URL: url, DRIFTWATCH_ALERT_RULES: rulesDir } })
    app = await startApp(config, createLogger(config.logLevel), { file: DEFAULT_FILE_CONFIG, evaluate: false, alerts: true })
  })
  afterAll(async () => {
    await app?.stop()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    if (config) await dropTestResources(config)
    rmSync(rulesDir, { recursive: true, force: true })
  })

  it('waits out a 429\'s Retry-After: the row is retried no sooner, and nothing else is sent meanwhile', async () => {
    const day = Math.floor(Date.now() / DAY) - 2
    await insertDrift(app.store, { model: 'fraud', day, psi: { amount: 0.6 } })
    await insertDrift(app.store, { model: 'loans', day, psi: { income: 0.4 } })
    expect(await app.alerts!.evaluateNow()).toMatchObject({ notifications: 2 })
    await app.alerts!.dispatchNow()
    // One request: the first answer holds the whole lane, not only its own row.
    expect(requests).toEqual(['limited'])
    const rows = await outbox()
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([['pending', 1], ['pending', 0]])
    const tried = rows.find((r) => r.attempts === 1)!
    // The default backoff alone would retry within 1 s.
    expect(Number(tried.na) - Number(tried.u)).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000)
    expect(Number(tried.na) - Number(tried.u)).toBeLessThan(RETRY_AFTER_S * 1000 + 1000)
    expect(tried.last_error).toBe('Slack webhook: HTTP 429 rate_limited (Retry-After 30 s)')
  })

  it('records a redirect as a configuration error naming the status and where it points, without the secret path', async () => {
    answer = 'moved'
    await insertDrift(app.store, { model: 'churn', day: Math.floor(Date.now() / DAY) - 2, psi: { tenure: 0.5 } })
    await app.alerts!.evaluateNow()
    // A new lane (a restart) is not held by the earlier Retry-After kept in memory.
    await app.stop()
    app = await startApp(config, createLogger(config.logLevel), { file: DEFAULT_FILE_CONFIG, evaluate: false, alerts: true })
    await waitFor(outbox, (rows) => rows.some((r) => r.model_id === 'churn' && r.status === 'failed'), { timeoutMs: 10_000, what: 'the redirected row failed' })
    const churn = (await outbox()).find((r) => r.model_id === 'churn')!
    expect(churn).toMatchObject({ status: 'failed', attempts: 1 })
    expect(churn.last_error).toBe('Slack webhook: HTTP 301 redirect to Location https://hooks.slack.com/…: the configured URL is not the receiver\'s; set it to where it points')
  })
})
