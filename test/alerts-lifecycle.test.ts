/**
 * Alert lifecycle on real ClickHouse with local Slack, Grafana and SMTP receivers: drift in
 * several features of one window fires one grouped notification per channel; evaluating again
 * sends nothing; a feature that recovers resolves with a notification; a muted rule holds its
 * notifications until it is unmuted; `alerts list` shows the delivery status per channel; a
 * channel that refuses a notification for good (HTTP 400) fails it there only.
 * The alert service is the one startApp builds (rules from DRIFTWATCH_ALERT_RULES, channels from
 * the environment); the test drives its passes. It records into a metrics registry as
 * `driftwatch start` wires it: driftwatch_alert_deliveries_total counts what was sent and what
 * was never to be sent ('suppressed'), per channel.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { runAlertsList, runAlertsMute, runAlertsUnmute } from '../src/cli/alerts.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { createMetrics } from '../src/observability/metrics.js'
import type { Store } from '../src/store/clickhouse.js'
import { channelEnvFor, GRAFANA_TOKEN, insertDrift } from './support/alerts.js'
import { annotationProblems, blockKitProblems } from './support/block-kit.js'
import { grafanaReceiver, slackReceiver } from './support/http-receiver.js'
import { queryRows } from './support/query.js'
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver.js'
import { dropTestResources, testConfig } from './support/config.js'

const DAY = 86_400_000
/**
 * The test's windows run from day0 - 3 to day0 + 2, today: every one has started, since a window
 * that starts after now decides no alert (docs/alerts.md, "Conditions and windows").
 */
const day0 = Math.floor(Date.now() / DAY) - 2
const RULES = `rules:
  - name: feature-psi
    description: Feature distribution shifted.
    metric: drift
    statistic: psi
    condition: { op: '>=', threshold: 0.2, minSamples: 100 }
    severity: warning
    runbook: Check the upstream source.
`

