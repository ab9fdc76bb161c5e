/**
 * End to end on real Kafka: a loan model's predictions and labels, with income shifted in the
 * last days, go through the pipeline (startApp, with its alert service as `driftwatch start`
 * runs it: rules from the rule directory, channels from the environment); the evaluator stores
 * the metrics; the alert service, with the default rules shipped in alerts/, fires feature drift; a real SMTP server receives the
 * email, and the parsed MIME message names the model, the features, the value, the threshold,
 * the window and the dashboard link. Slack gets the same alert as a valid Block Kit message.
 *
 * Then a rule whose `emailTo` has a misspelt domain, which the relay defers with 450 (Postfix's
 * default reply for an unknown address domain) until it is fixed: its alert is retried, its
 * resolve waits behind it, and every other rule's email goes out meanwhile.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUNDLED_RULES_DIR } from '../src/alerts/load-rules.js'
import { startApp, type App } from '../src/app.js'
import { DEFAULT_FILE_CONFIG, parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { formatValue } from '../src/rules/symbols.js'
import { channelEnvFor, insertDrift } from './support/alerts.js'
import { blockKitProblems } from './support/block-kit.js'
import { slackReceiver } from './support/http-receiver.js'
import { count, queryRows } from './support/query.js'
import { smtpRefusal, startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver.js'
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

    const link = `http://grafana.example:3000/d/driftwatch-model-overview?from=${lastWindow - 7 * DAY}&to=${lastWindow + 2 * DAY}&var-model=6C6F616E2D617070726F76616C&var-version=7631`
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

describe('an address the relay defers holds only its own alert', () => {
  const TYPO = 'fraud-ml@exmaple.com'
  const RULES = `rules:
  - name: psi-fraud
    metric: drift
    statistic: psi
    select: { model: fraud }
    condition: { op: '>=', threshold: 0.2 }
    channels: [email]
    emailTo: [${TYPO}]
  - name: psi-loans
    metric: drift
    statistic: psi
    select: { model: loans }
    condition: { op: '>=', threshold: 0.2 }
    channels: [email]
`
  const rulesDir = mkdtempSync(join(tmpdir(), 'driftwatch-rules-'))
  let relayKnowsDomain = false
  let smtp: SmtpReceiver
  /** Each message with its envelope recipients. */
  const mails = () => smtp.mails.map((mail, i) => ({ to: smtp.recipients[i]!, mail }))
  let config: ReturnType<typeof testConfig>
  let app: App

  beforeAll(async () => {
    smtp = await startSmtpReceiver({
      refuse: (address) => (address.endsWith('@exmaple.com') && !relayKnowsDomain ? smtpRefusal(450, `4.1.2 <${address}>: Recipient address rejected: Domain not found`) : null),
    })
    writeFileSync(join(rulesDir, 'rules.yaml'), RULES)
    const env = { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_TLS: 'none', ALERT_EMAIL_FROM: 'driftwatch@example.com', ALERT_EMAIL_TO: 'ml-oncall@example.com' }
    config = testConfig({ kafka: false, env: { ...env, DRIFTWATCH_ALERT_RULES: rulesDir } })
    // A retry 5 to 20 s after a failure: longer than the test's steps in between take.
    app = await startApp(config, createLogger(config.logLevel), { file: DEFAULT_FILE_CONFIG, evaluate: false, alerts: true, alertDelivery: { backoff: { baseMs: 20_000, capMs: 20_000 } } })
  })
  afterAll(async () => {
    await app?.stop()
    await smtp?.close()
    if (config) await dropTestResources(config)
    rmSync(rulesDir, { recursive: true, force: true })
  })

  const outbox = () =>
    queryRows<{ rule: string; transition: string; status: string; attempts: number; last_error: string }>(
      app.store,
      `SELECT rule, transition, status, attempts, last_error FROM {db}.alert_outbox FINAL WHERE channel = 'email' ORDER BY created_at`,
    )

  it('delivers every other rule\'s email while one is deferred, and that alert\'s resolve after its firing', async () => {
    const day = Math.floor(Date.now() / DAY) - 2
    await insertDrift(app.store, { model: 'fraud', day, psi: { amount: 0.6 } })
    expect(await app.alerts!.evaluateNow()).toMatchObject({ transitions: 1, notifications: 1 })
    await app.alerts!.dispatchNow()
    expect(mails()).toHaveLength(0)
    expect(await outbox()).toMatchObject([{ rule: 'psi-fraud', status: 'pending', attempts: 1 }])
    expect((await outbox())[0]!.last_error).toMatch(/450/)

    // Another rule fires while the first is waiting to retry: its email goes out at once.
    await insertDrift(app.store, { model: 'loans', day, psi: { income: 0.4 } })
    expect(await app.alerts!.evaluateNow()).toMatchObject({ transitions: 1, notifications: 1 })
    await app.alerts!.dispatchNow()
    expect(mails().map((m) => [m.to, m.mail.subject])).toEqual([[['ml-oncall@example.com'], '[driftwatch] FIRING warning: loans v1: feature drift psi >= 0.2 (1 feature)']])

    // The deferred alert resolves: its resolve is held behind its firing, and is not tried yet.
    await insertDrift(app.store, { model: 'fraud', day, psi: { amount: 0.01 } })
    expect(await app.alerts!.evaluateNow()).toMatchObject({ transitions: 1, notifications: 1 })
    await app.alerts!.dispatchNow()
    expect((await outbox()).map((r) => [r.rule, r.transition, r.status, r.attempts])).toEqual([
      ['psi-fraud', 'firing', 'pending', expect.any(Number)],
      ['psi-loans', 'firing', 'sent', 1],
      ['psi-fraud', 'resolved', 'pending', 0],
    ])

    // The domain is fixed: firing, then resolve, each once.
    relayKnowsDomain = true
    await waitFor(async () => mails().filter((m) => m.to.includes(TYPO)).length, (n) => n === 2, { timeoutMs: 45_000, what: 'the deferred emails' })
    expect(mails().filter((m) => m.to.includes(TYPO)).map((m) => m.mail.subject)).toEqual([
      '[driftwatch] FIRING warning: fraud v1: feature drift psi >= 0.2 (1 feature)',
      '[driftwatch] RESOLVED warning: fraud v1: feature drift psi >= 0.2 (1 feature)',
    ])
    // The relay has the mail before the lane has its answer and records the row sent.
    await waitFor(outbox, (rows) => rows.every((r) => r.status === 'sent'), { timeoutMs: 10_000, what: 'every email row recorded sent' })
    expect(mails()).toHaveLength(3)
  })
})

