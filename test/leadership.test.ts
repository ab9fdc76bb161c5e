/**
 * Many instances, one evaluator and one alert service: three app instances in one group (one
 * process, sharing chDB) elect exactly one leader for each singleton role through Kafka's group
 * coordination; when the leader stops, another instance takes over within seconds, and every
 * alert is delivered exactly once across the handover.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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