describe('alert lifecycle, grouping, dedup and silences', () => {
  const rulesDir = mkdtempSync(join(tmpdir(), 'driftwatch-rules-'))
  let config: ReturnType<typeof testConfig>
  const slack = slackReceiver()
  const grafana = grafanaReceiver()
  let smtp: SmtpReceiver
  let app: App
  let store: Store
  const metrics = createMetrics()
  const pass = async () => {
    const report = await app.alerts!.evaluateNow()
    await app.alerts!.dispatchNow()
    return report
  }
  const lines: string[] = []
  const cli = { out: (l: string) => void lines.push(l) }

  beforeAll(async () => {
    await Promise.all([slack.up(), grafana.up()])
    smtp = await startSmtpReceiver()
    writeFileSync(join(rulesDir, 'test-rules.yaml'), RULES)
    config = testConfig({ kafka: false, env: { ...channelEnvFor({ slack, grafana, smtp }), DRIFTWATCH_ALERT_RULES: rulesDir } })
    // Embedded, with no evaluator loop: the alert rules run only when the test asks.
    app = await startApp(config, createLogger(config.logLevel), { file: DEFAULT_FILE_CONFIG, metrics, evaluate: false, alerts: true })
    store = app.store
  })
  afterAll(async () => {
    await app?.stop()
    await Promise.all([slack.down(), grafana.down(), smtp?.close()])
    if (config) await dropTestResources(config)
    rmSync(rulesDir, { recursive: true, force: true })
  })

  it('fires one grouped notification per channel for the drifted features of a window', async () => {
    await insertDrift(store, { day: day0 - 3, psi: { income: 0.45, employment: 0.31, age: 0.05, debt_ratio: 0.2 } })
    expect(await pass()).toEqual({ transitions: 3, notifications: 1, skipped: 0, held: 0 })

    expect(slack.accepted).toHaveLength(1)
    const message = slack.accepted[0]!
    expect(message.path).toBe('/services/T000/B000/XXXX')
    expect(message.headers['content-type']).toBe('application/json')
    expect(blockKitProblems(message.body)).toEqual([])
    const text = JSON.stringify(message.body)
    expect(text).toContain('• income: 0.45\\n• employment: 0.31\\n• debt_ratio: 0.2')
    expect(text).not.toContain('age')
    expect(text).toContain(`from=${(day0 - 10) * DAY}&to=${(day0 - 1) * DAY}&var-model=6D&var-version=7631`)

    expect(grafana.accepted).toHaveLength(1)
    const annotation = grafana.accepted[0]!
    expect(annotation.method).toBe('POST')
    expect(annotation.path).toBe('/api/annotations')
    expect(annotation.headers.authorization).toBe(`Bearer ${GRAFANA_TOKEN}`)
    expect(annotationProblems(annotation.body)).toEqual([])
    expect(annotation.body).toMatchObject({ dashboardUID: 'driftwatch-model-overview', time: (day0 - 3) * DAY, timeEnd: (day0 - 2) * DAY })
    expect((annotation.body as { tags: string[] }).tags).toEqual(expect.arrayContaining(['model:m', 'metric:feature drift psi', 'severity:warning', 'status:firing']))

    expect(smtp.mails).toHaveLength(1)
    expect(smtp.mails[0]!.subject).toBe('[driftwatch] FIRING warning: m v1: feature drift psi >= 0.2 (3 features)')
    expect(smtp.recipients[0]).toEqual(['ml-oncall@example.com'])

    const history = await queryRows<{ subject: string; status: string; seq: number }>(store, `SELECT subject, status, seq FROM {db}.alerts ORDER BY subject`)
    expect(history).toEqual([
      { subject: 'debt_ratio', status: 'firing', seq: 1 },
      { subject: 'employment', status: 'firing', seq: 1 },
      { subject: 'income', status: 'firing', seq: 1 },
    ])
  })

  it('sends nothing more when nothing changed (deduplication by alert key)', async () => {
    await insertDrift(store, { day: day0 - 3, psi: { income: 0.5, employment: 0.33, age: 0.05, debt_ratio: 0.22 } })
    expect(await pass()).toEqual({ transitions: 0, notifications: 0, skipped: 0, held: 0 })
    expect([slack.accepted.length, grafana.accepted.length, smtp.mails.length]).toEqual([1, 1, 1])
  })

  it('notifies the resolve of a feature that recovers, and keeps the others firing', async () => {
    await insertDrift(store, { day: day0 - 2, psi: { income: 0.05, employment: 0.4, age: 0.01, debt_ratio: 0.1 } })
    expect(await pass()).toEqual({ transitions: 2, notifications: 1, skipped: 0, held: 0 })
    expect(slack.accepted).toHaveLength(2)
    const text = JSON.stringify(slack.accepted[1]!.body)
    expect(text).toMatch(/^\{"text":"RESOLVED warning: m v1: feature drift psi &gt;= 0.2 \(2 features\)/)
    expect(text).toContain('• income: 0.05')
    expect(text).toContain('• debt_ratio: 0.1')
    expect(smtp.mails[1]!.subject).toBe('[driftwatch] RESOLVED warning: m v1: feature drift psi >= 0.2 (2 features)')
    expect((grafana.accepted[1]!.body as { tags: string[] }).tags).toContain('status:resolved')

    lines.length = 0
    await runAlertsList(config, {}, cli)
    const table = lines.join('\n')
    expect(table).toMatch(/firing\s+warning\s+feature-psi\s+m\s+v1\s+employment\s+0\.31/)
    expect(table).toContain('email sent; grafana sent; slack sent')
    expect(table).not.toMatch(/income/)
  })

  it('holds notifications of a muted rule and sends what is still true after unmute', async () => {
    lines.length = 0
    expect(await runAlertsMute(config, { rule: 'feature-psi', for: '2h', reason: 'retraining' }, cli)).toBe(0)
    const id = /silence (\w+)/.exec(lines[0]!)![1]!
    await insertDrift(store, { day: day0 - 1, psi: { income: 0.6, employment: 0.4, age: 0.01, debt_ratio: 0.1 } })
    expect(await pass()).toEqual({ transitions: 1, notifications: 0, skipped: 0, held: 1 })
    expect(slack.accepted).toHaveLength(2)

    lines.length = 0
    await runAlertsList(config, { all: true }, cli)
    expect(lines.join('\n')).toMatch(/income .* held or pending/)
    expect(lines.join('\n')).toMatch(new RegExp(`${id}\\s+feature-psi\\s+\\*.*retraining`))

    expect(await runAlertsUnmute(config, id, {}, cli)).toBe(0)
    expect(await pass()).toEqual({ transitions: 0, notifications: 1, skipped: 0, held: 0 })
    expect(slack.accepted).toHaveLength(3)
    expect(JSON.stringify(slack.accepted[2]!.body)).toMatch(/FIRING warning: m v1: feature drift psi &gt;= 0.2 \(1 feature\)/)
  })

  it('never notifies a firing that resolved while muted', async () => {
    await runAlertsMute(config, { model: 'm', for: '1h' }, cli)
    await insertDrift(store, { day: day0, psi: { income: 0.6, employment: 0.4, age: 0.3, debt_ratio: 0.1 } })
    expect(await pass()).toMatchObject({ transitions: 1, held: 1 })
    await insertDrift(store, { day: day0 + 1, psi: { income: 0.6, employment: 0.4, age: 0.01, debt_ratio: 0.1 } })
    expect(await pass()).toMatchObject({ transitions: 1, skipped: 2, notifications: 0 })
    await runAlertsUnmute(config, undefined, { model: 'm' }, cli)
    expect(await pass()).toEqual({ transitions: 0, notifications: 0, skipped: 0, held: 0 })
    expect(slack.accepted).toHaveLength(3)
    const outbox = await queryRows<{ channel: string; status: string; c: string }>(store, `SELECT channel, status, count() AS c FROM {db}.alert_outbox FINAL GROUP BY channel, status ORDER BY channel`)
    expect(outbox).toEqual([
      { channel: '', status: 'skipped', c: '2' },
      { channel: 'email', status: 'sent', c: '3' },
      { channel: 'grafana', status: 'sent', c: '3' },
      { channel: 'slack', status: 'sent', c: '3' },
    ])
    // The counter agrees with the outbox: 3 sent per channel, and the 2 skipped transitions
    // (the firing that resolved while muted, and its resolve) suppressed on each of the rule's channels.
    const counted = (await metrics.alertDeliveries.get()).values.map((v) => `${v.labels['channel']} ${v.labels['status']} ${v.value}`).sort()
    expect(counted).toEqual(['email sent 3', 'email suppressed 2', 'grafana sent 3', 'grafana suppressed 2', 'slack sent 3', 'slack suppressed 2'])
  })

  it('counts a delivery the channel refuses for good as failed, on that channel only', async () => {
    slack.fail(400)
    await insertDrift(store, { day: day0 + 2, psi: { income: 0.6, employment: 0.4, age: 0.5, debt_ratio: 0.1 } })
    expect(await pass()).toEqual({ transitions: 1, notifications: 1, skipped: 0, held: 0 })
    slack.fail(null)
    const outbox = await queryRows<{ channel: string; status: string; attempts: number }>(store, `SELECT channel, status, attempts FROM {db}.alert_outbox FINAL WHERE status IN ('sent', 'failed') ORDER BY created_at DESC, channel LIMIT 3`)
    expect(outbox).toEqual([
      { channel: 'email', status: 'sent', attempts: 1 },
      { channel: 'grafana', status: 'sent', attempts: 1 },
      { channel: 'slack', status: 'failed', attempts: 1 },
    ])
    const counted = (await metrics.alertDeliveries.get()).values.map((v) => `${v.labels['channel']} ${v.labels['status']} ${v.value}`).sort()
    expect(counted).toEqual(['email sent 4', 'email suppressed 2', 'grafana sent 4', 'grafana suppressed 2', 'slack failed 1', 'slack sent 3', 'slack suppressed 2'])
  })
})
