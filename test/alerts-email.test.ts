/**
 * End to end on real Kafka: a loan model's predictions and labels, with income shifted in the
 * last days, go through the pipeline (startApp, with its alert service as `driftwatch start`
 * runs it: rules from the rule directory, channels from the environment); the evaluator stores
 * the metrics; the alert service, with the default rules shipped in alerts/, fires feature drift; a real SMTP server receives the
 * email, and the parsed MIME message names the model, the features, the value, the threshold,
 * the window and the dashboard link. Slack gets the same alert as a valid Block Kit message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUNDLED_RULES_DIR } from '../src/alerts/load-rules.js'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { formatValue } from '../src/rules/symbols.js'
import { channelEnvFor } from './support/alerts.js'
import { blockKitProblems } from './support/block-kit.js'
import { slackReceiver } from './support/http-receiver.js'
import { count, queryRows } from './support/query.js'
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver.js'
import { dropTestResources, testConfig } from './support/config.js'
import { loanTraffic } from './support/traffic.js'
import { waitFor } from './support/wait.js'

const DAY = 86_400_000
const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')

describe('drift in the stream fires an alert email', () => {
  let config: ReturnType<typeof testConfig>
  const data = loanTraffic(4, 400)
  const startMs = Math.min(...data.predictions.map((p) => Number(p.event_time)))
  const firstDay = Math.floor(startMs / DAY) * DAY
  // The first two days (before the shift) are the fixed reference.
  const file = parseFileConfig(
    `models:\n  - id: loan-approval\n    window: 1d\n    allowedLateness: 1h\n    positiveClass: approve\n    protected: [group]\n` +
      `    reference: { from: "${new Date(firstDay).toISOString()}", to: "${new Date(firstDay + 2 * DAY).toISOString()}" }\n`,
    'test.yaml',
  )
  const slack = slackReceiver()
  let smtp: SmtpReceiver
  let app: App

  beforeAll(async () => {
    smtp = await startSmtpReceiver()
    await slack.up()
    config = testConfig({ env: { ...channelEnvFor({ smtp, slack, dashboard: 'http://grafana.example:3000' }), DRIFTWATCH_ALERT_RULES: BUNDLED_RULES_DIR } })
    // The evaluator is driven by the test; its passes run the alert rules, as in driftwatch start.
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: true })
  })
  afterAll(async () => {
    await app?.stop()
    await Promise.all([smtp?.close(), slack.down()])
    if (config) await dropTestResources(config)
  })

  it('emails the drifted features of the newest window with value, threshold, window and link', async () => {
    for (let i = 0; i < data.predictions.length; i += 500) await app.publisher.publishPredictions(data.predictions.slice(i, i + 500))
    for (let i = 0; i < data.labels.length; i += 500) await app.publisher.publishGroundTruth(data.labels.slice(i, i + 500))
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === data.predictions.length, { what: 'predictions', timeoutMs: 90_000 })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === data.labels.length, { what: 'labels', timeoutMs: 90_000 })
    await app.evaluator.evaluateNow()
    await app.alerts!.dispatchNow()

    const lastWindow = firstDay + 3 * DAY
    const drifted = await queryRows<{ column: string; psi: number }>(
      app.store,
      `SELECT column, statistics['psi'] AS psi FROM {db}.drift FINAL
       WHERE model_id = 'loan-approval' AND model_version = 'v1' AND target = 'feature' AND window_start = fromUnixTimestamp64Milli({t:Int64}) AND statistics['psi'] >= 0.2
       ORDER BY psi DESC`,
      { t: lastWindow },
    )
    expect(drifted.map((d) => d.column)).toEqual(expect.arrayContaining(['income', 'employment']))

    const mail = smtp.mails.find((m) => m.subject?.includes('loan-approval v1: feature drift psi'))
    expect(mail, `emails: ${smtp.mails.map((m) => m.subject).join(' | ')}`).toBeDefined()
    expect(mail!.subject).toBe(`[driftwatch] FIRING warning: loan-approval v1: feature drift psi >= 0.2 (${drifted.length} features)`)
    expect(mail!.from?.text).toBe('driftwatch@example.com')
    expect(mail!.to && !Array.isArray(mail!.to) ? mail!.to.text : '').toBe('ml-oncall@example.com')
    expect(mail!.messageId).toMatch(/^<[0-9a-f]{32}@driftwatch>$/)
    expect(mail!.headers.get('x-driftwatch-rule')).toBe('feature-drift-psi')

    const link = `http://grafana.example:3000/d/driftwatch-model-overview?from=${lastWindow - 7 * DAY}&to=${lastWindow + 2 * DAY}&var-model=loan-approval&var-version=v1`
    const window = `${minute(lastWindow)} – ${minute(lastWindow + DAY)} UTC`
    for (const body of [mail!.text!, mail!.html as string]) {
      expect(body).toContain('loan-approval')
      expect(body).toMatch(/Version<\/th><td>v1|Version: v1/)
      for (const d of drifted) expect(body).toContain(`${d.column}: ${formatValue(d.psi)}`)
      expect(body).toContain(`${formatValue(drifted[0]!.psi)} (threshold ${body === mail!.text ? '>=' : '&gt;='} 0.2)`)
      expect(body).toContain(window)
      expect(body).toContain(body === mail!.text ? link : link.replaceAll('&', '&amp;'))
    }

    const message = slack.accepted.map((r) => r.body as { text: string }).find((b) => b.text.includes('loan-approval v1: feature drift psi'))
    expect(message).toBeDefined()
    expect(blockKitProblems(message)).toEqual([])
    expect(JSON.stringify(message)).toContain(`• income: ${formatValue(drifted.find((d) => d.column === 'income')!.psi)}`)
  })
})