describe('recipients the relay refuses while it takes the others', () => {
  const OK = 'ml-oncall@example.com'
  const GONE = 'left-the-company@example.com'
  const LATER = 'fraud-ml@exmaple.com'
  const rulesDir = mkdtempSync(join(tmpdir(), 'driftwatch-rules-'))
  let relayKnowsDomain = false
  let smtp: SmtpReceiver
  /** Each message's envelope recipients and subject. */
  const mails = () => smtp.mails.map((mail, i) => ({ to: smtp.recipients[i]!, subject: mail.subject ?? '' }))
  let config: ReturnType<typeof testConfig>
  let app: App

  beforeAll(async () => {
    smtp = await startSmtpReceiver({
      refuse: (address) =>
        address === GONE ? smtpRefusal(550, `5.1.1 <${GONE}>: Recipient address rejected: User unknown`)
        : address === LATER && !relayKnowsDomain ? smtpRefusal(450, `4.1.2 <${LATER}>: Recipient address rejected: Domain not found`)
        : null,
    })
    writeFileSync(join(rulesDir, 'rules.yaml'), `rules:\n  - name: psi\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n    channels: [email]\n`)
    const env = { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_TLS: 'none', ALERT_EMAIL_FROM: 'driftwatch@example.com', ALERT_EMAIL_TO: [OK, GONE, LATER].join(', ') }
    config = testConfig({ kafka: false, env: { ...env, DRIFTWATCH_ALERT_RULES: rulesDir } })
    app = await startApp(config, createLogger(config.logLevel), { file: DEFAULT_FILE_CONFIG, evaluate: false, alerts: true, alertDelivery: { backoff: { baseMs: 2000, capMs: 2000 } } })
  })
  afterAll(async () => {
    await app?.stop()
    await smtp?.close()
    if (config) await dropTestResources(config)
    rmSync(rulesDir, { recursive: true, force: true })
  })

  const outbox = () => queryRows<{ status: string; attempts: number; last_error: string; payload: string }>(app.store, `SELECT status, attempts, last_error, payload FROM {db}.alert_outbox FINAL WHERE channel = 'email'`)

  it('retries the deferred recipient alone, never re-sends to who has it, and records the refused one with the relay\'s reply', async () => {
    await insertDrift(app.store, { model: 'loans', day: Math.floor(Date.now() / DAY) - 2, psi: { income: 0.4 } })
    expect(await app.alerts!.evaluateNow()).toMatchObject({ transitions: 1, notifications: 1 })
    await app.alerts!.dispatchNow()
    expect(mails().map((m) => m.to)).toEqual([[OK]])
    const [deferred] = await outbox()
    expect(deferred).toMatchObject({ status: 'pending', attempts: 1 })
    expect(deferred!.last_error).toContain(`deferred, will retry: ${LATER}: 450 4.1.2`)
    expect(deferred!.last_error).toContain(`refused: ${GONE}: 550 5.1.1`)
    // What is left to deliver is stored with the row, for whichever process retries it.
    expect(JSON.parse(deferred!.payload)).toMatchObject({ emailTo: [LATER] })

    relayKnowsDomain = true
    await waitFor(outbox, (rows) => rows[0]?.status === 'sent', { timeoutMs: 20_000, what: 'the deferred email recorded sent' })
    expect(mails().map((m) => m.to)).toEqual([[OK], [LATER]])
    expect(mails()[1]!.subject).toBe(mails()[0]!.subject)
    expect(smtp.rcptTo[OK]).toBe(1)
    expect(smtp.rcptTo[GONE]).toBe(1)
    const [sent] = await outbox()
    expect(sent!.last_error).toMatch(new RegExp(`^email: not delivered to 1 recipient: ${GONE}: 550 5\\.1\\.1 <${GONE}>: Recipient address rejected: User unknown$`))
  })
})
