/**
 * Instances configured differently in one group: the alerts leader is elected whatever its
 * channels. A leader without SLACK_WEBHOOK_URL records a firing's Slack notification as pending
 * (shown so by `driftwatch alerts list`), not as handled; once it stops and an instance with Slack
 * takes over, that one sends it, once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { runAlertsList } from '../src/cli/alerts.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { insertDrift } from './support/alerts.js'
import { dropTestResources, testConfig, uniqueName } from './support/config.js'
import { slackReceiver } from './support/http-receiver.js'
import { queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const DAY = 86_400_000
const RULES = `rules:\n  - name: psi\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n    severity: critical\n    channels: [slack]\n`

describe('an alerts leader without a rule\'s channel', () => {
  const slack = slackReceiver()
  const rulesDir = mkdtempSync(join(tmpdir(), 'dw-rules-'))
  writeFileSync(join(rulesDir, 'psi.yaml'), RULES)
  const prefix = `${uniqueName('chan')}.`
  const group = uniqueName('g')
  const db = uniqueName('chan')
  const file = parseFileConfig('evaluation:\n  interval: 500ms\nmodels:\n  - id: m\n    window: 1d\n', 'test.yaml')
  const apps: App[] = []
  // Client ids order the members: the one without Slack is elected first.
  const configFor = (clientId: string, withSlack: boolean) => testConfig({ env: {
    DRIFTWATCH_TOPIC_PREFIX: prefix, KAFKA_GROUP_ID: group, KAFKA_CLIENT_ID: clientId, CLICKHOUSE_DATABASE: db, DRIFTWATCH_ALERT_RULES: rulesDir,
    ...(withSlack ? { SLACK_WEBHOOK_URL: `${slack.url}/services/T/B/X` } : {}),
  } })

  afterAll(async () => {
    for (const app of apps) await app.stop()
    await slack.down()
    rmSync(rulesDir, { recursive: true, force: true })
    await dropTestResources(configFor('x', true))
  })

  it('leaves the notification pending, and the successor with Slack sends it once', { timeout: 180_000 }, async () => {
    await slack.up()
    const configA = configFor('aa-no-slack', false)
    const a = await startApp(configA, createLogger(configA.logLevel), { file })
    apps.push(a)
    const configB = configFor('zz-slack', true)
    const b = await startApp(configB, createLogger(configB.logLevel), { file })
    apps.push(b)
    await waitFor(async () => a.leading().alerts && !b.leading().alerts, (x) => x, { what: 'the instance without Slack leading the alerts', timeoutMs: 60_000 })

    await insertDrift(a.store, { day: Math.floor(Date.now() / DAY) - 2, psi: { income: 0.5 } })
    const outbox = () => queryRows<{ channel: string; status: string; last_error: string }>(a.store, 'SELECT channel, status, last_error FROM {db}.alert_outbox FINAL ORDER BY channel')
    const pending = await waitFor(outbox, (rows) => rows.length > 0, { what: 'the firing enqueued', timeoutMs: 30_000 })
    expect(pending).toEqual([{ channel: 'slack', status: 'pending', last_error: expect.stringMatching(/no running alerts leader has this channel configured/) }])
    const lines: string[] = []
    await runAlertsList(configA, {}, { out: (l) => void lines.push(l) })
    expect(lines.join('\n')).toMatch(/slack pending: no running alerts leader has this channel configured/)
    expect(slack.accepted).toHaveLength(0)

    await a.stop()
    apps.splice(apps.indexOf(a), 1)
    await waitFor(async () => b.leading().alerts, (x) => x, { what: 'the instance with Slack leading the alerts', timeoutMs: 30_000 })
    await waitFor(async () => slack.accepted.length, (n) => n >= 1, { what: 'the Slack message', timeoutMs: 30_000 })
    // Its passes go on: the transition stays handled, nothing is sent again.
    await new Promise((r) => setTimeout(r, 3000))
    expect(slack.accepted).toHaveLength(1)
    expect(await queryRows<{ channel: string; status: string }>(b.store, 'SELECT channel, status FROM {db}.alert_outbox FINAL')).toEqual([{ channel: 'slack', status: 'sent' }])
  })
})
