/**
 * Many instances, one evaluator and one alert service: three app instances in one group (one
 * process, sharing chDB) elect exactly one leader for each singleton role through Kafka's group
 * coordination; when the leader stops, another instance takes over within seconds, and every
 * alert is delivered exactly once across the handover. A rebalance (an instance joining, as in a
 * rolling deploy) moves the leadership while a Slack request of the old leader is still open: the
 * new leader waits for that send rather than sending the alert again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { insertDrift } from './support/alerts.js'
import { dropTestResources, testConfig, uniqueName } from './support/config.js'
import { slackReceiver } from './support/http-receiver.js'
import { waitFor } from './support/wait.js'

const DAY = 86_400_000
const RULES = `rules:\n  - name: psi\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n    severity: critical\n`

describe('leader election across instances', () => {
  const slack = slackReceiver()
  const rulesDir = mkdtempSync(join(tmpdir(), 'dw-rules-'))
  writeFileSync(join(rulesDir, 'psi.yaml'), RULES)
  const prefix = `${uniqueName('lead')}.`
  const group = uniqueName('g')
  const db = uniqueName('lead')
  const file = parseFileConfig('evaluation:\n  interval: 500ms\nmodels:\n  - id: m\n    window: 1d\n', 'test.yaml')
  const apps: App[] = []
  const configFor = () => testConfig({ env: { DRIFTWATCH_TOPIC_PREFIX: prefix, KAFKA_GROUP_ID: group, CLICKHOUSE_DATABASE: db, DRIFTWATCH_ALERT_RULES: rulesDir, SLACK_WEBHOOK_URL: `${slack.url}/services/T/B/X` } })
  const leaders = (role: 'evaluator' | 'alerts') => apps.filter((a) => a.leading()[role])

  afterAll(async () => {
    for (const app of apps) await app.stop()
    await slack.down()
    rmSync(rulesDir, { recursive: true, force: true })
    await dropTestResources(configFor())
  })

  it('elects one evaluator and one alert service, hands both over when the leader stops, and delivers each alert once', { timeout: 180_000 }, async () => {
    await slack.up()
    for (let i = 0; i < 3; i++) {
      const config = configFor()
      apps.push(await startApp(config, createLogger(config.logLevel), { file }))
    }
    for (const role of ['evaluator', 'alerts'] as const) {
      await waitFor(async () => leaders(role).length, (n) => n === 1, { what: `one ${role} leader`, timeoutMs: 60_000 })
    }
    // Stays one: no second instance starts leading while the group is stable.
    await new Promise((r) => setTimeout(r, 3000))
    expect(leaders('evaluator')).toHaveLength(1)
    expect(leaders('alerts')).toHaveLength(1)

    const today = Math.floor(Date.now() / DAY)
    await insertDrift(apps[0]!.store, { day: today - 2, psi: { income: 0.5 } })
    await waitFor(async () => slack.accepted.length, (n) => n >= 1, { what: 'the first alert in Slack', timeoutMs: 30_000 })

    // Stop the instance that leads the alerts (and whatever else it leads); another takes over.
    const old = leaders('alerts')[0]!
    const stoppedAt = Date.now()
    await old.stop()
    apps.splice(apps.indexOf(old), 1)
    for (const role of ['evaluator', 'alerts'] as const) {
      await waitFor(async () => leaders(role).length, (n) => n === 1, { what: `a new ${role} leader`, timeoutMs: 30_000 })
    }
    const handoverMs = Date.now() - stoppedAt
    expect(handoverMs).toBeLessThan(30_000)

    await insertDrift(apps[0]!.store, { day: today - 2, psi: { age: 0.6 } })
    await waitFor(async () => slack.accepted.length, (n) => n >= 2, { what: 'the second alert in Slack', timeoutMs: 30_000 })
    // A few more passes of the new leader: nothing is sent again.
    await new Promise((r) => setTimeout(r, 3000))
    const texts = slack.accepted.map((r) => JSON.stringify(r.body))
    expect(texts).toHaveLength(2)
    expect(texts.filter((t) => t.includes('income'))).toHaveLength(1)
    expect(texts.filter((t) => t.includes('age'))).toHaveLength(1)
  })
})

/** A Slack webhook that answers every request after `delayMs`: the request stays open meanwhile. */
async function slowSlack(delayMs: number) {
  const bodies: string[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'))
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), delayMs)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

describe('leadership moved by a rebalance while a notification is being sent', () => {
  const rulesDir = mkdtempSync(join(tmpdir(), 'dw-rules-'))
  writeFileSync(join(rulesDir, 'psi.yaml'), RULES)
  const prefix = `${uniqueName('move')}.`
  const group = uniqueName('g')
  const db = uniqueName('move')
  const file = parseFileConfig('evaluation:\n  interval: 500ms\nmodels:\n  - id: m\n    window: 1d\n', 'test.yaml')
  const apps: App[] = []
  let slack: Awaited<ReturnType<typeof slowSlack>> | null = null
  // The election's assigner (src/kafka/co-partitioned-assigner.ts) gives the one partition to the
  // subscriber whose member id sorts first, and a member id starts with the client id: the
  // instance that joins later is elected.
  const configFor = (clientId: string) => testConfig({ env: { DRIFTWATCH_TOPIC_PREFIX: prefix, KAFKA_GROUP_ID: group, KAFKA_CLIENT_ID: clientId, CLICKHOUSE_DATABASE: db, DRIFTWATCH_ALERT_RULES: rulesDir, SLACK_WEBHOOK_URL: `${slack!.url}/services/T/B/X` } })

  afterAll(async () => {
    for (const app of apps) await app.stop()
    await slack?.close()
    rmSync(rulesDir, { recursive: true, force: true })
    await dropTestResources(configFor('x'))
  })

  it('sends the alert exactly once when a joining instance takes the leadership while the leader\'s request is open', { timeout: 180_000 }, async () => {
    slack = await slowSlack(5_000)
    const configA = configFor('zz-old')
    const a = await startApp(configA, createLogger(configA.logLevel), { file })
    apps.push(a)
    await waitFor(async () => a.leading().alerts, (x) => x, { what: 'the first instance leading the alerts', timeoutMs: 60_000 })
    const today = Math.floor(Date.now() / DAY)
    await insertDrift(a.store, { day: today - 2, psi: { income: 0.5 } })
    await waitFor(async () => slack!.bodies.length, (n) => n >= 1, { what: 'the alert reaching Slack (answered in 5 s)', timeoutMs: 30_000 })

    // A rolling deploy: a new instance joins; the group rebalances and elects it.
    const configC = configFor('aa-new')
    const c = await startApp(configC, createLogger(configC.logLevel), { file })
    apps.push(c)
    await waitFor(async () => c.leading().alerts && !a.leading().alerts, (x) => x, { what: 'the new instance leading the alerts', timeoutMs: 30_000 })

    // Past the new leader's deferral of the row in 'sending' (Slack's 10 s timeout + the 10 s
    // session timeout), and a few passes more.
    await new Promise((r) => setTimeout(r, 25_000))
    expect(slack.bodies).toHaveLength(1)
    const rows = await a.store.client.query({ query: `SELECT status FROM ${db}.alert_outbox FINAL WHERE channel = 'slack'`, format: 'JSONEachRow' })
    expect(await rows.json()).toEqual([{ status: 'sent' }])
  })
})
